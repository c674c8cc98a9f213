import { CONFIG_KEYS, DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../training/config';
import { makeDataset } from '../data/signalNoise';
import { train, TrainResult } from '../training/train';
import { binomialCdf } from '../stats';
import type { Clause, EvalContext, Evaluation, HypothesisReport, Regime, Verdict } from './types';

/**
 * Helpers shared by the claim modules: regime -> training configuration, training several seeds
 * (GD and label-noise GD on the same data and initialisation), and the verdicts that do not come
 * from the predicate (vacuous, diverged, budget).
 */

/** The training configuration of a regime: its training keys over the defaults, then overrides. */
export function regimeConfig(regime: Regime, overrides: Partial<TrainConfig> = {}): TrainConfig {
  const keys: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (k in regime) keys[k] = regime[k];
  return resolveConfig(DEFAULT_CONFIG, keys, overrides as Record<string, unknown>);
}

/** The seeds of a regime's replicates: regime.seed, regime.seed + 1, ... (never 0). */
export function replicateSeeds(regime: Regime, count: number): number[] {
  const base = typeof regime.seed === 'number' ? regime.seed : 1;
  return Array.from({ length: count }, (_, i) => Math.max(1, base) + i);
}

export interface Trained {
  seed: number;
  runs: Record<string, TrainResult>;
}

/**
 * Train each algorithm variant on the same data and initialisation (same seed: the data, init and
 * test streams do not depend on the algorithm) for every seed. `variants` maps a name to the
 * overrides of that run, e.g. { gd: { algo: 'gd' }, lngd: { algo: 'lngd' } }.
 */
export async function trainVariants(
  base: TrainConfig,
  variants: Record<string, Partial<TrainConfig>>,
  seeds: number[],
  ctx: Pick<EvalContext, 'engine'>,
  perSample = false,
): Promise<Trained[]> {
  const out: Trained[] = [];
  for (const seed of seeds) {
    const shared = { ...base, seed };
    const data = makeDataset(shared);
    const runs: Record<string, TrainResult> = {};
    for (const [name, o] of Object.entries(variants)) {
      runs[name] = await train(resolveConfig(shared, o as Record<string, unknown>), { engine: ctx.engine, data, perSample });
    }
    out.push({ seed, runs });
  }
  return out;
}

export function report(clauses: Clause[]): HypothesisReport {
  return { holds: clauses.every((c) => c.holds), clauses };
}

/** A clause `lhs >= rhs` (or `<=`), with both sides recorded. */
export function atLeast(id: string, text: string, lhs: number, rhs: number): Clause {
  return { id, text, holds: lhs >= rhs, lhs, rhs };
}
export function atMost(id: string, text: string, lhs: number, rhs: number): Clause {
  return { id, text, holds: lhs <= rhs, lhs, rhs };
}

/** `diverged` when any run diverged (a finding, never a pass or a fail), else null. */
export function divergedVerdict(trained: Trained[], hypotheses: HypothesisReport, configs: Partial<TrainConfig>[]): Evaluation | null {
  const bad: { seed: number; run: string; step: number; reason: string }[] = [];
  for (const t of trained) {
    for (const [name, r] of Object.entries(t.runs)) {
      if (r.final.diverged) bad.push({ seed: t.seed, run: name, step: r.final.diverged.step, reason: r.final.diverged.reason });
    }
  }
  if (bad.length === 0) return null;
  return { verdict: 'diverged', margin: null, measurements: { diverged: bad }, hypotheses, configs, note: `${bad.length} run(s) diverged` };
}

/** `vacuous` in in-regime mode when the hypotheses fail (robustness mode evaluates anyway). */
export function vacuousVerdict(hypotheses: HypothesisReport, ctx: Pick<EvalContext, 'mode'>): Evaluation | null {
  if (hypotheses.holds || ctx.mode === 'robustness') return null;
  const failed = hypotheses.clauses.filter((c) => !c.holds).map((c) => c.id);
  return { verdict: 'vacuous', margin: null, measurements: {}, hypotheses, note: `hypotheses not met: ${failed.join(', ')}` };
}

/** `budget` when the steps a claim needs exceed the profile's step budget. */
export function budgetVerdict(stepsNeeded: number, ctx: Pick<EvalContext, 'settings'>, hypotheses: HypothesisReport): Evaluation | null {
  if (stepsNeeded <= ctx.settings.maxSteps) return null;
  return {
    verdict: 'budget',
    margin: null,
    measurements: { stepsNeeded, maxSteps: ctx.settings.maxSteps },
    hypotheses,
    note: `needs ${Math.ceil(stepsNeeded)} steps, budget ${ctx.settings.maxSteps}`,
  };
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** How many of `trials` replicates a claim holding with probability >= pClaim leads us to expect (at least 1). */
export function successesNeeded(trials: number, pClaim: number): number {
  return Math.max(1, Math.min(trials, Math.ceil(trials * pClaim - 1e-9)));
}

/**
 * The verdict of a claim that holds "with probability >= pClaim" from `successes` of `trials`
 * independent replicates: `breaks` when an exact one-sided binomial test rejects
 * P(success) >= pClaim at level alpha, `holds` when there are at least as many successes as
 * the claim leads to expect (successesNeeded), `inconclusive` in between. With 3 replicates and
 * pClaim = 0.9: 3/3 holds, 2/3 inconclusive, 0-1/3 breaks.
 */
export function replicateVerdict(successes: number, trials: number, pClaim: number, alpha: number): { verdict: Verdict; pValue: number } {
  const pValue = binomialCdf(successes, trials, pClaim);
  if (pValue < alpha) return { verdict: 'breaks', pValue };
  if (successes >= successesNeeded(trials, pClaim)) return { verdict: 'holds', pValue };
  return { verdict: 'inconclusive', pValue };
}

/**
 * The regime margin from per-replicate margins: the k-th largest, k = successesNeeded, so it is
 * > 0 exactly when enough replicates hold.
 */
export function replicateMargin(margins: number[], pClaim: number): number | null {
  if (margins.length === 0) return null;
  const sorted = [...margins].sort((a, b) => b - a);
  return sorted[successesNeeded(margins.length, pClaim) - 1];
}
