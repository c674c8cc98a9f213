import { fillNormal, fillNormal32, stream, Rng } from '../util/rng';
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
  /**
   * Lean data sets only: the same test noise rows as `testNoise`, as float32 (each value
   * Math.fround of the float64 one), written straight where `rows` puts them. Call it through
   * `drawTestNoiseF32`, which also serves data sets that store their test noise.
   */
  testNoiseF32?: (rows: RowBlocks) => void;
}

/**
 * The labels y_i and the signal patch's position of `count` samples, from the stream's uniforms.
 * The noise patches come from the stream's bulk normals (src/util/rng.ts), a sequence of their own:
 * labels and noise do not shift each other, whichever is drawn first (or whether the noise is drawn).
 */
function drawLabels(rng: Rng, count: number, c: TrainConfig): Pick<Samples, 'y' | 'signalFirst'> {
  const y = new Float64Array(count);
  const signalFirst = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = rng.uniform() < 0.5 ? 1 : -1;
    signalFirst[i] = c.signalPatch === 'first' || rng.uniform() < 0.5 ? 1 : 0;
  }
  return { y, signalFirst };
}

/** What drawing noise rows needs: their length and scale, and for projected noise mu. */
interface NoiseShape {
  d: number;
  sd: number;
  projected: boolean;
  mu: Float64Array;
  muNorm2: number;
  /**
   * mu's nonzero coordinates, ascending (mu = A e_1): the projection touches only those (skipping
   * the zero terms leaves every value bit for bit the same)
   */
  support: Int32Array;
}

function noiseShape(c: TrainConfig, mu: Float64Array, muNorm2: number): NoiseShape {
  const support: number[] = [];
  for (let k = 0; k < mu.length; k++) if (mu[k] !== 0) support.push(k);
  return { d: c.d, sd: c.sigmaP, projected: c.noise === 'projected', mu, muNorm2, support: Int32Array.from(support) };
}

/**
 * One noise row into row[off .. off + d) (spec/model.md "Data"): N(0, sigma_p^2 I), or for projected
 * noise N(0, sigma_p^2 (I - mu mu^T / ||mu||^2)), the same draw with its component along mu removed.
 */
function drawRow(rng: Rng, row: Float64Array, off: number, s: NoiseShape): void {
  fillNormal(rng, row, s.sd, off, off + s.d);
  if (!s.projected) return;
  const { support, mu } = s;
  let dot = 0;
  for (let j = 0; j < support.length; j++) dot += row[off + support[j]] * mu[support[j]];
  const t = dot / s.muNorm2;
  for (let j = 0; j < support.length; j++) row[off + support[j]] -= t * mu[support[j]];
}

/** `count` noise rows, stored (row-major count x d), with their squared norms. */
function drawNoise(rng: Rng, count: number, s: NoiseShape): Pick<Samples, 'xi' | 'xiNorm2'> {
  const d = s.d;
  const xi = new Float64Array(count * d);
  const xiNorm2 = new Float64Array(count);
  for (let i = 0, off = 0; i < count; i++, off += d) {
    drawRow(rng, xi, off, s);
    let s2 = 0;
    for (let k = off; k < off + d; k++) s2 += xi[k] * xi[k];
    xiNorm2[i] = s2;
  }
  return { xi, xiNorm2 };
}

/** The same rows, not stored: each passed in order to `sink` (in one reused buffer). */
function drawNoiseRows(rng: Rng, count: number, s: NoiseShape, sink: (i: number, row: Float64Array) => void): void {
  const buffer = new Float64Array(s.d);
  for (let i = 0; i < count; i++) {
    drawRow(rng, buffer, 0, s);
    sink(i, buffer);
  }
}

/**
 * The same rows as float32 (each value Math.fround of the float64 one), written by `rows` (see
 * drawTestNoiseF32): of each row, the coordinates up to mu's last nonzero one are drawn in float64
 * and projected as drawRow does, the rest drawn straight into out from the same sequence.
 */
function drawNoiseF32(rng: Rng, count: number, s: NoiseShape, rows: RowBlocks): void {
  const d = s.d;
  const head = s.projected && s.support.length > 0 ? s.support[s.support.length - 1] + 1 : 0;
  const buffer = new Float64Array(head);
  const headShape = { ...s, d: head };
  const out = rows.out;
  for (let i = 0; i < count; i++) {
    const off = rows.at();
    if (head > 0) {
      drawRow(rng, buffer, 0, headShape);
      for (let k = 0; k < head; k++) out[off + k] = buffer[k];
    }
    fillNormal32(rng, out, s.sd, off + head, off + d);
    rows.done();
  }
}

