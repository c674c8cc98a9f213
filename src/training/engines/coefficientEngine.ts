import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import type { TrainConfig } from '../config';
import { TfEngineBase } from './tfEngineBase';
import { toFloat32 } from './weightEngine';
import type { CoefficientStep } from './tfStep';

/**
 * Exact GD in coefficient space (spec/model.md "Signal-noise decomposition"). The state is
 * gamma (2m x 1) and rho (2m x n); W is never formed. With
 *     W = W0 + j gamma mu^T/||mu||^2 + rho diag(1/||xi_i||^2) Xi,
 * the inner products a step needs are
 *     <w_jr, mu>   = <w0_jr, mu> + j gamma_jr + sum_i rho_jr,i <xi_i, mu>/||xi_i||^2
 *     <w_jr, xi_k> = <w0_jr, xi_k> + j gamma_jr <mu, xi_k>/||mu||^2 + sum_i rho_jr,i G_ik
 * with G_ik = <xi_i, xi_k>/||xi_i||^2, and the same with the train/test cross-Gram for test
 * predictions. A step costs ~2m n^2 instead of ~2m n d. The <., mu> cross terms vanish for the
 * projected noise variant (xi orthogonal to mu) and are kept for the isotropic one.
 */
export class CoefficientEngine extends TfEngineBase {
  readonly name = 'coefficient' as const;
  private readonly S0: tf.Tensor2D; // 2m x 1
  private readonly P0: tf.Tensor2D; // 2m x n
  private readonly P0Test: tf.Tensor2D; // 2m x nTest
  private readonly G: tf.Tensor2D; // n x n, G_ik = <xi_i, xi_k>/||xi_i||^2
  private readonly Gtest: tf.Tensor2D; // n x nTest, <xi_i, zeta_k>/||xi_i||^2
  /** isotropic noise only: <xi_i, mu>/||xi_i||^2 (n x 1), <mu, xi_k>/||mu||^2 (1 x n), and for test */
  private readonly cross: { muXiCol: tf.Tensor2D; xiMuRow: tf.Tensor2D; xiMuTestRow: tf.Tensor2D } | null;

  constructor(c: TrainConfig, data: Dataset, private readonly W0: Float64Array) {
    super(c, data);
    const { d, m } = c;
    // K > 2 patches: the span holds all N = (K - 1) n training noise patches; the Gram blocks
    // are over them (N x N, N x (K - 1) nTest), everything else is unchanged
    const n = this.N;
    const nTest = (this.N / c.n) * c.nTest;
    // Set-up products, each one plain 2-D matMul on pre-transposed copies (tf.keep: they outlive the scope).
    const built = tf.tidy(() => {
      const W = tf.tensor2d(Float32Array.from(W0), [2 * m, d]);
      const xi = tf.tensor2d(toFloat32(data.train.xi, n, d, false), [n, d]);
      const xiT = tf.tensor2d(toFloat32(data.train.xi, n, d, true), [d, n]);
      const zetaT = tf.tensor2d(toFloat32(data.test.xi, nTest, d, true), [d, nTest]);
      const muCol = tf.tensor2d(Float32Array.from(data.mu), [d, 1]);
      const muRow = tf.tensor2d(Float32Array.from(data.mu), [1, d]);
      const invNormCol = tf.tensor2d(Float32Array.from(data.train.xiNorm2, (v) => 1 / v), [n, 1]);
      const cross = c.noise === 'isotropic'
        ? {
            muXiCol: tf.keep(tf.mul(tf.matMul(xi, muCol), invNormCol) as tf.Tensor2D),
            xiMuRow: tf.keep(tf.div(tf.matMul(muRow, xiT), data.muNorm2) as tf.Tensor2D),
            xiMuTestRow: tf.keep(tf.div(tf.matMul(muRow, zetaT), data.muNorm2) as tf.Tensor2D),
          }
        : null;
      return {
        S0: tf.keep(tf.matMul(W, muCol)),
        P0: tf.keep(tf.matMul(W, xiT)),
        P0Test: tf.keep(tf.matMul(W, zetaT)),
        G: tf.keep(tf.mul(tf.matMul(xi, xiT), invNormCol) as tf.Tensor2D),
        Gtest: tf.keep(tf.mul(tf.matMul(xi, zetaT), invNormCol) as tf.Tensor2D),
        cross,
      } as unknown as tf.TensorContainer;
    }) as unknown as {
      S0: tf.Tensor2D; P0: tf.Tensor2D; P0Test: tf.Tensor2D; G: tf.Tensor2D; Gtest: tf.Tensor2D;
      cross: CoefficientEngine['cross'];
    };
    this.S0 = built.S0;
    this.P0 = built.P0;
    this.P0Test = built.P0Test;
    this.G = built.G;
    this.Gtest = built.Gtest;
    this.cross = built.cross;
  }

