import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import type { TrainConfig } from '../config';
import { TfEngineBase } from './tfEngineBase';
import type { CoefficientStep } from './tfStep';

/** Copy a float64 row-major matrix to float32, optionally transposed (done once, at set-up). */
export function toFloat32(src: Float64Array, rows: number, cols: number, transpose: boolean): Float32Array {
  const out = new Float32Array(rows * cols);
  if (!transpose) {
    for (let i = 0; i < out.length; i++) out[i] = src[i];
  } else {
    for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) out[k * rows + i] = src[i * cols + k];
  }
  return out;
}

/**
 * tfjs weight-space GD: W (2m x d) is updated literally, W <- W - eta grad L_S(W), as a paper's
 * code would do it. The coefficients gamma, rho are advanced alongside by their recurrences
 * (cheap: the same gradient factors), so the decomposition can be checked against W.
 */
export class WeightEngine extends TfEngineBase {
  readonly name = 'weight' as const;
  private W: tf.Tensor2D;
  private readonly xi: tf.Tensor2D; // n x d
  private readonly xiT: tf.Tensor2D; // d x n
  private readonly zetaT: tf.Tensor2D; // d x nTest
  private readonly muCol: tf.Tensor2D; // d x 1
  private readonly muRow: tf.Tensor2D; // 1 x d
  /** momentum buffer v of W (momentum > 0) */
  private vW: tf.Tensor2D | null = null;

  constructor(c: TrainConfig, data: Dataset, W0: Float64Array) {
    super(c, data);
    const { d, m } = c;
    // K > 2 patches: N = (K - 1) n noise rows, (K - 1) nTest test noise rows (patch-major)
    const n = this.N;
    const nTest = (this.N / c.n) * c.nTest;
    this.W = tf.tensor2d(Float32Array.from(W0), [2 * m, d]);
    this.xi = tf.tensor2d(toFloat32(data.train.xi, n, d, false), [n, d]);
    this.xiT = tf.tensor2d(toFloat32(data.train.xi, n, d, true), [d, n]);
    this.zetaT = tf.tensor2d(toFloat32(data.test.xi, nTest, d, true), [d, nTest]);
    if (this.beta > 0) this.vW = tf.zeros([2 * m, d]);
    this.muCol = tf.tensor2d(Float32Array.from(data.mu), [d, 1]);
    this.muRow = tf.tensor2d(Float32Array.from(data.mu), [1, d]);
  }

  protected innerProducts() {
    return { S: tf.matMul(this.W, this.muCol) as tf.Tensor2D, P: tf.matMul(this.W, this.xiT) as tf.Tensor2D };
  }

  protected testNoiseInner(): tf.Tensor2D {
    return tf.matMul(this.W, this.zetaT);
  }

  /** grad W = j signalGrad mu^T + noiseGrad @ Xi;  W <- W - eta grad W. */
  protected stepExtra({ noiseGrad, signalGrad }: CoefficientStep): tf.Tensor[] {
    const gradW = tf.add(tf.matMul(tf.mul(signalGrad, this.k.jCol), this.muRow), tf.matMul(noiseGrad, this.xi));
    if (!this.vW) return [tf.sub(this.W, tf.mul(gradW, this.c.eta))];
    // momentum: v <- beta v + (1 - beta) grad, W <- W - eta v
    const v = tf.add(tf.mul(this.vW, this.beta), tf.mul(gradW, 1 - this.beta));
    return [tf.sub(this.W, tf.mul(v, this.c.eta)), v];
  }

  protected acceptExtra([W, v]: tf.Tensor[]): void {
    this.W.dispose();
    this.W = W as tf.Tensor2D;
    if (v) {
      this.vW?.dispose();
      this.vW = v as tf.Tensor2D;
    }
  }

  /** SAM's ascent direction in weight space, literally: D = grad W, ||D||_F^2 = sum D^2. */
  protected directionInner({ noiseGrad, signalGrad }: CoefficientStep) {
    const D = tf.add(tf.matMul(tf.mul(signalGrad, this.k.jCol), this.muRow), tf.matMul(noiseGrad, this.xi)) as tf.Tensor2D;
    return { S: tf.matMul(D, this.muCol) as tf.Tensor2D, P: tf.matMul(D, this.xiT) as tf.Tensor2D, norm2: tf.sum(tf.square(D)) as tf.Scalar };
  }

  protected extraProbe() {
    return { names: ['W'], sums: [tf.sum(this.W) as tf.Scalar] };
  }

  protected ownTensors(): tf.Tensor[] {
    return [this.W, this.xi, this.xiT, this.zetaT, this.muCol, this.muRow, ...(this.vW ? [this.vW] : [])];
  }

  weights(): Float64Array {
    return Float64Array.from(this.W.dataSync());
  }
}
