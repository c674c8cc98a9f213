import { MIN_STEPS_SPEC, PAPER_N_TEST_SPEC } from './constants';
import { nearestRankQuantile } from '../../src/stats/quantile';
import { withCalibration } from '../../src/claims/calibration';
import { divergedVerdict, unitsEvaluation } from '../../src/claims/kit/replicates';
import { replicateSeeds, trainVariants } from '../../src/claims/kit/training';
import { noiseBandLink } from './links';
import { PAPER_A_PRESETS, paperASettings } from './presets';
import { derived, evalEveryFor, labelNoiseAlgo, PAPER_A_REFERENCE, stepsFor, timeT1, timeTLN } from './quantities';
import { regionConstants, regionHypothesesAndRegimes, regionPreflight, WORKING_REGION } from './region';
import { chosenConst, paperConst } from '../../src/claims/kit/specs';
import type { CalibrationResult, Claim, Constants, Evaluation, Unit } from '../../src/claims/types';
import type { TrainConfig } from '../../src/training/config';
import type { Measurement } from '../../src/training/measure';

/**
 * A.noise-bounded: the stage-2 supermartingale lemma of paper A (Lemma D.4 ICLR'25 / 4.5, E.4 NeurIPS'25).
 *
 * Paper (as restated in claims.md): "after stage 1, under label-noise GD each
 * iota_i = (1/m) sum_r rhobar_{y_i,r,i}^2 stays within a constant band around a level iota_i*
 * (it oscillates, it does not grow), while max gamma keeps growing until it is of constant order."
 *
 * Predicate, per seed (one unit), on one label-noise GD run, in the lemma's window: from the first
 * measurement >= T1 (kT1 x T1) until max gamma passes gammaPass (0.1, "constant order"):
 *  - two-sided per-sample band: every iota_i(t) in [iota_i* / cLow, cHigh iota_i*], where iota_i*
 *    is the median of iota_i over the window (the level the lemma says iota_i oscillates around;
 *    iota_i at T1 was tried first: iota_i/iota_i(T1) spanned 5e-4..1e4 in the working region);
 *    a sample with iota_i* = 0 (no active filter) must stay at 0;
 *  - max gamma grows: it passes gammaPass within the run, from below it at T1.
 * A window that never starts (the run ends before T1) or never ends (max gamma not past gammaPass
 * within kReach x T_LN, or within the preset's run in the paper tier) is `not-reached`; max gamma
 * already past gammaPass at T1 (no stage 2) is inconclusive. (The old upper-only band against
 * log((1-p)/p) missed the collapse of iota: iota falls to 0.002-0.02 of its T1 level.)
 *
 * Working region: kappa in [0.3, 0.5] (calibrated: there label-noise GD showed the paper's picture).
 */

const NOISE_BOUNDED_REGION = { ...WORKING_REGION, kappaMin: 0.3, kappaMax: 0.5, nSnr2Min: 0.25, pMin: 0.1 };

