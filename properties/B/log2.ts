import { CT1_SCAN, withCalibration } from '../../src/claims/calibration';
import { bDerived, CT1_SPEC, PAPER_B_NOTE, PAPER_B_REFERENCE } from './quantities';
import { regionConstants, regionHypothesesAndRegimes } from './region';
import { at, BRun, bUnitsEvaluation, decided, maxOf, minOf, noFlips, SeedOutcome, splitSamples, trainToHorizon } from './replicates';
import type { Claim, Evaluation } from '../../src/claims/types';
import { STAGE1_CALIBRATED, STAGE1_REGION } from './stage1';

/**
 * B.log2: Proposition 4.3(b) of paper B, small-loss sample selection at the threshold log 2.
 *
 * Paper (as restated in claims.md): "at T1 every clean sample has training loss <= log 2 and every
 * noisy sample >= log 2, so the threshold log 2 separates them perfectly".
 *
 * Predicate, per seed, at T1 = cT1 n m/(eta sigma_p^2 d) (the losses are on the observed labels):
 *     max_{i in S_t} l(yobs_i f_i) <= log 2   and   min_{i in S_f} l(yobs_i f_i) >= log 2.
 * (l <= log 2 iff yobs f >= 0: the rule selects exactly the samples the model agrees with.)
 * Margin: min(log 2 - max clean loss, min noisy loss - log 2). One unit per seed (`log2Link`,
 * shared with B.chain); a seed with no flipped sample is vacuous.
 *
 * DERIVED from B.stage1 (`derivedFrom`): a logistic loss is at most log 2 exactly when the margin
 * is non-negative, so the verdict at T1 is the sign part of Theorem 4.1 (clean samples fitted,
 * noisy samples classified by their true label) up to ties at margin 0. Its units are reported,
 * but as derived, not as independent evidence. What it adds is the precision/recall series.
 *
 * Reported over time (every T1 up to horizonUnits n m/(eta sigma_p^2 d), not only at T1): the
 * precision |selected and clean| / |selected| and recall |selected and clean| / |clean| of the
 * rule "select the samples with loss <= log 2", per seed. Precision falls as stage 2 memorizes
 * the noisy samples (their loss drops below log 2); the step where it first drops is reported.
 *
 * Working region: B.stage1's (same calibrated constants, same experiments); horizonUnits = 10 covers the start of stage 2 in most of
 * the region (noisy samples are memorized after ~5-20 units).
 */

const LOG2 = Math.LN2;

const constants = {
  // B.stage1's region, but for the generator box's largest time unit (unitMax 150, B.stage1: 200)
  ...regionConstants({ ...STAGE1_REGION, unitMax: 150 }, STAGE1_CALIBRATED),
  cT1: CT1_SPEC,
  horizonUnits: {
    default: 10, min: 0, help: 'precision/recall of the log-2 rule are reported up to horizonUnits n m/(eta sigma_p^2 d) steps (not part of the verdict)',
    provenance: 'chosen' as const, source: 'reporting horizon: covers the start of stage 2 (noisy samples memorized after ~5-20 units); not part of the verdict',
  },
};

/** Proposition 4.3(b) at T1 on one seed's run (B.log2's predicate; a link of B.chain): max clean loss <= log 2 <= min noisy loss. */
export function log2Link(run: BRun, T1: number): SeedOutcome {
  if (run.nFlipped === 0) return noFlips(run.seed);
  const meas = at(run.result, T1);
  if (!meas) return { seed: run.seed, verdict: 'budget', margin: null, note: `no measurement at T1 = ${T1}` };
  const s = splitSamples(meas, run);
  const maxClean = maxOf(s.cleanLoss), minNoisy = minOf(s.noisyLoss);
  const cleanAbove = s.cleanLoss.filter((l) => l > LOG2).length, noisyBelow = s.noisyLoss.filter((l) => l < LOG2).length;
  const holds = maxClean <= LOG2 && minNoisy >= LOG2;
  return decided(run.seed, holds, Math.min(LOG2 - maxClean, minNoisy - LOG2), {
    ...(holds ? {} : { note: `at T1 = ${T1}: ${cleanAbove} clean samples above log 2, ${noisyBelow} noisy below` }),
    nFlipped: run.nFlipped, maxCleanLoss: maxClean, minNoisyLoss: minNoisy, cleanAboveLog2: cleanAbove, noisyBelowLog2: noisyBelow,
  });
}


export const claim: Claim = {
  id: 'B.log2',
  title: 'Small-loss selection: at T1 the threshold log 2 separates clean from noisy samples',
  source: { paper: 'B', result: 'Proposition 4.3(b)', reference: PAPER_B_REFERENCE },
  statement:
    'At T1 every clean training sample has loss <= log 2 and every noisy training sample loss >= log 2, so selecting the samples ' +
    'with loss <= log 2 recovers the clean set exactly.',
  predicate:
    'Per seed at T1 = cT1 n m/(eta sigma_p^2 d): max clean loss <= log 2 <= min noisy loss (derived from B.stage1: the sign part of ' +
    'Theorem 4.1; not independent evidence). Precision and recall of the log-2 rule are reported every T1 up to horizonUnits time units.',
  kind: 'regime',
  tiers: ['working', 'robustness'],
  derivedFrom: 'B.stage1',
  paperNote: PAPER_B_NOTE,
  constants,

  ...regionHypothesesAndRegimes((k) => Math.max(k.cT1, k.horizonUnits)),

  async evaluate(regime, ctx): Promise<Evaluation> {
    // GD every T1, per sample: the series runs to horizonUnits time units as far as the budget allows (the verdict only needs T1)
    const t = await trainToHorizon(regime, ctx, { horizonUnits: ctx.constants.horizonUnits, perSample: true });
    if (t.early) return t.early;
    const { base, T1, steps, hypotheses, runs, configs } = t;

    const outcomes = runs.map((run) => {
      const o = log2Link(run, T1);
      if (o.verdict === 'vacuous') return o;
      // precision / recall of "select loss <= log 2" over time (reported, not part of the verdict)
      const series = run.result.trajectory.map((t) => {
        const s = splitSamples(t, run);
        const tp = s.cleanLoss.filter((l) => l <= LOG2).length;
        const fp = s.noisyLoss.filter((l) => l <= LOG2).length;
        return { step: t.step, selected: tp + fp, precision: tp + fp > 0 ? tp / (tp + fp) : null, recall: tp / Math.max(1, s.cleanLoss.length) };
      });
      const atT1 = series.find((p) => p.step === T1);
      const firstImpure = series.find((p) => p.step > T1 && p.precision !== null && p.precision < 1);
      return {
        ...o, precisionAtT1: atT1?.precision ?? null, recallAtT1: atT1?.recall ?? null,
        precisionFinal: series[series.length - 1].precision, recallFinal: series[series.length - 1].recall,
        firstStepPrecisionBelow1: firstImpure ? firstImpure.step : null, series,
      };
    });

    return bUnitsEvaluation(outcomes, hypotheses, configs, { T1, steps, derived: bDerived(base), derivedFrom: 'B.stage1' },
      'at T1 max clean loss <= log 2 <= min noisy loss');
  },
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, { scans: [CT1_SCAN] });
