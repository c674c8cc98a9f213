import { drawTestNoiseF32, type Dataset } from '../../data/signalNoise';
import { sampleLoss } from '../../model/activation';
import { momentumOf, type TrainConfig } from '../config';
import { LabelScheme, makeLabelScheme } from '../labels';
import { measure, Measurement, Snapshot } from '../measure';
import type { Divergence } from '../train';
import { Buf, KernelsName, stepKernels, StepKernels } from './stepKernels';

/**
 * R training runs of one shape (n, m, q, nTest, noise variant, steps, evalEvery) stepped together
 * in coefficient space: the mathematics of the coefficient engine (engines/coefficientEngine.ts,
 * tfStep.ts, spec/model.md "Signal-noise decomposition"), with the state of every run in one buffer
 * and a step made of a fixed list of kernel calls (stepKernels.ts) on buffers allocated once.
 *
 * Layout. The runs sit on a grid of S data sets x V variant slots (run (s, v) trains on data set s;
 * runs that share a data set, e.g. GD and label-noise GD on one seed, share its Gram matrix; an
 * unused slot is all zeros). The state is S blocks, one per data set, each C x a with C = 2m V rows
 * (v, j, r) and a = n + 2 columns:
 *   X_s = [ rho_s (C x n) | gp_s gm_s ]
 * with j gamma = gp - gm: gp collects the updates of the filter from the y = +1 samples, gm those
 * from y = -1 (since y_i = +-1, the signal patch's activations take two values per filter,
 * sigma(<w, mu>) for y = +1 and sigma(-<w, mu>) for y = -1). X_s times data set s's augmented Gram
 * matrix
 *   Gaug_s = [[ G_s,       muXi,  -muXi ],      G_ik = <xi_i, xi_k> / ||xi_i||^2
 *             [ xiMu^T,    1,     -1    ],      muXi_i = <xi_i, mu> / ||xi_i||^2  (0 projected noise)
 *             [ -xiMu^T,  -1,      1    ]]      xiMu_k = <mu, xi_k> / ||mu||^2   (0 projected noise)
 * gives every inner product of a step at once: <w_jr, xi_k> - <w0_jr, xi_k> in the n first
 * columns, +-(<w_jr, mu> - <w0_jr, mu>) in the last two. A block is contiguous, so it is a matMul
 * operand as it lies; the Gram matrices are the constant right operands, packed once. A step:
 *   Z = X Gaug + Z0 (block by block), R = relu(Z), A = R^q
 *   F = sum over each run's filters of j/m A                     (S V x a, a strided reduction)
 *   f_s = F_s Ysig_s      Ysig_s = [I_n; 1(y = +1); 1(y = -1)]    (noise part + the sample's signal column)
 *   z = u f, loss = mean(softplus(-z) + (alpha/2) z), g = u (alpha/2 - sigmoid(-z))      (per sample)
 *   gAug_s = g_s Yg_s     Yg_s = [I_n | 1(y = +1) | 1(y = -1)]    (g and its two class sums)
 *   X -= q R^(q-1) * gAug (over each run's 2m rows) * ETA
 * where ETA holds eta ||xi_i||^2 j/(n m) (noise columns) and eta ||mu||^2 j/(n m) (signal columns).
 * Every product keeps runs apart (rows of a block are runs' filters, a reduction sums one run's
 * filters, the label matrices act within a data set's columns), so a run's numbers do not depend on
 * the others in its program.
 *
 * On the step kernels (stepKernels.ts): a matMul per data set (the fused module's gemm), then one fused
 * WebAssembly pass for Z, R, A and F (activate), one for f, z and -z (samplesIn), tfjs-wasm's
 * sigmoid, softplus and mean, one pass for g, the loss terms and gAug (samplesOut), and after the
 * read-back one pass for the update (descend): S + 7 calls a step (fusedKernels.ts).
 *
 * Divergence (train.ts `divergence`: a NaN/Inf loss, a non-finite part of the state, a loss above
 * divergeLoss). Per-run losses stay on the device, one row per step of a window; every `checkEvery`
 * steps (and at every measurement) they are read back at once with the sum of the state. A clean
 * window costs nothing more. Otherwise the window is replayed from its checkpoint one step at a
 * time with host checks, where train()'s test is applied run by run (the step reported is exact): a
 * diverged run is measured at that step, as train() does, and masked: its state and labels are set
 * to zero, so its g is 0. A run whose state is no longer finite, or whose activations overflow
 * float32, is masked and retrained alone by train() (status 'fallback'), as a safeguard.
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
  /** the step's kernels: tfjs-wasm's own when the backend is wasm ('auto'), or typed-array loops */
  kernels?: 'auto' | 'js' | 'wasm-unfused';
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
  /** which kernels ran the steps (stepKernels.ts) */
  kernels: KernelsName;
}

