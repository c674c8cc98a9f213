/**
 * Typed wrapper around the untyped `jstat` package. This is the only module that may touch jstat;
 * everything else in claimcheck goes through these functions. jStat's special functions are
 * accurate to roughly 1e-7 relative (1e-9 absolute for probabilities): ample for hypothesis tests,
 * but results should not be compared for exact equality.
 */

/** The subset of the jStat API used here. */
interface JStatApi {
  normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
  studentt: { cdf(x: number, df: number): number; inv(p: number, df: number): number };
  beta: { inv(p: number, a: number, b: number): number };
  chisquare: { cdf(x: number, df: number): number };
  ibeta(x: number, a: number, b: number): number;
}

const { jStat } = require('jstat') as { jStat: JStatApi };

/** Normal cumulative distribution function P(X <= x) for X ~ N(mean, sd^2). */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  return jStat.normal.cdf(x, mean, sd);
}

/** Normal quantile function: the x with P(X <= x) = p for X ~ N(mean, sd^2). */
export function normalInv(p: number, mean = 0, sd = 1): number {
  return jStat.normal.inv(p, mean, sd);
}

/** Beyond this many degrees of freedom jStat's t functions lose accuracy; the normal is used instead. */
const T_AS_NORMAL_DF = 1e7;

/** Student t cumulative distribution function with `df` degrees of freedom (df = Infinity gives the normal). */
export function studentTCdf(x: number, df: number): number {
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  return df > T_AS_NORMAL_DF ? normalCdf(x) : jStat.studentt.cdf(x, df);
}

/** Student t quantile function with `df` degrees of freedom (df = Infinity gives the normal). */
export function studentTInv(p: number, df: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return df > T_AS_NORMAL_DF ? normalInv(p) : jStat.studentt.inv(p, df);
}

/** Quantile function of the Beta(a, b) distribution. */
export function betaInv(p: number, a: number, b: number): number {
  return jStat.beta.inv(p, a, b);
}

/**
 * Binomial cumulative distribution function P(X <= k) for X ~ Bin(n, p). Computed through the
 * regularized incomplete beta function, so small tail probabilities are not rounded away
 * (jStat.binomial.cdf rounds to 1e-10).
 */
export function binomialCdf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return jStat.ibeta(1 - p, n - kk, kk + 1);
}

/** Chi-square cumulative distribution function with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return x <= 0 ? 0 : jStat.chisquare.cdf(x, df);
}
