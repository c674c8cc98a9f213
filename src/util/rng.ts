import seedrandom from 'seedrandom';
import { WasmNormals } from './normalsWasm';

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
  /** xoshiro128** state words s0..s3 (int32s: the slow path reads and writes them without boxing) */
  private readonly s = new Int32Array(4);

  constructor(seed: string) {
    const prng = seedrandom.alea(seed);
    const word = () => Math.floor(prng() * 4294967296) | 0;
    const s = this.s;
    for (let k = 0; k < 4; k++) s[k] = word();
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** xoshiro128**: the next 32-bit word (as a signed int). */
  next(): number {
    const s = this.s;
    const s0 = s[0], s1 = s[1];
    let s2 = s[2], s3 = s[3];
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = rotl(s3, 11);
    return r;
  }

  /** Uniform on (0, 1]. */
  private unit(): number {
    return ((this.next() >>> 0) + 1) * 2.3283064365386963e-10;
  }

  /**
   * out[from..to) = N(0, sd^2) draws; a Float32Array gets each float64 draw rounded once. One
   * 32-bit word per draw in the common case: bits 0-6 pick the layer, bit 7 the sign, bits 8-31 the
   * position u in [0, 1) within the layer (24 bits, a float32's precision). The loops are
   * WebAssembly (normalsWasm.ts) where available, else `fillJs`: the same draws bit for bit.
   */
  fill(out: Float64Array | Float32Array, sd: number, from: number, to: number): void {
    const w = wasmNormals();
    if (w) w.fill(this.s, out, sd, from, to);
    else this.fillJs(out, sd, from, to);
  }

  /**
   * fill's loop in JavaScript. The common case runs in an inner loop without calls, the state in
   * locals (a call in the loop makes the JIT reload the arrays and spill the state on every draw);
   * a draw that needs the slow path leaves it, is finished here, and the loop resumes.
   */
  fillJs(out: Float64Array | Float32Array, sd: number, from: number, to: number): void {
    const st = this.s, X = ZIG.X, K = ZIG.K;
    let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    let o = from;
    for (;;) {
      let a = 0, x = 0;
      for (; o < to; o++) {
        const m = Math.imul(s1, 5);
        a = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const u = (a >>> 8) * 5.960464477539063e-8;
        x = u * X[a & 127];
        if (u >= K[a & 127]) break;
        // the sign from bit 7 without a branch (a 50/50 branch costs more than the rest of the draw)
        out[o] = x * sd * (1 - ((a >>> 6) & 2));
      }
      if (o >= to) break;
      // rare (~3% of draws): the wedge or the tail; the slow path draws from the object's state
      st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
      x = this.slow(a & 127, x);
      s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
      out[o++] = x * sd * (1 - ((a >>> 6) & 2));
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
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

/**
 * The generator's loops as WebAssembly (normalsWasm.ts: no JIT warm-up), made on first use; null
 * where unavailable or switched off (CLAIMCHECK_NORMALS=js, or useJsNormals for the tests).
 */
let wasmGen: WasmNormals | null | undefined;
function wasmNormals(): WasmNormals | null {
  if (wasmGen === undefined) wasmGen = process.env.CLAIMCHECK_NORMALS === 'js' ? null : WasmNormals.create(ZIG);
  return wasmGen;
}

/** Draw bulk normals with the JavaScript loops (true) or the WebAssembly ones where available (false). */
export function useJsNormals(js: boolean): void {
  wasmGen = js ? null : WasmNormals.create(ZIG);
}

const bulkSeeds = new WeakMap<Rng, string>();
const fast = new WeakMap<Rng, FastNormal>();

/** The stream's bulk generator (see FastNormal), made on first use. */
function bulkOf(rng: Rng, length: number, from: number, to: number): FastNormal {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= length)) {
    throw new RangeError(`fillNormal: [from, to) must lie in [0, ${length}] (got [${from}, ${to}))`);
  }
  let g = fast.get(rng);
  if (!g) {
    const seed = bulkSeeds.get(rng);
    if (seed === undefined) throw new Error('fillNormal: the Rng must come from stream()');
    g = new FastNormal(seed);
    fast.set(rng, g);
  }
  return g;
}

/**
 * Fill out[from..to) (default: all of it) with N(0, sd^2) draws (the stream's bulk generator, see
 * FastNormal). The draws continue the stream's sequence: filling [0, k) then [k, n) gives the same
 * values as filling [0, n) at once.
 */
export function fillNormal(rng: Rng, out: Float64Array, sd: number, from = 0, to = out.length): Float64Array {
  bulkOf(rng, out.length, from, to).fill(out, sd, from, to);
  return out;
}

/**
 * `fillNormal` into a Float32Array: out[k] = Math.fround(the value fillNormal would write there),
 * drawn from and advancing the same sequence (a float32 copy of the noise without a float64 pass).
 */
export function fillNormal32(rng: Rng, out: Float32Array, sd: number, from = 0, to = out.length): Float32Array {
  bulkOf(rng, out.length, from, to).fill(out, sd, from, to);
  return out;
}
