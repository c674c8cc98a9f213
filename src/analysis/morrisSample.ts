/**
 * Morris screening, step 2: the one-at-a-time trajectory design of Morris (1991).
 *
 * Each trajectory starts at a random point of the p-level grid {0, 1/(p-1), ..., 1} and moves every
 * factor exactly once, in a random order, by +delta or -delta with delta = p / (2 (p - 1)), so it has
 * k + 1 points. Coordinates are derived from integer grid indices, so they are exact grid values.
 */
import seedrandom from 'seedrandom';
import { MorrisProblem, mapUnitPoint, validateMorrisProblem } from './morrisProblem';

/** Options of {@link morrisSample}. */
export interface MorrisSampleOptions {
  /** Number of trajectories r (a positive integer). */
  readonly trajectories: number;
  /** Number of grid levels p: an even integer >= 2 (default 4). */
  readonly levels?: number;
  /** Seed of the design; the same problem, options and seed give the same design. */
  readonly seed: string | number;
}

/** Move from point j to point j + 1 of a trajectory: factor index and signed step (+delta or -delta). */
export interface MorrisStep {
  readonly factor: number;
  readonly delta: number;
}

/** One trajectory: k + 1 unit-cube points, their parameter values, and the k steps between them. */
export interface MorrisTrajectory {
  readonly unit: readonly (readonly number[])[];
  readonly params: readonly Record<string, number>[];
  readonly steps: readonly MorrisStep[];
}

/** A Morris design: what the caller evaluates and then hands to `morrisAnalyze`. */
export interface MorrisSample {
  readonly problem: MorrisProblem;
  readonly levels: number;
  /** Step length in unit-cube coordinates, p / (2 (p - 1)). */
  readonly delta: number;
  readonly seed: string;
  readonly trajectories: readonly MorrisTrajectory[];
  /** All parameter points in evaluation order (trajectory by trajectory): r (k + 1) entries. */
  readonly points: readonly Record<string, number>[];
}

/** Number of model evaluations of a Morris design with k factors and r trajectories. */
export function morrisDesignSize(k: number, r: number): number {
  return r * (k + 1);
}

/** Builds r Morris trajectories for the problem, deterministically from the seed. */
export function morrisSample(problem: MorrisProblem, options: MorrisSampleOptions): MorrisSample {
  validateMorrisProblem(problem);
  const { trajectories: r, levels: p = 4, seed } = options;
  if (!Number.isInteger(r) || r < 1) {
    throw new Error(`Morris sample: option "trajectories" must be a positive integer (got ${String(r)})`);
  }
  if (!Number.isInteger(p) || p < 2 || p % 2 !== 0) {
    throw new Error(`Morris sample: option "levels" must be an even integer >= 2 (got ${String(p)})`);
  }
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new Error(`Morris sample: option "seed" must be a string or a finite number (got ${String(seed)})`);
  }
  const k = problem.length;
  const jump = p / 2; // delta in grid-index units
  const delta = jump / (p - 1);
  const rng = seedrandom(String(seed));
  const randomInt = (n: number): number => Math.floor(rng() * n);

  const trajectories: MorrisTrajectory[] = [];
  for (let t = 0; t < r; t++) {
    const signs = Array.from({ length: k }, () => (rng() < 0.5 ? -1 : 1));
    // Base levels lie in {0, ..., p/2 - 1}, so both base and base + jump are on the grid; a
    // downward step starts from the upper one.
    const index = signs.map((s) => randomInt(jump) + (s < 0 ? jump : 0));
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const unit: number[][] = [index.map((m) => m / (p - 1))];
    const steps: MorrisStep[] = [];
    for (const i of order) {
      index[i] += signs[i] * jump;
      unit.push(index.map((m) => m / (p - 1)));
      steps.push({ factor: i, delta: signs[i] * delta });
    }
    trajectories.push({ unit, params: unit.map((u) => mapUnitPoint(problem, u)), steps });
  }
  return {
    problem,
    levels: p,
    delta,
    seed: String(seed),
    trajectories,
    points: trajectories.flatMap((tr) => tr.params),
  };
}
