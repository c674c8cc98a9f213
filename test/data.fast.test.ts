import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { drawTestNoiseF32, initWeights, makeDataset, type Dataset } from '../src/data/signalNoise';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';
import { fillNormal, fillNormal32, stream, useJsNormals, type Rng } from '../src/util/rng';
import { normalsModuleBytes } from '../src/util/normalsWasm';
import { afterAll } from 'vitest';

/**
 * Issue 8 (throughput): the faster bulk normals (src/util/rng.ts) and data drawing
 * (src/data/signalNoise.ts) must give every value bit for bit as before. The oracle below is a
 * frozen copy of the earlier implementation (commit 15f8952): the xoshiro128** + ziggurat fill
 * writing one Float64Array per call, and drawSamples filling, projecting and summing row by row.
 */

// ---------------------------------------------------------------------------------------------
// The oracle (do not "improve": it is the reference the fast code must reproduce)
// ---------------------------------------------------------------------------------------------

const ZIG = (() => {
  const n = 128;
  const r = 3.442619855899;
  const v = 9.91256303526217e-3;
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const X = new Float64Array(n);
  const K = new Float64Array(n);
  const F = new Float64Array(n + 1);
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

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

class OracleNormal {
  private s: number[];
  constructor(seed: string) {
    const prng = seedrandom.alea(seed);
    const word = () => Math.floor(prng() * 4294967296) | 0;
    this.s = [word(), word(), word(), word()];
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }
  next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9);
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }
  unit(): number {
    return ((this.next() >>> 0) + 1) * 2.3283064365386963e-10;
  }
  /** one draw, and whether it needed the slow path (wedge or tail) */
  draw(sd: number): { value: number; slow: boolean } {
    const a = this.next();
    let i = a & 127;
    let u = (a >>> 8) * 5.960464477539063e-8;
    let x = u * ZIG.X[i];
    const slow = u >= ZIG.K[i];
    if (slow) {
      for (;;) {
        if (i === 0) {
          let tx: number, ty: number;
          do {
            tx = -Math.log(this.unit()) / ZIG.r;
            ty = -Math.log(this.unit());
          } while (ty + ty < tx * tx);
          x = ZIG.r + tx;
          break;
        }
        if (ZIG.F[i] + this.unit() * (ZIG.F[i + 1] - ZIG.F[i]) < Math.exp(-0.5 * x * x)) break;
        const b = this.next();
        i = b & 127;
        u = (b >>> 8) * 5.960464477539063e-8;
        x = u * ZIG.X[i];
        if (u < ZIG.K[i]) break;
      }
    }
    return { value: x * sd * (1 - ((a >>> 6) & 2)), slow };
  }
  fill(out: Float64Array, sd: number): Float64Array {
    for (let o = 0; o < out.length; o++) out[o] = this.draw(sd).value;
    return out;
  }
}

const bulk = (seed: number, name: string) => new OracleNormal(`claimcheck/${seed}/${name}/bulk-normals`);

interface OracleSamples { y: Float64Array; xi: Float64Array; xiNorm2: Float64Array; signalFirst: Uint8Array }

function oracleSamples(seed: number, name: string, count: number, c: TrainConfig): OracleSamples {
  const d = c.d;
  const rng = stream(seed, name);
  const g = bulk(seed, name);
  const mu = new Float64Array(d);
  mu[0] = c.A;
  const y = new Float64Array(count);
  const xi = new Float64Array(count * d);
  const xiNorm2 = new Float64Array(count);
  const signalFirst = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = rng.uniform() < 0.5 ? 1 : -1;
    signalFirst[i] = c.signalPatch === 'first' || rng.uniform() < 0.5 ? 1 : 0;
    const row = g.fill(xi.subarray(i * d, (i + 1) * d), c.sigmaP);
    if (c.noise === 'projected') {
      let dot = 0;
      for (let k = 0; k < d; k++) if (mu[k] !== 0) dot += row[k] * mu[k];
      const s = dot / (c.A * c.A);
      for (let k = 0; k < d; k++) if (mu[k] !== 0) row[k] -= s * mu[k];
    }
    let s2 = 0;
    for (let k = 0; k < d; k++) s2 += row[k] * row[k];
    xiNorm2[i] = s2;
  }
  return { y, xi, xiNorm2, signalFirst };
}

// ---------------------------------------------------------------------------------------------

/** Bit-for-bit equality (Object.is: -0 and +0 differ), reporting the first differing index. */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let first = -1;
  for (let k = 0; k < expected.length && first < 0; k++) if (!Object.is(actual[k], expected[k])) first = k;
  expect(first < 0 ? 'same' : `differs at ${first}: ${actual[first]} vs ${expected[first]}`, what).toBe('same');
}

