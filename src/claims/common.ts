import { CONFIG_KEYS, DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../training/config';
import { makeDataset } from '../data/signalNoise';
import { train, TrainResult } from '../training/train';
import type { Clause, EvalContext, Evaluation, HypothesisReport, Regime, Unit, Verdict } from './types';
import { DECISIVE } from './types';

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
  // Every seed x variant as one batch (src/training/batched): each seed's data drawn once (lean:
  // the test noise is drawn again when the batch is built) and shared by its variants.
  const { trainBatch } = await import('../training/batched/trainBatch');
  const configs: TrainConfig[] = [];
  const data: ReturnType<typeof makeDataset>[] = [];
  const slot: { seed: number; name: string }[] = [];
  for (const seed of seeds) {
    const shared = { ...base, seed };
    const d = makeDataset(shared, { lean: true });
    for (const [name, o] of Object.entries(variants)) {
      configs.push(resolveConfig(shared, o as Record<string, unknown>));
      data.push(d);
      slot.push({ seed, name });
    }
  }
  const results: TrainResult[] = await trainBatch(configs, { engine: ctx.engine, data, perSample });
  return seeds.map((seed) => {
    const runs: Record<string, TrainResult> = {};
    slot.forEach((x, k) => {
      if (x.seed === seed) runs[x.name] = results[k];
    });
    return { seed, runs };
  });
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

/**
 * `vacuous` in the literal and working tiers when the hypotheses fail. The paper tier evaluates its
 * named settings whatever they meet (the hypotheses are reported), robustness evaluates anyway.
 */
export function vacuousVerdict(hypotheses: HypothesisReport, ctx: Pick<EvalContext, 'tier'>): Evaluation | null {
  if (hypotheses.holds || ctx.tier === 'robustness' || ctx.tier === 'paper') return null;
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

/**
 * The regime-level verdict of its units (shown per regime and used to pick counterexamples to
 * shrink): `breaks` when any unit breaks, else `not-reached` when any unit's event was not
 * reached, `holds` when every unit holds, else the most frequent other verdict. Claim verdicts are
 * computed from the units themselves (engine/summary.ts), never from this.
 */
export function regimeVerdictOf(units: readonly Unit[]): Verdict {
  if (units.length === 0) return 'inconclusive';
  if (units.some((u) => u.verdict === 'breaks')) return 'breaks';
  if (units.some((u) => u.verdict === 'not-reached')) return 'not-reached';
  if (units.every((u) => u.verdict === 'holds')) return 'holds';
  const counts = new Map<Verdict, number>();
  for (const u of units) if (u.verdict !== 'holds') counts.set(u.verdict, (counts.get(u.verdict) ?? 0) + 1);
  return [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** The regime margin of its units: the smallest margin of a decisive unit (> 0 exactly when all decisive units hold). */
export function regimeMarginOf(units: readonly Unit[]): number | null {
  const ms = units.filter((u) => DECISIVE.includes(u.verdict) && u.margin !== null && Number.isFinite(u.margin)).map((u) => u.margin as number);
  return ms.length === 0 ? null : Math.min(...ms);
}

/**
 * An evaluation made of per-seed units: the regime verdict and margin from the units, the note
 * "h/t seeds hold: <what>", the units themselves for the claim-level statistics.
 */
export function unitsEvaluation(
  units: Unit[],
  r: { hypotheses: HypothesisReport; configs?: Evaluation['configs']; measurements: Record<string, unknown>; what: string },
): Evaluation {
  const holds = units.filter((u) => u.verdict === 'holds').length;
  return {
    verdict: regimeVerdictOf(units),
    margin: regimeMarginOf(units),
    measurements: r.measurements,
    hypotheses: r.hypotheses,
    ...(r.configs ? { configs: r.configs } : {}),
    note: `${holds}/${units.length} seeds hold: ${r.what}`,
    units,
  };
}

/**
 * A joint claim's unit from its links' verdicts on the same seed (spec/claims.md, joint claims):
 * holds when every link holds; breaks when a link breaks or is not reached (the first such link is
 * named); otherwise the first non-decisive link's verdict.
 */
export function chainUnit(seed: number, links: Record<string, { verdict: Verdict; margin: number | null; note?: string }>, order: readonly string[]): Unit {
  const entries = order.filter((id) => id in links).map((id) => [id, links[id]] as const);
  const failing = entries.find(([, l]) => l.verdict === 'breaks' || l.verdict === 'not-reached');
  if (failing) return { seed, verdict: 'breaks', margin: failing[1].margin, note: `link ${failing[0]} ${failing[1].verdict}`, links };
  const open = entries.find(([, l]) => l.verdict !== 'holds');
  if (open) return { seed, verdict: open[1].verdict, margin: null, note: `link ${open[0]} ${open[1].verdict}`, links };
  const ms = entries.map(([, l]) => l.margin).filter((m): m is number => m !== null);
  return { seed, verdict: 'holds', margin: ms.length ? Math.min(...ms) : null, links };
}
