import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import { firstLayerProjections, initThreeLayer } from '../../model/threeLayer';
import { hiddenOf, modelOf, momentumOf, patchesOf, samRhoOf, type TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import type { NonFinite, TrainingEngine } from './engine';
import { act, labelRow } from './tfStep';
import { toFloat32 } from './weightEngine';

/** The state of one forward pass kept between forward() and snapshot()/update(). */
interface Pass {
  loss: tf.Scalar;
  /** outputs f on the training samples, 1 x n */
  f: tf.Tensor2D;
  /** first-layer inner products with mu (rows x 1) and with the noise patches (rows x N) */
  S: tf.Tensor2D;
  P: tf.Tensor2D;
  /** grad L_S with respect to each parameter, in `params` order */
  grads: tf.Tensor2D[];
  /** [loss, sum of each parameter, sum S, sum P, sum f]: one sync finds any non-finite state */
  probe: tf.Tensor1D;
}

type Linear = (a: tf.Tensor2D) => tf.Tensor2D;

/**
 * tfjs-core registers no kernel gradients itself, and its `register_all_gradients` is an ES module
 * that Node cannot load from the CommonJS build; the union package's CommonJS bundle registers them
 * all into the registry it shares with tfjs-core (a process global). Done once, when the first
 * autodiff engine is made, so no other command pays for loading it.
 */
function registerGradients(): void {
  if (tf.getGradient('BatchMatMul') != null && tf.getGradient('Softplus') != null) return;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  require('@tensorflow/tfjs');
}

/**
 * Weight-space full-batch GD with automatic differentiation (tf.valueAndGrads) of the mean logistic
 * loss, for the models of spec/model.md: `two-layer` (parameters [W], 2m x d; the same mathematics
 * as the weight engine, which is how this path is checked) and `three-layer` (parameters [V, W],
 * H x d and 2m x H; src/model/threeLayer.ts). Label schemes, smoothing alpha, K patches, momentum
 * and SAM as in the other engines (spec "Other optimizers and models"; SAM's ||grad||_F is over all
 * trained parameters).
 *
 * Speed: the first layer's products with the data, A @ mu and A @ Xi^T, are ops with hand-written
 * gradients dY @ mu^T and dY @ Xi from stored copies of the data in both layouts, and the head's
 * product (three-layer) transposes its small operands explicitly (headMatMul): no step runs a
 * matMul with a transpose flag (tfjs-wasm's transposed matMul is ~4-10x slower). Everything else,
 * relu, ReLU^q, the fixed last layer, the loss and their chain rule, is tfjs's autodiff.
 *
 * Measurements: there is no exact signal-noise decomposition here. The snapshot's gamma and rho are
 * projections: two-layer gamma_jr = j <w_jr - w_jr^0, mu> (exact under projected noise) and rho_jr,i
 * = <w_jr - w_jr^0, xi_i> (the exact rho up to cross terms of the near-orthogonal xi: use the weight
 * or coefficient engine for the exact coefficients); three-layer: firstLayerProjections.
 */
export class AutodiffEngine implements TrainingEngine {
  readonly name = 'autodiff' as const;
  readonly backend = tf.getBackend();
  readonly model: 'two-layer' | 'three-layer';
  private params: tf.Tensor2D[];
  private readonly paramNames: string[];
  private velocity: tf.Tensor2D[] | null = null;
  private readonly beta: number;
  private readonly samR: number;
  /** noise columns (K - 1) n, patch-major */
  private readonly N: number;
  private readonly muCol: tf.Tensor2D;
  private readonly zetaT: tf.Tensor2D;
  private readonly yRow: tf.Tensor2D;
  private readonly yTestRow: tf.Tensor2D;
  /** j / m, 1 x 2m: f sums the head's activations with the fixed last layer */
  private readonly jOverMRow: tf.Tensor2D;
  /** the data constants of the custom-gradient first-layer products */
  private readonly dataConsts: tf.Tensor2D[];
  private readonly linMu: Linear;
  private readonly linXi: Linear;
  /** S and P at initialisation (float64 copies), for the projections */
  private readonly S0: Float64Array;
  private readonly P0: Float64Array;
  private last: Pass | null = null;
  private probed: Float32Array | null = null;
  private labels: Float64Array | null = null;
  private alpha = 0;

  /** W0: the two-layer filters (2m x d); the three-layer model draws its own (initThreeLayer). */
  constructor(private readonly c: TrainConfig, private readonly data: Dataset, W0: Float64Array) {
    registerGradients();
    const { n, d, m, nTest } = c;
    this.model = modelOf(c);
    this.N = (patchesOf(c) - 1) * n;
    const nTestCols = (patchesOf(c) - 1) * nTest;
    this.beta = momentumOf(c);
    this.samR = samRhoOf(c);
    if (this.model === 'two-layer') {
      this.params = [tf.tensor2d(Float32Array.from(W0), [2 * m, d])];
      this.paramNames = ['W'];
    } else {
      const H = hiddenOf(c);
      const init = initThreeLayer(c, H);
      this.params = [tf.tensor2d(Float32Array.from(init.V), [H, d]), tf.tensor2d(Float32Array.from(init.W), [2 * m, H])];
      this.paramNames = ['V', 'W'];
    }
    if (this.beta > 0) this.velocity = this.params.map((p) => tf.zerosLike(p));
    this.muCol = tf.tensor2d(Float32Array.from(data.mu), [d, 1]);
    const muRow = tf.tensor2d(Float32Array.from(data.mu), [1, d]);
    const xi = tf.tensor2d(toFloat32(data.train.xi, this.N, d, false), [this.N, d]);
    const xiT = tf.tensor2d(toFloat32(data.train.xi, this.N, d, true), [d, this.N]);
    this.zetaT = tf.tensor2d(toFloat32(data.test.xi, nTestCols, d, true), [d, nTestCols]);
    this.dataConsts = [muRow, xi, xiT];
    this.linMu = dataLinear(this.muCol, muRow);
    this.linXi = dataLinear(xiT, xi);
    this.yRow = tf.tensor2d(Float32Array.from(data.train.y), [1, n]);
    this.yTestRow = tf.tensor2d(Float32Array.from(data.test.y), [1, nTest]);
    this.jOverMRow = tf.tensor2d(Array.from({ length: 2 * m }, (_, r) => (r < m ? 1 : -1) / m), [1, 2 * m]);
    const first = this.params[0];
    const [S0, P0] = tf.tidy(() => [tf.matMul(first, this.muCol), tf.matMul(first, xiT)]);
    this.S0 = Float64Array.from(S0.dataSync());
    this.P0 = Float64Array.from(P0.dataSync());
    tf.dispose([S0, P0]);
  }

  /**
   * f (1 x count) from the first layer's inner products S (rows x 1) and P (rows x (K-1) count).
   * The columns [y_i S | P] are every patch's pre-activation, patch-major (signal patches first);
   * f_i sums the fixed last layer j/m times sigma over the K patches of sample i.
   */
  private outputs(params: tf.Tensor2D[], S: tf.Tensor2D, P: tf.Tensor2D, yRow: tf.Tensor2D, keepHidden?: (h: tf.Tensor2D) => void): tf.Tensor2D {
    const count = yRow.shape[1] as number;
    let Z = tf.concat2d([tf.mul(S, yRow) as tf.Tensor2D, P], 1);
    // three-layer: hidden layer relu(V x_p) for every patch, then the head's filters
    if (this.model === 'three-layer') {
      const hidden = tf.relu(Z) as tf.Tensor2D;
      keepHidden?.(hidden);
      Z = headMatMul(params[1], hidden);
    }
    const perPatch = tf.matMul(this.jOverMRow, act(Z, this.c.q) as tf.Tensor2D);
    return tf.reshape(tf.sum(tf.reshape(perPatch, [(perPatch.shape[1] as number) / count, count]), 0), [1, count]);
  }

  /** Loss, outputs and gradients at `params` for the training labels u (1 x n) and smoothing alpha. */
  private pass(params: tf.Tensor2D[], u: tf.Tensor2D, alpha: number): Omit<Pass, 'probe'> {
    let kept: { f: tf.Tensor2D; S: tf.Tensor2D; P: tf.Tensor2D } | null = null;
    let hidden: tf.Tensor2D | null = null;
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => {
      const p = ps as tf.Tensor2D[];
      const S = this.linMu(p[0]);
      const P = this.linXi(p[0]);
      const f = this.outputs(p, S, P, this.yRow, (h) => (hidden = tf.keep(h)));
      kept = { f: tf.keep(f), S: tf.keep(S), P: tf.keep(P) };
      return meanLoss(f, u, alpha);
    })(params);
    if (hidden) tf.dispose(hidden);
    return { loss: value, grads: grads as tf.Tensor2D[], ...kept! };
  }

  forward(labels: Float64Array, alpha: number): number {
    this.release();
    const last = tf.tidy(() => {
      const r = this.pass(this.params, labelRow(labels), alpha);
      const probe = tf.stack([r.loss, ...this.params.map((p) => tf.sum(p)), tf.sum(r.S), tf.sum(r.P), tf.sum(r.f)]) as tf.Tensor1D;
      return { ...r, probe };
    });
    this.last = last;
    this.labels = labels;
    this.alpha = alpha;
    this.probed = last.probe.dataSync() as Float32Array;
    return this.probed[0];
  }

  nonFinite(): NonFinite | null {
    const p = this.probed;
    if (!p) return null;
    const first = this.model === 'two-layer' ? 'w' : 'v';
    const names = [...this.paramNames, `<${first}, mu>`, `<${first}, xi>`, 'outputs f'];
    for (let i = 1; i < p.length; i++) if (!Number.isFinite(p[i])) return { part: names[i - 1] ?? `state ${i}`, value: p[i] };
    return null;
  }

  snapshot(): Snapshot {
    const last = this.requireForward();
    const fTest = tf.tidy(() => {
      const first = this.params[0];
      return this.outputs(this.params, tf.matMul(first, this.muCol), tf.matMul(first, this.zetaT), this.yTestRow);
    });
    const S = last.S.dataSync();
    const P = last.P.dataSync();
    const snap: Snapshot = { fTrain: Float64Array.from(last.f.dataSync()), fTest: Float64Array.from(fTest.dataSync()), gamma: new Float64Array(0), rho: new Float64Array(0) };
    fTest.dispose();
    if (this.model === 'three-layer') return { ...snap, ...firstLayerProjections(S, this.S0, P, this.P0), hiddenUnits: true };
    const m = this.c.m;
    snap.gamma = Float64Array.from(S, (s, r) => (r < m ? 1 : -1) * (s - this.S0[r]));
    snap.rho = Float64Array.from(P, (v, e) => v - this.P0[e]);
    return snap;
  }

  /**
   * One step with the gradient of the last forward pass:
   *   SAM (samRho r > 0): G = grad at p + r grad/||grad||_F (no ascent when grad = 0), same labels;
   *   momentum beta > 0: v <- beta v + (1 - beta) G, p <- p - eta v;  else p <- p - eta G.
   */
  update(): void {
    const last = this.requireForward();
    const { eta } = this.c;
    const beta = this.beta;
    const out = tf.tidy(() => {
      let G = last.grads;
      if (this.samR > 0) {
        const norm2 = tf.addN(G.map((g) => tf.sum(tf.square(g))));
        const s = tf.where(tf.greater(norm2, 0), tf.div(this.samR, tf.sqrt(norm2)), tf.zerosLike(norm2));
        const adv = this.params.map((p, i) => tf.add(p, tf.mul(G[i], s)) as tf.Tensor2D);
        const r = this.pass(adv, labelRow(this.labels!), this.alpha);
        tf.dispose([r.f, r.S, r.P]); // kept by pass() (tf.keep), so the tidy would not free them
        G = r.grads;
      }
      const step = this.velocity ? this.velocity.map((v, i) => tf.add(tf.mul(v, beta), tf.mul(G[i], 1 - beta)) as tf.Tensor2D) : G;
      return { params: this.params.map((p, i) => tf.sub(p, tf.mul(step[i], eta)) as tf.Tensor2D), velocity: this.velocity ? step : [] };
    });
    tf.dispose([...this.params, ...(this.velocity ?? [])]);
    this.params = out.params;
    if (this.velocity) this.velocity = out.velocity;
    this.release();
  }

  /** The trained parameters, flattened row-major one after the other: two-layer W (2m x d); three-layer V (H x d) then W (2m x H). */
  weights(): Float64Array {
    const parts = this.params.map((p) => p.dataSync());
    const out = new Float64Array(parts.reduce((s, a) => s + a.length, 0));
    let o = 0;
    for (const a of parts) {
      out.set(a, o);
      o += a.length;
    }
    return out;
  }

  private requireForward(): Pass {
    if (!this.last) throw new Error('autodiff engine: forward() must precede snapshot()/update()');
    return this.last;
  }

  private release(): void {
    if (!this.last) return;
    const { loss, f, S, P, grads, probe } = this.last;
    tf.dispose([loss, f, S, P, ...grads, probe]);
    this.last = null;
  }

  dispose(): void {
    this.release();
    tf.dispose([...this.params, ...(this.velocity ?? []), this.muCol, this.zetaT, this.yRow, this.yTestRow, this.jOverMRow, ...this.dataConsts]);
  }
}

