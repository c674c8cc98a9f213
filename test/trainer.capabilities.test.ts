import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset, initWeights, makeDataset } from '../src/data/signalNoise';
import { initBackend } from '../src/backend/backend';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';
import { makeLabelScheme } from '../src/training/labels';
import { ReferenceEngine } from '../src/training/engines/reference';
import { batchable } from '../src/training/batched/trainBatch';
import { config, maxAbs, maxAbsValue, runEngine } from './helpers/trainerHarness';

/**
 * Training-core capabilities of spec/model.md (issue 9, item 1): real q, K patches, GD with
 * momentum, full-batch SAM. The reference engine against tfjs autodiff of a loss written here
 * directly (no code shared with the engines), and the three engines against each other.
 */

/** L_S(W) with K - 1 noise patches (data.train.xi has (K - 1) n rows, patch-major) and real q. */
function tfLoss(W: tf.Tensor, c: TrainConfig, data: Dataset, labels: Float64Array, alpha: number): tf.Scalar {
  const { n, d, m, q } = c;
  const patches = data.train.xi.length / (n * d);
  const mu = tf.tensor2d(Array.from(data.mu), [1, d]);
  const y = tf.tensor1d(Array.from(data.train.y));
  const u = tf.tensor1d(Array.from(labels));
  const sig = (z: tf.Tensor) => tf.pow(tf.relu(z), q);
  let f: tf.Tensor = tf.zeros([n]);
  for (let r = 0; r < 2 * m; r++) {
    const j = r < m ? 1 : -1;
    const w = tf.slice(W, [r, 0], [1, d]);
    let a = sig(tf.mul(tf.sum(tf.mul(w, mu)), y));
    for (let p = 0; p < patches; p++) {
      const xi = tf.tensor2d(Array.from(data.train.xi.subarray(p * n * d, (p + 1) * n * d)), [n, d]);
      a = tf.add(a, sig(tf.sum(tf.mul(w, xi), 1)));
    }
    f = tf.add(f, tf.mul(a, j / m));
  }
  const z = tf.mul(u, f);
  return tf.mean(tf.add(tf.mul(tf.softplus(tf.neg(z)), 1 - alpha / 2), tf.mul(tf.softplus(z), alpha / 2))) as tf.Scalar;
}

function autoGrad(W: Float64Array, c: TrainConfig, data: Dataset, labels: Float64Array, alpha: number): Float64Array {
  return Float64Array.from(tf.tidy(() => tf.grad((X: tf.Tensor) => tfLoss(X, c, data, labels, alpha))(tf.tensor2d(Array.from(W), [2 * c.m, c.d])).dataSync()));
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const scale = maxAbsValue(b);
  expect(scale).toBeGreaterThan(0);
  return maxAbs(a, b) / scale;
}

function refSteps(c: TrainConfig, data: Dataset, W0: Float64Array, steps: number): Float64Array[] {
  const scheme = makeLabelScheme(c, data.yObs);
  const ref = new ReferenceEngine(c, data, W0);
  const out = [Float64Array.from(W0)];
  for (let t = 0; t < steps; t++) {
    ref.forward(scheme.labels(t), scheme.alpha);
    ref.update();
    out.push(ref.weights());
  }
  return out;
}

const small = { n: 12, nTest: 10, d: 30, m: 3, sigma0: 0.3, eta: 0.5, seed: 7 };

