import type { ClaimSummary } from '../engine/summary';

/**
 * What a claim's check means for a test (the `claimcheck/vitest` helper, src/vitest/index.mjs):
 * - `pass`: the claim holds in every tier checked;
 * - `fail`: it breaks in some tier (the message carries the counterexample and its replay command),
 *   or an evaluation failed (`error` units: the claim's code threw);
 * - `skip`: nothing decided it at this budget (inconclusive, or no decisive unit: vacuous,
 *   infeasible, budget, ...): reported as skipped with the reason, never as a pass.
 */
export interface ClaimTestOutcome {
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(0)}%`;
}

/** One line per claim-tier: verdict, hold rate with its interval, the unit counts. */
export function summaryText(s: ClaimSummary): string {
  const counts = Object.entries(s.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const ci = s.ci ? ` [${pct(s.ci[0])}, ${pct(s.ci[1])}]` : '';
  return `${s.id} ${s.tier}: ${s.verdict.toUpperCase()} (hold rate ${pct(s.holdRate)}${ci} of ${s.decisive} decisive units; ${counts || 'no units'})`;
}

function breakText(s: ClaimSummary): string {
  const lines = [summaryText(s)];
  for (const c of s.counterexamples) {
    lines.push(`  counterexample ${JSON.stringify(c.regime)} (verdict ${c.verdict}, margin ${c.margin}${c.breakingSeeds ? `, breaking seeds ${c.breakingSeeds.join(' ')}` : ''})${c.note ? `: ${c.note}` : ''}`);
    lines.push(`  replay: ${c.replay}`);
  }
  if (s.counterexamples.length === 0) lines.push('  (no counterexample was shrunk: raise maxCounterexamples or check with shrink on)');
  return lines.join('\n');
}

export function claimTestOutcome(summaries: readonly ClaimSummary[]): ClaimTestOutcome {
  if (summaries.length === 0) return { status: 'skip', message: 'no tier of the claim was evaluated' };
  const broken = summaries.filter((s) => s.verdict === 'breaks');
  const errors = summaries.filter((s) => (s.counts.error ?? 0) > 0);
  if (broken.length > 0 || errors.length > 0) {
    const parts = broken.map(breakText);
    for (const s of errors) if (!broken.includes(s)) parts.push(`${summaryText(s)}\n  an evaluation failed (error units): run the claim with workers: 0 to see the exception`);
    return { status: 'fail', message: parts.join('\n') };
  }
  const open = summaries.filter((s) => s.verdict !== 'holds');
  if (open.length > 0) {
    const why = open.map((s) => `${summaryText(s)}${s.unitsToSettle !== null ? `; ~${s.unitsToSettle} more decisive units would settle it` : ''}${s.notes?.length ? `; ${s.notes.join('; ')}` : ''}`);
    return { status: 'skip', message: `not decided at this budget: ${why.join(' | ')}` };
  }
  return { status: 'pass', message: summaries.map(summaryText).join('\n') };
}
