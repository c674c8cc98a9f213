/**
 * Quantiles and the median: the one copy every module uses (claims, calibration, Morris, reports).
 * `quantile` interpolates linearly between order statistics (R's type 7; Infinity entries allowed:
 * a position that falls on an infinite order statistic returns it rather than NaN);
 * `nearestRankQuantile` is the smallest value with at least q of the values at or below it
 * (R's type 1: paper A's rules and links are stated with it).
 */

/** The q-quantile (0..1, clamped) of numbers, linear between order statistics; NaN for an empty list. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  if (lo === hi || s[lo] === s[hi]) return s[lo];
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The q-quantile (0..1) by nearest rank: an element of the list, Infinity entries included; NaN when empty. */
export function nearestRankQuantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** The median: the middle value, or the mean of the two middle values; NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
