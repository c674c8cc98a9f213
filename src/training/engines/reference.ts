import type { Dataset } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import { relupow, relupowGrad, sampleLoss, sampleLossGrad } from '../../model/activation';
import type { TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import type { NonFinite, TrainingEngine } from './engine';

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

  constructor(private readonly c: TrainConfig, private readonly data: Dataset, W0: Float64Array) {
    this.rows = 2 * c.m;
    this.W = Float64Array.from(W0);
    this.gamma = new Float64Array(this.rows);
    this.rho = new Float64Array(this.rows * c.n);
    this.S = new Float64Array(this.rows);
    this.P = new Float64Array(this.rows * c.n);
    this.f = new Float64Array(c.n);
    this.g = new Float64Array(c.n);
  }

  /** <w_jr, v> for every filter against the rows of `X` (count x d). */
  private inner(X: Float64Array, count: number, out: Float64Array): void {
    const d = this.c.d;
    for (let r = 0; r < this.rows; r++) {
      const w = this.W.subarray(r * d, (r + 1) * d);
      for (let i = 0; i < count; i++) {
        let s = 0;
        const off = i * d;
        for (let k = 0; k < d; k++) s += w[k] * X[off + k];
        out[r * count + i] = s;
      }
    }
  }

  /** f = (1/m) sum_r [sigma(<w_{+1,r}, y mu>) + sigma(<w_{+1,r}, xi>)] - (same for j = -1). */
  private outputs(y: Float64Array, P: Float64Array, count: number): Float64Array {
    const { m, q } = this.c;
    const f = new Float64Array(count);
    for (let r = 0; r < this.rows; r++) {
      const j = filterSign(r, m);
      for (let i = 0; i < count; i++) {
        f[i] += (j / m) * (relupow(y[i] * this.S[r], q) + relupow(P[r * count + i], q));
      }
    }
    return f;
  }

  private signalInner(): void {
    // mu = A e_1, but written for a general mu.
    const d = this.c.d;
    for (let r = 0; r < this.rows; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += this.W[r * d + k] * this.data.mu[k];
      this.S[r] = s;
    }
  }

  forward(labels: Float64Array, alpha: number): number {
    const n = this.c.n;
    this.signalInner();
    this.inner(this.data.train.xi, n, this.P);
    this.f = this.outputs(this.data.train.y, this.P, n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      loss += sampleLoss(this.f[i], labels[i], alpha);
      this.g[i] = sampleLossGrad(this.f[i], labels[i], alpha);
    }
    return loss / n;
  }

  snapshot(): Snapshot {
    const nTest = this.c.nTest;
    const Pt = new Float64Array(this.rows * nTest);
    this.inner(this.data.test.xi, nTest, Pt);
    return {
      fTrain: Float64Array.from(this.f),
      fTest: this.outputs(this.data.test.y, Pt, nTest),
      gamma: Float64Array.from(this.gamma),
      rho: Float64Array.from(this.rho),
    };
  }

  /**
   * dL/dw_jr = (j/(n m)) sum_i g_i [sigma'(<w, y_i mu>) y_i mu + sigma'(<w, xi_i>) xi_i], and
   * the coefficient recurrences of spec/model.md (the same terms, projected on mu and xi_i).
   */
  update(): void {
    const { n, m, q, d, eta } = this.c;
    const { mu, muNorm2 } = this.data;
    const { xi, xiNorm2, y } = this.data.train;
    const grad = new Float64Array(d);
    for (let r = 0; r < this.rows; r++) {
      const j = filterSign(r, m);
      grad.fill(0);
      let sig = 0;
      for (let i = 0; i < n; i++) {
        const gi = this.g[i];
        sig += gi * relupowGrad(y[i] * this.S[r], q) * y[i];
        const cn = gi * relupowGrad(this.P[r * n + i], q);
        if (cn !== 0) {
          const off = i * d;
          for (let k = 0; k < d; k++) grad[k] += cn * xi[off + k];
        }
        this.rho[r * n + i] -= (eta / (n * m)) * j * cn * xiNorm2[i];
      }
      for (let k = 0; k < d; k++) grad[k] += sig * mu[k];
      const w = this.W.subarray(r * d, (r + 1) * d);
      for (let k = 0; k < d; k++) w[k] -= eta * (j / (n * m)) * grad[k];
      this.gamma[r] -= (eta / (n * m)) * sig * muNorm2;
    }
  }

  /** Scans the state after each forward pass (cost 2m (d + 2n) + n: small against the step's 4 (2m) n d). */
  nonFinite(): NonFinite | null {
    const parts: [string, Float64Array][] = [['gamma', this.gamma], ['rho', this.rho], ['W', this.W], ['<w, mu>', this.S], ['<w, xi>', this.P], ['outputs f', this.f]];
    for (const [part, a] of parts) {
      for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { part, value: a[i] };
    }
    return null;
  }

  weights(): Float64Array {
    return Float64Array.from(this.W);
  }

  dispose(): void {}
}