/**
 * Where float32 rows go, in order: all into `out`, or block by block (as many rows as `out` holds,
 * `onBlock(firstRow, rowCount)` after each block, the next block written over it). Per row:
 * `at()` is the offset of its d values in out, `done()` after writing them.
 */
export class RowBlocks {
  private first = 0;
  private inBlock = 0;
  private readonly per: number;

  constructor(readonly out: Float32Array, private readonly d: number, private readonly count: number, private readonly onBlock?: (first: number, count: number) => void) {
    this.per = onBlock ? Math.floor(out.length / d) : count;
    if (onBlock && this.per < 1) throw new RangeError(`drawTestNoiseF32: out must hold one row of d = ${d} values (got ${out.length})`);
    if (!onBlock && out.length < count * d) throw new RangeError(`drawTestNoiseF32: out must hold nTest x d = ${count * d} values (got ${out.length})`);
  }

  at(): number {
    return (this.onBlock ? this.inBlock : this.first + this.inBlock) * this.d;
  }

  done(): void {
    this.inBlock++;
    if (this.onBlock && (this.inBlock === this.per || this.first + this.inBlock === this.count)) {
      this.onBlock(this.first, this.inBlock);
      this.first += this.inBlock;
      this.inBlock = 0;
    }
  }
}

/** Labels and stored noise rows; `lean`: the labels alone (the noise drawn again when needed). */
function drawSamples(rng: Rng, count: number, c: TrainConfig, s: NoiseShape, lean = false): Samples {
  const { y, signalFirst } = drawLabels(rng, count, c);
  const { xi, xiNorm2 } = lean ? { xi: new Float64Array(0), xiNorm2: new Float64Array(0) } : drawNoise(rng, count, s);
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
  const shape = noiseShape(c, mu, muNorm2);
  const train = digits?.train ?? drawSamples(stream(c.seed, 'train-data'), c.n, c, shape);
  // lean: the test labels alone (the test noise is drawn again when needed, see testNoise below)
  const test = digits?.test ?? drawSamples(stream(c.seed, 'test-data'), c.nTest, c, shape, opts.lean);
  const K = patchesOf(c);
  if (K > 2) {
    if (opts.lean) throw new Error('makeDataset: lean data sets (the batched trainer) have K = 2 patches');
    addNoisePatches(train, 'train-data', K, c, shape);
    addNoisePatches(test, 'test-data', K, c, shape);
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
    out.testNoise = (row) => drawNoiseRows(stream(c.seed, 'test-data'), c.nTest, shape, row);
    out.testNoiseF32 = (rows) => drawNoiseF32(stream(c.seed, 'test-data'), c.nTest, shape, rows);
  }
  return out;
}

/**
 * The test noise patches (nTest x d, row-major; patch 0 with K > 2) as float32: each value
 * Math.fround of the float64 one makeDataset stores, or a lean data set's `testNoise` passes (drawn
 * again, straight into out, with no float64 copy). For the batched trainer's program. Without
 * `onBlock`, every row goes to out[0 .. nTest d) (`out` may be longer: the rest is left as is);
 * with it, rows go block by block into out (as many rows as it holds), `onBlock(firstRow, rows)`
 * after each block. Returns out.
 */
export function drawTestNoiseF32(data: Dataset, out: Float32Array, onBlock?: (first: number, count: number) => void): Float32Array {
  const { count } = data.test;
  const d = data.d;
  const rows = new RowBlocks(out, d, count, onBlock);
  const copy = (row: ArrayLike<number>, from: number): void => {
    const off = rows.at();
    for (let k = 0; k < d; k++) out[off + k] = row[from + k];
    rows.done();
  };
  const xi = data.test.xi;
  if (xi.length >= count * d) for (let i = 0; i < count; i++) copy(xi, i * d);
  else if (data.testNoiseF32) data.testNoiseF32(rows);
  else if (data.testNoise) data.testNoise((_, row) => copy(row, 0));
  else throw new Error('drawTestNoiseF32: the data set has no test noise (neither stored nor lean)');
  return out;
}

/**
 * K > 2 patches: noise patches 1..K-2 of every sample, drawn from their own stream (so patch 0 and
 * the labels are those of the K = 2 data set), appended to xi and xiNorm2 patch-major. The
 * signal patch's position (uniform over the K positions, or first) does not change f, which sums
 * over all patches with shared filters; `signalFirst` keeps recording whether it is first.
 */
function addNoisePatches(s: Samples, name: string, K: number, c: TrainConfig, shape: NoiseShape): void {
  const d = c.d;
  const extra = drawNoise(stream(c.seed, `${name}-patches`), (K - 2) * s.count, shape);
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
