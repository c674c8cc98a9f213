/**
 * Paired two-sample tests on the differences d = a[i] - b[i] (e.g. errors of two methods on the same
 * seeds). `alternative: 'less'` tests "a is smaller than b" (location of d < 0), as R's
 * t.test / wilcox.test / binom.test with paired data. Degenerate inputs never throw: they give p = 1.
 */
import { binomialCdf, normalCdf, studentTCdf, studentTInv } from './jstat';

/** Direction of the alternative hypothesis about the location of a - b. */
export type Alternative = 'less' | 'greater' | 'two-sided';

/** Result of {@link pairedTTest}. `ci` is the confidence interval for the mean difference. */
export interface PairedTTestResult {
  statistic: number;
  df: number;
  pValue: number;
  meanDiff: number;
  ci: [number, number];
}

/** Result of a rank or sign test; `n` counts the non-zero differences used. */
export interface RankTestResult {
  statistic: number;
  pValue: number;
  n: number;
}

/** Result of {@link wilcoxonSignedRank}; `exact` tells whether the exact null distribution was used. */
export interface WilcoxonResult extends RankTestResult {
  exact: boolean;
}

/** Differences a[i] - b[i]; throws on unequal lengths or NaN (infinite values are kept). */
function differences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const d = a.map((x, i) => x - b[i]);
  if (d.some((x) => Number.isNaN(x))) throw new RangeError('paired samples contain NaN');
  return d;
}

/** p-value from the two tail probabilities P(T <= t) and P(T >= t) of a test statistic. */
function tailPValue(lower: number, upper: number, alternative: Alternative): number {
  if (alternative === 'less') return lower;
  if (alternative === 'greater') return upper;
  return Math.min(1, 2 * Math.min(lower, upper));
}

/**
 * Paired Student t test on a - b (R: t.test(a, b, paired = TRUE)). Fewer than two pairs gives
 * statistic 0, p = 1 and an infinite interval; constant differences give statistic 0 (all zero)
 * or +-Infinity with p in {0, 1}, and a zero-width interval at meanDiff.
 */
export function pairedTTest(
  a: readonly number[],
  b: readonly number[],
  alternative: Alternative = 'two-sided',
  confidence = 0.95,
): PairedTTestResult {
  const d = differences(a, b);
  if (d.some((x) => !Number.isFinite(x))) throw new RangeError('paired t test needs finite values');
  const n = d.length;
  const meanDiff = n === 0 ? 0 : d.reduce((s, x) => s + x, 0) / n;
  const df = Math.max(0, n - 1);
  if (n < 2) return { statistic: 0, df, pValue: 1, meanDiff, ci: [-Infinity, Infinity] };

  const variance = d.reduce((s, x) => s + (x - meanDiff) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  const ci = meanCi(meanDiff, se, df, alternative, confidence);
  if (se <= 10 * Number.EPSILON * Math.abs(meanDiff)) {
    // Constant differences: the t statistic is 0 (all zero) or infinite.
    const statistic = meanDiff === 0 ? 0 : meanDiff * Infinity;
    const pValue = tailPValue(statistic >= 0 ? 1 : 0, statistic <= 0 ? 1 : 0, alternative);
    return { statistic, df, pValue, meanDiff, ci };
  }
  const statistic = meanDiff / se;
  const pValue = tailPValue(studentTCdf(statistic, df), studentTCdf(-statistic, df), alternative);
  return { statistic, df, pValue, meanDiff, ci };
}

/** t-based confidence interval for a mean, one-sided intervals being half-infinite. */
function meanCi(mean: number, se: number, df: number, alternative: Alternative, confidence: number): [number, number] {
  if (alternative === 'two-sided') {
    const q = studentTInv(1 - (1 - confidence) / 2, df);
    return [mean - q * se, mean + q * se];
  }
  const q = studentTInv(confidence, df);
  return alternative === 'less' ? [-Infinity, mean + q * se] : [mean - q * se, Infinity];
}

/** Average ranks (1-based) of `values`, ties sharing the mean of their positions. */
function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => (values[i] < values[j] ? -1 : values[i] > values[j] ? 1 : 0));
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** Number of subsets of {1..n} with each sum 0..n(n+1)/2: the null counts of the signed-rank V. */
function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s] += counts[s - r];
  }
  return counts;
}

/**
 * Wilcoxon signed-rank test on a - b (R: wilcox.test(a, b, paired = TRUE)). Zero differences are
 * dropped. As in R, the exact null distribution is used when there are no ties and no zeros
 * (here for n <= 25), otherwise the normal approximation with tie and continuity correction.
 * `statistic` is V, the sum of the ranks of the positive differences.
 */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
  alternative: Alternative = 'two-sided',
): WilcoxonResult {
  const all = differences(a, b);
  const d = all.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, pValue: 1, n, exact: true };

  const { ranks, tieSizes } = averageRanks(d.map(Math.abs));
  const statistic = ranks.reduce((s, r, i) => (d[i] > 0 ? s + r : s), 0);
  const hasTies = tieSizes.some((t) => t > 1);
  const hasZeros = n < all.length;
  const mean = (n * (n + 1)) / 4;

  if (n <= 25 && !hasTies && !hasZeros) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    const v = Math.round(statistic);
    const lower = counts.slice(0, v + 1).reduce((s, c) => s + c, 0) / total;
    const upper = counts.slice(v).reduce((s, c) => s + c, 0) / total;
    const pValue =
      alternative === 'two-sided' ? Math.min(1, 2 * (statistic > mean ? upper : lower)) : tailPValue(lower, upper, alternative);
    return { statistic, pValue, n, exact: true };
  }

  const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm);
  const z0 = statistic - mean;
  const correction = alternative === 'two-sided' ? Math.sign(z0) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = (z0 - correction) / sigma;
  return { statistic, pValue: tailPValue(normalCdf(z), normalCdf(-z), alternative), n, exact: false };
}

/**
 * Sign test on a - b via the exact binomial test with p = 1/2 (R: binom.test(#positive, #non-zero)).
 * Zero differences are dropped; `statistic` is the number of positive differences.
 */
export function signTest(a: readonly number[], b: readonly number[], alternative: Alternative = 'two-sided'): RankTestResult {
  const d = differences(a, b).filter((x) => x !== 0);
  const n = d.length;
  const statistic = d.filter((x) => x > 0).length;
  if (n === 0) return { statistic, pValue: 1, n };
  // P(X >= k) = P(X <= n - k) by symmetry, which keeps small upper tails accurate.
  const pValue = tailPValue(binomialCdf(statistic, n, 0.5), binomialCdf(n - statistic, n, 0.5), alternative);
  return { statistic, pValue, n };
}
