/**
 * Morris screening, step 1: the problem definition (SALib's `problem` dict) and the map from the
 * unit hypercube to parameter values.
 */

/**
 * How a factor's unit coordinate u in [0, 1] maps onto [lo, hi]:
 * - `linear`: lo + u (hi - lo);
 * - `log`: uniform in log space, lo * (hi / lo)^u (needs lo > 0);
 * - `int`, `int-log`: as `linear` / `log`, then rounded to the nearest integer (needs integer bounds).
 */
export type MorrisScale = 'linear' | 'log' | 'int' | 'int-log';

/** One input factor of the model under study. */
export interface MorrisFactor {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly scale: MorrisScale;
}

/** The factors to screen, in a fixed order (the order of unit-cube coordinates). */
export type MorrisProblem = readonly MorrisFactor[];

const SCALES: readonly MorrisScale[] = ['linear', 'log', 'int', 'int-log'];

function factorError(index: number, name: unknown, field: string, message: string): Error {
  const label = typeof name === 'string' && name !== '' ? `"${name}"` : '(unnamed)';
  return new Error(`Morris problem: factor ${label} (index ${index}), field "${field}": ${message}`);
}

/**
 * Throws an Error naming the factor and field when the problem is malformed: it must be a non-empty
 * list of factors with unique non-empty names, finite bounds with lo < hi, a known scale, lo > 0 on
 * log scales and integer bounds on integer scales.
 */
export function validateMorrisProblem(problem: MorrisProblem): void {
  if (!Array.isArray(problem) || problem.length === 0) {
    throw new Error('Morris problem: expected a non-empty list of factors');
  }
  const seen = new Set<string>();
  problem.forEach((factor: MorrisFactor, i: number) => {
    if (typeof factor !== 'object' || factor === null) {
      throw new Error(`Morris problem: factor at index ${i} must be an object {name, lo, hi, scale}`);
    }
    const { name, lo, hi, scale } = factor;
    if (typeof name !== 'string' || name === '') {
      throw factorError(i, name, 'name', 'must be a non-empty string');
    }
    if (seen.has(name)) throw factorError(i, name, 'name', 'duplicate factor name');
    seen.add(name);
    if (!SCALES.includes(scale)) {
      throw factorError(i, name, 'scale', `must be one of ${SCALES.join(', ')} (got ${String(scale)})`);
    }
    for (const [field, value] of [['lo', lo], ['hi', hi]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw factorError(i, name, field, `must be a finite number (got ${String(value)})`);
      }
      if ((scale === 'int' || scale === 'int-log') && !Number.isInteger(value)) {
        throw factorError(i, name, field, `must be an integer for scale "${scale}" (got ${value})`);
      }
    }
    if (!(lo < hi)) throw factorError(i, name, 'lo', `must be < hi (got lo=${lo}, hi=${hi})`);
    if ((scale === 'log' || scale === 'int-log') && !(lo > 0)) {
      throw factorError(i, name, 'lo', `must be > 0 for scale "${scale}" (got ${lo})`);
    }
  });
}

/** Maps one unit coordinate u in [0, 1] to the factor's value; the end points map exactly to lo and hi. */
export function mapUnitToFactor(factor: MorrisFactor, u: number): number {
  const { lo, hi, scale } = factor;
  if (u <= 0) return lo;
  if (u >= 1) return hi;
  const logScale = scale === 'log' || scale === 'int-log';
  const raw = logScale ? Math.exp((1 - u) * Math.log(lo) + u * Math.log(hi)) : (1 - u) * lo + u * hi;
  const value = Math.min(hi, Math.max(lo, raw));
  return scale === 'int' || scale === 'int-log' ? Math.round(value) : value;
}

/** Maps a unit-cube point (one coordinate per factor, in problem order) to named parameter values. */
export function mapUnitPoint(problem: MorrisProblem, unit: readonly number[]): Record<string, number> {
  if (unit.length !== problem.length) {
    throw new Error(`Morris: point has ${unit.length} coordinates but the problem has ${problem.length} factors`);
  }
  const params: Record<string, number> = {};
  problem.forEach((factor, i) => {
    params[factor.name] = mapUnitToFactor(factor, unit[i]);
  });
  return params;
}
