import type { Dataset } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import { relupow, relupowGrad, sampleLoss, sampleLossGrad } from '../../model/activation';
import { momentumOf, patchesOf, samRhoOf, type TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import { firstNonFinite, type NonFinite, type TrainingEngine } from './engine';

/**
 * The float64 oracle: weight-space GD written out in plain TypeScript, loop by loop, from the
 * definitions of spec/model.md. It also advances gamma and rho by their recurrences so that the
 * decomposition W = W0 + j gamma mu/||mu||^2 + sum_i rho_i xi_i/||xi_i||^2 can be checked.
 */
export class ReferenceEngine implements TrainingEngine {
  readonly name = 'reference' as const;
  readonly backend = 'js-float64';
  private readonly W: Float64Array;
  private readonly gamma: Float64Array;
  private readonly rho: Float64Array;
  private readonly rows: number;
  /** last forward: <w_jr, mu>, <w_jr, xi_i>, f_i, g_i */
  private S: Float64Array;
  private P: Float64Array;
  private f: Float64Array;
  private g: Float64Array;
  /** noise patches per sample (K - 1) and noise rows (K - 1) n: rho and P have one column per noise row */
  private readonly patches: number;
  private readonly N: number;
  private readonly beta: number;
  private readonly samR: number;
  /** momentum buffers of W, gamma and rho (momentum > 0 only) */
  private readonly vel: { W: Float64Array; gamma: Float64Array; rho: Float64Array } | null;
  /** the last forward's labels and alpha (SAM evaluates the gradient again at W_adv with them) */
  private labels: Float64Array | null = null;
  private alpha = 0;

  constructor(private readonly c: TrainConfig, private readonly data: Dataset, W0: Float64Array) {
    this.rows = 2 * c.m;
    this.patches = patchesOf(c) - 1;
    this.N = this.patches * c.n;
    this.beta = momentumOf(c);
    this.samR = samRhoOf(c);
    this.W = Float64Array.from(W0);
    this.gamma = new Float64Array(this.rows);
    this.rho = new Float64Array(this.rows * this.N);
    this.S = new Float64Array(this.rows);
    this.P = new Float64Array(this.rows * this.N);
    this.f = new Float64Array(c.n);
    this.g = new Float64Array(c.n);
    this.vel = this.beta > 0 ? { W: new Float64Array(this.W.length), gamma: new Float64Array(this.rows), rho: new Float64Array(this.rho.length) } : null;
  }

  /** <w_jr, v> for every filter against the rows of `X` (count x d). */
  private inner(X: Float64Array, count: number, out: Float64Array, W: Float64Array = this.W): void {
    const d = this.c.d;
    for (let r = 0; r < this.rows; r++) {
      const w = W.subarray(r * d, (r + 1) * d);
      for (let i = 0; i < count; i++) {
        let s = 0;
        const off = i * d;
        for (let k = 0; k < d; k++) s += w[k] * X[off + k];
        out[r * count + i] = s;
      }
    }
  }

  /**
   * f = (1/m) sum_r [sigma(<w_{+1,r}, y mu>) + sum_p sigma(<w_{+1,r}, xi_p>)] - (same for j = -1),
   * summed over the K - 1 noise patches p (P has (K - 1) count columns, patch-major).
   */
  private outputs(y: Float64Array, P: Float64Array, count: number, S: Float64Array = this.S): Float64Array {
    const { m, q } = this.c;
    const cols = this.patches * count;
    const f = new Float64Array(count);
    for (let r = 0; r < this.rows; r++) {
      const j = filterSign(r, m);
      for (let i = 0; i < count; i++) {
        let noise = relupow(P[r * cols + i], q);
        for (let p = 1; p < this.patches; p++) noise += relupow(P[r * cols + p * count + i], q);
        f[i] += (j / m) * (relupow(y[i] * S[r], q) + noise);
      }
    }
    return f;
  }

  private signalInner(W: Float64Array = this.W, S: Float64Array = this.S): void {
    // mu = A e_1, but written for a general mu.
    const d = this.c.d;
    for (let r = 0; r < this.rows; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[r * d + k] * this.data.mu[k];
      S[r] = s;
    }
  }

  forward(labels: Float64Array, alpha: number): number {
    const n = this.c.n;
    this.signalInner();
    this.inner(this.data.train.xi, this.N, this.P);
    this.f = this.outputs(this.data.train.y, this.P, n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      loss += sampleLoss(this.f[i], labels[i], alpha);
      this.g[i] = sampleLossGrad(this.f[i], labels[i], alpha);
    }
    this.labels = labels;
    this.alpha = alpha;
    return loss / n;
  }

  snapshot(): Snapshot {
    const nTest = this.c.nTest;
    const Pt = new Float64Array(this.rows * this.patches * nTest);
    this.inner(this.data.test.xi, this.patches * nTest, Pt);
    return {
      fTrain: Float64Array.from(this.f),
      fTest: this.outputs(this.data.test.y, Pt, nTest),
      gamma: Float64Array.from(this.gamma),
      rho: Float64Array.from(this.rho),
    };
  }

  /**
   * dL/dw_jr = (j/(n m)) sum_i g_i [sigma'(<w, y_i mu>) y_i mu + sum_p sigma'(<w, xi_{i,p}>) xi_{i,p}],
   * and the coefficient recurrences of spec/model.md (the same terms, projected on mu and xi_i).
   * Momentum and SAM take the general path (`gradientAt`); plain GD keeps its loop as it was.
   */
  update(): void {
    if (this.beta > 0 || this.samR > 0) return this.updateGeneral();
    const { n, m, q, d, eta } = this.c;
    const N = this.N;
    const { mu, muNorm2 } = this.data;
    const { xi, xiNorm2, y } = this.data.train;
    const grad = new Float64Array(d);
    for (let r = 0; r < this.rows; r++) {
      const j = filterSign(r, m);
      grad.fill(0);
      let sig = 0;
      for (let i = 0; i < n; i++) sig += this.g[i] * relupowGrad(y[i] * this.S[r], q) * y[i];
      for (let c = 0; c < N; c++) {
        const cn = this.g[c % n] * relupowGrad(this.P[r * N + c], q);
        if (cn !== 0) {
          const off = c * d;
          for (let k = 0; k < d; k++) grad[k] += cn * xi[off + k];
        }
        this.rho[r * N + c] -= (eta / (n * m)) * j * cn * xiNorm2[c];
      }
      for (let k = 0; k < d; k++) grad[k] += sig * mu[k];
      const w = this.W.subarray(r * d, (r + 1) * d);
      for (let k = 0; k < d; k++) w[k] -= eta * (j / (n * m)) * grad[k];
      this.gamma[r] -= (eta / (n * m)) * sig * muNorm2;
    }
  }

  /**
   * grad L_S at filters whose inner products are S, P and loss derivatives g: the weight gradient
   * gW (2m x d) and its coefficients dGamma (2m), dRho (2m x N) in the decomposition, i.e.
   * gW_jr = j dGamma_jr mu/||mu||^2 + sum_c dRho_jr,c xi_c/||xi_c||^2.
   */
  private gradientAt(S: Float64Array, P: Float64Array, g: Float64Array): { gW: Float64Array; dGamma: Float64Array; dRho: Float64Array } {
    const { n, m, q, d } = this.c;
    const N = this.N;
    const { mu, muNorm2 } = this.data;
    const { xi, xiNorm2, y } = this.data.train;
    const gW = new Float64Array(this.rows * d);
    const dGamma = new Float64Array(this.rows);
    const dRho = new Float64Array(this.rows * N);
    for (let r = 0; r < this.rows; r++) {
      const j = filterSign(r, m);
      const grad = gW.subarray(r * d, (r + 1) * d);
      let sig = 0;
      for (let i = 0; i < n; i++) sig += g[i] * relupowGrad(y[i] * S[r], q) * y[i];
      for (let c = 0; c < N; c++) {
        const cn = g[c % n] * relupowGrad(P[r * N + c], q);
        if (cn !== 0) {
          const off = c * d;
          for (let k = 0; k < d; k++) grad[k] += cn * xi[off + k];
        }
        dRho[r * N + c] = (j * cn * xiNorm2[c]) / (n * m);
      }
      for (let k = 0; k < d; k++) grad[k] = ((grad[k] + sig * mu[k]) * j) / (n * m);
      dGamma[r] = (sig * muNorm2) / (n * m);
    }
    return { gW, dGamma, dRho };
  }

  /**
   * SAM (full batch): the gradient at W_adv = W + samRho gW/||gW||_F (W_adv = W when gW = 0), with
   * the labels and alpha of the last forward; then momentum: v <- beta v + (1 - beta) grad, W <- W - eta v
   * (v = grad when beta = 0). The coefficients follow the same combination of the same gradients.
   */
  private updateGeneral(): void {
    const { n, eta, d } = this.c;
    let step = this.gradientAt(this.S, this.P, this.g);
    if (this.samR > 0) {
      let norm2 = 0;
      for (const v of step.gW) norm2 += v * v;
      const s = norm2 > 0 ? this.samR / Math.sqrt(norm2) : 0;
      const Wadv = Float64Array.from(this.W, (w, k) => w + s * step.gW[k]);
      const Sadv = new Float64Array(this.rows);
      const Padv = new Float64Array(this.rows * this.N);
      this.signalInner(Wadv, Sadv);
      this.inner(this.data.train.xi, this.N, Padv, Wadv);
      const fAdv = this.outputs(this.data.train.y, Padv, n, Sadv);
      const gAdv = new Float64Array(n);
      const labels = this.labels!;
      for (let i = 0; i < n; i++) gAdv[i] = sampleLossGrad(fAdv[i], labels[i], this.alpha);
      step = this.gradientAt(Sadv, Padv, gAdv);
    }
    const mix = (v: Float64Array | undefined, grad: Float64Array): Float64Array => {
      if (!v) return grad;
      for (let k = 0; k < v.length; k++) v[k] = this.beta * v[k] + (1 - this.beta) * grad[k];
      return v;
    };
    const vW = mix(this.vel?.W, step.gW);
    const vGamma = mix(this.vel?.gamma, step.dGamma);
    const vRho = mix(this.vel?.rho, step.dRho);
    for (let k = 0; k < this.rows * d; k++) this.W[k] -= eta * vW[k];
    for (let r = 0; r < this.rows; r++) this.gamma[r] -= eta * vGamma[r];
    for (let k = 0; k < this.rho.length; k++) this.rho[k] -= eta * vRho[k];
  }

  /** Scans the state after each forward pass (cost 2m (d + 2n) + n: small against the step's 4 (2m) n d). */
  nonFinite(): NonFinite | null {
    return firstNonFinite([['gamma', this.gamma], ['rho', this.rho], ['W', this.W], ['<w, mu>', this.S], ['<w, xi>', this.P], ['outputs f', this.f]]);
  }

  weights(): Float64Array {
    return Float64Array.from(this.W);
  }

  dispose(): void {}
}
