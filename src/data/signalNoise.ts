import { fillNormal, stream, Rng } from '../util/rng';
import { patchesOf, sourceOf, type TrainConfig } from '../training/config';
import { mnistSamples } from './mnistSource';

/**
 * Samples of the signal-noise model (spec/model.md "Data"). Each sample has two patches, the
 * signal patch `y * mu` and a noise patch `xi`. The network sums over both patches with shared
 * filters, so its output does not depend on which patch holds the signal; the position is still
 * drawn and recorded so that the data are those of the papers.
 */
export interface Samples {
  count: number;
  /** true labels, +1 / -1 */
  y: Float64Array;
  /**
   * noise patches, row-major count x d; with K > 2 patches (K - 1 noise patches per sample),
   * (K - 1) count x d, patch-major: row p count + i is noise patch p of sample i (p = 0 is the
   * patch a K = 2 data set has, so the first count rows are the same for every K)
   */
  xi: Float64Array;
  /** ||xi_i||^2, one per row of xi */
  xiNorm2: Float64Array;
  /** 1 when the signal is the first patch */
  signalFirst: Uint8Array;
  /**
   * Source mnist only (src/data/mnistSource.ts): the signal patches, row-major count x d (the
   * digit image / normalization), and which digit of its class each sample shows. Absent: the
   * signal patch of sample i is y_i mu.
   */
  signal?: Float64Array;
  digit?: Int32Array;
}

export interface Dataset {
  d: number;
  /** mu = A e_1; zero with source mnist, whose signal patches are train.signal and test.signal */
  mu: Float64Array;
  muNorm2: number;
  train: Samples;
  /** training labels the learner observes after the fixed flips (equal to train.y without flips) */
  yObs: Float64Array;
  /** 1 where the training label was flipped before training (the set S_f of paper B) */
  flipped: Uint8Array;
  test: Samples;
  /**
   * Lean data sets only (makeDataset(c, { lean: true }), for the batched trainer): test.xi and
   * test.xiNorm2 are not stored; this draws the test noise patches again, row by row, into one
   * reused buffer (the same values makeDataset stores; rows are passed in order).
   */
  testNoise?: (row: (i: number, xi: Float64Array) => void) => void;
}

/**
 * `sink`: instead of storing the noise patches, pass each row (one reused buffer) to it; with
 * `labelsOnly` no noise is drawn at all (the labels come from the stream's uniforms, the noise
 * from its independent bulk-normal generator, so the labels are the same either way).
 */
function drawSamples(
  rng: Rng, count: number, d: number, c: TrainConfig, mu: Float64Array, muNorm2: number,
  sink?: ((i: number, row: Float64Array) => void) | 'labelsOnly',
): Samples {
  const y = new Float64Array(count);
  const xi = new Float64Array(sink ? 0 : count * d);
  const xiNorm2 = new Float64Array(sink === 'labelsOnly' ? 0 : count);
  const buffer = sink ? new Float64Array(d) : null;
  const signalFirst = new Uint8Array(count);
  // mu's nonzero coordinates (mu = A e_1): the projection touches only those (skipping the zero
  // terms leaves every value bit for bit the same).
  const support: number[] = [];
  for (let k = 0; k < d; k++) if (mu[k] !== 0) support.push(k);
  for (let i = 0; i < count; i++) {
    y[i] = rng.uniform() < 0.5 ? 1 : -1;
    signalFirst[i] = c.signalPatch === 'first' || rng.uniform() < 0.5 ? 1 : 0;
    if (sink === 'labelsOnly') continue;
    const row = buffer ?? xi.subarray(i * d, (i + 1) * d);
    fillNormal(rng, row, c.sigmaP);
    if (c.noise === 'projected') {
      // xi ~ N(0, sigma_p^2 (I - mu mu^T / ||mu||^2)): remove the component along mu.
      let dot = 0;
      for (const k of support) dot += row[k] * mu[k];
      const s = dot / muNorm2;
      for (const k of support) row[k] -= s * mu[k];
    }
    let s2 = 0;
    for (let k = 0; k < d; k++) s2 += row[k] * row[k];
    xiNorm2[i] = s2;
    if (typeof sink === 'function') sink(i, row);
  }
  return { count, y, xi, xiNorm2, signalFirst };
}