describe('capabilities: the reference step against tfjs autodiff', () => {
  beforeAll(async () => {
    await initBackend();
  });

  for (const [label, over] of [
    ['q = 2.5', { q: 2.5 }],
    ['q = 2.0001', { q: 2.0001 }],
    ['K = 3', { K: 3 }],
    ['K = 4, q = 3, smoothing', { K: 4, q: 3, algo: 'smoothing' }],
  ] as const) {
    it(`${label}: reference step equals -eta * tf.grad(L_S)`, () => {
      const c = config({ ...small, ...over });
      const data = makeDataset(c);
      const W0 = initWeights(c);
      const labels = Float64Array.from(makeLabelScheme(c, data.yObs).labels(0));
      const [, W1] = refSteps(c, data, W0, 1);
      const step = W1.map((w, i) => (W0[i] - w) / c.eta);
      expect(relErr(step, autoGrad(W0, c, data, labels, c.algo === 'smoothing' ? c.alpha : 0))).toBeLessThan(2e-4);
    });
  }

  it('momentum: two steps follow v <- beta v + (1 - beta) grad, W <- W - eta v (the buffer carries over)', () => {
    const c = config({ ...small, q: 2, momentum: 0.8 });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const labels = Float64Array.from(data.yObs);
    const [, W1, W2] = refSteps(c, data, W0, 2);
    const g0 = autoGrad(W0, c, data, labels, 0);
    const v1 = g0.map((g) => 0.2 * g);
    expect(relErr(W1.map((w, i) => (W0[i] - w) / c.eta), v1)).toBeLessThan(2e-4);
    const g1 = autoGrad(W1, c, data, labels, 0);
    const v2 = v1.map((v, i) => 0.8 * v + 0.2 * g1[i]);
    expect(relErr(W2.map((w, i) => (W1[i] - w) / c.eta), v2)).toBeLessThan(2e-4);
    // without the buffer the second step would be 0.2 g1: far from v2
    expect(relErr(g1.map((g) => 0.2 * g), v2)).toBeGreaterThan(1e-2);
  });

  it('SAM: the ascent to W + r grad/||grad||_F, then the step with the gradient there', () => {
    const c = config({ ...small, q: 2, samRho: 0.5, algo: 'lngd', K: 3 });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const labels = Float64Array.from(makeLabelScheme(c, data.yObs).labels(0));
    const [, W1] = refSteps(c, data, W0, 1);
    const g0 = autoGrad(W0, c, data, labels, 0);
    const norm = Math.sqrt(g0.reduce((s, v) => s + v * v, 0));
    const Wadv = W0.map((w, i) => w + (c.samRho! * g0[i]) / norm);
    const gAdv = autoGrad(Wadv, c, data, labels, 0);
    const step = W1.map((w, i) => (W0[i] - w) / c.eta);
    expect(relErr(step, gAdv)).toBeLessThan(2e-4);
    // the gradient at W itself is not the step
    expect(relErr(g0, gAdv)).toBeGreaterThan(1e-2);
  });
});

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

