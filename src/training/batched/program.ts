import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import { sampleLoss } from '../../model/activation';
import type { TrainConfig } from '../config';
import { LabelScheme, makeLabelScheme } from '../labels';
import { measure, Measurement, Snapshot } from '../measure';
import type { Divergence } from '../train';
import { concatColumns, gatherColumns, Placement, Range, scatterColumns, splitColumns } from './kernels';

/**
 * R training runs of one shape (n, m, q, nTest, noise variant, steps, evalEvery) stepped together
 * in coefficient space: the mathematics of the coefficient engine (engines/coefficientEngine.ts,
 * tfStep.ts, spec/model.md "Signal-noise decomposition"), with the state of every run in one tensor.
 *
 * Layout. The runs sit on a grid of S data sets x V variant slots (run (s, v) trains on data set s;
 * runs that share a data set, e.g. GD and label-noise GD on one seed, share its Gram matrix; an
 * unused slot is all zeros). With C = 2m V rows (v, j, r) and N + 2S columns, the state is
 *   X = [ rho (C x N), columns (s, i) | (gp_s, gm_s) for each s (C x 2S) ]
 * with j gamma = gp - gm: gp collects the updates of the filter from the y = +1 samples, gm those
 * from y = -1 (since y_i = +-1, the signal patch's activations take two values per filter,
 * sigma(<w, mu>) for y = +1 and sigma(-<w, mu>) for y = -1). Data set s's columns
 * X_s = [rho_s | gp_s gm_s] (C x (n + 2)) times its augmented Gram matrix
 *   Gaug_s = [[ G_s,       muXi,  -muXi ],      G_ik = <xi_i, xi_k> / ||xi_i||^2
 *             [ xiMu^T,    1,     -1    ],      muXi_i = <xi_i, mu> / ||xi_i||^2  (0 projected noise)
 *             [ -xiMu^T,  -1,      1    ]]      xiMu_k = <mu, xi_k> / ||mu||^2   (0 projected noise)
 * gives every inner product of a step at once: <w_jr, xi_k> - <w0_jr, xi_k> in the n first
 * columns, +-(<w_jr, mu> - <w0_jr, mu>) in the last two. So a step is one plain 2-D matMul per
 * data set against a constant (tfjs-wasm packs a matMul's right operand once per tensor) and a
 * handful of ops over the whole state:
 *   Z = X Gaug + Z0, R = relu(Z), A = R^q, F = (sum over each run's filters of j/m A)  (V x (N+2S))
 *   f = F_noise + F_signal Y  (Y: which of the two signal columns each sample takes)
 *   z = u f, loss = softplus(-z) + (alpha/2) z, g = u (alpha/2 - sigmoid(-z))       (per sample)
 *   X -= q R^(q-1) * [g | class sums of g] (per run, expanded over its filters) * ETA
 * where ETA holds eta ||xi_i||^2 j/(n m) (noise columns) and eta ||mu||^2 j/(n m) (signal
 * columns). Constants are expanded once to the shape of what they multiply; the cross-run sums are
 * a strided convolution and 2-D matMuls against constant 0/1 matrices.
 *
 * Divergence (train.ts `divergence`: a NaN/Inf loss, a non-finite part of the state, a loss above
 * divergeLoss). Per-run losses stay on the device; every `checkEvery` steps (and at every
 * measurement) they are read back at once with the sum of the state. A clean window costs nothing
 * more. Otherwise the window is replayed from its checkpoint one step at a time with host checks,
 * where train()'s test is applied run by run (the step reported is exact): a diverged run is
 * measured at that step, as train() does, and masked: its state and labels are set to zero, so its
 * g is 0 and it cannot change the others. A 0/1 block matMul turns a NaN/Inf of one run into NaN in
 * the runs it is mixed with (0 x Inf = NaN), so a run whose state is no longer finite, or whose
 * activations overflow float32, is masked and retrained alone by train() (status 'fallback') before
 * the step is computed again: the remaining runs' values are then their own.
 */

export interface BatchRun {
  config: TrainConfig;
  data: Dataset;
  W0: Float64Array;
}

export interface RunOutcome {
  trajectory: Measurement[];
  diverged: Divergence | null;
  status: 'running' | 'done' | 'diverged' | 'fallback';
}

export interface ProgramOptions {
  perSample?: boolean;
  /** read the per-run losses back every this many steps (and at every measurement); default 32 */
  checkEvery?: number;
}

/** Statistics of one program, for the batch layout record and the bench. */
export interface ProgramStats {
  runs: number;
  dataSets: number;
  slots: number;
  rows: number;
  cols: number;
  steps: number;
  readBacks: number;
  replayedWindows: number;
  fallbacks: number;
  setupSeconds: number;
  stepSeconds: number;
}

type Fwd = {
  /** relu(Z), C x (N + 2S) */
  R: tf.Tensor2D;
  g: tf.Tensor2D;
  f: tf.Tensor2D;
  /** the signal part of each run's output: F's last 2S columns, V x 2S */
  fpm: tf.Tensor2D;
  loss: tf.Tensor2D;
  /** kept in replays only: Z = the inner products (<w, xi> | +-<w, mu>), C x (N + 2S) */
  Z?: tf.Tensor2D;
};

/** Host-side window of labels: the LAB matrix (V x N) of each step and the stochastic runs' labels. */
interface StepLabels {
  lab: Float32Array;
  perRun: (Float64Array | null)[];
}

