import { powerLawFit, PowerLawFit } from '../stats';
import type { Verdict } from './types';

/**
 * Helpers of the scaling claims (kind 'scaling'): sweeps, first-passage times read off a
 * training trajectory, threshold crossings along a sweep (phase boundaries), and the verdict of
 * a fitted exponent against a predicted one.
 */

/** `count` points from `lo` to `hi` evenly spaced in log scale (both ends included). */
export function geometricSweep(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0 && hi > 0)) throw new RangeError(`geometricSweep needs positive ends (got ${lo}, ${hi})`);
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`geometricSweep needs a positive integer count (got ${count})`);
  if (count === 1) return [lo];
  const r = Math.log(hi / lo) / (count - 1);
  return Array.from({ length: count }, (_, k) => (k === count - 1 ? hi : lo * Math.exp(r * k)));
}

/**
 * The first time a measured quantity crosses a threshold: the first measurement with
 * `value <= threshold` ('below') or `value >= threshold` ('above'). The time is refined between
 * that measurement and the one before by interpolating log(value) linearly in the step (both
 * quantities this is used for, a training loss decaying and a signal coefficient growing, are
 * close to exponential between measurements); it falls back to linear interpolation when a value
 * is not positive. Returns null when the threshold is never crossed. A crossing at the first
 * measurement returns that measurement's step.
 */
export function firstPassage<T extends { step: number }>(
  trajectory: readonly T[],
  value: (m: T) => number,
  threshold: number,
  direction: 'below' | 'above',
): number | null {
  const crossed = (v: number) => (direction === 'below' ? v <= threshold : v >= threshold);
  for (let k = 0; k < trajectory.length; k++) {
    const v = value(trajectory[k]);
    if (!Number.isFinite(v) || !crossed(v)) continue;
    if (k === 0) return trajectory[0].step;
    const s0 = trajectory[k - 1].step;
    const s1 = trajectory[k].step;
    const v0 = value(trajectory[k - 1]);
    if (!Number.isFinite(v0)) return s1;
    const useLog = v0 > 0 && v > 0 && threshold > 0;
    const a = useLog ? Math.log(v0) : v0;
    const b = useLog ? Math.log(v) : v;
    const t = useLog ? Math.log(threshold) : threshold;
    if (a === b) return s1;
    const frac = Math.min(1, Math.max(0, (t - a) / (b - a)));
    return s0 + frac * (s1 - s0);
  }
  return null;
}

/**
 * Where a sampled curve y(x) (x increasing) first crosses `threshold` from `from` ('above':
 * y starts above and falls to or below it; 'below': rises to or above it). Interpolates linearly
 * in log(x) between the two bracketing samples (the sweeps are geometric). Returns null when the
 * curve never crosses, or when it starts on the far side already (the crossing is below the
 * sweep: `bracket` says which).
 */
export function crossing(
  x: readonly number[],
  y: readonly number[],
  threshold: number,
  from: 'above' | 'below',
): { x: number | null; bracket: 'inside' | 'below-range' | 'above-range' } {
  if (x.length !== y.length) throw new RangeError(`crossing: x and y differ in length (${x.length} vs ${y.length})`);
  const far = (v: number) => (from === 'above' ? v <= threshold : v >= threshold);
  if (x.length === 0) return { x: null, bracket: 'above-range' };
  if (far(y[0])) return { x: null, bracket: 'below-range' };
  for (let k = 1; k < x.length; k++) {
    if (!far(y[k])) continue;
    const a = Math.log(x[k - 1]);
    const b = Math.log(x[k]);
    const frac = y[k] === y[k - 1] ? 1 : (threshold - y[k - 1]) / (y[k] - y[k - 1]);
    return { x: Math.exp(a + Math.min(1, Math.max(0, frac)) * (b - a)), bracket: 'inside' };
  }
  return { x: null, bracket: 'above-range' };
}

export interface ExponentCheck {
  verdict: Extract<Verdict, 'holds' | 'breaks' | 'inconclusive'>;
  /** min(predicted - ciLow, ciHigh - predicted) + tolerance: > 0 on the holding side */
  margin: number;
  predicted: number;
  slope: number;
  slopeCi: [number, number];
  ciWidth: number;
  /** predicted inside the CI itself (the strict test, tolerance 0) */
  strict: boolean;
  tolerance: number;
  maxCiWidth: number;
}

/**
 * Compare a fitted exponent with the predicted one through the slope's confidence interval.
 * `tolerance` widens the prediction to [predicted - tolerance, predicted + tolerance] (a
 * pre-asymptotic allowance for the lower-order terms a Theta statement hides; 0 is the strict
 * test). holds: the CI meets that band and is informative (width <= maxCiWidth); breaks: the CI
 * lies entirely outside the band (whatever its width: an excluded prediction is excluded);
 * inconclusive: the CI meets the band but is wider than maxCiWidth.
 */
export function checkExponent(fit: Pick<PowerLawFit, 'slope' | 'slopeCi'>, predicted: number, tolerance: number, maxCiWidth: number): ExponentCheck {
  const [lo, hi] = fit.slopeCi;
  const inside = Math.min(predicted - lo, hi - predicted);
  const margin = inside + tolerance;
  const ciWidth = hi - lo;
  const verdict = margin < 0 ? 'breaks' : ciWidth > maxCiWidth ? 'inconclusive' : 'holds';
  return { verdict, margin, predicted, slope: fit.slope, slopeCi: [lo, hi], ciWidth, strict: inside >= 0, tolerance, maxCiWidth };
}

/** powerLawFit that returns null instead of throwing when fewer than 3 usable points remain. */
export function tryPowerLawFit(x: readonly number[], y: readonly number[], confidence: number): PowerLawFit | null {
  try {
    return powerLawFit(x, y, confidence);
  } catch {
    return null;
  }
}
