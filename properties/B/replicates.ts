import { bDerived, horizonSteps, timeT1 } from './quantities';
import { bHypotheses, regionHypothesesAndRegimes, regionOf } from './region';
import { divergedVerdict, unitsEvaluation } from '../../src/claims/kit/replicates';
import { regimeConfig, replicateSeeds, trainVariants } from '../../src/claims/kit/training';
import { preflight } from '../../src/claims/kit/preflight';
import { type Claim, type Constants, DECISIVE, type EvalContext, type Evaluation, type HypothesisReport, type Regime, type Unit, type Verdict } from '../../src/claims/types';
import { makeDataset } from '../../src/data/signalNoise';
import { clopperPearson } from '../../src/stats';
import type { TrainConfig } from '../../src/training/config';
import type { Measurement } from '../../src/training/measure';
import type { TrainResult } from '../../src/training/train';

/** Training paper B's replicate seeds and judging one unit per seed. */

/** One replicate: the GD run of one seed and the labels of its training set. */
export interface BRun {
  seed: number;
  result: TrainResult;
  /** 1 for the flipped samples S_f */
  flipped: Uint8Array;
  /** observed training labels (after the flips) */
  yObs: Float64Array;
  nFlipped: number;
}

/**
 * Train GD on every replicate seed (kit/training trainVariants) with `steps` steps, measuring every
 * `evalEvery` steps (and per sample when asked), and recover each seed's flipped set (the training
 * set and its flips do not depend on nTest, so they are redrawn with nTest = 1, cheaply).
 */
export async function trainReplicates(
  base: TrainConfig,
  regime: Regime,
  ctx: Pick<EvalContext, 'engine' | 'settings'>,
  perSample: boolean,
): Promise<{ runs: BRun[]; trained: Awaited<ReturnType<typeof trainVariants>>; configs: Partial<TrainConfig>[] }> {
  const seeds = replicateSeeds(regime, ctx.settings.replicates);
  const trained = await trainVariants(base, { gd: { algo: 'gd' } }, seeds, ctx, perSample);
  const runs = trained.map(({ seed, runs: r }) => {
    const data = makeDataset({ ...base, seed, nTest: 1 });
    const nFlipped = data.flipped.reduce((a, b) => a + b, 0);
    return { seed, result: r.gd, flipped: data.flipped, yObs: data.yObs, nFlipped };
  });
  return { runs, trained, configs: trained.map((t) => t.runs.gd.config) };
}

/** yobs_i f_i from the per-sample training loss l = log(1 + exp(-yobs f)). */
export function observedMargin(loss: number): number {
  if (loss > 30) return -loss; // l ~ -z for very negative z
  return -Math.log(Math.expm1(loss)); // +Infinity when l underflows to 0
}

export interface SampleSplit {
  /** y_i f_i over all samples (true-label margin) */
  trueMargins: number[];
  /** yobs f over the clean samples S_t */
  cleanObs: number[];
  /** yobs f over the noisy samples S_f */
  noisyObs: number[];
  cleanLoss: number[];
  noisyLoss: number[];
  /** max_r rho_{yobs_i, r, i} of the noisy samples */
  noisyRhoObs: number[];
}

/** Per-sample quantities of a measurement split into clean S_t and noisy S_f (needs perSample). */
export function splitSamples(meas: Measurement, run: BRun): SampleSplit {
  const ps = meas.perSample;
  if (!ps) throw new Error('splitSamples: the run was not measured per sample');
  const out: SampleSplit = { trueMargins: [], cleanObs: [], noisyObs: [], cleanLoss: [], noisyLoss: [], noisyRhoObs: [] };
  ps.loss.forEach((l, i) => {
    const z = observedMargin(l);
    if (run.flipped[i]) {
      out.noisyObs.push(z);
      out.noisyLoss.push(l);
      out.noisyRhoObs.push(ps.maxRhoObs[i]);
      out.trueMargins.push(-z);
    } else {
      out.cleanObs.push(z);
      out.cleanLoss.push(l);
      out.trueMargins.push(z);
    }
  });
  return out;
}

export function minOf(xs: readonly number[]): number {
  let v = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x < v) v = x;
  return v;
}

export function maxOf(xs: readonly number[]): number {
  let v = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > v) v = x;
  return v;
}

/** The measurement at exactly `step` (null when the trajectory has none, e.g. a run stopped early). */
export function at(result: TrainResult, step: number): Measurement | null {
  return result.trajectory.find((t) => t.step === step) ?? null;
}

/** Number of test errors behind a measured test error rate. */
export function testErrors(meas: Measurement, nTest: number): number {
  return Math.round(meas.testError * nTest);
}