const F32_MAX = 3.4028234663852886e38;

export class BatchProgram {
  readonly S: number;
  readonly V: number;
  readonly n: number;
  readonly m: number;
  readonly q: number;
  readonly nTest: number;
  readonly steps: number;
  readonly evalEvery: number;
  /** rows (v, j, r) */
  readonly C: number;
  /** noise columns (s, i); the state has N + 2S columns */
  readonly N: number;
  readonly outcomes: RunOutcome[];
  readonly stats: ProgramStats;
  private readonly checkEvery: number;
  private readonly perSample: boolean;
  private readonly slotOf: { s: number; v: number }[];
  private readonly datasets: Dataset[];
  private readonly schemes: LabelScheme[];
  private readonly alive: boolean[];
  private readonly consts: Record<string, tf.Tensor> = {};
  /** per data set: the augmented Gram matrix ((n + 2) x (n + 2)) */
  private readonly Gaug: tf.Tensor2D[] = [];
  /** per data set: Gtest^T (nTest x n), P0test^T (nTest x C), isotropic <mu, zeta_k>/||mu||^2 (nTest x S, column s) */
  private readonly GtT: tf.Tensor2D[] = [];
  private readonly P0tT: tf.Tensor2D[] = [];
  private readonly XIMUtT: tf.Tensor2D[] = [];
  private readonly iso: boolean;
  /** column ranges of data set s in the state: [rho_s | gp_s gm_s] */
  private readonly gather: Range[][];
  private readonly scatter: Placement[][];
  /** constant labels (V x N): yObs of every run, 0 for empty slots and masked runs */
  private readonly labBase: Float32Array;
  private labConst: tf.Tensor2D | null = null;
  private readonly anyStochastic: boolean;
  private X: tf.Tensor2D;
  private checkpoint: tf.Tensor2D | null = null;

