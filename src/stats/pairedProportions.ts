/**
 * Two classifiers compared on one shared test set (spec/claims.md, "Paired comparisons"): only the
 * discordant points carry information. With b = points the first gets wrong and the second right,
 * c = the reverse, and N test points, the error difference err_1 - err_2 = (b - c) / N. Conditional
 * on D = b + c, b ~ Binomial(D, pi) with err_1 - err_2 = (D/N)(2 pi - 1): the exact (McNemar /
 * sign test) p-value and a Clopper-Pearson interval for pi give an exact conditional interval for
 * the difference.
 */
import { binomialCdf } from './jstat';
import { clopperPearson } from './proportion';

export interface PairedProportionResult {
  /** points wrong for the first and right for the second */
  b: number;
  /** points right for the first and wrong for the second */
  c: number;
  /** test points */
  n: number;
  /** err_1 - err_2 */
  difference: number;
  /** two-sided interval for err_1 - err_2 at the given confidence (conditional on b + c) */
  ci: [number, number];
  /** exact one-sided p of "err_1 - err_2 > 0" (McNemar's exact test: P(X >= b), X ~ Bin(b + c, 1/2)) */
  pGreater: number;
  /** exact one-sided p of "err_1 - err_2 < 0" */
  pLess: number;
}

/** Discordant counts of two sets of wrong-point indices over `n` test points. */
export function discordant(wrong1: readonly number[], wrong2: readonly number[]): { b: number; c: number } {
  const s1 = new Set(wrong1), s2 = new Set(wrong2);
  let b = 0, c = 0;
  for (const k of s1) if (!s2.has(k)) b++;
  for (const k of s2) if (!s1.has(k)) c++;
  return { b, c };
}

export function pairedProportions(b: number, c: number, n: number, confidence = 0.95): PairedProportionResult {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0 && Number.isInteger(n) && b + c <= n && n > 0)) {
    throw new RangeError(`paired proportions need integers 0 <= b, c with b + c <= n > 0 (got b ${b}, c ${c}, n ${n})`);
  }
  const D = b + c;
  const difference = (b - c) / n;
  if (D === 0) return { b, c, n, difference: 0, ci: [0, 0], pGreater: 1, pLess: 1 };
  const pi = clopperPearson(b, D, confidence);
  const scale = D / n;
  return {
    b, c, n, difference,
    ci: [scale * (2 * pi.lo - 1), scale * (2 * pi.hi - 1)],
    pGreater: b === 0 ? 1 : 1 - binomialCdf(b - 1, D, 0.5),
    pLess: binomialCdf(b, D, 0.5),
  };
}

/**
 * An unconditional interval for err_1 - err_2 = s (2 pi - 1), s = D/N the discordance rate: the
 * conditional interval above treats s as known, so with few discordant points it is never wider
 * than +-D/N (D = 0 gives [0, 0]) and an equivalence or non-inferiority test on it passes far too
 * often. Here s gets its own Clopper-Pearson interval and pi its conditional one, each at half the
 * error rate (Bonferroni), and the bounds are the extremes of s (2 pi - 1) over both: joint coverage
 * at least `confidence`. D = 0 leaves pi free in [0, 1]. Use it for margins and tolerances; McNemar's
 * exact test (the conditional interval against 0) stays right for "is there any difference".
 */
export function pairedDifferenceBounds(b: number, c: number, n: number, confidence = 0.95): [number, number] {
  const half = 1 - (1 - confidence) / 2;
  const D = b + c;
  const s = clopperPearson(D, n, half);
  const pi = D === 0 ? { lo: 0, hi: 1 } : clopperPearson(b, D, half);
  const hi = 2 * pi.hi - 1, lo = 2 * pi.lo - 1;
  return [lo <= 0 ? s.hi * lo : s.lo * lo, hi >= 0 ? s.hi * hi : s.lo * hi];
}

/** Shorthand: compare two classifiers by their wrong-point index lists on the same `n` test points. */
export function pairedErrorDifference(wrong1: readonly number[], wrong2: readonly number[], n: number, confidence = 0.95): PairedProportionResult {
  const { b, c } = discordant(wrong1, wrong2);
  return pairedProportions(b, c, n, confidence);
}
