import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import type { TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import type { TrainingEngine } from './engine';
import { disposeConstants, ForwardResult, gradientFactors, labelRow, lossAndGrad, outputs, StepConstants, stepConstants } from './tfStep';

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
export class WeightEngine implements TrainingEngine {
  readonly name = 'weight' as const;
  readonly backend = tf.getBackend();
  private W: tf.Tensor2D;
  private gamma: tf.Tensor2D;
  private rho: tf.Tensor2D;
  private readonly k: StepConstants;
  private readonly xi: tf.Tensor2D; // n x d
  private readonly xiT: tf.Tensor2D; // d x n
  private readonly zetaT: tf.Tensor2D; // d x nTest
  private readonly muCol: tf.Tensor2D; // d x 1
  private readonly muRow: tf.Tensor2D; // 1 x d
  private readonly yTestRow: tf.Tensor2D;
  private readonly xiNorm2Row: tf.Tensor2D;
  private last: (ForwardResult & { S: tf.Tensor2D; P: tf.Tensor2D }) | null = null;

  constructor(private readonly c: TrainConfig, private readonly data: Dataset, W0: Float64Array) {
    const { n, d, m, nTest } = c;
    this.W = tf.tensor2d(Float32Array.from(W0), [2 * m, d]);
    this.gamma = tf.zeros([2 * m, 1]);
    this.rho = tf.zeros([2 * m, n]);
    this.k = stepConstants(c.q, n, m, data.train.y);
    this.xi = tf.tensor2d(toFloat32(data.train.xi, n, d, false), [n, d]);
    this.xiT = tf.tensor2d(toFloat32(data.train.xi, n, d, true), [d, n]);
    this.zetaT = tf.tensor2d(toFloat32(data.test.xi, nTest, d, true), [d, nTest]);
    this.muCol = tf.tensor2d(Float32Array.from(data.mu), [d, 1]);
    this.muRow = tf.tensor2d(Float32Array.from(data.mu), [1, d]);
    this.yTestRow = tf.tensor2d(Float32Array.from(data.test.y), [1, nTest]);
    this.xiNorm2Row = tf.tensor2d(Float32Array.from(data.train.xiNorm2), [1, n]);
  }

  forward(labels: Float64Array, alpha: number): number {
    this.release();
    const last = tf.tidy(() => {
      const S = tf.matMul(this.W, this.muCol) as tf.Tensor2D;
      const P = tf.matMul(this.W, this.xiT) as tf.Tensor2D;
      const f = outputs(S, P, this.k.yRow, this.k);
      return { ...lossAndGrad(f, labelRow(labels), alpha), S, P };
    });
    this.last = last;
    return last.loss.dataSync()[0];
  }

  snapshot(): Snapshot {
    const last = this.requireForward();
    const fTest = tf.tidy(() => outputs(last.S, tf.matMul(this.W, this.zetaT), this.yTestRow, this.k));
    const snap: Snapshot = {
      fTrain: Float64Array.from(last.f.dataSync()),
      fTest: Float64Array.from(fTest.dataSync()),
      gamma: Float64Array.from(this.gamma.dataSync()),
      rho: Float64Array.from(this.rho.dataSync()),
    };
    fTest.dispose();
    return snap;
  }

  update(): void {
    const last = this.requireForward();
    const { eta, n } = this.c;
    const muNorm2 = this.data.muNorm2;
    const [W, gamma, rho] = tf.tidy(() => {
      const { noiseGrad, signalGrad } = gradientFactors(last.S, last.P, last.g, n, this.k);
      // grad W = j signalGrad mu^T + noiseGrad @ Xi
      const gradW = tf.add(tf.matMul(tf.mul(signalGrad, this.k.jCol), this.muRow), tf.matMul(noiseGrad, this.xi));
      return [
        tf.sub(this.W, tf.mul(gradW, eta)) as tf.Tensor2D,
        tf.sub(this.gamma, tf.mul(signalGrad, eta * muNorm2)) as tf.Tensor2D,
        tf.sub(this.rho, tf.mul(tf.mul(noiseGrad, this.xiNorm2Row), eta)) as tf.Tensor2D,
      ];
    });
    tf.dispose([this.W, this.gamma, this.rho]);
    this.W = W;
    this.gamma = gamma;
    this.rho = rho;
    this.release();
  }

  weights(): Float64Array {
    return Float64Array.from(this.W.dataSync());
  }

  private requireForward() {
    if (!this.last) throw new Error('weight engine: forward() must precede snapshot()/update()');
    return this.last;
  }

  private release(): void {
    if (this.last) {
      tf.dispose([this.last.S, this.last.P, this.last.f, this.last.g, this.last.loss]);
      this.last = null;
    }
  }

  dispose(): void {
    this.release();
    disposeConstants(this.k);
    tf.dispose([this.W, this.gamma, this.rho, this.xi, this.xiT, this.zetaT, this.muCol, this.muRow, this.yTestRow, this.xiNorm2Row]);
  }
}
