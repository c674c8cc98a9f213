import seedrandom from 'seedrandom';

/**
 * Seeded random streams. Every random quantity of a run (data, init, test set, fixed flips,
 * per-step label noise) comes from its own named stream derived from the run's seed, so changing
 * one part of a configuration (say the number of steps) never changes the draws of another.
 * All randomness is drawn in JavaScript, never by tfjs random ops (whose seed 0 means "unseeded").
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller, both values of a pair used). */
  normal(): number;
}

export function stream(seed: number, name: string): Rng {
  const prng = seedrandom.alea(`claimcheck/${seed}/${name}`);
  const bulkSeed = `claimcheck/${seed}/${name}/bulk-normals`;
  let spare: number | null = null;
  const rng: Rng = {
    uniform: () => prng(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u <= Number.MIN_VALUE) u = prng();
      const v = prng();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
  bulkSeeds.set(rng, bulkSeed);
  return rng;
}

/**
 * Bulk normal draws (the data's noise patches and the initial weights, millions per data set):
 * Marsaglia and Tsang's ziggurat (128 layers) on a xoshiro128** generator of the stream's own
 * (seeded from `claimcheck/<seed>/<name>/bulk-normals`, so the stream's uniforms and its bulk
 * normals are two independent sequences: drawing labels does not shift the noise and vice versa).
 * Several times faster than Box-Muller on the stream itself. Layer, sign and magnitude come from
 * disjoint bits of one 32-bit word (the magnitude from the top 24), so the value does not share bits
 * with the layer choice. Single draws (`normal()`, e.g. lngd-gauss label multipliers) stay
 * Box-Muller on the stream.
 */
class FastNormal {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: string) {
    const prng = seedrandom.alea(seed);
    const word = () => Math.floor(prng() * 4294967296) | 0;
    this.s0 = word();
    this.s1 = word();
    this.s2 = word();
    this.s3 = word();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** xoshiro128**: the next 32-bit word (as a signed int). */
  next(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform on (0, 1]. */
  private unit(): number {
    return ((this.next() >>> 0) + 1) * 2.3283064365386963e-10;
  }

  /**
   * One 32-bit word per draw in the common case: bits 0-6 pick the layer, bit 7 the sign, bits
   * 8-31 the position u in [0, 1) within the layer (24 bits, a float32's precision); the state
   * lives in locals inside the loop.
   */
  fill(out: Float64Array, sd: number): void {
    const { X, K } = ZIG;
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const n = out.length;
    for (let o = 0; o < n; o++) {
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = a & 127;
      const u = (a >>> 8) * 5.960464477539063e-8;
      let x = u * X[i];
      if (u >= K[i]) {
        // rare (~1%): the wedge or the tail; the slow path draws from the object's state
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        x = this.slow(i, x);
        s0 = this.s0;
        s1 = this.s1;
        s2 = this.s2;
        s3 = this.s3;
      }
      // the sign from bit 7 without a branch (a 50/50 branch costs more than the rest of the draw)
      out[o] = x * sd * (1 - ((a >>> 6) & 2));
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** |x| for a draw that fell outside layer i's sure part: the tail or the wedge test, else a fresh draw. */
  private slow(i: number, x: number): number {
    const { X, K, F } = ZIG;
    for (;;) {
      if (i === 0) {
        // the tail beyond r = X[1] (Marsaglia's method)
        let tx: number, ty: number;
        do {
          tx = -Math.log(this.unit()) / ZIG.r;
          ty = -Math.log(this.unit());
        } while (ty + ty < tx * tx);
        return ZIG.r + tx;
      }
      // the wedge of layer i: y uniform in [f(X[i]), f(X[i+1])]
      if (F[i] + this.unit() * (F[i + 1] - F[i]) < Math.exp(-0.5 * x * x)) return x;
      // rejected: a new draw (layer and position; the sign was taken already)
      const a = this.next();
      i = a & 127;
      const u = (a >>> 8) * 5.960464477539063e-8;
      x = u * X[i];
      if (u < K[i]) return x;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Ziggurat tables for the half-normal with 128 layers of equal area v (Marsaglia and Tsang 2000),
 * numbered from the bottom: layer 0 is the base strip [0, r] x [0, f(r)] plus the tail beyond r
 * (X[0] = v / f(r), its equivalent width); layer i >= 1 is [0, X[i]] x [f(X[i]), f(X[i+1])] with
 * X[1] = r and X[128] = 0. K[i] = X[i+1] / X[i] is the part of layer i under the curve for sure,
 * F[i] = f(X[i]) (F[128] = 1).
 */
const ZIG = (() => {
  const n = 128;
  const r = 3.442619855899;
  const v = 9.91256303526217e-3;
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const X = new Float64Array(n);
  const K = new Float64Array(n);
  const F = new Float64Array(n + 1);
  // layers 1..n-1 from the bottom up: x_{i+1} = f^{-1}(v / x_i + f(x_i)); the top layer ends at 0.
  const edges = [v / f(r), r];
  let x = r;
  for (let i = 2; i < n; i++) {
    x = Math.sqrt(-2 * Math.log(v / x + f(x)));
    edges.push(x);
  }
  for (let i = 0; i < n; i++) {
    X[i] = edges[i];
    F[i] = f(edges[i]);
  }
  F[n] = 1;
  K[0] = r / X[0];
  for (let i = 1; i < n - 1; i++) K[i] = X[i + 1] / X[i];
  K[n - 1] = 0;
  return { r, X, K, F };
})();

const bulkSeeds = new WeakMap<Rng, string>();
const fast = new WeakMap<Rng, FastNormal>();

/** Fill an array with N(0, sd^2) draws (the stream's bulk generator, see FastNormal). */
export function fillNormal(rng: Rng, out: Float64Array, sd: number): Float64Array {
  let g = fast.get(rng);
  if (!g) {
    const seed = bulkSeeds.get(rng);
    if (seed === undefined) throw new Error('fillNormal: the Rng must come from stream()');
    g = new FastNormal(seed);
    fast.set(rng, g);
  }
  g.fill(out, sd);
  return out;
}