const constants = {
  ...regionConstants(NOISE_BOUNDED_REGION, {
    kappaMax: 'chosen by looking at results: above ~0.5 the noise filters of a sample died (iota froze)',
    pMin: 'chosen by looking at results',
  }),
  kT1: chosenConst({ default: 1, min: 0, help: 'stage 2 starts at kT1 * T1' }, 'chosen: the paper\'s T1 as stated'),
  kStage: chosenConst({ default: 4, min: 0, help: 'Theta constant of T_LN on the noise term (as A.lngd-generalizes)' }, 'chosen: 4 as in T1'),
  kSignal: chosenConst({ default: 16, min: 0, help: 'Theta constant of T_LN on the signal term (as A.lngd-generalizes)' }, 'chosen: as A.lngd-generalizes', true),
  gammaPass: paperConst({ default: 0.1, min: Number.MIN_VALUE, help: 'the window ends when max gamma passes gammaPass (the lemma\'s stage 2 lasts until gamma is of constant order)' }, 'Lemma 4.5 (NeurIPS\'25): stage 2 until max gamma reaches a constant (0.1 in claims.md)'),
  cLow: chosenConst({ default: 10, min: 1, help: 'band: every iota_i(t) in the window must be >= iota_i* / cLow' }, 'chosen: "a constant band"; 10 is our tolerance', true),
  cHigh: chosenConst({ default: 4, min: 1, help: 'band: every iota_i(t) in the window must be <= cHigh iota_i*' }, 'chosen: "a constant band"; 4 is our tolerance', true),
  kReach: chosenConst({ default: 4, min: 1, help: 'max gamma not past gammaPass within kReach x T_LN is not-reached' }, 'chosen: the same k = 4 for every event of the A claims'),
  evalPoints: chosenConst({ default: 40, min: 1, integer: true, help: 'measurements per run' }, 'chosen: resolution of the window vs cost'),
  minSteps: MIN_STEPS_SPEC,
  paperNTest: PAPER_N_TEST_SPEC,
  runStepCap: chosenConst({ default: 8000, min: 1, integer: true, help: 'steps one run may take (with the profile maxSteps): a longer kReach T_LN is a budget verdict' }, 'chosen: cost'),
};

/** The A.noise-bounded link of one label-noise GD run (perSample trajectory), shared with A.chain. */
export function noiseBoundedOutcome(traj: readonly Measurement[], base: TrainConfig, k: Constants) {
  return noiseBandLink(traj, { T1: stepsFor(k.kT1 * timeT1(base), 1), gammaPass: k.gammaPass, cLow: k.cLow, cHigh: k.cHigh });
}

/** Run length of the window: kReach x T_LN (at least 2 T1), or the preset's steps in the paper tier. */
export function noiseBoundedSteps(base: TrainConfig, k: Constants, paper: boolean): number {
  if (paper) return base.steps;
  const T1 = stepsFor(k.kT1 * timeT1(base), 1);
  return Math.max(Math.ceil(k.kReach * stepsFor(timeTLN(base, k.kStage, k.kSignal), k.minSteps)), 2 * T1);
}