/** Draw training and test data and the fixed label flips, each from its own stream of `seed`. */
export function makeDataset(c: TrainConfig, opts: { lean?: boolean } = {}): Dataset {
  const d = c.d;
  const mnist = sourceOf(c) === 'mnist';
  if (mnist && opts.lean) throw new Error('makeDataset: lean data sets (the batched trainer) have source synthetic');
  const mu = new Float64Array(d);
  if (!mnist) mu[0] = c.A;
  const muNorm2 = mnist ? 0 : c.A * c.A;
  const digits = mnist ? mnistSamples(c) : null;
  const train = digits?.train ?? drawSamples(stream(c.seed, 'train-data'), c.n, d, c, mu, muNorm2);
  const test = digits?.test ?? drawSamples(stream(c.seed, 'test-data'), c.nTest, d, c, mu, muNorm2, opts.lean ? 'labelsOnly' : undefined);
  const K = patchesOf(c);
  if (K > 2) {
    if (opts.lean) throw new Error('makeDataset: lean data sets (the batched trainer) have K = 2 patches');
    addNoisePatches(train, 'train-data', K, d, c, mu, muNorm2);
    addNoisePatches(test, 'test-data', K, d, c, mu, muNorm2);
  }
  // Fixed flips (paper B): each training label flips once, w.p. tau_plus if y = +1, tau_minus if y = -1.
  const flipRng = stream(c.seed, 'fixed-flips');
  const yObs = new Float64Array(c.n);
  const flipped = new Uint8Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const tau = train.y[i] > 0 ? c.tauPlus : c.tauMinus;
    flipped[i] = flipRng.uniform() < tau ? 1 : 0;
    yObs[i] = flipped[i] ? -train.y[i] : train.y[i];
  }
  const out: Dataset = { d, mu, muNorm2, train, yObs, flipped, test };
  if (opts.lean) {
    out.testNoise = (row) => {
      drawSamples(stream(c.seed, 'test-data'), c.nTest, d, c, mu, muNorm2, row);
    };
  }
  return out;
}

/**
 * K > 2 patches: noise patches 1..K-2 of every sample, drawn from their own stream (so patch 0 and
 * the labels are those of the K = 2 data set), appended to xi and xiNorm2 patch-major. The
 * signal patch's position (uniform over the K positions, or first) does not change f, which sums
 * over all patches with shared filters; `signalFirst` keeps recording whether it is first.
 */
function addNoisePatches(s: Samples, name: string, K: number, d: number, c: TrainConfig, mu: Float64Array, muNorm2: number): void {
  const extra = drawSamples(stream(c.seed, `${name}-patches`), (K - 2) * s.count, d, c, mu, muNorm2);
  const xi = new Float64Array((K - 1) * s.count * d);
  xi.set(s.xi);
  xi.set(extra.xi, s.count * d);
  const xiNorm2 = new Float64Array((K - 1) * s.count);
  xiNorm2.set(s.xiNorm2);
  xiNorm2.set(extra.xiNorm2, s.count);
  const pos = stream(c.seed, `${name}-signal-position`);
  for (let i = 0; i < s.count; i++) s.signalFirst[i] = c.signalPatch === 'first' || Math.floor(pos.uniform() * K) === 0 ? 1 : 0;
  s.xi = xi;
  s.xiNorm2 = xiNorm2;
}

/** Initial filters W0, rows 0..m-1 for j = +1 and m..2m-1 for j = -1, each N(0, sigma0^2 I). */
export function initWeights(c: TrainConfig): Float64Array {
  return fillNormal(stream(c.seed, 'init'), new Float64Array(2 * c.m * c.d), c.sigma0);
}

/** The sign j of filter row r (first m rows j = +1, next m rows j = -1). */
export function filterSign(row: number, m: number): 1 | -1 {
  return row < m ? 1 : -1;
}
