import type { Trained } from './training';
import { DECISIVE, type Evaluation, type HypothesisReport, type Unit, type Verdict } from '../types';
import { TrainConfig } from '../../training/config';

/**
 * Replicate verdicts (every paper's claims): one unit per replicate seed, a regime's verdict and margin
 * from its units (unitsEvaluation), chains of links on one run, and `diverged` when a run diverged.
 */

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