  constructor(private readonly runs: BatchRun[], opts: ProgramOptions = {}) {
    const t0 = process.hrtime.bigint();
    if (runs.length === 0) throw new Error('BatchProgram: no runs');
    const c0 = runs[0].config;
    for (const r of runs) {
      const c = r.config;
      if (c.n !== c0.n || c.m !== c0.m || c.q !== c0.q || c.nTest !== c0.nTest || c.noise !== c0.noise || c.steps !== c0.steps || c.evalEvery !== c0.evalEvery) {
        throw new Error('BatchProgram: runs of one program must share n, m, q, nTest, noise, steps and evalEvery');
      }
      if (r.data.train.count !== c.n || r.data.test.y.length !== c.nTest) throw new Error('BatchProgram: a data set does not match its run');
    }
    this.n = c0.n;
    this.m = c0.m;
    this.q = c0.q;
    this.nTest = c0.nTest;
    this.steps = c0.steps;
    this.evalEvery = c0.evalEvery;
    this.iso = c0.noise === 'isotropic';
    this.checkEvery = Math.max(1, opts.checkEvery ?? 32);
    this.perSample = opts.perSample ?? false;
    // Data sets in order of first appearance; slots in order within a data set.
    this.datasets = [];
    const count = new Map<Dataset, number>();
    this.slotOf = runs.map((r) => {
      let s = this.datasets.indexOf(r.data);
      if (s < 0) {
        s = this.datasets.length;
        this.datasets.push(r.data);
      }
      const v = count.get(r.data) ?? 0;
      count.set(r.data, v + 1);
      return { s, v };
    });
    this.S = this.datasets.length;
    this.V = Math.max(...count.values());
    this.C = 2 * this.m * this.V;
    this.N = this.S * this.n;
    const { n, N, S } = this;
    this.gather = Array.from({ length: S }, (_, s) => [[s * n, n], [N + 2 * s, 2]] as Range[]);
    this.scatter = Array.from({ length: S }, (_, s) => [[0, s * n, n], [n, N + 2 * s, 2]] as Placement[]);
    this.schemes = runs.map((r) => makeLabelScheme(r.config, r.data.yObs));
    this.anyStochastic = this.schemes.some((k) => k.stochastic);
    this.alive = runs.map(() => true);
    this.outcomes = runs.map(() => ({ trajectory: [], diverged: null, status: 'running' as const }));
    this.labBase = new Float32Array(this.V * N);
    runs.forEach((r, k) => {
      const { s, v } = this.slotOf[k];
      for (let i = 0; i < n; i++) this.labBase[v * N + s * n + i] = r.data.yObs[i];
    });
    this.buildConstants();
    this.X = tf.zeros([this.C, N + 2 * S]);
    this.stats = {
      runs: runs.length, dataSets: S, slots: this.V, rows: this.C, cols: N + 2 * S, steps: 0, readBacks: 0,
      replayedWindows: 0, fallbacks: 0, setupSeconds: Number(process.hrtime.bigint() - t0) / 1e9, stepSeconds: 0,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Set-up: Gram matrices and initial inner products, data set by data set

  private buildConstants(): void {
    const { S, V, n, m, C, N, nTest } = this;
    const twoM = 2 * m;
    const W = N + 2 * S;
    const Z0 = new Float32Array(C * W);
    for (let s = 0; s < S; s++) {
      const data = this.datasets[s];
      // d enters only through the Gram matrices: data sets of different d batch freely.
      const d = data.d;
      // Distinct initial weights of the runs on this data set (runs with equal seed, m, d, sigma0 share W0).
      const members = this.runs.map((r, k) => ({ r, k })).filter(({ k }) => this.slotOf[k].s === s);
      const distinct = [...new Set(members.map(({ r }) => r.W0))];
      // X^T = [mu | xi^T | W0_1^T | W0_2^T ...] (d x c): one product with it gives every inner
      // product a data set needs, <., mu>, <., xi_i>, <., w0_r>, for the training noise (-> G), the
      // initial filters (-> S0, P0) and the test noise (-> Gtest^T, P0test^T). The test noise zeta
      // stays row-major (nTest x d) as drawn: no large transpose is made.
      const c = 1 + n + twoM * distinct.length;
      const XT = scratch('XT', d * c);
      for (let k = 0; k < d; k++) XT[k * c] = data.mu[k];
      transposeInto(data.train.xi, n, d, XT, c, 1);
      distinct.forEach((W0, u) => transposeInto(W0, twoM, d, XT, c, 1 + n + u * twoM));
      const xiF = new Float32Array(data.train.xi);
      const invNorm = Float32Array.from(data.train.xiNorm2, (v) => 1 / v);
      // The test noise (nTest x d, the largest array of a run): from the data set, or drawn again
      // row by row for a lean data set, into a buffer reused from data set to data set.
      const zetaF = scratch('zeta', nTest * d);
      if (data.test.xi.length === nTest * d) zetaF.set(data.test.xi);
      else if (data.testNoise) {
        data.testNoise((k, row) => {
          // a plain loop: TypedArray.set between element types converts in the runtime, ~5x slower
          const off = k * d;
          for (let j = 0; j < d; j++) zetaF[off + j] = row[j];
        });
      }
      else throw new Error('BatchProgram: the data set has no test noise');
      const widths = [1, n, ...distinct.map(() => twoM)];
      const [gramT, initT, test] = tf.tidy(() => {
        const xt = tf.tensor2d(XT, [d, c]);
        const gram = tf.matMul(tf.tensor2d(xiF, [n, d]), xt); // n x c: [<xi_i, mu>, K, .]
        const init = distinct.map((W0) => tf.matMul(tf.tensor2d(new Float32Array(W0), [twoM, d]), xt)); // [S0, P0, .]
        const [zmu, Kt, ...P0ts] = splitColumns(tf.matMul(tf.tensor2d(zetaF, [nTest, d]), xt), widths);
        const GtT = tf.mul(Kt, tf.tensor2d(invNorm, [1, n])); // Gtest^T: <zeta_k, xi_i> / ||xi_i||^2
        const zeros = tf.zeros([nTest, twoM]) as tf.Tensor2D;
        const slots = Array.from({ length: V }, (_, v) => {
          const run = members.find(({ k }) => this.slotOf[k].v === v);
          return run ? P0ts[distinct.indexOf(run.r.W0)] : zeros;
        });
        const P0tT = concatColumns(slots); // P0test^T (nTest x C)
        const eS = tf.tensor2d(Float32Array.from({ length: S }, (_, q) => (q === s ? 1 : 0)), [1, S]);
        // isotropic: <mu, zeta_k> / ||mu||^2 in column s (the coefficient engine's xiMuTestRow)
        const xm = this.iso ? [tf.matMul(tf.div(zmu, data.muNorm2) as tf.Tensor2D, eS)] : [];
        return [tf.mul(gram, tf.tensor2d(invNorm, [n, 1])), init, [GtT, P0tT, ...xm]] as [tf.Tensor2D, tf.Tensor2D[], tf.Tensor2D[]];
      });
      const gram = gramT.dataSync() as Float32Array; // [<xi_i,mu>, G, .] (rows / ||xi_i||^2)
      const inits = initT.map((t) => t.dataSync() as Float32Array);
      tf.dispose([gramT, ...initT]);
      // Gaug_s (see the class comment)
      const a = n + 2;
      const Ga = new Float32Array(a * a);
      const mu2 = Math.fround(data.muNorm2);
      for (let i = 0; i < n; i++) {
        Ga.set(gram.subarray(i * c + 1, i * c + 1 + n), i * a);
        const muXi = this.iso ? gram[i * c] : 0;
        Ga[i * a + n] = muXi;
        Ga[i * a + n + 1] = -muXi;
        const xiMu = this.iso ? Math.fround(dot32(data.mu, data.train.xi, i, d) / mu2) : 0;
        Ga[n * a + i] = xiMu;
        Ga[(n + 1) * a + i] = -xiMu;
      }
      Ga[n * a + n] = 1;
      Ga[n * a + n + 1] = -1;
      Ga[(n + 1) * a + n] = -1;
      Ga[(n + 1) * a + n + 1] = 1;
      this.Gaug.push(tf.tensor2d(Ga, [a, a]));
      this.GtT.push(test[0]);
      this.P0tT.push(test[1]);
      if (this.iso) this.XIMUtT.push(test[2]);
      // Z0 = the initial inner products [<w0, xi_i> | <w0, mu>, -<w0, mu>]
      for (const { r, k } of members) {
        const v = this.slotOf[k].v;
        const w = inits[distinct.indexOf(r.W0)];
        for (let jr = 0; jr < twoM; jr++) {
          const row = v * twoM + jr;
          Z0.set(w.subarray(jr * c + 1, jr * c + 1 + n), row * W + s * n);
          Z0[row * W + N + 2 * s] = w[jr * c];
          Z0[row * W + N + 2 * s + 1] = -w[jr * c];
        }
      }
    }
    // Per-run constants, expanded once to the full shape of what they multiply.
    const ETA = new Float32Array(C * W);
    const W2 = new Float32Array(V * N);
    const qfac = this.q === 1 ? 1 : this.q;
    this.runs.forEach((r, k) => {
      const { s, v } = this.slotOf[k];
      const data = r.data;
      const eta = r.config.eta;
      const alpha = this.schemes[k].alpha;
      for (let jr = 0; jr < twoM; jr++) {
        const row = v * twoM + jr;
        const j = jr < m ? 1 : -1;
        for (let i = 0; i < n; i++) ETA[row * W + s * n + i] = (j * eta * data.train.xiNorm2[i] * qfac) / (n * m);
        ETA[row * W + N + 2 * s] = ETA[row * W + N + 2 * s + 1] = (j * eta * data.muNorm2 * qfac) / (n * m);
      }
      for (let i = 0; i < n; i++) W2[v * N + s * n + i] = alpha / 2;
    });
    // YPMT (2S x N): row 2s picks data set s's samples with y = +1, row 2s + 1 those with y = -1.
    const YPMT = new Float32Array(2 * S * N);
    const SEGMEAN = new Float32Array(N * S);
    const GJ = new Float32Array(2 * S * S);
    for (let s = 0; s < S; s++) {
      const y = this.datasets[s].train.y;
      for (let i = 0; i < n; i++) {
        YPMT[(2 * s + (y[i] > 0 ? 0 : 1)) * N + s * n + i] = 1;
        SEGMEAN[(s * n + i) * S + s] = 1 / n;
      }
      GJ[2 * s * S + s] = 1;
      GJ[(2 * s + 1) * S + s] = -1;
    }
    const YPM = new Float32Array(N * 2 * S);
    for (let a = 0; a < 2 * S; a++) for (let b = 0; b < N; b++) YPM[b * 2 * S + a] = YPMT[a * N + b];
    const jm = Float32Array.from({ length: twoM }, (_, jr) => (jr < m ? 1 : -1) / m);
    const k = this.consts;
    k.Z0 = tf.tensor2d(Z0, [C, W]);
    k.ETA = tf.tensor2d(ETA, [C, W]);
    k.W2 = tf.tensor2d(W2, [V, N]);
    k.YPMT = tf.tensor2d(YPMT, [2 * S, N]);
    k.YPM = tf.tensor2d(YPM, [N, 2 * S]);
    k.SEGMEAN = tf.tensor2d(SEGMEAN, [N, S]);
    /** [gp_s, gm_s] -> j gamma_s: (C x 2S) @ GJ (2S x S) */
    k.GJ = tf.tensor2d(GJ, [2 * S, S]);
    k.JM = tf.tensor2d(jm, [twoM, 1]);
    k.FILT = tf.tensor4d(jm, [twoM, 1, 1, 1]);
  }

  // ------------------------------------------------------------------------------------------
  // One step

  private act(R: tf.Tensor): tf.Tensor {
    const q = this.q;
    if (q === 1) return R;
    if (q === 2) return tf.square(R);
    if (q === 3) return tf.mul(tf.square(R), R);
    return tf.pow(R, q);
  }

  /** sigma'(z) / q from R = relu(z) (the factor q is folded into ETA). */
  private actGrad(R: tf.Tensor): tf.Tensor {
    const q = this.q;
    if (q === 1) return tf.step(R);
    if (q === 2) return R;
    if (q === 3) return tf.square(R);
    return tf.pow(R, q - 1);
  }

  /**
   * Sum over the filters of each variant slot with the signs j/m: A (C x cols) -> V x cols. A
   * strided convolution with a constant [2m] kernel: tfjs-wasm packs a matMul's right operand once
   * per tensor, so JSUM @ A with A new every step would repack A (~70 us) at every call.
   */
  private reduceFilters(A: tf.Tensor2D): tf.Tensor2D {
    const [C, cols] = A.shape;
    const out = tf.conv2d(tf.reshape(A, [1, C, cols, 1]) as tf.Tensor4D, this.consts.FILT as tf.Tensor4D, [2 * this.m, 1], 'valid');
    return tf.reshape(out, [this.V, cols]);
  }

  /** x (C x cols) times y (V x cols) broadcast over each slot's 2m rows. */
  private perSlot(x: tf.Tensor, y: tf.Tensor2D): tf.Tensor2D {
    const cols = y.shape[1];
    return tf.reshape(tf.mul(tf.reshape(x, [this.V, 2 * this.m, cols]), tf.reshape(y, [this.V, 1, cols])), [this.C, cols]);
  }

  /** Z - Z0 = X Gaug, data set by data set. */
  private innerProducts(): tf.Tensor2D {
    if (this.S === 1) return tf.matMul(this.X, this.Gaug[0]);
    const parts = gatherColumns(this.X, this.gather);
    return scatterColumns(parts.map((p, s) => tf.matMul(p, this.Gaug[s])), this.N + 2 * this.S, this.scatter);
  }

  private forward(lab: tf.Tensor2D, keepZ = false): Fwd {
    const k = this.consts;
    return tf.tidy(() => {
      const Z = tf.add(this.innerProducts(), k.Z0) as tf.Tensor2D;
      const R = tf.relu(Z) as tf.Tensor2D;
      const [fN, fpm] = splitColumns(this.reduceFilters(this.act(R) as tf.Tensor2D), [this.N, 2 * this.S]);
      const f = tf.add(fN, tf.matMul(fpm, k.YPMT as tf.Tensor2D)) as tf.Tensor2D; // V x N
      const z = tf.mul(lab, f);
      const nz = tf.neg(z);
      const sg = tf.sigmoid(nz);
      // smoothed loss (1 - a/2) l(z) + (a/2) l(-z) = softplus(-z) + (a/2) z; for a = 0 the term
      // 0 * z is 0, or NaN when z is infinite: a non-finite output then shows in the loss.
      const lossEl = tf.add(tf.softplus(nz), tf.mul(k.W2, z)) as tf.Tensor2D;
      const loss = tf.matMul(lossEl, k.SEGMEAN as tf.Tensor2D) as tf.Tensor2D; // V x S
      // g = l'(u f) u, smoothed: u [(a/2) sigmoid(z) - (1 - a/2) sigmoid(-z)] = u (a/2 - sigmoid(-z))
      const g = tf.mul(tf.sub(k.W2, sg), lab) as tf.Tensor2D;
      return { R, g, f, fpm, loss, ...(keepZ ? { Z } : {}) };
    });
  }

  /**
   * One GD step for every run (spec/model.md "Signal-noise decomposition"):
   *   rho_jr,i -= eta ||xi_i||^2 j q/(n m) relu(<w_jr, xi_i>)^(q-1) g_i
   *   j gamma_jr -= eta ||mu||^2 j q/(n m) [relu(<w_jr, mu>)^(q-1) sum_{y=+1} g - relu(-<w_jr, mu>)^(q-1) sum_{y=-1} g]
   * (for q = 1, relu^(q-1) is the step 1(. > 0)); gp takes the first term, gm the second.
   */
  private update(fw: Fwd): void {
    const k = this.consts;
    const X = tf.tidy(() => {
      const cls = tf.matMul(fw.g, k.YPM as tf.Tensor2D); // V x 2S: sums of g over y = +1 and y = -1
      const gAug = concatColumns([fw.g, cls as tf.Tensor2D]);
      return tf.sub(this.X, tf.mul(this.perSlot(this.actGrad(fw.R), gAug), k.ETA)) as tf.Tensor2D;
    });
    this.setState(X);
  }

  private setState(X: tf.Tensor2D): void {
    if (this.X !== this.checkpoint && this.X !== X) this.X.dispose();
    this.X = X;
  }

  private disposeFwd(fw: Fwd, keepLoss = false): void {
    tf.dispose([fw.R, fw.g, fw.f, fw.fpm, ...(keepLoss ? [] : [fw.loss]), ...(fw.Z ? [fw.Z] : [])]);
  }

  // ------------------------------------------------------------------------------------------
  // Labels

  private drawLabels(t: number): StepLabels {
    const lab = this.labBase.slice();
    const perRun: (Float64Array | null)[] = this.runs.map(() => null);
    this.schemes.forEach((sch, k) => {
      if (!sch.stochastic || !this.alive[k]) return;
      const labels = sch.labels(t).slice();
      perRun[k] = labels;
      const { s, v } = this.slotOf[k];
      const off = v * this.N + s * this.n;
      for (let i = 0; i < this.n; i++) lab[off + i] = labels[i];
    });
    return { lab, perRun };
  }

  private labTensor(sl: StepLabels): tf.Tensor2D {
    if (!this.anyStochastic) {
      if (!this.labConst) this.labConst = tf.tensor2d(this.labBase, [this.V, this.N]);
      return this.labConst;
    }
    // Masked runs: their labels were drawn before they were masked; zero them now.
    const lab = sl.lab;
    this.runs.forEach((_, k) => {
      if (this.alive[k]) return;
      const { s, v } = this.slotOf[k];
      lab.fill(0, v * this.N + s * this.n, v * this.N + (s + 1) * this.n);
    });
    return tf.tensor2d(lab, [this.V, this.N]);
  }

  private releaseLab(t: tf.Tensor2D): void {
    if (t !== this.labConst) t.dispose();
  }

  private runLabels(k: number, sl: StepLabels): Float64Array {
    return sl.perRun[k] ?? this.runs[k].data.yObs;
  }

  // ------------------------------------------------------------------------------------------
  // Measurements: the snapshots of every measured run from one read-back

  private measureRuns(t: number, fw: Fwd, which: number[], sl: StepLabels): void {
    if (which.length === 0) return;
    const { S, V, n, m, N, nTest } = this;
    const W = N + 2 * S;
    const k = this.consts;
    const flat = tf.tidy(() => {
      const parts = gatherColumns(this.X, Array.from({ length: S }, (_, s) => [[s * n, n]] as Range[]));
      // isotropic test inner products need j gamma^T (S x C)
      const jgT = this.iso ? tf.transpose(tf.matMul(splitColumns(this.X, [N, 2 * S])[1], k.GJ as tf.Tensor2D)) : null;
      const fts = parts.map((p, s) => {
        // <w, zeta_k> - <w0, zeta_k> transposed: Gtest^T rho_s^T (+ isotropic term)
        let Pt = tf.add(this.P0tT[s], tf.matMul(this.GtT[s], tf.transpose(p)));
        if (jgT) Pt = tf.add(Pt, tf.matMul(this.XIMUtT[s], jgT));
        const At = this.act(tf.relu(Pt)) as tf.Tensor2D;
        // nTest x V, the noise part of f on the test set; slot by slot, so that an overflow in one
        // run's test activations cannot reach another run's outputs (0 x Inf in a block matMul)
        const perSlot = V === 1 ? [tf.matMul(At, k.JM as tf.Tensor2D)] : splitColumns(At, Array.from({ length: V }, () => 2 * m)).map((a) => tf.matMul(a, k.JM as tf.Tensor2D));
        return tf.reshape(concatColumns(perSlot as tf.Tensor2D[]), [-1]);
      });
      return tf.concat([tf.reshape(fw.f, [-1]), tf.reshape(fw.fpm, [-1]), ...fts, tf.reshape(this.X, [-1])]);
    });
    const all = flat.dataSync() as Float32Array;
    flat.dispose();
    this.stats.readBacks++;
    const offF = 0, offS = V * N, offT = offS + V * 2 * S, offX = offT + S * nTest * V;
    const twoM = 2 * m;
    for (const r of which) {
      const { s, v } = this.slotOf[r];
      const data = this.runs[r].data;
      const fTrain = new Float64Array(n);
      for (let i = 0; i < n; i++) fTrain[i] = all[offF + v * N + s * n + i];
      // the signal part on the test set: sum_r j/m sigma(+-<w, mu>) for y = +1 / -1
      const fp = all[offS + v * 2 * S + 2 * s], fm = all[offS + v * 2 * S + 2 * s + 1];
      const fTest = new Float64Array(nTest);
      const base = offT + s * nTest * V;
      for (let q = 0; q < nTest; q++) fTest[q] = Math.fround(all[base + q * V + v] + (data.test.y[q] > 0 ? fp : fm));
      const gamma = new Float64Array(twoM);
      const rho = new Float64Array(twoM * n);
      for (let jr = 0; jr < twoM; jr++) {
        const row = offX + (v * twoM + jr) * W;
        gamma[jr] = (jr < m ? 1 : -1) * Math.fround(all[row + N + 2 * s] - all[row + N + 2 * s + 1]);
        for (let i = 0; i < n; i++) rho[jr * n + i] = all[row + s * n + i];
      }
      const snap: Snapshot = { fTrain, fTest, gamma, rho };
      this.outcomes[r].trajectory.push(measure(t, snap, data, this.runLabels(r, sl), this.schemes[r].alpha, m, this.perSample));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Masking

  /** Set the runs' state to zero and their labels to zero from now on (g = 0: the state stays 0). */
  private mask(which: number[]): void {
    if (which.length === 0) return;
    const { n, m, C, N, S } = this;
    const W = N + 2 * S;
    const XH = (this.X.dataSync() as Float32Array).slice();
    const twoM = 2 * m;
    for (const r of which) {
      this.alive[r] = false;
      const { s, v } = this.slotOf[r];
      for (let jr = 0; jr < twoM; jr++) {
        const row = (v * twoM + jr) * W;
        XH.fill(0, row + s * n, row + (s + 1) * n);
        XH[row + N + 2 * s] = XH[row + N + 2 * s + 1] = 0;
      }
      this.labBase.fill(0, v * N + s * n, v * N + (s + 1) * n);
    }
    if (this.labConst) {
      this.labConst.dispose();
      this.labConst = null;
    }
    this.setState(tf.tensor2d(XH, [C, W]));
  }

  private fallback(which: number[]): void {
    for (const r of which) {
      this.outcomes[r].status = 'fallback';
      this.outcomes[r].trajectory = [];
      this.stats.fallbacks++;
    }
    this.mask(which);
  }

  private finish(t: number, fw: Fwd, sl: StepLabels): void {
    const live = this.liveRuns();
    this.measureRuns(t, fw, live, sl);
    for (const r of live) {
      this.outcomes[r].status = 'done';
      this.alive[r] = false;
    }
  }

  private liveRuns(): number[] {
    const out: number[] = [];
    this.alive.forEach((a, k) => a && out.push(k));
    return out;
  }

  private isEval(t: number): boolean {
    return t % this.evalEvery === 0 || t === this.steps;
  }

  // ------------------------------------------------------------------------------------------
  // The loop

  /** Train every run to the end (or its divergence). Yields to the event loop every ~200 ms. */
  async run(): Promise<RunOutcome[]> {
    const t0 = process.hrtime.bigint();
    let lastYield = Date.now();
    try {
      let t = 0;
      while (t <= this.steps && this.alive.some(Boolean)) {
        if (Date.now() - lastYield > 200) {
          await new Promise((r) => setImmediate(r));
          lastYield = Date.now();
        }
        const nextEval = Math.ceil(t / this.evalEvery) * this.evalEvery;
        const wEnd = Math.min(this.steps, nextEval, t + this.checkEvery - 1);
        const labels: StepLabels[] = [];
        for (let u = t; u <= wEnd; u++) labels.push(this.drawLabels(u));
        this.checkpoint = this.X;
        if (!this.window(t, wEnd, labels)) {
          this.stats.replayedWindows++;
          this.replay(t, wEnd, labels);
        }
        const cp = this.checkpoint;
        this.checkpoint = null;
        if (cp !== this.X) cp.dispose();
        t = wEnd + 1;
      }
    } finally {
      this.stats.stepSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      this.dispose();
    }
    return this.outcomes;
  }

  /**
   * Steps t..wEnd without host reads, then one read-back of the window's per-run losses and of the
   * sum of the state. Returns false (state back at the checkpoint) when some live run's loss was
   * NaN/Inf or above its limit, or the state is no longer finite: the window is then replayed.
   */
  private window(t: number, wEnd: number, labels: StepLabels[]): boolean {
    const losses: tf.Tensor2D[] = [];
    let fw: Fwd | null = null;
    try {
      for (let u = t; u <= wEnd; u++) {
        const lab = this.labTensor(labels[u - t]);
        fw = this.forward(lab);
        this.releaseLab(lab);
        losses.push(fw.loss);
        this.stats.steps++;
        if (u < wEnd) {
          this.update(fw);
          this.disposeFwd(fw, true);
          fw = null;
        }
      }
      // The state at wEnd: a non-finite entry, once there, stays (Inf - x, NaN - x); a sum also
      // catches what train()'s float32 sums do (entries so large that their sum overflows).
      const all = tf.tidy(() => tf.concat([...losses.map((l) => tf.reshape(l, [-1])), tf.reshape(tf.sum(this.X), [1])])) as tf.Tensor1D;
      const vals = all.dataSync();
      all.dispose();
      this.stats.readBacks++;
      const per = this.V * this.S;
      const live = this.liveRuns();
      let clean = Number.isFinite(vals[vals.length - 1]);
      for (let u = 0; clean && u < losses.length; u++) {
        for (const r of live) {
          const { s, v } = this.slotOf[r];
          if (!(vals[u * per + v * this.S + s] <= this.runs[r].config.divergeLoss)) {
            clean = false;
            break;
          }
        }
      }
      if (!clean) {
        this.disposeFwd(fw as Fwd, true);
        fw = null;
        this.setState(this.checkpoint as tf.Tensor2D);
        return false;
      }
      const last = fw as Fwd;
      if (wEnd === this.steps) this.finish(wEnd, last, labels[wEnd - t]);
      else {
        if (this.isEval(wEnd)) this.measureRuns(wEnd, last, live, labels[wEnd - t]);
        this.update(last);
      }
      return true;
    } finally {
      if (fw) this.disposeFwd(fw, true);
      tf.dispose(losses);
    }
  }

  /**
   * The window again, one step at a time, with host checks (see the class comment). Invariant at
   * the start of a step: every live run's state is its own (what train() would hold) and finite.
   */
  private replay(t: number, wEnd: number, labels: StepLabels[]): void {
    for (let u = t; u <= wEnd && this.alive.some(Boolean); u++) {
      const sl = labels[u - t];
      // A run whose state is no longer finite (its own update overflowed) would mix NaN into its
      // neighbours through the block products: it is retrained alone.
      this.fallback(this.nonFiniteState());
      let fw: Fwd | null = null;
      try {
        let host: { Z: Float32Array; f: Float32Array; X: Float32Array };
        for (;;) {
          const lab = this.labTensor(sl);
          fw = this.forward(lab, true);
          this.releaseLab(lab);
          host = { Z: fw.Z!.dataSync() as Float32Array, f: fw.f.dataSync() as Float32Array, X: this.X.dataSync() as Float32Array };
          this.stats.readBacks++;
          // Runs whose activations overflow float32 (finite state, |<w, xi>| ~ 1e19 for q = 2) put an
          // Inf into the block products: retrained alone; the step is computed again without them.
          const sources = this.liveRuns().filter((r) => this.overflows(r, host.Z));
          if (sources.length === 0) break;
          this.disposeFwd(fw);
          fw = null;
          this.fallback(sources);
        }
        // Every live run's forward values are now its own: classify as train() does.
        const diverged: { r: number; d: Divergence }[] = [];
        for (const r of this.liveRuns()) {
          const d = this.classify(r, u, host, sl);
          if (d) diverged.push({ r, d });
        }
        if (diverged.length > 0) {
          this.measureRuns(u, fw, diverged.map((x) => x.r), sl);
          for (const { r, d } of diverged) {
            this.outcomes[r].diverged = d;
            this.outcomes[r].status = 'diverged';
          }
          // masked before the update: their g may be NaN, and the update mixes g across runs
          this.mask(diverged.map((x) => x.r));
          this.disposeFwd(fw);
          const lab = this.labTensor(sl);
          fw = this.forward(lab);
          this.releaseLab(lab);
        }
        if (u === this.steps) {
          this.finish(u, fw, sl);
          break;
        }
        if (this.isEval(u)) this.measureRuns(u, fw, this.liveRuns(), sl);
        this.update(fw);
      } finally {
        if (fw) this.disposeFwd(fw);
      }
    }
  }

  /** Whether sigma(z) = relu(z)^q overflows float32 for one of the run's <w, xi_i> or +-<w, mu>. */
  private overflows(r: number, Z: Float32Array): boolean {
    const { s, v } = this.slotOf[r];
    const { n, m, N, S } = this;
    const W = N + 2 * S;
    // conservative: also the sums of 2m activations (the outputs) must stay finite
    const lim = Math.pow(F32_MAX / (8 * Math.max(2 * m, n)), 1 / this.q);
    for (let jr = 0; jr < 2 * m; jr++) {
      const row = (v * 2 * m + jr) * W;
      if (!(Z[row + N + 2 * s] < lim) || !(Z[row + N + 2 * s + 1] < lim)) return true;
      for (let i = 0; i < n; i++) if (!(Z[row + s * n + i] < lim)) return true;
    }
    return false;
  }

  /**
   * train()'s divergence test for run r at step u (train.ts `divergence`): a NaN or infinite loss,
   * else the first part of the state whose float32 sum is not finite (gamma, rho, <w, mu>, <w, xi>,
   * the outputs f), else a loss above divergeLoss.
   */
  private classify(r: number, u: number, h: { Z: Float32Array; f: Float32Array; X: Float32Array }, sl: StepLabels): Divergence | null {
    const { s, v } = this.slotOf[r];
    const { n, m, N, S } = this;
    const W = N + 2 * S;
    const labels = this.runLabels(r, sl);
    const alpha = this.schemes[r].alpha;
    let loss = 0;
    for (let i = 0; i < n; i++) loss += sampleLoss(h.f[v * N + s * n + i], labels[i], alpha);
    loss = Math.fround(loss / n);
    if (Number.isNaN(loss)) return { step: u, loss, reason: 'nan', where: 'loss' };
    if (!Number.isFinite(loss)) return { step: u, loss, reason: 'inf', where: 'loss' };
    const twoM = 2 * m;
    const sum32 = (get: (k: number) => number, count: number): number => {
      let acc = 0;
      for (let k = 0; k < count; k++) acc = Math.fround(acc + get(k));
      return acc;
    };
    const rowOf = (jr: number) => (v * twoM + jr) * W;
    const parts: [string, number][] = [
      ['gamma', sum32((jr) => (jr < m ? 1 : -1) * (h.X[rowOf(jr) + N + 2 * s] - h.X[rowOf(jr) + N + 2 * s + 1]), twoM)],
      ['rho', sum32((k) => h.X[rowOf(Math.floor(k / n)) + s * n + (k % n)], twoM * n)],
      ['<w, mu>', sum32((jr) => h.Z[rowOf(jr) + N + 2 * s], twoM)],
      ['<w, xi>', sum32((k) => h.Z[rowOf(Math.floor(k / n)) + s * n + (k % n)], twoM * n)],
      ['outputs f', sum32((i) => h.f[v * N + s * n + i], n)],
    ];
    for (const [where, value] of parts) {
      if (!Number.isFinite(value)) return { step: u, loss, reason: Number.isNaN(value) ? 'nan' : 'inf', where };
    }
    if (loss > this.runs[r].config.divergeLoss) return { step: u, loss, reason: 'exploding', where: 'loss' };
    return null;
  }

  /** Live runs whose gamma or rho has a non-finite float32 sum (train()'s state probe). */
  private nonFiniteState(): number[] {
    const live = this.liveRuns();
    if (live.length === 0) return [];
    const XH = this.X.dataSync();
    this.stats.readBacks++;
    const { n, m, N, S } = this;
    const W = N + 2 * S;
    return live.filter((r) => {
      const { s, v } = this.slotOf[r];
      let g = 0, rh = 0;
      for (let jr = 0; jr < 2 * m; jr++) {
        const row = (v * 2 * m + jr) * W;
        g = Math.fround(g + (XH[row + N + 2 * s] - XH[row + N + 2 * s + 1]));
        for (let i = 0; i < n; i++) rh = Math.fround(rh + XH[row + s * n + i]);
      }
      return !Number.isFinite(g) || !Number.isFinite(rh);
    });
  }

  private dispose(): void {
    tf.dispose([...Object.values(this.consts), ...this.Gaug, ...this.GtT, ...this.P0tT, ...this.XIMUtT]);
    if (this.checkpoint && this.checkpoint !== this.X) this.checkpoint.dispose();
    this.checkpoint = null;
    this.X.dispose();
    if (this.labConst) this.labConst.dispose();
    this.labConst = null;
  }
}

/**
 * Large host buffers reused from data set to data set (and program to program): a fresh 35 MB
 * array costs ~0.1 s of page faults on this project's VM, ten times filling it again. Only on the
 * wasm backend, which copies tensor data into its heap (the cpu backend keeps a reference).
 */
const scratchBuffers = new Map<string, Float32Array>();
function scratch(name: string, size: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(size);
  let b = scratchBuffers.get(name);
  if (!b || b.length < size) {
    b = new Float32Array(size);
    scratchBuffers.set(name, b);
  }
  return b.subarray(0, size);
}

/** dst[k * stride + offset + i] = src[i * cols + k] (src rows x cols, row-major), in cache-sized tiles. */
function transposeInto(src: ArrayLike<number>, rows: number, cols: number, dst: Float32Array, stride: number, offset: number): void {
  const B = 64;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let k0 = 0; k0 < cols; k0 += B) {
      const k1 = Math.min(cols, k0 + B);
      for (let k = k0; k < k1; k++) {
        const base = k * stride + offset;
        for (let i = i0; i < i1; i++) dst[base + i] = src[i * cols + k];
      }
    }
  }
}

/** <mu, xi_row> in float32 arithmetic, as the coefficient engine's matMul computes it (mu is sparse). */
function dot32(mu: Float64Array, xi: Float64Array, row: number, d: number): number {
  let s = 0;
  const off = row * d;
  for (let k = 0; k < d; k++) if (mu[k] !== 0) s = Math.fround(s + Math.fround(Math.fround(mu[k]) * Math.fround(xi[off + k])));
  return s;
}
