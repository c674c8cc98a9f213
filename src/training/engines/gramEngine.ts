import type { Dataset } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import { relupowGrad } from '../../model/activation';
import { momentumOf, type TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import { firstNonFinite, type NonFinite, type TrainingEngine } from './engine';
import { coefficientsOf, lossAndGrad, matMulT, patchMatrix, patchOutputs } from './patchSet';

/**
 * The patch-Gram engine: exact full-batch GD for general patches (source mnist, where every
 * sample has a signal patch of its own), in float64 JavaScript. Every gradient is a combination of
 * the Np = K n training patches z_k (src/training/engines/patchSet.ts), so
 *     w_r = w_r^0 + sum_k C[r, k] z_k,   <w_r, z_l> = <w_r^0, z_l> + (C G)[r, l]
 * with the Np x Np Gram matrix G = Z Z^T. A step changes C by dC (2m x Np) and the inner products
 * by dC G: ~2m Np^2 multiply-adds (rows of dC that are 0, sigma'(z) = 0 for z <= 0, are skipped)
 * instead of weight space's ~4 (2m) Np d. Test outputs need the Np x NpTest cross-Gram, built at
 * the first snapshot. Momentum (v <- beta v + (1 - beta) grad) acts on C the same way as on W.
 */
export class GramEngine implements TrainingEngine {
  readonly name = 'gram' as const;
  readonly backend = 'js-float64';
  private readonly rows: number;
  private readonly Np: number;
  private readonly Z: Float64Array;
  private readonly G: Float64Array;
  /** patch coefficients C, inner products P = P0 + C G (kept up to date step by step) */
  private readonly C: Float64Array;
  private readonly P: Float64Array;
  private readonly f: Float64Array;
  private readonly g: Float64Array;
  private readonly grad: Float64Array;
  private readonly vel: Float64Array | null;
  private readonly beta: number;
  private test: { P0: Float64Array; X: Float64Array; cols: number } | null = null;

  constructor(private readonly c: TrainConfig, private readonly data: Dataset, private readonly W0: Float64Array) {
    this.rows = 2 * c.m;
    const { Z, rows } = patchMatrix(data.train, data);
    this.Z = Z;
    this.Np = rows;
    this.G = matMulT(Z, rows, Z, rows, c.d);
    this.P = matMulT(W0, this.rows, Z, rows, c.d);
    this.C = new Float64Array(this.rows * rows);
    this.grad = new Float64Array(this.rows * rows);
    this.f = new Float64Array(c.n);
    this.g = new Float64Array(c.n);
    this.beta = momentumOf(c);
    this.vel = this.beta > 0 ? new Float64Array(this.rows * rows) : null;
  }

  forward(labels: Float64Array, alpha: number): number {
    this.f.set(patchOutputs(this.P, this.c.n, this.c.m, this.c.q));
    return lossAndGrad(this.f, labels, alpha, this.g);
  }

  snapshot(): Snapshot {
    const { m, q, nTest, d } = this.c;
    if (!this.test) {
      const { Z: Zt, rows: cols } = patchMatrix(this.data.test, this.data);
      this.test = { P0: matMulT(this.W0, this.rows, Zt, cols, d), X: matMulT(this.Z, this.Np, Zt, cols, d), cols };
    }
    const { P0, X, cols } = this.test;
    // <w_r, t_l> = <w_r^0, t_l> + sum_k C[r, k] <z_k, t_l>
    const Pt = Float64Array.from(P0);
    for (let r = 0; r < this.rows; r++) {
      const out = Pt.subarray(r * cols, (r + 1) * cols);
      for (let k = 0; k < this.Np; k++) {
        const a = this.C[r * this.Np + k];
        if (a === 0) continue;
        const x = X.subarray(k * cols, (k + 1) * cols);
        for (let l = 0; l < cols; l++) out[l] += a * x[l];
      }
    }
    return { fTrain: Float64Array.from(this.f), fTest: patchOutputs(Pt, nTest, m, q), ...coefficientsOf(this.C, this.data, m) };
  }

  /** dL/dC[r, k] = (j_r / (n m)) g_{k mod n} sigma'(P[r, k]); C -= eta v, P -= eta v G. */
  update(): void {
    const { n, m, q, eta } = this.c;
    const Np = this.Np;
    for (let r = 0; r < this.rows; r++) {
      const s = filterSign(r, m) / (n * m);
      for (let k = 0; k < Np; k++) this.grad[r * Np + k] = s * this.g[k % n] * relupowGrad(this.P[r * Np + k], q);
    }
    let step = this.grad;
    if (this.vel) {
      for (let k = 0; k < step.length; k++) this.vel[k] = this.beta * this.vel[k] + (1 - this.beta) * step[k];
      step = this.vel;
    }
    const G = this.G;
    for (let r = 0; r < this.rows; r++) {
      const p = this.P.subarray(r * Np, (r + 1) * Np);
      for (let k = 0; k < Np; k++) {
        const a = step[r * Np + k];
        if (a === 0) continue;
        this.C[r * Np + k] -= eta * a;
        const e = eta * a;
        const off = k * Np;
        for (let l = 0; l < Np; l++) p[l] -= e * G[off + l];
      }
    }
  }

  nonFinite(): NonFinite | null {
    return firstNonFinite([['C', this.C], ['<w, z>', this.P], ['outputs f', this.f]]);
  }

  /** W = W0 + C Z. */
  weights(): Float64Array {
    const d = this.c.d;
    const W = Float64Array.from(this.W0);
    for (let r = 0; r < this.rows; r++) {
      for (let k = 0; k < this.Np; k++) {
        const a = this.C[r * this.Np + k];
        if (a === 0) continue;
        for (let t = 0; t < d; t++) W[r * d + t] += a * this.Z[k * d + t];
      }
    }
    return W;
  }

  dispose(): void {}
}
