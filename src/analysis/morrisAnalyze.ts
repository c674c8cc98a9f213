import { quantile } from '../stats/quantile';
/**
 * Morris screening, step 4: elementary effects and their summary statistics.
 *
 * The elementary effect of the step of factor i from point x to x + s delta e_i (s = +1 or -1) is
 * EE = (y(x + s delta e_i) - y(x)) / (s delta), in unit-cube coordinates, so effects of factors on
 * different scales are comparable. Effects involving a missing output (NaN, +-Infinity, null or
 * undefined: a failed or diverged evaluation) are skipped.
 */
import seedrandom from 'seedrandom';
import { MorrisProblem, validateMorrisProblem } from './morrisProblem';
import { MorrisSample } from './morrisSample';

/** One model output; NaN, +-Infinity, null and undefined mark a failed evaluation. */
export type MorrisOutput = number | null | undefined;

/**
 * Outputs in the order of `sample.points` (a flat list of r (k + 1) values), or one list of k + 1
 * values per trajectory.
 */
export type MorrisOutputs = readonly MorrisOutput[] | readonly (readonly MorrisOutput[])[];

/** Options of {@link morrisAnalyze}. */
export interface MorrisAnalyzeOptions {
  /** Bootstrap resamples for the muStar interval (default 1000). */
  readonly resamples?: number;
  /** Coverage of the muStar interval (default 0.95). */
  readonly confidence?: number;
  /** Seed of the bootstrap resampler (default: the sample's seed). */
  readonly seed?: string | number;
}

/** Morris statistics of one factor. */
export interface MorrisFactorResult {
  readonly name: string;
  /** Mean elementary effect (signed; effects of opposite sign cancel). */
  readonly mu: number;
  /** Mean absolute elementary effect: the overall importance measure. */
  readonly muStar: number;
  /** Sample standard deviation (n - 1 denominator) of the effects: non-linearity or interactions. */
  readonly sigma: number;
  /** Elementary effects used (at most the number of trajectories). */
  readonly n: number;
  /** Elementary effects skipped because an output was missing. */
  readonly skipped: number;
  /** Bootstrap percentile interval of muStar. */
  readonly muStarCi: readonly [number, number];
}

/** Result of {@link morrisAnalyze}. */
export interface MorrisResult {
  /** Per-factor statistics, in problem order. A factor with n = 0 has NaN statistics. */
  readonly factors: readonly MorrisFactorResult[];
  /** Factor names by decreasing muStar (ties keep problem order; NaN last). */
  readonly ranking: readonly string[];
  /** Number of missing outputs in the design. */
  readonly missingOutputs: number;
}

function isUsable(y: MorrisOutput): y is number {
  return typeof y === 'number' && Number.isFinite(y);
}

/** Splits and checks outputs into one list of k + 1 values per trajectory. */
function outputsByTrajectory(outputs: MorrisOutputs, r: number, k: number): MorrisOutput[][] {
  if (!Array.isArray(outputs)) throw new Error('Morris analyze: outputs must be an array');
  let rows: MorrisOutput[][];
  if (outputs.length > 0 && outputs.every((row) => Array.isArray(row))) {
    rows = (outputs as readonly (readonly MorrisOutput[])[]).map((row) => [...row]);
    if (rows.length !== r || rows.some((row) => row.length !== k + 1)) {
      throw new Error(`Morris analyze: expected ${r} output lists of ${k + 1} values (one per trajectory)`);
    }
  } else {
    if (outputs.length !== r * (k + 1)) {
      throw new Error(
        `Morris analyze: expected ${r * (k + 1)} outputs (r=${r} trajectories of k+1=${k + 1} points), got ${outputs.length}`,
      );
    }
    const flat = outputs as readonly MorrisOutput[];
    rows = Array.from({ length: r }, (_, t) => flat.slice(t * (k + 1), (t + 1) * (k + 1)));
  }
  rows.forEach((row, t) =>
    row.forEach((y, j) => {
      if (y !== null && y !== undefined && typeof y !== 'number') {
        throw new Error(`Morris analyze: output ${j} of trajectory ${t} must be a number, null or undefined`);
      }
    }),
  );
  return rows;
}

/** Percentile bootstrap interval of the mean of `values`. */
function bootstrapMeanCi(
  values: readonly number[],
  resamples: number,
  confidence: number,
  rng: () => number,
): [number, number] {
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const means = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rng() * n)];
    means[b] = sum / n;
  }
  const tail = (1 - confidence) / 2;
  return [quantile(means, tail), quantile(means, 1 - tail)];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Computes mu, muStar, sigma and a bootstrap interval of muStar for every factor from the design
 * `sample` (made by `morrisSample` for the same `problem`) and its model `outputs`.
 */
export function morrisAnalyze(
  problem: MorrisProblem,
  sample: MorrisSample,
  outputs: MorrisOutputs,
  options: MorrisAnalyzeOptions = {},
): MorrisResult {
  validateMorrisProblem(problem);
  const { resamples = 1000, confidence = 0.95, seed = sample.seed } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`Morris analyze: option "resamples" must be a positive integer (got ${String(resamples)})`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`Morris analyze: option "confidence" must be in (0, 1) (got ${String(confidence)})`);
  }
  const k = problem.length;
  const names = problem.map((f) => f.name);
  const sampleNames = sample.problem.map((f) => f.name);
  if (sampleNames.length !== k || sampleNames.some((name, i) => name !== names[i])) {
    throw new Error(
      `Morris analyze: the sample was drawn for factors [${sampleNames.join(', ')}], not [${names.join(', ')}]`,
    );
  }
  const r = sample.trajectories.length;
  const rows = outputsByTrajectory(outputs, r, k);

  const effects: number[][] = names.map(() => []);
  const skipped = names.map(() => 0);
  sample.trajectories.forEach((trajectory, t) => {
    trajectory.steps.forEach(({ factor, delta }, j) => {
      const y0 = rows[t][j];
      const y1 = rows[t][j + 1];
      if (isUsable(y0) && isUsable(y1)) effects[factor].push((y1 - y0) / delta);
      else skipped[factor]++;
    });
  });

  const factors = names.map((name, i): MorrisFactorResult => {
    const ee = effects[i];
    const n = ee.length;
    const abs = ee.map(Math.abs);
    const mu = n > 0 ? mean(ee) : NaN;
    const sigma = n > 1 ? Math.sqrt(ee.reduce((s, e) => s + (e - mu) ** 2, 0) / (n - 1)) : NaN;
    // One resampler per factor, so a factor's interval does not depend on the other factors.
    const rng = seedrandom(`${String(seed)}/morris-bootstrap/${name}`);
    return {
      name,
      mu,
      muStar: n > 0 ? mean(abs) : NaN,
      sigma,
      n,
      skipped: skipped[i],
      muStarCi: bootstrapMeanCi(abs, resamples, confidence, rng),
    };
  });

  const byImportance = (a: MorrisFactorResult, b: MorrisFactorResult): number => {
    if (Number.isNaN(a.muStar) || Number.isNaN(b.muStar)) {
      return Number(Number.isNaN(a.muStar)) - Number(Number.isNaN(b.muStar));
    }
    return b.muStar - a.muStar;
  };
  return {
    factors,
    ranking: [...factors].sort(byImportance).map((f) => f.name),
    missingOutputs: rows.flat().filter((y) => !isUsable(y)).length,
  };
}
