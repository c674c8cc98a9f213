import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset, initWeights, makeDataset } from '../src/data/signalNoise';
import { initBackend } from '../src/backend/backend';
import { ConfigError, hiddenOf, type TrainConfig } from '../src/training/config';
import { makeLabelScheme } from '../src/training/labels';
import { AutodiffEngine } from '../src/training/engines/autodiffEngine';
import { initThreeLayer } from '../src/model/threeLayer';
import { chooseEngine, train } from '../src/training/train';
import { notBatchable } from '../src/training/batched/trainBatch';
import { config, maxAbs, maxAbsValue, runEngine } from './helpers/trainerHarness';

/**
 * The autodiff engine (src/training/engines/autodiffEngine.ts): on the two-layer model it must be
 * the weight engine and the float64 reference (the check that the autodiff path is right); on the
 * three-layer model (src/model/threeLayer.ts) its gradient must be the finite-difference gradient of
 * a float64 loss written here, and runs must be reproducible and leak no tensors.
 */

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const scale = maxAbsValue(b);
  expect(scale).toBeGreaterThan(0);
  return maxAbs(a, b) / scale;
}

/** Drive an autodiff engine like train() does; keep losses, snapshots and final weights. */
function runAutodiff(c: TrainConfig, data: Dataset = makeDataset(c)) {
  const engine = new AutodiffEngine(c, data, initWeights(c));
  const scheme = makeLabelScheme(c, data.yObs);
  const losses: number[] = [];
  const snaps = [];
  try {
    for (let t = 0; t <= c.steps; t++) {
      losses.push(engine.forward(scheme.labels(t), scheme.alpha));
      if (t % c.evalEvery === 0 || t === c.steps) snaps.push(engine.snapshot());
      if (t < c.steps) engine.update();
    }
    return { losses, snaps, weights: engine.weights() };
  } finally {
    engine.dispose();
  }
}

const small = { n: 12, nTest: 20, d: 30, m: 3, sigma0: 0.3, eta: 0.5, seed: 7, steps: 15, evalEvery: 5 };

describe('autodiff engine, two-layer: equals the weight engine and the float64 reference', () => {
  beforeAll(async () => {
    await initBackend();
  });

  for (const [label, over] of [
    ['gd', {}],
    ['lngd', { algo: 'lngd', p: 0.2 }],
    ['smoothing, q = 2.5', { algo: 'smoothing', alpha: 0.3, q: 2.5 }],
    ['lngd-gauss, K = 3, q = 1', { algo: 'lngd-gauss', K: 3, q: 1, sigma0: 0.5 }],
    ['momentum 0.8', { momentum: 0.8 }],
    ['SAM r = 0.05, lngd', { samRho: 0.05, algo: 'lngd' }],
    ['SAM + momentum, isotropic', { samRho: 0.05, momentum: 0.5, noise: 'isotropic' }],
  ] as const) {
    it(label, async () => {
      const c = config({ ...small, ...over });
      const data = makeDataset(c);
      const ad = runAutodiff(c, data);
      const w = await runEngine('weight', c, data);
      const ref = await runEngine('reference', c, data);
      expect(relErr(ad.weights, ref.weights)).toBeLessThan(2e-4);
      expect(relErr(ad.weights, w.weights)).toBeLessThan(2e-4);
      expect(relErr(ad.losses, ref.losses)).toBeLessThan(2e-4);
      for (let k = 0; k < ref.snaps.length; k++) {
        expect(relErr(ad.snaps[k].fTrain, ref.snaps[k].fTrain)).toBeLessThan(5e-4);
        expect(relErr(ad.snaps[k].fTest, ref.snaps[k].fTest)).toBeLessThan(5e-4);
      }
      // the weights moved: the comparison is not one of initialisations
      expect(maxAbs(ref.weights, initWeights(c))).toBeGreaterThan(1e-3);
      // projected noise: gamma_jr = j <w - w0, mu> is the exact coefficient
      if (c.noise === 'projected') expect(relErr(ad.snaps.at(-1)!.gamma, ref.snaps.at(-1)!.gamma)).toBeLessThan(1e-3);
    });
  }
});