export const claim: Claim = {
  id: 'A.noise-bounded',
  title: 'Label-noise GD keeps noise memorization bounded while the signal grows (stage 2)',
  source: { paper: 'A', result: "Lemma D.4 (ICLR'25) / Lemmas 4.5, E.4 (NeurIPS'25)", reference: PAPER_A_REFERENCE },
  statement:
    'After stage 1, under label-noise GD each iota_i = (1/m) sum_r rhobar_{y_i,r,i}^2 stays in a constant band around its level ' +
    'instead of growing or collapsing, while max gamma grows until it is of constant order.',
  predicate:
    'Per seed (one unit), from T1 until max gamma passes gammaPass: every iota_i(t) in [med_i/cLow, cHigh med_i] (med_i: iota_i\'s window median) and max gamma passes ' +
    'gammaPass; a window that never starts or never ends within kReach T_LN (paper tier: the preset\'s run) is not-reached.',
  kind: 'regime',
  tiers: ['literal', 'paper', 'working', 'robustness'],
  constants,
  paperNote: 'Figure 1\'s setting (paper-a-main): the lemma describes the main experiment\'s label-noise GD run.',
  paperSettings() {
    return paperASettings([PAPER_A_PRESETS.main]);
  },

  ...regionHypothesesAndRegimes,

  async evaluate(regime, ctx): Promise<Evaluation> {
    const pre = regionPreflight(regime, ctx, (base, k, paper) => {
      const T1 = k.kT1 * timeT1(base);
      const TLN = timeTLN(base, k.kStage, k.kSignal);
      return { T1, TLN, steps: noiseBoundedSteps(base, k, paper) };
    }, 'A.noise-bounded');
    if (pre.early) return pre.early;
    const { k, hypotheses, base, plan: { T1, TLN, steps } } = pre;

    const cfg = {
      ...base, algo: labelNoiseAlgo(base), steps, evalEvery: Math.min(evalEveryFor(steps, k.evalPoints), stepsFor(T1, 1)),
      ...(ctx.tier === 'paper' ? { nTest: Math.min(base.nTest, k.paperNTest) } : {}),
    };
    const trained = await trainVariants(cfg, { lngd: {} }, replicateSeeds(regime, ctx.settings.replicates), ctx, true);
    const configs = trained.map((t) => t.runs.lngd.config);
    const diverged = divergedVerdict(trained, hypotheses, configs);
    if (diverged) return diverged;

    const per = trained.map(({ seed, runs }) => {
      const o = noiseBoundedOutcome(runs.lngd.trajectory, base, k);
      return { unit: { seed, verdict: o.verdict, margin: o.margin, note: o.note } as Unit, data: o.data };
    });
    return unitsEvaluation(per.map((p) => p.unit), {
      hypotheses, configs,
      measurements: {
        T1, TLN, steps, derived: derived(base), cLow: k.cLow, cHigh: k.cHigh, gammaPass: k.gammaPass,
        ...(typeof regime.preset === 'string' ? { preset: regime.preset } : {}),
        perSeed: per.map((p) => ({ seed: p.unit.seed, verdict: p.unit.verdict, ...p.data })),
      },
      what: `every iota_i within [median_i/${k.cLow}, ${k.cHigh} median_i] until max gamma passes ${k.gammaPass}`,
    });
  },

  /**
   * cLow and cHigh re-derived on calibration units (windows that started and ended): cHigh = 1.25 x
   * the 90% quantile of the per-unit max iota_i(t)/iota_i*, cLow = 1.25 x the 90% quantile of the
   * per-unit 1 / min iota_i(t)/iota_i* (each at least 1): the band 90% of calibration units stay in, widened by 25%.
   */
  async calibrate(c): Promise<CalibrationResult> {
    const regimes = c.regimes(Math.max(1, Math.round(2 * c.budget)));
    const hi: number[] = [], lo: number[] = [], seeds: number[] = [];
    for (const [i, r] of regimes.entries()) {
      const ev = await c.evaluate(r);
      for (const p of (ev.measurements.perSeed as { seed: number; minIotaRatio?: number | null; maxIotaRatio?: number }[] | undefined) ?? []) {
        seeds.push(p.seed);
        if (typeof p.maxIotaRatio === 'number' && p.maxIotaRatio > 0) hi.push(p.maxIotaRatio);
        if (typeof p.minIotaRatio === 'number') lo.push(p.minIotaRatio > 0 ? 1 / p.minIotaRatio : Infinity);
      }
      c.progress?.(i + 1, regimes.length, 'A.noise-bounded calibration');
    }
    const qh = hi.length ? nearestRankQuantile(hi, 0.9) : NaN, ql = lo.length ? nearestRankQuantile(lo, 0.9) : NaN;
    return {
      constants: {
        cHigh: Number.isFinite(qh) ? Number(Math.max(1, 1.25 * qh).toPrecision(3)) : c.constants.cHigh,
        cLow: Number.isFinite(ql) ? Number(Math.max(1, 1.25 * ql).toPrecision(3)) : c.constants.cLow,
      },
      method: {
        cHigh: `1.25 x the 90% quantile of max iota_i/iota_i* over ${hi.length} calibration windows (q90 = ${qh})`,
        cLow: `1.25 x the 90% quantile of iota_i*/min iota_i over ${lo.length} calibration windows (q90 = ${ql})`,
      },
      seeds,
    };
  },
};

/** Pre-registration: every calibrated constant re-derived on the calibration stream (src/claims/calibration.ts). */
withCalibration(claim, {
  ownCovers: ['cLow', 'cHigh'],
  scans: [{ name: 'kSignal', grid: [8, 16, 32], prefer: 'smallest', why: 'the time point kSignal x signal time: the earliest pre-registered one at which the calibration units meet the target' }],
});
