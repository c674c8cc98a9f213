import type { Clause, HypothesisReport } from '../types';

/** Clause helpers shared by every paper: clauses `lhs >= rhs` / `<=` with both sides recorded, a report of clauses, signed log margins of a clause or of a threshold test. */

/** Signed log-ratio of a clause's two sides: > 0 when it holds, < 0 when it fails (clamped to +-50). */
export function clauseLogMargin(c: Clause): number {
  if (c.lhs === undefined || c.rhs === undefined) return c.holds ? 0 : -50;
  const a = Math.abs(c.lhs), b = Math.abs(c.rhs);
  const r = a === 0 || b === 0 ? 50 : Math.abs(Math.log(a / b));
  // a strict inequality failing at equality sits just on the failing side
  return c.holds ? Math.min(50, r) : -Math.max(1e-12, Math.min(50, r));
}

/** Signed, clamped log-ratio margin of `x >= thr` ('atLeast') or `x <= thr` ('atMost'): > 0 on the holding side. */
export function logMargin(x: number, thr: number, dir: 'atLeast' | 'atMost', floor = 1e-12): number {
  const v = Math.log(Math.max(x, floor) / Math.max(thr, floor));
  const s = dir === 'atLeast' ? v : -v;
  return Math.max(-10, Math.min(10, s));
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
