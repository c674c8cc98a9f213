import type { Dataset } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import { relupowGrad } from '../../model/activation';
import { momentumOf, type TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import { firstNonFinite, type NonFinite, type TrainingEngine } from './engine';
import { coefficientsOf, lossAndGrad, matMulT, patchMatrix, patchOutputs } from './patchSet';

/**
 * The float64 oracle for general patches (source mnist; `engine: reference` routes here when the
 * signal patches differ per sample): weight-space GD written out from the definitions,
 *     dL/dw_r = (j_r / (n m)) sum_i g_i sum_p sigma'(<w_r, z_{i,p}>) z_{i,p},
 * W <- W - eta grad (with momentum: v <- beta v + (1 - beta) grad, W <- W - eta v). It holds W and
 * recomputes every inner product from it each step (no Gram matrix), and advances the patch
 * coefficients C by the same recurrence only to report rho (and gamma, synthetic source).
 */
export class PatchReferenceEngine implements TrainingEngine {
  readonly name = 'reference' as const;
  readonly backend = 'js-float64';
  private readonly rows: number;
  private readonly Np: number;
  private readonly Z: Float64Array;
  private readonly W: Float64Array;
  private readonly C: Float64Array;
  private P: Float64Array;
  private readonly f: Float64Array;
  private readonly g: Float64Array;
  private readonly beta: number;
  private readonly vel: { W: Float64Array; C: Float64Array } | null;

  constructor(private readonly c: TrainConfig, private readonly data: Dataset, W0: Float64Array) {
    this.rows = 2 * c.m;
    const { Z, rows } = patchMatrix(data.train, data);
    this.Z = Z;
    this.Np = rows;
    this.W = Float64Array.from(W0);
    this.C = new Float64Array(this.rows * rows);
    this.P = new Float64Array(this.rows * rows);
    this.f = new Float64Array(c.n);
    this.g = new Float64Array(c.n);
    this.beta = momentumOf(c);
    this.vel = this.beta > 0 ? { W: new Float64Array(this.W.length), C: new Float64Array(this.C.length) } : null;
  }

  forward(labels: Float64Array, alpha: number): number {
    this.P = matMulT(this.W, this.rows, this.Z, this.Np, this.c.d);
    this.f.set(patchOutputs(this.P, this.c.n, this.c.m, this.c.q));
    return lossAndGrad(this.f, labels, alpha, this.g);
  }

  snapshot(): Snapshot {
    const { m, q, nTest, d } = this.c;
    const { Z: Zt, rows: cols } = patchMatrix(this.data.test, this.data);
    const Pt = matMulT(this.W, this.rows, Zt, cols, d);
    return { fTrain: Float64Array.from(this.f), fTest: patchOutputs(Pt, nTest, m, q), ...coefficientsOf(this.C, this.data, m) };
  }

  update(): void {
    const { n, m, q, d, eta } = this.c;
    const Np = this.Np;
    const gW = new Float64Array(this.W.length);
    const gC = new Float64Array(this.C.length);
    for (let r = 0; r < this.rows; r++) {
      const s = filterSign(r, m) / (n * m);
      for (let k = 0; k < Np; k++) {
        const a = s * this.g[k % n] * relupowGrad(this.P[r * Np + k], q);
        gC[r * Np + k] = a;
        if (a === 0) continue;
        for (let t = 0; t < d; t++) gW[r * d + t] += a * this.Z[k * d + t];
      }
    }
    const mix = (v: Float64Array | undefined, grad: Float64Array): Float64Array => {
      if (!v) return grad;
      for (let k = 0; k < v.length; k++) v[k] = this.beta * v[k] + (1 - this.beta) * grad[k];
      return v;
    };
    const vW = mix(this.vel?.W, gW);
    const vC = mix(this.vel?.C, gC);
    for (let k = 0; k < this.W.length; k++) this.W[k] -= eta * vW[k];
    for (let k = 0; k < this.C.length; k++) this.C[k] -= eta * vC[k];
  }

  nonFinite(): NonFinite | null {
    return firstNonFinite([['W', this.W], ['C', this.C], ['<w, z>', this.P], ['outputs f', this.f]]);
  }

  weights(): Float64Array {
    return Float64Array.from(this.W);
  }

  dispose(): void {}
}