/** The three-layer loss in float64, written from the formula of src/model/threeLayer.ts. */
function loss64(V: Float64Array, W: Float64Array, c: TrainConfig, data: Dataset, u: Float64Array, alpha: number): number {
  const { n, d, m, q } = c;
  const H = V.length / d;
  const patches = data.train.xi.length / (n * d);
  const sig = (z: number) => (z > 0 ? Math.pow(z, q) : 0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const inputs: Float64Array[] = [data.mu.map((v) => v * data.train.y[i])];
    for (let p = 0; p < patches; p++) inputs.push(data.train.xi.subarray((p * n + i) * d, (p * n + i + 1) * d));
    let f = 0;
    for (const x of inputs) {
      const h = new Float64Array(H);
      for (let k = 0; k < H; k++) {
        let s = 0;
        for (let e = 0; e < d; e++) s += V[k * d + e] * x[e];
        h[k] = Math.max(0, s);
      }
      for (let r = 0; r < 2 * m; r++) {
        let s = 0;
        for (let k = 0; k < H; k++) s += W[r * H + k] * h[k];
        f += ((r < m ? 1 : -1) / m) * sig(s);
      }
    }
    const z = u[i] * f;
    const l = (t: number) => Math.log1p(Math.exp(-t));
    total += (1 - alpha / 2) * l(z) + (alpha / 2) * l(-z);
  }
  return total / n;
}

