import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend/backend';
import { stepKernels, StepKernels, UnaryOp, BinaryOp } from '../src/training/batched/stepKernels';
import { DEFAULT_CONFIG, resolveConfig } from '../src/training/config';
import { trainBatch } from '../src/training/batched/trainBatch';
import { fusedModuleBytes } from '../src/training/batched/fusedKernels';
import fc from 'fast-check';

/**
 * The batched program's step kernels (src/training/batched/stepKernels.ts): tfjs-wasm's kernels
 * called on buffers of our own against typed-array loops and against tfjs ops (the same wasm
 * kernels through the engine: bit for bit), then whole programs on each.
 */

let backend = '';
beforeAll(async () => {
  backend = await initBackend();
});

function rand(size: number, seed: number, scale = 1): Float32Array {
  let x = seed;
  return Float32Array.from({ length: size }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return scale * (x / 2147483648 - 0.5);
  });
}

/** max |a - b| / (1 + max |b|) */
function relDiff(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / (1 + s);
}

describe('step kernels', () => {
  it('the wasm kernels are tfjs ops bit for bit, on views of one buffer, in place included', () => {
    if (backend !== 'wasm') return;
    const k = stepKernels();
    expect(k.name).toBe('wasm');
    try {
      const rows = 12, inner = 9, cols = 9;
      const xs = rand(2 * rows * inner, 1), gs = rand(inner * cols, 2);
      const X = k.alloc(2 * rows * inner, xs);
      const G = k.alloc(inner * cols, gs);
      const Z = k.alloc(2 * rows * cols);
      // the second block of X times G into the first block of Z
      k.matMul(k.view(X, rows * inner, rows * inner), G, rows, inner, cols, k.view(Z, 0, rows * cols));
      const ref = tf.tidy(() => tf.matMul(tf.tensor2d(xs.subarray(rows * inner), [rows, inner]), tf.tensor2d(gs, [inner, cols])).dataSync());
      expect(Array.from(k.read(Z).subarray(0, rows * cols))).toEqual(Array.from(ref));
      expect(Array.from(k.read(Z).subarray(rows * cols))).toEqual(new Array(rows * cols).fill(0));
      // elementwise, the output aliasing an input
      const as = rand(60, 3, 8), bs = rand(60, 4, 8);
      const A = k.alloc(60, as), B = k.alloc(60, bs);
      const ops: [BinaryOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [['add', tf.add], ['sub', tf.sub], ['mul', tf.mul]];
      for (const [op, f] of ops) {
        const out = k.alloc(60, as);
        k.binary(op, out, B, out);
        expect(Array.from(k.read(out)), op).toEqual(Array.from(tf.tidy(() => f(tf.tensor1d(as), tf.tensor1d(bs)).dataSync())));
      }
      const unary: [UnaryOp, (x: tf.Tensor) => tf.Tensor][] = [['relu', tf.relu], ['square', tf.square], ['neg', tf.neg], ['sigmoid', tf.sigmoid], ['softplus', tf.softplus], ['step', (x) => tf.step(x, 0)]];
      for (const [op, f] of unary) {
        const out = k.alloc(60);
        k.unary(op, A, out);
        expect(Array.from(k.read(out)), op).toEqual(Array.from(tf.tidy(() => f(tf.tensor1d(as)).dataSync())));
      }
      // broadcast over the middle axis: [3, 4, 5] x [3, 1, 5]
      const P = k.alloc(60, as), Q = k.alloc(15, bs.subarray(0, 15)), O = k.alloc(60);
      k.binary('mul', P, Q, O, [3, 4, 5]);
      const bc = tf.tidy(() => tf.mul(tf.tensor3d(as, [3, 4, 5]), tf.tensor3d(bs.subarray(0, 15), [3, 1, 5])).dataSync());
      expect(Array.from(k.read(O))).toEqual(Array.from(bc));
      // pow with a scalar exponent
      const E = k.alloc(1, [3]);
      k.binary('pow', B, E, O);
      expect(relDiff(k.read(O), tf.tidy(() => tf.pow(tf.tensor1d(bs), 3).dataSync() as Float32Array))).toBeLessThan(1e-6);
    } finally {
      k.dispose();
    }
  });

  it('wasm and typed-array kernels agree on every op (float32 rounding)', () => {
    const impls: StepKernels[] = backend === 'wasm' ? [stepKernels('auto'), stepKernels('js')] : [stepKernels('js')];
    try {
      const results = impls.map((k) => {
        const groups = 6, K = 8, cols = 11;
        const x = k.alloc(groups * K * cols, rand(groups * K * cols, 5, 4));
        const w = k.alloc(K, Float32Array.from({ length: K }, (_, i) => (i < K / 2 ? 1 : -1) / 4));
        const F = k.alloc(groups * cols);
        k.reduceRows(x, w, groups, K, cols, F);
        const mean = k.alloc(groups * K), sum = k.alloc(groups * K);
        k.mean(x, cols, mean);
        k.sum(x, cols, sum);
        const G = k.alloc(cols * cols, rand(cols * cols, 6));
        const Z = k.alloc(groups * K * cols);
        k.matMul(x, G, groups * K, cols, cols, Z);
        return { F: k.read(F), mean: k.read(mean), sum: k.read(sum), Z: k.read(Z) };
      });
      // reduceRows against its definition, computed here
      const xs = rand(6 * 8 * 11, 5, 4);
      const want = new Float32Array(6 * 11);
      for (let g = 0; g < 6; g++) for (let c = 0; c < 11; c++) for (let r = 0; r < 8; r++) want[g * 11 + c] += ((r < 4 ? 1 : -1) / 4) * xs[(g * 8 + r) * 11 + c];
      for (const r of results) expect(relDiff(r.F, want)).toBeLessThan(1e-6);
      if (results.length === 2) {
        for (const key of ['F', 'mean', 'sum', 'Z'] as const) expect(relDiff(results[0][key], results[1][key]), key).toBeLessThan(1e-6);
      }
    } finally {
      impls.forEach((k) => k.dispose());
    }
  });

  it('the fused passes (activate, descend, descendMomentum) are the kernel sequences they replace, bit for bit, on any shape', () => {
    expect(WebAssembly.validate(fusedModuleBytes())).toBe(true);
    const impls: StepKernels[] = backend === 'wasm' ? [stepKernels('auto'), stepKernels('wasm-unfused'), stepKernels('js')] : [stepKernels('js')];
    if (backend === 'wasm') expect(impls.map((k) => k.name)).toEqual(['wasm', 'wasm-unfused', 'js']);
    // same bits, NaN for NaN
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || (x !== x && b[i] !== b[i]));
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 1e6 }), fc.boolean(),
          (groups, K, cols, seed, square) => {
            const N = groups * K * cols;
            const z = rand(N, seed, 6), z0 = rand(N, seed + 1, 6), w = rand(K, seed + 2, 2), t = rand(N, seed + 3, 4), b = rand(groups * cols, seed + 4, 4), e = rand(N, seed + 5, 4), x = rand(N, seed + 6, 4);
            z[seed % N] = NaN; // NaN propagates through relu, the square and the sums
            const out = impls.map((k) => {
              const Z = k.alloc(N, z), R = k.alloc(N), A = square ? k.alloc(N) : null, F = k.alloc(groups * cols, rand(groups * cols, seed));
              k.activate(Z, k.alloc(N, z0), R, A, k.alloc(K, w), groups, K, cols, F);
              const X = k.alloc(N, x);
              k.descend(X, k.alloc(N, t), k.alloc(groups * cols, b), k.alloc(N, e), groups, K, cols);
              // with momentum: beta in [0, 1), a velocity carried in
              const Xm = k.alloc(N, x), Vel = k.alloc(N, rand(N, seed + 7, 2));
              const betas = rand(N, seed + 8, 1).map((u) => Math.fround(u + 0.5));
              k.descendMomentum(Xm, k.alloc(N, t), k.alloc(groups * cols, b), k.alloc(N, e), Vel, k.alloc(N, betas), k.alloc(N, betas.map((u) => 1 - u)), groups, K, cols);
              return [Z, R, A ?? R, F, X, Xm, Vel].map((buf) => k.read(buf));
            });
            // and against the definition, in float64 then rounded once (tolerance for the float32 steps)
            const want = new Float64Array(groups * cols);
            for (let g = 0; g < groups; g++) for (let k = 0; k < K; k++) for (let c = 0; c < cols; c++) {
              const r = Math.max(Math.fround(z[(g * K + k) * cols + c] + z0[(g * K + k) * cols + c]), 0);
              want[g * cols + c] += w[k] * (square ? r * r : r) + (z[(g * K + k) * cols + c] !== z[(g * K + k) * cols + c] ? NaN : 0);
            }
            const F = out[0][3];
            for (let i = 0; i < want.length; i++) {
              if (Number.isNaN(want[i])) expect(F[i]).toBeNaN();
              else expect(Math.abs(F[i] - want[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i])) * K);
            }
            for (const other of out.slice(1)) other.forEach((arr, j) => expect(same(out[0][j], arr), `output ${j}`).toBe(true));
          }),
        { numRuns: 60, seed: 20261201 },
      );
    } finally {
      impls.forEach((k) => k.dispose());
    }
  });

  it('the fused per-sample passes (samplesIn, samplesOut) are the elementwise tfjs ops and host loops they replace, bit for bit', () => {
    const impls: StepKernels[] = backend === 'wasm' ? [stepKernels('auto'), stepKernels('js')] : [stepKernels('js')];
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || (x !== x && b[i] !== b[i]));
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 1e6 }), (S, V, n, seed) => {
          const a = n + 2, N = S * V * n;
          const Fv = rand(S * V * a, seed, 8), lab = rand(N, seed + 1, 2), W2 = rand(N, seed + 2, 1), sg = rand(N, seed + 3, 1), sp = rand(N, seed + 4, 3);
          const col = Float32Array.from({ length: S * n }, (_, k) => ((seed + k * 7) % 3 === 0 ? n : n + 1));
          const out = impls.map((k) => {
            const bufs = { f: k.alloc(N), z: k.alloc(N), nz: k.alloc(N), g: k.alloc(N), sp: k.alloc(N, sp), gAug: k.alloc(S * V * a) };
            const colB = k.alloc(S * n, col), labB = k.alloc(N, lab);
            k.samplesIn(k.alloc(S * V * a, Fv), colB, labB, bufs.f, bufs.z, bufs.nz, S, V, n, a);
            k.samplesOut(k.alloc(N, W2), k.alloc(N, sg), labB, bufs.z, bufs.sp, bufs.g, bufs.gAug, colB, S, V, n, a);
            return Object.values(bufs).map((b) => k.read(b));
          });
          // the reference: the host loops and tfjs ops of the unfused step
          const f = new Float32Array(N), gAug = new Float32Array(S * V * a);
          for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) for (let i = 0; i < n; i++) f[(s * V + v) * n + i] = Fv[(s * V + v) * a + i] + Fv[(s * V + v) * a + col[s * n + i]];
          const t = (x: Float32Array) => tf.tensor1d(x);
          const [z, nz, g, spOut] = tf.tidy(() => {
            const zt = tf.mul(t(lab), t(f));
            return [zt, tf.neg(zt), tf.mul(tf.sub(t(W2), t(sg)), t(lab)), tf.add(t(sp), tf.mul(t(W2), zt))].map((x) => x.dataSync() as Float32Array);
          });
          for (let s = 0; s < S; s++) for (let v = 0; v < V; v++) {
            let gp = 0, gm = 0;
            for (let i = 0; i < n; i++) {
              const x = g[(s * V + v) * n + i];
              gAug[(s * V + v) * a + i] = x;
              if (col[s * n + i] === n) gp += x;
              else gm += x;
            }
            gAug[(s * V + v) * a + n] = gp;
            gAug[(s * V + v) * a + n + 1] = gm;
          }
          const want = [f, z, nz, g, spOut, gAug];
          for (const o of out) o.forEach((arr, j) => expect(same(arr, want[j]), `output ${j}`).toBe(true));
        }),
        { numRuns: 40, seed: 20261202 },
      );
    } finally {
      impls.forEach((k) => k.dispose());
    }
  });

  it("the fused gemm is XNNPACK's matMul bit for bit, on any shape, on views, with NaN and Inf, its packed operand dropped on release", () => {
    if (backend !== 'wasm') return;
    const fused = stepKernels('auto'), xnn = stepKernels('wasm-unfused');
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 29 }), fc.integer({ min: 1, max: 1e6 }), fc.boolean(),
          (rows, inner, cols, seed, special) => {
            const as = rand(rows * inner + 3, seed, 8), bs = rand(inner * cols, seed + 1, 8);
            if (special) {
              as[3 + (seed % (rows * inner))] = NaN;
              bs[seed % (inner * cols)] = Infinity;
            }
            const outs = [fused, xnn].map((k) => {
              // a and the output at an offset inside larger buffers
              const A = k.view(k.alloc(rows * inner + 3, as), 3, rows * inner);
              const B = k.alloc(inner * cols, bs);
              const O = k.alloc(rows * cols + 5, rand(rows * cols + 5, seed + 2));
              k.matMul(A, B, rows, inner, cols, k.view(O, 5, rows * cols));
              const first = k.read(O);
              k.matMul(A, B, rows, inner, cols, k.view(O, 5, rows * cols)); // the packed copy reused
              expect(Array.from(k.read(O))).toEqual(Array.from(first));
              // a new right operand in the same place after a release: packed again, not the stale copy
              k.release(B);
              const B2 = k.alloc(inner * cols, bs.map((x) => -x));
              k.matMul(A, B2, rows, inner, cols, k.view(O, 5, rows * cols));
              return [first, k.read(O)];
            });
            outs[0].forEach((arr, j) => expect(Array.from(arr), `product ${j}`).toEqual(Array.from(outs[1][j])));
          }),
        { numRuns: 60, seed: 20261203 },
      );
    } finally {
      fused.dispose();
      xnn.dispose();
    }
  });

  it('matMul: a right operand used with another shape is packed again; an overlapping output is refused; inner 0 gives zeros', () => {
    if (backend !== 'wasm') return;
    const fused = stepKernels('auto'), xnn = stepKernels('wasm-unfused');
    try {
      const bs = rand(24, 7);
      const res = [fused, xnn].map((k) => {
        const B = k.alloc(24, bs);
        const A = k.alloc(12, rand(12, 8));
        const O = k.alloc(18);
        k.matMul(A, B, 2, 6, 4, O); // B as 6 x 4
        const first = k.read(O).slice(0, 8);
        k.matMul(A, B, 3, 4, 6, O); // the same buffer as 4 x 6
        const second = k.read(O);
        expect(() => k.matMul(A, B, 2, 6, 4, k.view(A, 0, 8))).toThrow(/overlaps/);
        const Z = k.alloc(6, [1, 2, 3, 4, 5, 6]);
        k.matMul(A, B, 2, 0, 3, Z);
        return { first, second, zero: k.read(Z) };
      });
      expect(Array.from(res[0].first)).toEqual(Array.from(res[1].first));
      // the second product against its definition (XNNPACK's operator cache keys on the id alone,
      // so its second product is not a reference here)
      const as = rand(12, 8);
      const want = new Float32Array(18);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 6; j++) {
        let acc = 0;
        for (let q = 0; q < 4; q++) acc = Math.fround(acc + Math.fround(as[i * 4 + q] * bs[q * 6 + j]));
        want[i * 6 + j] = acc;
      }
      expect(Array.from(res[0].second)).toEqual(Array.from(want));
      expect(Array.from(res[0].zero)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(res[1].zero)).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      fused.dispose();
      xnn.dispose();
    }
  });

  it('a view outside its buffer is refused', () => {
    const k = stepKernels('js');
    const b = k.alloc(10);
    expect(() => k.view(b, 5, 6)).toThrow(/outside/);
  });
});