/**
 * One-sided (1 - alpha) Clopper-Pearson limits of a population error rate measured as k errors in
 * nTest clean test samples. An upper bound b on a test error is judged broken only when
 * significantly violated (lowerLimit > b), a lower bound only when upperLimit < b; the margins
 * b - lowerLimit and upperLimit - b are > 0 exactly on the holding side.
 */
export function lowerLimit(k: number, nTest: number, alpha: number): number {
  return clopperPearson(k, nTest, 1 - 2 * alpha).lo;
}

export function upperLimit(k: number, nTest: number, alpha: number): number {
  return clopperPearson(k, nTest, 1 - 2 * alpha).hi;
}

/**
 * The outcome of one seed under one predicate (a link of B.chain or a single claim): its unit
 * verdict and margin, a note, and the numbers behind it (kept in the evaluation's measurements).
 */
export interface SeedOutcome {
  seed: number;
  verdict: Verdict;
  /** > 0 on the holding side; null when the unit is not decisive */
  margin: number | null;
  note?: string;
  [k: string]: unknown;
}

export function toUnit(o: SeedOutcome): Unit {
  return { seed: o.seed, verdict: o.verdict, margin: DECISIVE.includes(o.verdict) ? o.margin : null, ...(o.note ? { note: o.note } : {}) };
}

/** holds / breaks from a predicate's truth and margin. */
export function decided(seed: number, holds: boolean, margin: number, rest: Record<string, unknown> = {}): SeedOutcome {
  return { ...rest, seed, verdict: holds ? 'holds' : 'breaks', margin };
}

/** A seed with no flipped training sample: the statements about S_f have no subject (vacuous in every tier). */
export function noFlips(seed: number): SeedOutcome {
  return { seed, verdict: 'vacuous', margin: null, note: NO_FLIPS };
}

/** The evaluation of a B claim from its per-seed outcomes (kit/replicates unitsEvaluation: one unit per seed, none dropped). */
export function bUnitsEvaluation(
  outcomes: SeedOutcome[],
  hypotheses: HypothesisReport,
  configs: Partial<TrainConfig>[] | undefined,
  measurements: Record<string, unknown>,
  what: string,
): Evaluation {
  return unitsEvaluation(outcomes.map(toUnit), { hypotheses, configs, measurements: { ...measurements, seeds: outcomes }, what });
}

/** An evaluation decided before (or instead of) the predicate, e.g. vacuous, budget, diverged: every seed gets its verdict. */
export function everySeed(e: Evaluation, seeds: number[]): Evaluation {
  if (e.units) return e;
  const units: Unit[] = seeds.map((seed) => ({ seed, verdict: e.verdict, margin: null, ...(e.note ? { note: e.note } : {}) }));
  return { ...e, units, note: `${seeds.length} seeds ${e.verdict}: ${e.note ?? ''}`.trim() };
}

/**
 * Where a run stands relative to its time points: T1 (steps), the steps trained, the time unit
 * n m/(eta sigma_p^2 d) (steps), and the steps the claim's horizon needs (before our step cap).
 */
export interface Horizon {
  T1: number;
  steps: number;
  unit: number;
  stepsNeeded: number;
}

/**
 * Convergence of a run (Theorem 4.2 / Proposition 4.3(a): "the loss converges"): the first
 * measurement at or after T1 with training loss <= epsConv. Not converged within
 * kReach x convUnits time units (the predicted time, k x) is `not-reached` (counts against the
 * claim); not converged because OUR step cap stopped the run earlier is `budget` (with the steps
 * it needed).
 */
export function convergencePoint(
  run: BRun,
  h: Horizon,
  k: { epsConv: number; convUnits: number; kReach: number },
): { conv: Measurement } | { outcome: SeedOutcome } {
  const conv = run.result.trajectory.find((t) => t.step >= h.T1 && t.trainLoss <= k.epsConv);
  if (conv) return { conv };
  const needed = reachSteps(h, k);
  const finalLoss = run.result.final.trainLoss;
  if (h.steps >= needed) {
    return { outcome: { seed: run.seed, verdict: 'not-reached', margin: null, finalTrainLoss: finalLoss, stepsTrained: h.steps,
      note: `not converged: training loss ${finalLoss.toPrecision(3)} > epsConv = ${k.epsConv} after ${h.steps} steps = kReach ${k.kReach} x the predicted ${k.convUnits} time units` } };
  }
  return { outcome: { seed: run.seed, verdict: 'budget', margin: null, finalTrainLoss: finalLoss, stepsTrained: h.steps, stepsNeeded: needed,
    note: `not converged within the step budget: loss ${finalLoss.toPrecision(3)} after ${h.steps} steps; deciding needs ${needed} steps (kReach x convUnits time units)` } };
}

