import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it, beforeAll } from 'vitest';
import { initWeights, makeDataset } from '../src/data/signalNoise';
import { initBackend } from '../src/backend/backend';
import { makeLabelScheme } from '../src/training/labels';
import { ReferenceEngine } from '../src/training/engines/reference';
import { WeightEngine } from '../src/training/engines/weightEngine';
import { config, maxAbs, maxAbsValue } from './helpers/trainerHarness';

/** The loss L_S(W) written directly with tfjs ops (no code shared with the engines). */
function tfLoss(W: tf.Tensor2D, c: ReturnType<typeof config>, data: ReturnType<typeof makeDataset>, labels: Float64Array, alpha: number): tf.Scalar {
  const { n, d, m, q } = c;
  const mu = tf.tensor2d(Array.from(data.mu), [1, d]);
  const xi = tf.tensor2d(Array.from(data.train.xi), [n, d]);
  const y = tf.tensor1d(Array.from(data.train.y));
  const u = tf.tensor1d(Array.from(labels));
  const sig = (z: tf.Tensor) => tf.pow(tf.relu(z), q);
  const f = tf.tidy(() => {
    let total: tf.Tensor = tf.zeros([n]);
    for (let r = 0; r < 2 * m; r++) {
      const j = r < m ? 1 : -1;
      const w = tf.slice(W, [r, 0], [1, d]);
      const signal = tf.mul(tf.sum(tf.mul(w, mu)), y); // <w, y_i mu>
      const noise = tf.sum(tf.mul(w, xi), 1); // <w, xi_i>
      total = tf.add(total, tf.mul(tf.add(sig(signal), sig(noise)), j / m));
    }
    return total;
  });
  const z = tf.mul(u, f);
  return tf.mean(tf.add(tf.mul(tf.softplus(tf.neg(z)), 1 - alpha / 2), tf.mul(tf.softplus(z), alpha / 2))) as tf.Scalar;
}

describe('gradient: hand-derived update vs autodiff vs finite differences', () => {
  beforeAll(async () => {
    await initBackend();
  });

  for (const [q, algo] of [[1, 'gd'], [2, 'lngd'], [3, 'smoothing'], [2, 'lngd-gauss']] as const) {
    it(`q=${q} ${algo}: reference step equals -eta * tf.grad(L_S)`, () => {
      const c = config({ n: 12, nTest: 10, d: 30, m: 3, q, sigma0: 0.3, eta: 0.5, algo, tauPlus: 0.2, tauMinus: 0.1, seed: 7 });
      const data = makeDataset(c);
      const W0 = initWeights(c);
      const scheme = makeLabelScheme(c, data.yObs);
      const labels = Float64Array.from(scheme.labels(0));
      const ref = new ReferenceEngine(c, data, W0);
      ref.forward(labels, scheme.alpha);
      ref.update();
      const step = ref.weights().map((w, i) => (W0[i] - w) / c.eta);
      const auto = tf.tidy(() => tf.grad((W: tf.Tensor) => tfLoss(W as tf.Tensor2D, c, data, labels, scheme.alpha))(tf.tensor2d(Array.from(W0), [2 * c.m, c.d])).dataSync());
      const scale = maxAbsValue(step);
      expect(scale).toBeGreaterThan(0);
      expect(maxAbs(step, auto) / scale).toBeLessThan(2e-4);
    });
  }

  it('the reference gradient matches central finite differences of the float64 loss', () => {
    const c = config({ n: 10, nTest: 5, d: 20, m: 2, q: 2, sigma0: 0.5, eta: 1, algo: 'smoothing', alpha: 0.3, seed: 3 });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const labels = Float64Array.from(data.yObs);
    const lossAt = (W: Float64Array) => new ReferenceEngine(c, data, W).forward(labels, c.alpha);
    const ref = new ReferenceEngine(c, data, W0);
    ref.forward(labels, c.alpha);
    ref.update();
    const grad = ref.weights().map((w, i) => (W0[i] - w) / c.eta);
    const h = 1e-6;
    for (const idx of [0, 7, 21, 39, 40, 55, 79]) {
      const plus = Float64Array.from(W0);
      const minus = Float64Array.from(W0);
      plus[idx] += h;
      minus[idx] -= h;
      const fd = (lossAt(plus) - lossAt(minus)) / (2 * h);
      expect(Math.abs(fd - grad[idx])).toBeLessThan(1e-7 + 1e-5 * Math.abs(grad[idx]));
    }
  });

  it('one weight-engine step (float32) equals one reference step (float64)', async () => {
    const c = config({ n: 16, nTest: 20, d: 40, m: 4, q: 2, sigma0: 0.2, eta: 0.7, algo: 'lngd', seed: 11 });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const labels = Float64Array.from(makeLabelScheme(c, data.yObs).labels(0));
    const ref = new ReferenceEngine(c, data, W0);
    const wt = new WeightEngine(c, data, W0);
    expect(Math.abs(ref.forward(labels, 0) - wt.forward(labels, 0))).toBeLessThan(1e-6);
    ref.update();
    wt.update();
    const dRef = ref.weights().map((w, i) => w - W0[i]);
    const dWt = wt.weights().map((w, i) => w - W0[i]);
    expect(maxAbs(dRef, dWt) / maxAbsValue(dRef)).toBeLessThan(1e-4);
    wt.dispose();
  });
});