/** Host-side window of labels: the label matrix (S V x n) of each step and the stochastic runs' labels. */
interface StepLabels {
  lab: Float32Array;
  perRun: (Float64Array | null)[];
}

/** Host copies of a forward pass, for the replay's checks. */
interface HostForward {
  Z: Float32Array;
  f: Float32Array;
  X: Float32Array;
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
  /** rows (v, j, r) of a data set's block */
  readonly C: number;
  /** columns of a block: n noise coefficients and the two signal columns */
  readonly a: number;
  readonly outcomes: RunOutcome[];
  readonly stats: ProgramStats;
  private readonly checkEvery: number;
  private readonly perSample: boolean;
  private readonly slotOf: { s: number; v: number }[];
  private readonly datasets: Dataset[];
  private readonly schemes: LabelScheme[];
  private readonly alive: boolean[];
  private readonly k: StepKernels;
  /** the step's buffers (see the class comment); views per data set in `blocks` */
  private readonly buf: Record<string, Buf> = {};
  private readonly blocks: { X: Buf; Z: Buf; Gaug: Buf }[] = [];
  /** per step of a window: the per-run losses (S V) */
  private readonly lossRows: Buf[] = [];
  /** per data set: the test set's constants, Gtest_aug (a x nTest) and P0test (C x nTest) (buildConstants) */
  private readonly tests: { Gt: Buf; P0t: Buf }[] = [];
  /** per data set: its runs' test outputs, noise part (V x nTest), in the buffer testF */
  private readonly testRows: Buf[] = [];
  private readonly iso: boolean;
  /** constant labels (S V x n): yObs of every run, 0 for empty slots and masked runs */
  private readonly labBase: Float32Array;
  /** whether the label buffer holds labBase */
  private labIsBase = false;
  private readonly anyStochastic: boolean;
  /** some run has momentum: a velocity buffer beside the state (checkpointed and masked with it) */
  private readonly momentum: boolean;
  /** the labels of every step when no run's labels change (drawLabels) */
  private readonly constantLabels: StepLabels;
  /** per window position: the label buffers drawLabels reuses */
  private readonly labelBuffers: { lab: Float32Array; runs: (Float64Array | null)[] }[] = [];

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
    this.a = this.n + 2;
    this.schemes = runs.map((r) => makeLabelScheme(r.config, r.data.yObs));
    this.anyStochastic = this.schemes.some((k) => k.stochastic);
    this.momentum = runs.some((r) => momentumOf(r.config) > 0);
    this.alive = runs.map(() => true);
    this.outcomes = runs.map(() => ({ trajectory: [], diverged: null, status: 'running' as const }));
    this.labBase = new Float32Array(this.S * this.V * this.n);
    this.constantLabels = { lab: this.labBase, perRun: runs.map(() => null) };
    runs.forEach((r, k) => this.labBase.set(Float32Array.from(r.data.yObs), this.sampleOffset(k)));
    this.k = stepKernels(opts.kernels ?? 'auto');
    try {
      this.buildConstants();
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.stats = {
      runs: runs.length, dataSets: this.S, slots: this.V, rows: this.S * this.C, cols: this.a, steps: 0, readBacks: 0,
      replayedWindows: 0, fallbacks: 0, setupSeconds: Number(process.hrtime.bigint() - t0) / 1e9, stepSeconds: 0, kernels: this.k.name,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Indices

  /** index of (data set s, row, column) in the state and the other block-shaped buffers */
  private at(s: number, row: number, col: number): number {
    return (s * this.C + row) * this.a + col;
  }

  /** first index of run k's samples in the per-sample buffers (S V x n) */
  private sampleOffset(k: number): number {
    const { s, v } = this.slotOf[k];
    return (s * this.V + v) * this.n;
  }

  // ------------------------------------------------------------------------------------------
  // Set-up: Gram matrices and initial inner products, data set by data set

  private buildConstants(): void {
    const { S, V, n, m, C, a, nTest } = this;
    const twoM = 2 * m;
    const k = this.k;
    const block = C * a;
    const Z0 = new Float32Array(S * block);
    const gaugs: Float32Array[] = [];
    for (let s = 0; s < S; s++) {
      const data = this.datasets[s];
      // d enters only through the Gram matrices: data sets of different d batch freely.
      const d = data.d;
      // Distinct initial weights of the runs on this data set (runs with equal seed, m, d, sigma0 share W0).
      const members = this.runs.map((r, i) => ({ r, i })).filter(({ i }) => this.slotOf[i].s === s);
      const distinct = [...new Set(members.map(({ r }) => r.W0))];
      // X^T = [mu | xi^T | W0_1^T | W0_2^T ...] (d x c): one product with it gives every inner
      // product a data set needs, <., mu>, <., xi_i>, <., w0_r>, for the training noise (-> G), the
      // initial filters (-> S0, P0) and the test noise (-> Gtest, P0test). X (c x d) is written row
      // by row (float64 -> float32) and transposed by a kernel; its rows are the operands xi and W0.
      const c = 1 + n + twoM * distinct.length;
      const U = 'uninitialized';
      const Xall = k.alloc(c * d, U);
      k.write(Xall, data.mu, 0);
      k.write(Xall, data.train.xi, d);
      distinct.forEach((W0, u) => k.write(Xall, W0, (1 + n + u * twoM) * d));
      const XT = k.alloc(d * c, U);
      k.transpose(Xall, c, d, XT);
      const xi = k.view(Xall, d, n * d);
      const W0s = distinct.map((_, u) => k.view(Xall, (1 + n + u * twoM) * d, twoM * d));
      // the test noise zeta in blocks of rows (~1 MB): drawn into a host buffer, copied in, multiplied
      const blockRows = Math.max(1, Math.min(nTest, Math.floor(2 ** 18 / d)));
      const zetaHost = new Float32Array(blockRows * d);
      const zeta = k.alloc(blockRows * d, U);
      const gramB = k.alloc(n * c, U);
      const initB = distinct.map(() => k.alloc(twoM * c, U));
      const crossB = k.alloc(nTest * c, U);
      k.matMul(xi, XT, n, d, c, gramB); // n x c: [<xi_i, mu>, K, .]
      W0s.forEach((w, u) => k.matMul(w, XT, twoM, d, c, initB[u])); // [S0, P0, .]
      // nTest x c: [<zeta_k, mu>, <zeta_k, xi_i>, <zeta_k, w0_r>]
      drawTestNoiseF32(data, zetaHost, (first, rows) => {
        k.write(zeta, rows === blockRows ? zetaHost : zetaHost.subarray(0, rows * d));
        k.matMul(zeta, XT, rows, d, c, k.view(crossB, first * c, rows * c));
      });
      const gram = k.read(gramB);
      const inits = initB.map((t) => k.read(t));
      // the test products transposed (c x nTest): each row below is then a contiguous operand
      const crossT = k.alloc(c * nTest, U);
      k.transpose(crossB, nTest, c, crossT);
      const invNorm = Float32Array.from(data.train.xiNorm2, (x) => 1 / x);
      for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) gram[i * c + j] = Math.fround(gram[i * c + j] * invNorm[i]); // rows / ||xi_i||^2
      // Gtest_aug (a x nTest): <zeta_k, xi_i> / ||xi_i||^2 in row i (a broadcast multiply by the
      // n x 1 column of 1/||xi_i||^2); isotropic noise: +-<mu, zeta_k>/||mu||^2 in rows n, n + 1 (the
      // coefficient engine's xiMuTestRow, times gp - gm = j gamma), else 0
      const Gt = k.alloc(a * nTest);
      const invNormB = k.alloc(n, invNorm);
      k.binary('mul', k.view(crossT, nTest, n * nTest), invNormB, k.view(Gt, 0, n * nTest), [n, nTest, 1]);
      if (this.iso) {
        const mu2f = Math.fround(data.muNorm2);
        const ct = k.live(crossT), gt = k.live(Gt);
        for (let q = 0; q < nTest; q++) {
          const xm = Math.fround(ct[q] / mu2f);
          gt[n * nTest + q] = xm;
          gt[(n + 1) * nTest + q] = -xm;
        }
      }
      // P0test (C x nTest): <w0_jr, zeta_k> of each slot's run, 0 in empty slots
      const P0t = k.alloc(C * nTest);
      for (const { r, i } of members) {
        const v = this.slotOf[i].v;
        const row = 1 + n + distinct.indexOf(r.W0) * twoM;
        k.copy(k.view(crossT, row * nTest, twoM * nTest), k.view(P0t, v * twoM * nTest, twoM * nTest));
      }
      this.tests.push({ Gt, P0t });
      for (const t of [Xall, XT, zeta, gramB, ...initB, crossB, crossT, invNormB]) k.release(t);
      // Gaug_s (see the class comment)
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
      gaugs.push(Ga);
      // Z0 = the initial inner products [<w0, xi_i> | <w0, mu>, -<w0, mu>]
      for (const { i } of members) {
        const v = this.slotOf[i].v;
        const w = inits[distinct.indexOf(this.runs[i].W0)];
        for (let jr = 0; jr < twoM; jr++) {
          const row = v * twoM + jr;
          Z0.set(w.subarray(jr * c + 1, jr * c + 1 + n), this.at(s, row, 0));
          Z0[this.at(s, row, n)] = w[jr * c];
          Z0[this.at(s, row, n + 1)] = -w[jr * c];
        }
      }
    }
    // Per-run constants, expanded once to the full shape of what they multiply.
    const ETA = new Float32Array(S * block);
    const W2 = new Float32Array(S * V * n);
    const qfac = this.q === 1 ? 1 : this.q;
    this.runs.forEach((r, i) => {
      const { s, v } = this.slotOf[i];
      const data = r.data;
      const eta = r.config.eta;
      for (let jr = 0; jr < twoM; jr++) {
        const row = v * twoM + jr;
        const j = jr < m ? 1 : -1;
        for (let col = 0; col < n; col++) ETA[this.at(s, row, col)] = (j * eta * data.train.xiNorm2[col] * qfac) / (n * m);
        ETA[this.at(s, row, n)] = ETA[this.at(s, row, n + 1)] = (j * eta * data.muNorm2 * qfac) / (n * m);
      }
      W2.fill(this.schemes[i].alpha / 2, this.sampleOffset(i), this.sampleOffset(i) + n);
    });
    const jm = Float32Array.from({ length: twoM }, (_, jr) => (jr < m ? 1 : -1) / m);
    // The step's buffers.
    const b = this.buf;
    const states = S * block, samples = S * V * n, sums = S * V * a;
    for (const name of ['X', 'XC', 'Z', 'R']) b[name] = k.alloc(states);
    b.Z0 = k.alloc(states, Z0);
    b.ETA = k.alloc(states, ETA);
    if (this.momentum) {
      // v <- beta v + (1 - beta) grad per run's rows (beta 0 in runs without momentum: v = grad)
      const BETA = new Float32Array(states), OMB = new Float32Array(states).fill(1);
      this.runs.forEach((r, i) => {
        const { s, v } = this.slotOf[i];
        const beta = momentumOf(r.config);
        BETA.fill(beta, this.at(s, v * twoM, 0), this.at(s, (v + 1) * twoM, 0));
        OMB.fill(1 - beta, this.at(s, v * twoM, 0), this.at(s, (v + 1) * twoM, 0));
      });
      b.BETA = k.alloc(states, BETA);
      b.OMB = k.alloc(states, OMB);
      b.VEL = k.alloc(states);
      b.VELC = k.alloc(states);
    }
    // A = R^q and T = R^(q-1) (the factor q is in ETA); q = 1: T = step(R)
    if (this.q === 1) b.A = b.R;
    else b.A = k.alloc(states);
    if (this.q === 2) b.T = b.R;
    else b.T = k.alloc(states);
    if (this.q >= 4) b.QM1 = k.alloc(1, [this.q - 1]);
    b.JM = k.alloc(twoM, jm);
    b.F = k.alloc(sums);
    b.gAug = k.alloc(sums);
    for (const name of ['f', 'lab', 'z', 'nz', 'sg', 'sp', 'g']) b[name] = k.alloc(samples);
    // per data set and sample (S x n): the column of F its signal patch takes, n (y = +1) or n + 1 (y = -1)
    const col = new Float32Array(S * n);
    this.datasets.forEach((d, s) => d.train.y.forEach((y, i) => (col[s * n + i] = y > 0 ? n : n + 1)));
    b.col = k.alloc(S * n, col);
    b.W2 = k.alloc(samples, W2);
    b.stateSum = k.alloc(1);
    for (const name of ['PT', 'PR', 'PA']) b[name] = k.alloc(C * nTest);
    b.testF = k.alloc(S * V * nTest);
    for (let s = 0; s < S; s++) this.testRows.push(k.view(b.testF, s * V * nTest, V * nTest));
    b.losses = k.alloc(this.checkEvery * S * V);
    for (let u = 0; u < this.checkEvery; u++) this.lossRows.push(k.view(b.losses, u * S * V, S * V));
    for (let s = 0; s < S; s++) this.blocks.push({ X: k.view(b.X, s * block, block), Z: k.view(b.Z, s * block, block), Gaug: k.alloc(a * a, gaugs[s]) });
  }

  // ------------------------------------------------------------------------------------------
  // One step

  /** The forward pass of every run with the labels in the label buffer; per-run losses into `lossRow`. */
  private forward(lossRow: Buf): void {
    const { k, buf: b, C, a, n, V, S } = this;
    for (const blk of this.blocks) k.matMul(blk.X, blk.Gaug, C, a, a, blk.Z);
    const q = this.q;
    if (q <= 2) {
      // one pass: Z += Z0, R = relu(Z), A = R^q, F = the filter sums of A
      k.activate(b.Z, b.Z0, b.R, q === 2 ? b.A : null, b.JM, S * V, 2 * this.m, a, b.F);
      if (q === 1) k.unary('step', b.R, b.T);
    } else {
      k.binary('add', b.Z, b.Z0, b.Z);
      k.unary('relu', b.Z, b.R);
      if (q === 3) k.unary('square', b.R, b.T);
      else k.binary('pow', b.R, b.QM1, b.T);
      k.binary('mul', b.T, b.R, b.A);
      k.reduceRows(b.A, b.JM, S * V, 2 * this.m, a, b.F);
    }
    // f (S V x n) = the noise part of F plus the sample's signal column, f_i = F_i + F_(n or n + 1);
    // z = u f (u the step's labels), nz = -z
    k.samplesIn(b.F, b.col, b.lab, b.f, b.z, b.nz, S, V, n, a);
    // smoothed loss (1 - a/2) l(z) + (a/2) l(-z) = softplus(-z) + (a/2) z; for a = 0 the term
    // 0 * z is 0, or NaN when z is infinite: a non-finite output then shows in the loss.
    // g = l'(u f) u, smoothed: u [(a/2) sigmoid(z) - (1 - a/2) sigmoid(-z)] = u (a/2 - sigmoid(-z));
    // gAug (S V x a) = [g | sum of g over y = +1 | sum over y = -1], per run, for the update
    k.unary('sigmoid', b.nz, b.sg);
    k.unary('softplus', b.nz, b.sp);
    k.samplesOut(b.W2, b.sg, b.lab, b.z, b.sp, b.g, b.gAug, b.col, S, V, n, a);
    k.mean(b.sp, n, lossRow);
  }

  /**
   * One GD step for every run from the last forward pass (spec/model.md "Signal-noise decomposition"):
   *   rho_jr,i -= eta ||xi_i||^2 j q/(n m) relu(<w_jr, xi_i>)^(q-1) g_i
   *   j gamma_jr -= eta ||mu||^2 j q/(n m) [relu(<w_jr, mu>)^(q-1) sum_{y=+1} g - relu(-<w_jr, mu>)^(q-1) sum_{y=-1} g]
   * (for q = 1, relu^(q-1) is the step 1(. > 0)); gp takes the first term, gm the second.
   */
  private update(): void {
    const { k, buf: b, V, a, S } = this;
    // X -= (T gAug) ETA, gAug repeated over each run's 2m filters; with momentum through the
    // velocity, VEL = beta VEL + (1 - beta) (T gAug) ETA, X -= VEL
    if (this.momentum) k.descendMomentum(b.X, b.T, b.gAug, b.ETA, b.VEL, b.BETA, b.OMB, S * V, 2 * this.m, a);
    else k.descend(b.X, b.T, b.gAug, b.ETA, S * V, 2 * this.m, a);
  }

  // ------------------------------------------------------------------------------------------
  // Labels

  /**
   * The labels of step t into window position `slot`. The buffers of a position are reused window
   * after window (a window's labels are done with before the next window is drawn): no allocation
   * per step.
   */
  private drawLabels(t: number, slot: number): StepLabels {
    if (!this.anyStochastic) return this.constantLabels;
    let buffers = this.labelBuffers[slot];
    if (!buffers) {
      buffers = { lab: new Float32Array(this.labBase.length), runs: this.schemes.map((sch) => (sch.stochastic ? new Float64Array(this.n) : null)) };
      this.labelBuffers[slot] = buffers;
    }
    const { lab, runs } = buffers;
    lab.set(this.labBase);
    const perRun = this.runs.map(() => null as Float64Array | null);
    this.schemes.forEach((sch, k) => {
      const own = runs[k];
      if (!own || !this.alive[k]) return;
      own.set(sch.labels(t));
      perRun[k] = own;
      lab.set(own, this.sampleOffset(k));
    });
    return { lab, perRun };
  }

  /** Put a step's labels in the label buffer (masked runs' labels zero). */
  private setLabels(sl: StepLabels): void {
    if (sl.lab === this.labBase) {
      if (!this.labIsBase) this.k.write(this.buf.lab, this.labBase);
      this.labIsBase = true;
      return;
    }
    // Masked runs: their labels were drawn before they were masked; zero them now.
    this.runs.forEach((_, k) => {
      if (!this.alive[k]) sl.lab.fill(0, this.sampleOffset(k), this.sampleOffset(k) + this.n);
    });
    this.k.write(this.buf.lab, sl.lab);
    this.labIsBase = false;
  }

  private runLabels(k: number, sl: StepLabels): Float64Array {
    return sl.perRun[k] ?? this.runs[k].data.yObs;
  }

  // ------------------------------------------------------------------------------------------
  // Measurements: the snapshots of every measured run from one read-back

  private measureRuns(t: number, which: number[], sl: StepLabels): void {
    if (which.length === 0) return;
    const { V, n, m, a, C, nTest } = this;
    const twoM = 2 * m;
    const f = this.k.read(this.buf.f);
    const F = this.k.read(this.buf.F);
    const X = this.k.read(this.buf.X);
    this.stats.readBacks++;
    // The noise part of the test outputs of every run on the data sets measured, block by block:
    // sum_jr j/m sigma(<w_jr, zeta_k>) with <w_jr, zeta_k> = <w0_jr, zeta_k> + X_s Gtest_aug
    // (rho Gtest, and for isotropic noise <mu, zeta_k>/||mu||^2 j gamma), Gtest_aug a constant
    // right operand; the sum over each run's filters is the step's strided reduction.
    const k = this.k, b = this.buf;
    const sets = [...new Set(which.map((r) => this.slotOf[r].s))];
    for (const s of sets) {
      k.matMul(this.blocks[s].X, this.tests[s].Gt, C, a, nTest, b.PT);
      if (this.q <= 2) k.activate(b.PT, this.tests[s].P0t, b.PR, this.q === 2 ? b.PA : null, b.JM, V, twoM, nTest, this.testRows[s]);
      else {
        k.binary('add', b.PT, this.tests[s].P0t, b.PT);
        k.unary('relu', b.PT, b.PR);
        k.reduceRows(this.power(b.PR, b.PA), b.JM, V, twoM, nTest, this.testRows[s]);
      }
    }
    const testF = k.read(b.testF);
    which.forEach((r) => {
      const { s, v } = this.slotOf[r];
      const data = this.runs[r].data;
      const off = this.sampleOffset(r);
      const fTrain = Float64Array.from(f.subarray(off, off + n));
      // the signal part on the test set: sum_r j/m sigma(+-<w, mu>) for y = +1 / -1
      const fp = F[(s * V + v) * a + n], fm = F[(s * V + v) * a + n + 1];
      const fTest = new Float64Array(nTest);
      const base = (s * V + v) * nTest;
      for (let q = 0; q < nTest; q++) fTest[q] = Math.fround(testF[base + q] + (data.test.y[q] > 0 ? fp : fm));
      const gamma = new Float64Array(twoM);
      const rho = new Float64Array(twoM * n);
      for (let jr = 0; jr < twoM; jr++) {
        const row = this.at(s, v * twoM + jr, 0);
        gamma[jr] = (jr < m ? 1 : -1) * Math.fround(X[row + n] - X[row + n + 1]);
        for (let i = 0; i < n; i++) rho[jr * n + i] = X[row + i];
      }
      const snap: Snapshot = { fTrain, fTest, gamma, rho };
      this.outcomes[r].trajectory.push(measure(t, snap, data, this.runLabels(r, sl), this.schemes[r].alpha, m, this.perSample));
    });
  }

  /** sigma = relu^q of R = relu(.) into `out` (q = 1: R itself) */
  private power(R: Buf, out: Buf): Buf {
    const { k, q } = this;
    if (q === 1) return R;
    if (q === 2) k.unary('square', R, out);
    else {
      if (q === 3) k.unary('square', R, out);
      else k.binary('pow', R, this.buf.QM1, out);
      k.binary('mul', out, R, out);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Masking

  /** Set the runs' state to zero and their labels to zero from now on (g = 0: the state stays 0). */
  private mask(which: number[]): void {
    if (which.length === 0) return;
    const twoM = 2 * this.m;
    for (const r of which) {
      this.alive[r] = false;
      const { s, v } = this.slotOf[r];
      this.k.fill(this.buf.X, 0, this.at(s, v * twoM, 0), this.at(s, (v + 1) * twoM, 0));
      if (this.momentum) this.k.fill(this.buf.VEL, 0, this.at(s, v * twoM, 0), this.at(s, (v + 1) * twoM, 0));
      this.labBase.fill(0, this.sampleOffset(r), this.sampleOffset(r) + this.n);
    }
    this.labIsBase = false;
  }

  private fallback(which: number[]): void {
    for (const r of which) {
      this.outcomes[r].status = 'fallback';
      this.outcomes[r].trajectory = [];
      this.stats.fallbacks++;
    }
    this.mask(which);
  }

  private finish(t: number, sl: StepLabels): void {
    const live = this.liveRuns();
    this.measureRuns(t, live, sl);
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
        for (let u = t; u <= wEnd; u++) labels.push(this.drawLabels(u, u - t));
        this.k.copy(this.buf.X, this.buf.XC);
        if (this.momentum) this.k.copy(this.buf.VEL, this.buf.VELC);
        if (!this.window(t, wEnd, labels)) {
          this.stats.replayedWindows++;
          this.replay(t, wEnd, labels);
        }
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
    for (let u = t; u <= wEnd; u++) {
      this.setLabels(labels[u - t]);
      this.forward(this.lossRows[u - t]);
      this.stats.steps++;
      if (u < wEnd) this.update();
    }
    // The state at wEnd: a non-finite entry, once there, stays (Inf - x, NaN - x); a sum also
    // catches what train()'s float32 sums do (entries so large that their sum overflows).
    this.k.sum(this.buf.X, this.buf.X.size, this.buf.stateSum);
    const losses = this.k.read(this.buf.losses);
    const stateSum = this.k.read(this.buf.stateSum)[0];
    this.stats.readBacks++;
    const per = this.S * this.V;
    const live = this.liveRuns();
    let clean = Number.isFinite(stateSum);
    for (let u = 0; clean && u <= wEnd - t; u++) {
      for (const r of live) {
        const { s, v } = this.slotOf[r];
        if (!(losses[u * per + s * this.V + v] <= this.runs[r].config.divergeLoss)) {
          clean = false;
          break;
        }
      }
    }
    if (!clean) {
      this.k.copy(this.buf.XC, this.buf.X);
      if (this.momentum) this.k.copy(this.buf.VELC, this.buf.VEL);
      return false;
    }
    const sl = labels[wEnd - t];
    if (wEnd === this.steps) this.finish(wEnd, sl);
    else {
      if (this.isEval(wEnd)) this.measureRuns(wEnd, live, sl);
      this.update();
    }
    return true;
  }

  /**
   * The window again, one step at a time, with host checks (see the class comment). Invariant at
   * the start of a step: every live run's state is its own (what train() would hold) and finite.
   */
  private replay(t: number, wEnd: number, labels: StepLabels[]): void {
    for (let u = t; u <= wEnd && this.alive.some(Boolean); u++) {
      const sl = labels[u - t];
      // A run whose state is no longer finite (its own update overflowed) is retrained alone.
      this.fallback(this.nonFiniteState());
      let host: HostForward;
      for (;;) {
        this.setLabels(sl);
        this.forward(this.lossRows[0]);
        host = { Z: this.k.read(this.buf.Z), f: this.k.read(this.buf.f), X: this.k.read(this.buf.X) };
        this.stats.readBacks++;
        // Runs whose activations overflow float32 (finite state, |<w, xi>| ~ 1e19 for q = 2): retrained alone.
        const sources = this.liveRuns().filter((r) => this.overflows(r, host.Z));
        if (sources.length === 0) break;
        this.fallback(sources);
      }
      // Every live run's forward values are its own: classify as train() does.
      const diverged: { r: number; d: Divergence }[] = [];
      for (const r of this.liveRuns()) {
        const d = this.classify(r, u, host, sl);
        if (d) diverged.push({ r, d });
      }
      if (diverged.length > 0) {
        this.measureRuns(u, diverged.map((x) => x.r), sl);
        for (const { r, d } of diverged) {
          this.outcomes[r].diverged = d;
          this.outcomes[r].status = 'diverged';
        }
        // masked before the update: their g may be NaN
        this.mask(diverged.map((x) => x.r));
        this.setLabels(sl);
        this.forward(this.lossRows[0]);
      }
      if (u === this.steps) {
        this.finish(u, sl);
        break;
      }
      if (this.isEval(u)) this.measureRuns(u, this.liveRuns(), sl);
      this.update();
    }
  }

  /** Whether sigma(z) = relu(z)^q overflows float32 for one of the run's <w, xi_i> or +-<w, mu>. */
  private overflows(r: number, Z: Float32Array): boolean {
    const { s, v } = this.slotOf[r];
    const { n, m } = this;
    // conservative: also the sums of 2m activations (the outputs) must stay finite
    const lim = Math.pow(F32_MAX / (8 * Math.max(2 * m, n)), 1 / this.q);
    const from = this.at(s, v * 2 * m, 0), to = this.at(s, (v + 1) * 2 * m, 0);
    for (let x = from; x < to; x++) if (!(Z[x] < lim)) return true;
    return false;
  }

  /**
   * train()'s divergence test for run r at step u (train.ts `divergence`): a NaN or infinite loss,
   * else the first part of the state whose float32 sum is not finite (gamma, rho, <w, mu>, <w, xi>,
   * the outputs f), else a loss above divergeLoss.
   */
  private classify(r: number, u: number, h: HostForward, sl: StepLabels): Divergence | null {
    const { s, v } = this.slotOf[r];
    const { n, m } = this;
    const labels = this.runLabels(r, sl);
    const alpha = this.schemes[r].alpha;
    const off = this.sampleOffset(r);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += sampleLoss(h.f[off + i], labels[i], alpha);
    loss = Math.fround(loss / n);
    if (Number.isNaN(loss)) return { step: u, loss, reason: 'nan', where: 'loss' };
    if (!Number.isFinite(loss)) return { step: u, loss, reason: 'inf', where: 'loss' };
    const twoM = 2 * m;
    const sum32 = (get: (k: number) => number, count: number): number => {
      let acc = 0;
      for (let k = 0; k < count; k++) acc = Math.fround(acc + get(k));
      return acc;
    };
    const rowOf = (jr: number) => this.at(s, v * twoM + jr, 0);
    const parts: [string, number][] = [
      ['gamma', sum32((jr) => (jr < m ? 1 : -1) * (h.X[rowOf(jr) + n] - h.X[rowOf(jr) + n + 1]), twoM)],
      ['rho', sum32((k) => h.X[rowOf(Math.floor(k / n)) + (k % n)], twoM * n)],
      ['<w, mu>', sum32((jr) => h.Z[rowOf(jr) + n], twoM)],
      ['<w, xi>', sum32((k) => h.Z[rowOf(Math.floor(k / n)) + (k % n)], twoM * n)],
      ['outputs f', sum32((i) => h.f[off + i], n)],
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
    const X = this.k.read(this.buf.X);
    this.stats.readBacks++;
    const { n, m } = this;
    return live.filter((r) => {
      const { s, v } = this.slotOf[r];
      let g = 0, rh = 0;
      for (let jr = 0; jr < 2 * m; jr++) {
        const row = this.at(s, v * 2 * m + jr, 0);
        g = Math.fround(g + (X[row + n] - X[row + n + 1]));
        for (let i = 0; i < n; i++) rh = Math.fround(rh + X[row + i]);
      }
      return !Number.isFinite(g) || !Number.isFinite(rh);
    });
  }

  private dispose(): void {
    this.k.dispose();
  }
}

function dot32(mu: Float64Array, xi: Float64Array, row: number, d: number): number {
  let s = 0;
  const off = row * d;
  for (let k = 0; k < d; k++) if (mu[k] !== 0) s = Math.fround(s + Math.fround(Math.fround(mu[k]) * Math.fround(xi[off + k])));
  return s;
}