  private jGamma(): tf.Tensor2D {
    return tf.mul(this.k.jCol, this.gamma) as tf.Tensor2D;
  }

  /** <w_jr, xi_k> against the columns of a Gram block (train G or train/test Gtest). */
  private noiseInner(P0: tf.Tensor2D, G: tf.Tensor2D, xiMu: tf.Tensor2D | undefined): tf.Tensor2D {
    const P = tf.add(P0, tf.matMul(this.rho, G)) as tf.Tensor2D;
    return xiMu ? (tf.add(P, tf.matMul(this.jGamma(), xiMu)) as tf.Tensor2D) : P;
  }

  protected innerProducts() {
    const S = tf.add(this.S0, this.jGamma()) as tf.Tensor2D;
    return {
      S: this.cross ? (tf.add(S, tf.matMul(this.rho, this.cross.muXiCol)) as tf.Tensor2D) : S,
      P: this.noiseInner(this.P0, this.G, this.cross?.xiMuRow),
    };
  }

  protected testNoiseInner(): tf.Tensor2D {
    return this.noiseInner(this.P0Test, this.Gtest, this.cross?.xiMuTestRow);
  }

  /**
   * SAM's ascent direction D = grad L_S(W) from its coefficients dGamma = ||mu||^2 signalGrad,
   * dRho = ||xi_c||^2 noiseGrad (D_jr = j dGamma_jr mu/||mu||^2 + sum_c dRho_jr,c xi_c/||xi_c||^2):
   *   <D_jr, mu>   = j dGamma_jr + sum_c dRho_jr,c <xi_c, mu>/||xi_c||^2
   *   <D_jr, xi_k> = j dGamma_jr <mu, xi_k>/||mu||^2 + sum_c dRho_jr,c G_ck
   * (the <., mu> cross terms only for isotropic noise), and, expanding D_jr once more against
   * itself (exact, no d-dimensional vector formed),
   *   ||D||_F^2 = sum_jr [ j dGamma_jr <D_jr, mu>/||mu||^2 + sum_k dRho_jr,k <D_jr, xi_k>/||xi_k||^2 ].
   */
  protected directionInner({ noiseGrad, signalGrad }: CoefficientStep) {
    const jdGamma = tf.mul(tf.mul(signalGrad, this.data.muNorm2), this.k.jCol) as tf.Tensor2D;
    const dRhoOverNorm = noiseGrad; // dRho_jr,c/||xi_c||^2 = noiseGrad_jr,c
    const dRho = tf.mul(noiseGrad, this.xiNorm2Row) as tf.Tensor2D;
    let S = jdGamma;
    let P = tf.matMul(dRho, this.G) as tf.Tensor2D;
    if (this.cross) {
      S = tf.add(S, tf.matMul(dRho, this.cross.muXiCol)) as tf.Tensor2D;
      P = tf.add(P, tf.matMul(jdGamma, this.cross.xiMuRow)) as tf.Tensor2D;
    }
    const norm2 = tf.add(tf.div(tf.sum(tf.mul(jdGamma, S)), this.data.muNorm2), tf.sum(tf.mul(dRhoOverNorm, P))) as tf.Scalar;
    return { S, P, norm2 };
  }

  /** The state is gamma and rho only. */
  protected stepExtra(): tf.Tensor[] {
    return [];
  }

  protected acceptExtra(): void {}

  protected ownTensors(): tf.Tensor[] {
    return [this.S0, this.P0, this.P0Test, this.G, this.Gtest, ...(this.cross ? [this.cross.muXiCol, this.cross.xiMuRow, this.cross.xiMuTestRow] : [])];
  }

  /** W = W0 + j gamma mu/||mu||^2 + sum_i rho_i xi_i/||xi_i||^2, rebuilt in float64. */
  weights(): Float64Array {
    return rebuildWeights(this.c, this.data, this.W0, this.gamma.dataSync(), this.rho.dataSync());
  }
}

/** The decomposition of spec/model.md, evaluated: W from W0 and the coefficients. */
export function rebuildWeights(
  c: Pick<TrainConfig, 'm' | 'n' | 'd'>,
  data: Dataset,
  W0: Float64Array,
  gamma: ArrayLike<number>,
  rho: ArrayLike<number>,
): Float64Array {
  const { m, d } = c;
  const n = data.train.xiNorm2.length; // (K - 1) n noise rows with K > 2 patches
  const W = Float64Array.from(W0);
  for (let r = 0; r < 2 * m; r++) {
    const w = W.subarray(r * d, (r + 1) * d);
    const sg = (filterSign(r, m) * gamma[r]) / data.muNorm2;
    for (let k = 0; k < d; k++) w[k] += sg * data.mu[k];
    for (let i = 0; i < n; i++) {
      const s = rho[r * n + i] / data.train.xiNorm2[i];
      const off = i * d;
      for (let k = 0; k < d; k++) w[k] += s * data.train.xi[off + k];
    }
  }
  return W;
}
