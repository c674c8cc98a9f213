import { CT1_SCAN, withCalibration } from '../../src/claims/calibration';
import { bDerived, CT1_SPEC, PAPER_B_NOTE, PAPER_B_REFERENCE } from './quantities';
import { BRegion, regionConstants, regionHypothesesAndRegimes } from './region';
import { at, BRun, bUnitsEvaluation, decided, maxOf, minOf, noFlips, SeedOutcome, splitSamples, trainToHorizon } from './replicates';
import type { Claim, Evaluation } from '../../src/claims/types';

/**
 * B.stage1: Theorem 4.1 of paper B, the end of stage 1.
 *
 * Paper (as restated in claims.md): "at T1, gamma > rhobar on noisy samples (signal dominates);
 * every clean training sample is classified correctly and every noisy training sample is
 * classified by its TRUE label (the model rejects the wrong label)", with
 * T1 = Theta(n m / (eta sigma_p^2 d)).
 *
 * Predicate, per seed, at T1 = cT1 n m/(eta sigma_p^2 d) (paper B splits rho by the observed
 * label, so rhobar_i = max_r rho_{yobs_i, r, i}, measured as maxRhoObs):
 *  - max_{j,r} gamma_{j,r} > max_{i in S_f} rhobar_i          (signal dominates on S_f)
 *  - y_i f(x_i) > 0 for every clean i in S_t                  (clean samples correct)
 *  - y_i f(x_i) > 0 for every noisy i in S_f, y_i the TRUE label  (wrong label rejected)
 * Margin: the smallest of max gamma - max rhobar and the true-label margins y_i f_i.
 * One unit per seed (holds / breaks); a seed with no flipped sample is vacuous (S_f empty). The
 * predicate is `stage1Link`, shared with B.chain. T1 is a time point we compute (cT1 x the time
 * unit), not an event, so this claim has no `not-reached`; T1 beyond the step budget is `budget`.
 * Tiers: working and robustness; no paper tier and no literal tier (PAPER_B_NOTE).
 *
 * Working region: OUR constants, calibrated (set where the claim held); the experiments behind each bound: docs/claims/B.stage1.md.
 */

/** The defaults of this claim's region (B.log2 checks the log-2 rule in the same region). */
export const STAGE1_REGION: BRegion = {
  nSnr2Lo: 8, nSnr2Hi: 16,
  tauMin: 0.05, tauMax: 0.15,
  dOverNMin: 16,
  etaMax: 10, sigma0Max: 0.05, widthLog: 2, nMin: 60,
  nMax: 120, mMax: 20, dOverNMax: 40, etaMin: 1, sigma0Min: 0.005, unitMax: 200, nTest: 200,
};

/** Why each calibrated region bound of B.stage1 has its value. */
export const STAGE1_CALIBRATED = {
  nSnr2Lo: 'at n SNR^2 = 4 noisy samples were fitted to their wrong label by T1 in 1/4-3/4 of the seeds; 8 held in scans',
  nSnr2Hi: 'upper end of the scanned range where the claim held',
  tauMax: 'at tau = 0.2-0.3 the claim failed in scans; 0.15 held',
  tauMin: 'a seed needs flipped samples for the S_f parts to say anything',
  dOverNMin: 'at d/n <= 8 single noisy samples flipped early; 16 held',
} as const;

const constants = {
  ...regionConstants(STAGE1_REGION, STAGE1_CALIBRATED),
  cT1: CT1_SPEC,
};

/**
 * Theorem 4.1 on one seed's run at T1 (B.stage1's predicate; B.chain's first link):
 * max gamma > max rhobar on S_f, every clean sample correct, every noisy sample classified by its true label.
 */
export function stage1Link(run: BRun, T1: number): SeedOutcome {
  if (run.nFlipped === 0) return noFlips(run.seed);
  const meas = at(run.result, T1);
  if (!meas) return { seed: run.seed, verdict: 'budget', margin: null, note: `no measurement at T1 = ${T1}` };
  const s = splitSamples(meas, run);
  const maxRhoNoisy = maxOf(s.noisyRhoObs);
  const gap = meas.maxGamma - maxRhoNoisy; // Theorem 4.1: gamma > rhobar on S_f
  const cleanMin = minOf(s.cleanObs); // clean samples correct
  const noisyTrueMin = minOf(s.noisyObs.map((z) => -z)); // noisy samples classified by their true label
  const cleanWrong = s.cleanObs.filter((z) => !(z > 0)).length;
  const noisyWrongTrue = s.noisyObs.filter((z) => !(z < 0)).length;
  const holds = gap > 0 && cleanMin > 0 && noisyTrueMin > 0;
  return decided(run.seed, holds, Math.min(gap, cleanMin, noisyTrueMin), {
    ...(holds ? {} : { note: `at T1 = ${T1}: ${gap > 0 ? '' : 'max gamma <= max rhobar on S_f; '}${cleanWrong} clean wrong, ${noisyWrongTrue} noisy fitted to their wrong label` }),
    nFlipped: run.nFlipped, maxGamma: meas.maxGamma, maxRhoNoisy, gap, cleanWrong, noisyWrongTrue,
    minCleanMargin: cleanMin, minNoisyTrueMargin: noisyTrueMin, trainLoss: meas.trainLoss, testError: meas.testError,
  });
}

export const claim: Claim = {
  id: 'B.stage1',
  title: 'End of stage 1: the signal dominates, clean samples fitted, noisy samples classified by their true label',
  source: { paper: 'B', result: 'Theorem 4.1', reference: PAPER_B_REFERENCE },
  statement:
    'At T1 = Theta(n m/(eta sigma_p^2 d)) the signal coefficient exceeds the noise coefficients of the noisy samples, every clean ' +
    'training sample is classified correctly and every noisy training sample is classified by its true (not its observed) label.',
  predicate:
    'Per seed at T1 = cT1 n m/(eta sigma_p^2 d): max gamma > max_{i in S_f} max_r rho_{yobs_i,r,i}, and y_i f(x_i) > 0 for every ' +
    'training sample (true labels); one unit per seed.',
  kind: 'regime',
  tiers: ['working', 'robustness'],
  paperNote: PAPER_B_NOTE,
  constants,

  ...regionHypothesesAndRegimes((k) => k.cT1),

  async evaluate(regime, ctx): Promise<Evaluation> {
    // GD to T1, measured at 0 and at T1 only, per sample
    const t = await trainToHorizon(regime, ctx, { perSample: true });
    if (t.early) return t.early;
    const { base, T1, hypotheses, runs, configs } = t;

    const outcomes = runs.map((run) => stage1Link(run, T1));

    return bUnitsEvaluation(outcomes, hypotheses, configs, { T1, derived: bDerived(base) },
      'at T1 max gamma > max rhobar on S_f and every sample classified by its true label');
  },
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, { scans: [CT1_SCAN] });
