import fc from 'fast-check';

/**
 * The draws every paper's regime generators use (one copy). Continuous knobs are drawn on a grid of
 * [0, 1] with fast-check's bias switched off: fc.double draws uniformly over the representable
 * doubles (a range around 0 piles up at 0) and is biased towards the bounds by default. Paper A's
 * generators use a grid of 10^4 points (COARSE_GRID), paper B's one of 2^30 (FINE_GRID, the default).
 * Every draw shrinks towards lo.
 */

export const FINE_GRID = 1 << 30;
export const COARSE_GRID = 10000;

/** A number uniform on [0, 1] on a grid of `grid` steps. */
export function unitInterval(grid = FINE_GRID): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: 0, max: grid })).map((k) => k / grid);
}

/** A number uniform on [lo, hi]. */
export function uniform(lo: number, hi: number, grid = FINE_GRID): fc.Arbitrary<number> {
  if (!(hi >= lo)) throw new RangeError(`uniform needs lo <= hi (got ${lo}, ${hi})`);
  return unitInterval(grid).map((u) => Math.min(hi, Math.max(lo, lo + u * (hi - lo))));
}

/** A number uniform in log scale on [lo, hi] (lo > 0). */
export function logUniform(lo: number, hi: number, grid = FINE_GRID): fc.Arbitrary<number> {
  if (!(lo > 0 && hi >= lo)) throw new RangeError(`logUniform needs 0 < lo <= hi (got ${lo}, ${hi})`);
  if (lo === hi) return fc.constant(lo);
  return unitInterval(grid).map((u) => Math.min(hi, Math.max(lo, Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))))));
}

/** An integer uniform on [lo, hi] (no bias towards the bounds). */
export function uniformInt(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: lo, max: Math.max(lo, hi) }));
}

/** A flip rate on a grid of 0.001 inside [lo, hi]. */
export function flipRate(lo: number, hi: number): fc.Arbitrary<number> {
  const a = Math.ceil(lo * 1000 - 1e-9), b = Math.floor(hi * 1000 + 1e-9);
  if (b < a) throw new RangeError(`empty flip-rate range [${lo}, ${hi}]`);
  return fc.noBias(fc.integer({ min: a, max: b })).map((k) => k / 1000);
}

/** 4 significant digits (readable regimes; generators keep a margin inside every bound for the rounding). */
export function sig4(x: number): number {
  return Number(x.toPrecision(4));
}

/** A double on [0, 1] (fast-check's own distribution): the scaling claims' box coordinates. */
export const unitDraw = (): fc.Arbitrary<number> => fc.double({ min: 0, max: 1, noNaN: true });
/** The point a fraction u of the way from lo to hi (lo when hi <= lo). */
export const lerp = (lo: number, hi: number, u: number): number => (hi <= lo ? lo : lo + (hi - lo) * u);
/** The point a fraction u of the way from lo to hi in log scale (lo when hi <= lo). */
export const lerpLog = (lo: number, hi: number, u: number): number => (hi <= lo ? lo : lo * (hi / lo) ** u);