describe('capabilities: the engines agree (float32 tfjs vs float64 reference)', () => {
  const cases: [string, Record<string, unknown>, readonly ('weight' | 'coefficient')[]][] = [
    ['momentum 0.9', { momentum: 0.9, algo: 'lngd' }, ['weight', 'coefficient']],
    ['SAM r = 0.3', { samRho: 0.3 }, ['weight', 'coefficient']],
    ['SAM r = 0.3, isotropic noise, smoothing', { samRho: 0.3, noise: 'isotropic', algo: 'smoothing' }, ['weight', 'coefficient']],
    ['SAM + momentum, q = 2.5', { samRho: 0.2, momentum: 0.5, q: 2.5 }, ['weight', 'coefficient']],
    ['K = 3', { K: 3, algo: 'lngd' }, ['weight', 'coefficient']],
    ['K = 4, isotropic, q = 1', { K: 4, noise: 'isotropic', q: 1 }, ['weight', 'coefficient']],
  ];
  for (const [label, over, engines] of cases) {
    it(`${label}: losses, coefficients, test predictions and W`, async () => {
      const c = config({ n: 16, nTest: 40, d: 60, m: 4, q: 2, sigma0: 0.1, eta: 0.8, A: 1.5, sigmaP: 0.6, steps: 25, evalEvery: 5, seed: 5, ...over });
      const data = makeDataset(c);
      const ref = await runEngine('reference', c, data);
      expect(ref.losses.every((l) => Number.isFinite(l) && l < 5)).toBe(true);
      // the run moves: the capability is exercised, not a no-op
      expect(Math.abs(ref.losses[ref.losses.length - 1] - ref.losses[0])).toBeGreaterThan(1e-3);
      for (const name of engines) {
        const run = await runEngine(name, c, data);
        const worst = Math.max(...run.losses.map((l, t) => relDiff(l, ref.losses[t])));
        expect(worst, `${name} loss drift`).toBeLessThan(1e-4);
        const a = run.snaps[run.snaps.length - 1];
        const b = ref.snaps[ref.snaps.length - 1];
        expect(a.rho.length).toBe(b.rho.length);
        const scale = Math.max(maxAbsValue(b.rho), maxAbsValue(b.gamma), 1e-6);
        expect(maxAbs(a.rho, b.rho) / scale, `${name} rho`).toBeLessThan(1e-3);
        expect(maxAbs(a.gamma, b.gamma) / scale, `${name} gamma`).toBeLessThan(1e-3);
        const fScale = Math.max(maxAbsValue(b.fTest), 1e-6);
        for (let k = 0; k < b.fTest.length; k++) {
          if (Math.abs(b.fTest[k]) > 1e-4 * fScale) expect(Math.sign(a.fTest[k]), `${name} test prediction ${k}`).toBe(Math.sign(b.fTest[k]));
        }
        expect(maxAbs(run.weights, ref.weights) / maxAbsValue(ref.weights), `${name} W`).toBeLessThan(1e-4);
      }
    });
  }

  it('the reference coefficients rebuild its W exactly (momentum, SAM, K = 3)', async () => {
    const { rebuildWeights } = await import('../src/training/engines/coefficientEngine');
    const c = config({ n: 10, nTest: 5, d: 40, m: 2, sigma0: 0.2, steps: 6, evalEvery: 3, K: 3, momentum: 0.7, samRho: 0.4, noise: 'isotropic', seed: 3 });
    const data = makeDataset(c);
    const ref = await runEngine('reference', c, data);
    const last = ref.snaps[ref.snaps.length - 1];
    expect(maxAbs(rebuildWeights(c, data, initWeights(c), last.gamma, last.rho), ref.weights)).toBeLessThan(1e-10);
  });
});

describe('capabilities: configuration, batching, CLI', () => {
  it('defaults leave a config as it was; K = 2 data are a prefix of K = 3 data', () => {
    const c = resolveConfig(DEFAULT_CONFIG, { momentum: 0, samRho: 0, K: 2 });
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(Object.keys(c)).toEqual(Object.keys(DEFAULT_CONFIG));
    const c3 = config({ n: 5, nTest: 4, d: 8, K: 3 });
    const d2 = makeDataset({ ...c3, K: undefined });
    const d3 = makeDataset(c3);
    expect(d3.train.xi.length).toBe(2 * d2.train.xi.length);
    expect(Array.from(d3.train.xi.subarray(0, d2.train.xi.length))).toEqual(Array.from(d2.train.xi));
    expect(Array.from(d3.train.y)).toEqual(Array.from(d2.train.y));
    expect(d3.test.xiNorm2.length).toBe(2 * c3.nTest);
  });

  it('SAM, K > 2 and non-integer q are not batched; momentum is', () => {
    expect(batchable(config({}))).toBe(true);
    expect(batchable(config({ momentum: 0.5 }))).toBe(true);
    for (const over of [{ samRho: 0.1 }, { K: 3 }, { q: 2.5 }, { momentum: 0.5, samRho: 0.1 }]) expect(batchable(config(over)), JSON.stringify(over)).toBe(false);
  });

  it('bad values are one-line errors naming the key (exit 2)', () => {
    const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
    for (const [set, key] of [['momentum=1', 'momentum'], ['samRho=-1', 'samRho'], ['K=1', 'K'], ['K=2.5', 'K'], ['q=0.5', 'q']]) {
      const r = spawnSync(process.execPath, [BIN, 'train', '--set', set, '--quiet'], { encoding: 'utf8' });
      expect(r.status, set).toBe(2);
      expect(r.stdout, set).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0], set).toContain(`${key}:`);
    }
    const help = spawnSync(process.execPath, [BIN, 'train', '--help'], { encoding: 'utf8' });
    for (const key of ['momentum', 'samRho', 'K=', 'q is any real']) expect(help.stdout).toContain(key);
  });
});
