import type { Clause } from '../types';

/** Clause helpers shared by every paper: signed log margins of a clause or of a threshold test. */

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
