/** Confidence intervals for a binomial proportion (e.g. the rate at which a claim holds). */
import { betaInv, normalInv } from './jstat';

/** A closed interval [lo, hi]. */
export interface Interval {
  lo: number;
  hi: number;
}

/** Point estimate, interval and sample size of a hold rate. */
export interface RateSummary {
  rate: number;
  ci: Interval;
  n: number;
}

function checkCounts(successes: number, trials: number, confidence: number): void {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`trials must be a non-negative integer, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be an integer in [0, ${trials}], got ${successes}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * Exact (Clopper-Pearson) two-sided interval for a binomial proportion, as R's binom.test:
 * lo = 0 when successes = 0, hi = 1 when successes = trials, and [0, 1] when trials = 0.
 */
export function clopperPearson(successes: number, trials: number, confidence = 0.95): Interval {
  checkCounts(successes, trials, confidence);
  const alpha = 1 - confidence;
  const lo = successes === 0 ? 0 : betaInv(alpha / 2, successes, trials - successes + 1);
  const hi = successes === trials ? 1 : betaInv(1 - alpha / 2, successes + 1, trials - successes);
  return { lo, hi };
}

/**
 * Wilson score interval (no continuity correction; R's prop.test(correct = FALSE)).
 * Returns [0, 1] when trials = 0.
 */
export function wilson(successes: number, trials: number, confidence = 0.95): Interval {
  checkCounts(successes, trials, confidence);
  if (trials === 0) return { lo: 0, hi: 1 };
  const z = normalInv(1 - (1 - confidence) / 2);
  const n = trials;
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return {
    lo: successes === 0 ? 0 : Math.max(0, center - half),
    hi: successes === n ? 1 : Math.min(1, center + half),
  };
}

/**
 * Hold rate of a claim over `holds + breaks` trials with its Clopper-Pearson interval.
 * With no trials the rate is reported as 0 and the interval is the uninformative [0, 1].
 */
export function holdRateSummary(holds: number, breaks: number, confidence = 0.95): RateSummary {
  const n = holds + breaks;
  const ci = clopperPearson(holds, n, confidence);
  return { rate: n === 0 ? 0 : holds / n, ci, n };
}