const f32 = (a: Float64Array) => Float32Array.from(a);
const small = (o: Record<string, unknown>): TrainConfig => resolveConfig(DEFAULT_CONFIG, { n: 12, nTest: 20, d: 150, m: 3, ...o });

describe('bulk normals (fillNormal, fillNormal32)', () => {
  const cases: [number, string, number, number][] = [[1, 'train-data', 60_000, 0.5], [7, 'init', 9_001, 0.01], [3, 'x', 5, 2]];

  it('the draws include slow-path ones (wedge and tail), so the comparison covers them', () => {
    const g = bulk(1, 'train-data');
    let slow = 0, tail = 0;
    for (let k = 0; k < 60_000; k++) {
      const { value, slow: s } = g.draw(1);
      if (s) slow++;
      if (Math.abs(value) > ZIG.r) tail++;
    }
    expect(slow).toBeGreaterThan(100);
    expect(tail).toBeGreaterThan(5);
  });

  afterAll(() => useJsNormals(false));
  it('the WebAssembly generator is a valid module', () => {
    expect(WebAssembly.validate(normalsModuleBytes(ZIG.r))).toBe(true);
  });

  // both implementations of the loops: WebAssembly (the default) and JavaScript (the fallback)
  const both = (['wasm', 'js'] as const).flatMap((engine) => cases.map((c) => [engine, ...c] as const));
  it.each(both)('%s loops, seed %i stream %s: one fill, fills over split ranges and the float32 fill give the oracle values', (engine, seed, name, n, sd) => {
    useJsNormals(engine === 'js');
    const expected = bulk(seed, name).fill(new Float64Array(n), sd);
    expectSame(fillNormal(stream(seed, name), new Float64Array(n), sd), expected, 'one fill');
    // ranges of uneven length continue the sequence
    const rng: Rng = stream(seed, name);
    const split = new Float64Array(n);
    const cuts = [0, Math.floor(n / 7), Math.floor(n / 7) + 1, Math.floor(n / 2), n];
    for (let j = 0; j + 1 < cuts.length; j++) fillNormal(rng, split, sd, cuts[j], cuts[j + 1]);
    expectSame(split, expected, 'split ranges');
    expectSame(fillNormal32(stream(seed, name), new Float32Array(n), sd), f32(expected), 'float32 fill');
    // float64 and float32 ranges interleaved on one stream: still one sequence
    const mixed = stream(seed, name);
    const a = new Float64Array(n);
    const b = new Float32Array(n);
    const half = Math.floor(n / 2);
    fillNormal(mixed, a, sd, 0, half);
    fillNormal32(mixed, b, sd, half, n);
    expectSame(a.subarray(0, half), expected.subarray(0, half), 'mixed, float64 part');
    expectSame(b.subarray(half), f32(expected.subarray(half)), 'mixed, float32 part');
  });

  it('a successive fill continues the sequence (a second call draws the next values)', () => {
    const g = bulk(5, 'init');
    const first = g.fill(new Float64Array(333), 1);
    const second = g.fill(new Float64Array(444), 1);
    const rng = stream(5, 'init');
    expectSame(fillNormal(rng, new Float64Array(333), 1), first, 'first call');
    expectSame(fillNormal(rng, new Float64Array(444), 1), second, 'second call');
  });

  it('refuses a range outside the array', () => {
    expect(() => fillNormal(stream(1, 'x'), new Float64Array(4), 1, 2, 5)).toThrow(/from, to/);
    expect(() => fillNormal32(stream(1, 'x'), new Float32Array(4), 1, 3, 2)).toThrow(/from, to/);
  });
});