/**
 * a @ Xt for a constant data matrix Xt (d x cols), with the gradient da = dy @ X from the stored
 * transpose X (cols x d): a plain matMul, where autodiff of matMul would use transposeB.
 */
function dataLinear(Xt: tf.Tensor2D, X: tf.Tensor2D): Linear {
  const op = tf.customGrad(((a: tf.Tensor) => ({
    value: tf.matMul(a as tf.Tensor2D, Xt),
    gradFunc: (dy: tf.Tensor) => tf.matMul(dy as tf.Tensor2D, X),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (a) => op(a) as tf.Tensor2D;
}

/**
 * W @ Hd for two trained operands, with the gradients dW = dY @ Hd^T, dHd = W^T @ dY from explicit
 * transposes of the small factors (2m x H, H x K n) and plain matMuls: autodiff of matMul would use
 * tfjs-wasm's transposed matMul, ~10x slower (a quarter of a three-layer step at paper A's size).
 */
const headMatMul = tf.customGrad(((w: tf.Tensor2D, h: tf.Tensor2D) => ({
  // the backward pass reads w and h themselves: the caller keeps h (tf.keep) until the gradients
  // are made (customGrad's save() copies tensors inside the kernel, which tfjs's leak check flags)
  value: tf.matMul(w, h),
  gradFunc: (dy: tf.Tensor2D) => [tf.matMul(dy, tf.transpose(h)), tf.matMul(tf.transpose(w), dy)],
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (w: tf.Tensor2D, h: tf.Tensor2D) => tf.Tensor2D;

/** Mean of (1 - alpha/2) l(u f) + (alpha/2) l(-u f), l(z) = softplus(-z) (spec/model.md, label smoothing). */
function meanLoss(f: tf.Tensor2D, u: tf.Tensor2D, alpha: number): tf.Scalar {
  const z = tf.mul(u, f);
  if (alpha === 0) return tf.mean(tf.softplus(tf.neg(z)));
  return tf.mean(tf.add(tf.mul(tf.softplus(tf.neg(z)), 1 - alpha / 2), tf.mul(tf.softplus(z), alpha / 2)));
}