describe('a program on the wasm kernels and on typed-array loops', () => {
  it('the same trajectories to float32 tolerance, divergences at the same step', async () => {
    const base = { n: 16, nTest: 40, d: 60, m: 3, steps: 90, evalEvery: 30, eta: 0.5, sigma0: 0.05, A: 2, sigmaP: 0.5 };
    const configs = [1, 2, 3].flatMap((q) => ['gd', 'lngd', 'smoothing'].map((algo) => resolveConfig(DEFAULT_CONFIG, base, { q, algo, seed: 60 + q })));
    configs.push(resolveConfig(DEFAULT_CONFIG, base, { q: 2, algo: 'gd', seed: 61, eta: 1e6 }), resolveConfig(DEFAULT_CONFIG, base, { q: 3, algo: 'lngd', seed: 63, eta: 1e30 }));
    const wasm = await trainBatch(configs, { kernels: 'auto' });
    const js = await trainBatch(configs, { kernels: 'js' });
    expect(js[0].batch.kernels).toBe('js');
    expect(wasm[0].batch.kernels).toBe(backend === 'wasm' ? 'wasm' : 'js');
    configs.forEach((c, i) => {
      expect(wasm[i].final.diverged?.step ?? null, `run ${i}`).toBe(js[i].final.diverged?.step ?? null);
      expect(wasm[i].trajectory.length).toBe(js[i].trajectory.length);
      wasm[i].trajectory.forEach((m, t) => {
        const o = js[i].trajectory[t];
        for (const key of ['trainLoss', 'maxGamma', 'maxRho'] as const) {
          const x = m[key] as number, y = o[key] as number;
          if (Number.isFinite(x) || Number.isFinite(y)) expect(Math.abs(x - y), `${key} run ${i} step ${m.step}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(y)));
        }
        expect(Math.abs((m.testError ?? 0) - (o.testError ?? 0))).toBeLessThanOrEqual(1 / c.nTest + 1e-12);
      });
    });
    expect(wasm.some((r) => r.final.diverged)).toBe(true);
  }, 60_000);

  it('fused and unfused wasm passes: the same trajectories bit for bit', async () => {
    if (backend !== 'wasm') return;
    const base = { n: 13, nTest: 37, d: 50, m: 3, steps: 60, evalEvery: 20, eta: 0.5, sigma0: 0.05, A: 2, sigmaP: 0.5 };
    const configs = [1, 2].flatMap((q) => ['gd', 'lngd'].map((algo) => resolveConfig(DEFAULT_CONFIG, base, { q, algo, seed: 80 + q })));
    configs.push(resolveConfig(DEFAULT_CONFIG, base, { q: 2, algo: 'gd', seed: 81, eta: 1e30 }), resolveConfig(DEFAULT_CONFIG, base, { q: 1, algo: 'lngd', seed: 82, eta: 1e30 }));
    const fused = await trainBatch(configs, { kernels: 'auto' });
    const unfused = await trainBatch(configs, { kernels: 'wasm-unfused' });
    expect([fused[0].batch.kernels, unfused[0].batch.kernels]).toEqual(['wasm', 'wasm-unfused']);
    expect(fused.some((r) => r.final.diverged)).toBe(true);
    expect(JSON.stringify(fused.map((r) => [r.trajectory, r.final]))).toBe(JSON.stringify(unfused.map((r) => [r.trajectory, r.final])));
  }, 60_000);

  it('on another tfjs backend (cpu): typed-array loops with the matMuls on tfjs, the same trajectories', async () => {
    if (backend !== 'wasm') return;
    require('@tensorflow/tfjs-backend-cpu');
    const base = { n: 12, nTest: 30, d: 40, m: 2, steps: 40, evalEvery: 20, eta: 0.5, sigma0: 0.05, A: 2, sigmaP: 0.5 };
    const configs = ['gd', 'lngd'].map((algo) => resolveConfig(DEFAULT_CONFIG, base, { algo, seed: 71 }));
    const onWasm = await trainBatch(configs);
    await tf.setBackend('cpu');
    try {
      const before = tf.memory().numTensors;
      const onCpu = await trainBatch(configs);
      expect(onCpu[0].batch.kernels).toBe('js+tf-matmul');
      expect(tf.memory().numTensors).toBe(before);
      configs.forEach((_, i) => onCpu[i].trajectory.forEach((m, t) => {
        expect(Math.abs(m.trainLoss - onWasm[i].trajectory[t].trainLoss)).toBeLessThanOrEqual(1e-5 * Math.max(1, m.trainLoss));
        expect(m.testError).toBe(onWasm[i].trajectory[t].testError);
      }));
    } finally {
      await tf.setBackend('wasm');
    }
  }, 60_000);
});