describe('makeDataset and initWeights give the oracle values', () => {
  const configs: [string, TrainConfig][] = [
    ['projected', small({})],
    ['isotropic', small({ noise: 'isotropic', seed: 4 })],
    ['K = 4, projected', small({ K: 4, seed: 2, signalPatch: 'first' })],
    ['K = 3, isotropic, flips', small({ K: 3, noise: 'isotropic', tauPlus: 0.3, tauMinus: 0.2 })],
    ['projected, A = 0.3, signal first', small({ A: 0.3, seed: 6, signalPatch: 'first' })],
  ];

  it.each(configs)('%s', (_label, c) => {
    const data = makeDataset(c);
    const K = c.K ?? 2;
    for (const part of ['train', 'test'] as const) {
      const count = part === 'train' ? c.n : c.nTest;
      const o = oracleSamples(c.seed, `${part}-data`, count, c);
      const s = data[part];
      expectSame(s.y, o.y, `${part}.y`);
      expectSame(s.xi.subarray(0, count * c.d), o.xi, `${part}.xi patch 0`);
      expectSame(s.xiNorm2.subarray(0, count), o.xiNorm2, `${part}.xiNorm2 patch 0`);
      if (K > 2) {
        const extra = oracleSamples(c.seed, `${part}-data-patches`, (K - 2) * count, c);
        expectSame(s.xi.subarray(count * c.d), extra.xi, `${part}.xi patches 1..K-2`);
        expectSame(s.xiNorm2.subarray(count), extra.xiNorm2, `${part}.xiNorm2 patches 1..K-2`);
      } else expectSame(s.signalFirst, o.signalFirst, `${part}.signalFirst`);
    }
    const flips = stream(c.seed, 'fixed-flips');
    const flipped = Uint8Array.from(data.train.y, (y) => (flips.uniform() < (y > 0 ? c.tauPlus : c.tauMinus) ? 1 : 0));
    expectSame(data.flipped, flipped, 'flipped');
    expectSame(data.yObs, Float64Array.from(data.train.y, (y, i) => (flipped[i] ? -y : y)), 'yObs');
    expectSame(initWeights(c), bulk(c.seed, 'init').fill(new Float64Array(2 * c.m * c.d), c.sigma0), 'W0');
  });
});

describe('lean data sets: testNoise rows and drawTestNoiseF32', () => {
  const configs: [string, TrainConfig][] = [
    ['projected', small({ seed: 11 })],
    ['isotropic', small({ noise: 'isotropic', seed: 12 })],
    ['projected, A = 3.7, d = 2', small({ A: 3.7, d: 2, seed: 13 })],
  ];

  const rowsOf = (data: Dataset) => {
    const rows: number[][] = [];
    data.testNoise!((i, row) => {
      rows[i] = Array.from(row);
    });
    return rows;
  };

  it.each(configs)('%s', (_label, c) => {
    const o = oracleSamples(c.seed, 'test-data', c.nTest, c);
    const lean = makeDataset(c, { lean: true });
    expect(lean.test.xi.length).toBe(0);
    expectSame(lean.test.y, o.y, 'lean test labels');
    const rows = rowsOf(lean);
    expect(rows.length).toBe(c.nTest);
    expectSame(rows.flat(), o.xi, 'testNoise rows, in order');
    // float32 rows, drawn straight into out; the tail of a longer out is left alone
    const size = c.nTest * c.d;
    const out = new Float32Array(size + 3).fill(-7);
    expect(drawTestNoiseF32(lean, out)).toBe(out);
    expectSame(out.subarray(0, size), f32(o.xi), 'drawTestNoiseF32 (lean)');
    expectSame(out.subarray(size), [-7, -7, -7], 'drawTestNoiseF32 leaves the rest');
    // twice gives the same (each call draws from a fresh stream)
    expectSame(drawTestNoiseF32(lean, new Float32Array(size)), out.subarray(0, size), 'drawTestNoiseF32 again');
    // a data set storing its test noise, and a lean one without the float32 hook (the row path)
    expectSame(drawTestNoiseF32(makeDataset(c), new Float32Array(size)), f32(o.xi), 'drawTestNoiseF32 (stored)');
    expectSame(drawTestNoiseF32({ ...lean, testNoiseF32: undefined }, new Float32Array(size)), f32(o.xi), 'drawTestNoiseF32 (rows)');
    // block by block (3 rows a block, the last one shorter): the same rows, in order, every path
    for (const [label, data] of [['lean', lean], ['stored', makeDataset(c)], ['rows', { ...lean, testNoiseF32: undefined }]] as [string, Dataset][]) {
      const got: number[] = [];
      const firsts: number[] = [];
      const block = new Float32Array(3 * c.d + 1);
      drawTestNoiseF32(data, block, (first, count) => {
        firsts.push(first);
        got.push(...block.subarray(0, count * c.d));
      });
      expectSame(got, f32(o.xi), `drawTestNoiseF32 by blocks (${label})`);
      expect(firsts).toEqual(Array.from({ length: Math.ceil(c.nTest / 3) }, (_, b) => 3 * b));
    }
  });

  it('refuses an out array shorter than nTest x d, and a data set without test noise', () => {
    const c = small({});
    const lean = makeDataset(c, { lean: true });
    expect(() => drawTestNoiseF32(lean, new Float32Array(c.nTest * c.d - 1))).toThrow(/nTest x d/);
    expect(() => drawTestNoiseF32({ ...lean, testNoise: undefined, testNoiseF32: undefined }, new Float32Array(c.nTest * c.d))).toThrow(/no test noise/);
    expect(() => drawTestNoiseF32(lean, new Float32Array(c.d - 1), () => {})).toThrow(/one row/);
  });
});
