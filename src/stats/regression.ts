/** Least-squares line fits, used to compare a predicted scaling exponent with a fitted one. */
import { studentTInv } from './jstat';

/** Ordinary least-squares fit y = intercept + slope * x with t-based confidence intervals. */
export interface LinearFit {
  slope: number;
  intercept: number;
  slopeCi: [number, number];
  interceptCi: [number, number];
  r2: number;
  n: number;
  residualSe: number;
}

/** Fit of log(y) = a + b log(x): `slope` is the exponent b; `dropped` counts pairs with x <= 0 or y <= 0. */
export interface PowerLawFit extends LinearFit {
  dropped: number;
}

/**
 * Ordinary least squares of y on x (R: lm(y ~ x) with confint). Intervals use the t distribution
 * with n - 2 df. r2 is 1 when y is constant. Throws with fewer than 3 points, non-finite values
 * or constant x.
 */
export function linearFit(x: readonly number[], y: readonly number[], confidence = 0.95): LinearFit {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x and y differ in length: ${n} vs ${y.length}`);
  if (n < 3) throw new RangeError(`linearFit needs at least 3 points, got ${n}`);
  if (!x.every(Number.isFinite) || !y.every(Number.isFinite)) throw new RangeError('linearFit needs finite values');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);

  const xMean = x.reduce((s, v) => s + v, 0) / n;
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - xMean;
    const dy = y[i] - yMean;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('linearFit needs at least two distinct x values');

  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const residualSe = Math.sqrt(sse / (n - 2));
  const q = studentTInv(1 - (1 - confidence) / 2, n - 2);
  const slopeHalf = q * (residualSe / Math.sqrt(sxx));
  const interceptHalf = q * residualSe * Math.sqrt(1 / n + (xMean * xMean) / sxx);
  return {
    slope,
    intercept,
    slopeCi: [slope - slopeHalf, slope + slopeHalf],
    interceptCi: [intercept - interceptHalf, intercept + interceptHalf],
    r2: syy === 0 ? 1 : Math.max(0, 1 - sse / syy),
    n,
    residualSe,
  };
}

/**
 * Power-law fit y = exp(a) * x^b by least squares on log(y) = a + b log(x). Pairs with a
 * non-positive (or non-finite) coordinate are dropped and counted; throws if fewer than 3 remain.
 */
export function powerLawFit(x: readonly number[], y: readonly number[], confidence = 0.95): PowerLawFit {
  if (y.length !== x.length) throw new RangeError(`x and y differ in length: ${x.length} vs ${y.length}`);
  const logX: number[] = [];
  const logY: number[] = [];
  x.forEach((xi, i) => {
    if (xi > 0 && y[i] > 0 && Number.isFinite(xi) && Number.isFinite(y[i])) {
      logX.push(Math.log(xi));
      logY.push(Math.log(y[i]));
    }
  });
  return { ...linearFit(logX, logY, confidence), dropped: x.length - logX.length };
}

/**
 * Whether a predicted slope (e.g. a scaling exponent) lies inside the fitted slope interval. The
 * interval is widened by 1e-9 * max(1, |slope|) so exact fits are not failed by rounding.
 */
export function exponentConsistent(fit: LinearFit, predicted: number): boolean {
  const slack = 1e-9 * Math.max(1, Math.abs(fit.slope));
  return predicted >= fit.slopeCi[0] - slack && predicted <= fit.slopeCi[1] + slack;
}