/** Steps of kReach x convUnits time units, in whole T1 intervals. */
export function reachSteps(h: Pick<Horizon, 'T1' | 'unit'>, k: { convUnits: number; kReach: number }): number {
  return Math.max(h.T1, Math.ceil((k.kReach * k.convUnits * h.unit) / h.T1 - 1e-9) * h.T1);
}

/** What a B claim's evaluation knows once its replicates are trained. */
export interface TrainedReplicates {
  early: null;
  /** the claim's constants */
  k: Constants;
  hypotheses: HypothesisReport;
  /** the regime's training configuration */
  base: TrainConfig;
  /** T1 = cT1 n m/(eta sigma_p^2 d) in steps (timeT1) */
  T1: number;
  /** the steps trained */
  steps: number;
  horizon: Horizon;
  runs: BRun[];
  configs: Partial<TrainConfig>[];
}

/**
 * The evaluation of a B claim up to its predicate: T1 from cT1, `vacuous` outside the region
 * (literal and working tiers only), `budget` when T1 itself exceeds the step budget, GD trained on
 * the replicate seeds (trainReplicates, fixed flips) measuring every T1, and `diverged`. The run is
 * T1 steps long, or with `horizonUnits` that many time units (horizonSteps), cut to the whole T1
 * intervals of the step budget (the cut is reported as `budget` by the predicates that needed it).
 * Early verdicts give every seed a unit.
 */
export async function trainToHorizon(
  regime: Regime,
  ctx: EvalContext,
  o: { horizonUnits?: number; perSample: boolean; cT1?: number; hypotheses?: HypothesisReport },
): Promise<{ early: Evaluation } | TrainedReplicates> {
  const k = ctx.constants;
  const base = regimeConfig(regime);
  const seeds = replicateSeeds(regime, ctx.settings.replicates);
  const T1 = timeT1(base, o.cT1 ?? k.cT1);
  const hypotheses = o.hypotheses ?? bHypotheses(regime, regionOf(k));
  const pre = preflight(ctx, { hypotheses, steps: T1 });
  if (pre.early) return { early: everySeed(pre.early, seeds) };
  const unit = bDerived(base).unit;
  const stepsNeeded = o.horizonUnits === undefined ? T1 : Math.max(T1, horizonSteps(base, T1, o.horizonUnits));
  const steps = Math.max(T1, Math.min(stepsNeeded, Math.floor(ctx.settings.maxSteps / T1) * T1));

  const cfg = { ...base, algo: 'gd' as const, steps, evalEvery: T1 };
  const { runs, trained, configs } = await trainReplicates(cfg, regime, ctx, o.perSample);
  const diverged = divergedVerdict(trained, hypotheses, configs);
  if (diverged) return { early: everySeed(diverged, seeds) };
  return { early: null, k, hypotheses, base, T1, steps, horizon: { T1, steps, unit, stepsNeeded }, runs, configs };
}

/** A replicate with no flipped training sample: vacuous for the paper-B statements about S_f. */
export const NO_FLIPS = 'no training label was flipped (S_f empty)';

/**
 * The hypotheses, regimes and evaluation of a B claim judged per seed on GD runs trained to
 * convergence (B.stage2, B.early-stop): regimes sized for kReach x convUnits time units, GD measured
 * every T1 and per sample up to that horizon or the step budget, and `link` applied to every seed's
 * run; `extra` adds measurements of the claim's own (before `derived`).
 */
export function convergenceClaimParts(
  link: (run: BRun, h: Horizon, k: Constants, base: TrainConfig, alpha: number) => SeedOutcome,
  what: string,
  extra: (base: TrainConfig, k: Constants) => Record<string, unknown> = () => ({}),
): Pick<Claim, 'hypotheses' | 'regimes' | 'evaluate'> {
  return {
    ...regionHypothesesAndRegimes((k) => k.kReach * k.convUnits),
    async evaluate(regime, ctx): Promise<Evaluation> {
      const t = await trainToHorizon(regime, ctx, { horizonUnits: ctx.constants.kReach * ctx.constants.convUnits, perSample: true });
      if (t.early) return t.early;
      const { k, base, T1, steps, hypotheses, runs, configs, horizon } = t;
      const outcomes = runs.map((run) => link(run, horizon, k, base, ctx.settings.alpha));
      return bUnitsEvaluation(outcomes, hypotheses, configs, { T1, steps, stepsNeeded: horizon.stepsNeeded, ...extra(base, k), derived: bDerived(base) }, what);
    },
  };
}
