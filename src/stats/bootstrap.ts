/**
 * A seeded, deterministic nonparametric bootstrap over independent units (in the scaling claims:
 * replicate seeds, each a whole sweep trained on its own data): resample the units with
 * replacement, recompute the statistic, and read a percentile or BCa interval off the replicates
 * (Efron and Tibshirani 1993, ch. 13-14). The statistic may be a vector (e.g. the two exponents of
 * a joint fit); each component gets its own interval.
 */
import { stream } from '../util/rng';
import { normalCdf, normalInv } from './jstat';
import { quantile } from './quantile';

export type BootstrapMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** resamples B (default 2000) */
  resamples?: number;
  /** the bootstrap's own seed: the same seed gives the same interval */
  seed: number;
  /** 1 - alpha, in (0, 1) */
  confidence: number;
  method?: BootstrapMethod;
}

export interface BootstrapInterval {
  /** the statistic on the original units */
  estimate: number;
  ci: [number, number];
  /** the bootstrap standard error (sd of the replicates) */
  se: number;
  /** BCa only: bias correction z0 and acceleration a */
  z0?: number;
  acceleration?: number;
}

export interface BootstrapResult {
  method: BootstrapMethod;
  confidence: number;
  /** units resampled */
  units: number;
  /** resamples whose statistic was defined (null or non-finite ones are skipped and counted in `failed`) */
  resamples: number;
  failed: number;
  seed: number;
  /** one interval per component of the statistic */
  components: BootstrapInterval[];
}

function asVector(v: number | readonly number[] | null): number[] | null {
  if (v === null) return null;
  const out = typeof v === 'number' ? [v] : [...v];
  return out.every(Number.isFinite) ? out : null;
}

/**
 * Bootstrap interval(s) of `statistic` over `units`. Returns null when the statistic is undefined
 * on the original units or on fewer than half of the resamples. Deterministic for `seed`.
 * BCa uses the jackknife (leave one unit out) for the acceleration; it falls back to the
 * percentile interval for a component whose jackknife is degenerate.
 */
export function bootstrap<T>(
  units: readonly T[],
  statistic: (sample: readonly T[]) => number | readonly number[] | null,
  opts: BootstrapOptions,
): BootstrapResult | null {
  const B = opts.resamples ?? 2000;
  const method = opts.method ?? 'percentile';
  if (!(opts.confidence > 0 && opts.confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${opts.confidence}`);
  if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`resamples must be a positive integer, got ${B}`);
  const k = units.length;
  if (k === 0) return null;
  const theta = asVector(statistic(units));
  if (!theta) return null;
  const rng = stream(opts.seed, 'bootstrap');
  const reps: number[][] = theta.map(() => []);
  let failed = 0;
  for (let b = 0; b < B; b++) {
    const sample: T[] = [];
    for (let i = 0; i < k; i++) sample.push(units[Math.min(k - 1, Math.floor(rng.uniform() * k))]);
    const v = asVector(statistic(sample));
    if (!v || v.length !== theta.length) {
      failed++;
      continue;
    }
    v.forEach((x, j) => reps[j].push(x));
  }
  const ok = B - failed;
  if (ok < Math.max(1, B / 2)) return null;
  const alpha = 1 - opts.confidence;
  // jackknife values for BCa (computed once for all components)
  let jack: number[][] | null = null;
  if (method === 'bca' && k >= 3) {
    const rows: number[][] = [];
    for (let i = 0; i < k; i++) {
      const v = asVector(statistic(units.filter((_, j) => j !== i)));
      if (!v || v.length !== theta.length) {
        rows.length = 0;
        break;
      }
      rows.push(v);
    }
    jack = rows.length === k ? rows : null;
  }
  const components = theta.map((est, j): BootstrapInterval => {
    const s = [...reps[j]].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const se = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
    let lo = alpha / 2, hi = 1 - alpha / 2;
    let z0: number | undefined, acc: number | undefined;
    if (method === 'bca' && jack) {
      const below = s.filter((x) => x < est).length + 0.5 * s.filter((x) => x === est).length;
      const frac = Math.min(1 - 0.5 / s.length, Math.max(0.5 / s.length, below / s.length));
      const jv = jack.map((r) => r[j]);
      const jm = jv.reduce((a, b) => a + b, 0) / k;
      const num = jv.reduce((a, b) => a + (jm - b) ** 3, 0);
      const den = 6 * jv.reduce((a, b) => a + (jm - b) ** 2, 0) ** 1.5;
      if (den > 0) {
        z0 = normalInv(frac);
        acc = num / den;
        const adj = (z: number) => normalCdf(z0! + (z0! + z) / (1 - acc! * (z0! + z)));
        lo = adj(normalInv(alpha / 2));
        hi = adj(normalInv(1 - alpha / 2));
      }
    }
    const ci: [number, number] = [quantile(s, lo), quantile(s, hi)];
    return { estimate: est, ci, se, ...(z0 !== undefined ? { z0, acceleration: acc } : {}) };
  });
  return { method: method === 'bca' && !jack ? 'percentile' : method, confidence: opts.confidence, units: k, resamples: ok, failed, seed: opts.seed, components };
}