describe('autodiff engine, three-layer', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const tiny = { model: 'three-layer', hidden: 5, n: 8, nTest: 10, d: 12, m: 2, sigma0: 0.4, eta: 0.3, seed: 3, steps: 1, evalEvery: 1 };
  for (const [label, over] of [
    ['lngd, q = 2', { algo: 'lngd', p: 0.3 }],
    ['smoothing, K = 3, q = 1.5', { algo: 'smoothing', alpha: 0.4, K: 3, q: 1.5 }],
    ['SAM r = 0.2 with momentum 0.6', { algo: 'lngd', samRho: 0.2, momentum: 0.6 }],
  ] as const) {
    it(`${label}: one step is -eta times the finite-difference gradient of the float64 loss`, () => {
      const c = config({ ...tiny, ...over });
      const data = makeDataset(c);
      const H = hiddenOf(c);
      const { V, W } = initThreeLayer(c, H);
      const scheme = makeLabelScheme(c, data.yObs);
      const u = Float64Array.from(scheme.labels(0));
      const engine = new AutodiffEngine(c, data, initWeights(c));
      const loss = engine.forward(u, scheme.alpha);
      engine.update();
      const after = engine.weights();
      engine.dispose();
      expect(Math.abs(loss - loss64(V, W, c, data, u, scheme.alpha))).toBeLessThan(1e-5);
      const theta = new Float64Array([...V, ...W]);
      const stepGrad = theta.map((v, k) => (v - after[k]) / c.eta);
      const fdGrad = (at0: Float64Array) => {
        const g = new Float64Array(at0.length);
        const h = 1e-6;
        for (let k = 0; k < at0.length; k++) {
          const at = (delta: number) => {
            const t = Float64Array.from(at0);
            t[k] += delta;
            return loss64(t.subarray(0, V.length), t.subarray(V.length), c, data, u, scheme.alpha);
          };
          g[k] = (at(h) - at(-h)) / (2 * h);
        }
        return g;
      };
      let fd = fdGrad(theta);
      expect(maxAbsValue(fd.subarray(0, V.length))).toBeGreaterThan(1e-4); // the first layer gets a gradient
      // SAM: the gradient at theta + r g/||g||_F (over both layers); momentum's first step is (1 - beta) of it
      const r = c.samRho ?? 0;
      if (r > 0) {
        const norm = Math.sqrt(fd.reduce((a, v) => a + v * v, 0));
        fd = fdGrad(theta.map((v, k) => v + (r * fd[k]) / norm));
      }
      fd = fd.map((v) => v * (1 - (c.momentum ?? 0)));
      expect(relErr(stepGrad, fd)).toBeLessThan(2e-3);
    });
  }

  it('is reproducible from the seed, and the seed matters', () => {
    const c = config({ ...tiny, hidden: 8, steps: 20, evalEvery: 10, algo: 'lngd' });
    const a = runAutodiff(c);
    const b = runAutodiff(c);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.losses).toEqual(b.losses);
    const other = runAutodiff(config({ ...tiny, hidden: 8, steps: 20, evalEvery: 10, algo: 'lngd', seed: 4 }));
    expect(maxAbs(a.weights, other.weights)).toBeGreaterThan(1e-3);
  });

  it('snapshot: the first-layer projections of src/model/threeLayer.ts, from the weights', () => {
    const c = config({ ...tiny, hidden: 6, steps: 10, evalEvery: 10 });
    const data = makeDataset(c);
    const r = runAutodiff(c, data);
    const H = 6, { d, n } = c;
    const V0 = initThreeLayer(c, H).V;
    const V = r.weights.subarray(0, H * d);
    const snap = r.snaps.at(-1)!;
    expect(snap.hiddenUnits).toBe(true);
    expect(snap.rho.length).toBe(H * n);
    const dot = (A: Float64Array, k: number, x: ArrayLike<number>) => {
      let s = 0;
      for (let e = 0; e < d; e++) s += A[k * d + e] * x[e];
      return s;
    };
    for (let k = 0; k < H; k++) {
      expect(snap.gamma[k]).toBeCloseTo(Math.abs(dot(V, k, data.mu)) - Math.abs(dot(V0, k, data.mu)), 4);
      for (let i = 0; i < n; i++) {
        const xi = data.train.xi.subarray(i * d, (i + 1) * d);
        expect(snap.rho[k * n + i]).toBeCloseTo(dot(V, k, xi) - dot(V0, k, xi), 4);
      }
    }
  });

  it('leaks no tensors over hundreds of steps (GD, SAM with momentum)', () => {
    for (const over of [{}, { samRho: 0.05, momentum: 0.5, algo: 'lngd' }]) {
      const c = config({ ...tiny, ...over, steps: 300, evalEvery: 100 });
      const before = tf.memory().numTensors;
      const data = makeDataset(c);
      const engine = new AutodiffEngine(c, data, initWeights(c));
      const scheme = makeLabelScheme(c, data.yObs);
      // counted right after a forward pass (which holds its outputs and gradients until the update)
      const afterForward: number[] = [];
      for (let t = 0; t <= c.steps; t++) {
        engine.forward(scheme.labels(t), scheme.alpha);
        if (t % 100 === 0) engine.snapshot();
        if (t === 10 || t === c.steps) afterForward.push(tf.memory().numTensors);
        if (t < c.steps) engine.update();
      }
      expect(afterForward[1]).toBe(afterForward[0]);
      engine.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('train(): auto picks the autodiff engine and measures every field; other engines refuse', async () => {
    const c = config({ ...tiny, steps: 30, evalEvery: 10, algo: 'lngd' });
    const r = await train(c, { perSample: true });
    expect(r.engine).toBe('autodiff');
    expect(r.trajectory.map((m) => m.step)).toEqual([0, 10, 20, 30]);
    const f = r.final;
    for (const k of ['trainLoss', 'trainLossObserved', 'testError', 'maxGamma', 'maxRho', 'maxRhobar', 'iotaMean', 'ratio'] as const) expect(Number.isFinite(f[k])).toBe(true);
    expect(f.perSample!.loss.length).toBe(c.n);
    expect(f.maxGamma).toBeGreaterThan(0);
    const blown = await train(config({ ...tiny, steps: 20, evalEvery: 10, eta: 1e30 }));
    expect(blown.final.diverged).not.toBeNull();
    for (const e of ['weight', 'coefficient', 'reference'] as const) expect(() => chooseEngine(c, e)).toThrow(ConfigError);
    expect(() => chooseEngine(c, 'weight')).toThrow(/engine: model three-layer trains on the autodiff engine/);
    expect(notBatchable(c)).toMatch(/three-layer/);
    expect(() => config({ hidden: 8 })).toThrow(/hidden: applies only to model three-layer/);
    expect(config({ model: 'two-layer', hidden: 64 })).not.toHaveProperty('model');
  });
});
