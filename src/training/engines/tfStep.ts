import * as tf from '@tensorflow/tfjs-core';

/**
 * The per-step mathematics shared by the two tfjs engines, from the inner products
 * S_jr = <w_jr, mu> (2m x 1) and P_jr,i = <w_jr, xi_i> (2m x n). Only plain 2-D matMuls without
 * transpose flags are used (the fast path of tfjs-wasm); every constant is uploaded once.
 */
export interface StepConstants {
  q: number;
  /** labels of the samples' signal patches (true labels), 1 x n */
  yRow: tf.Tensor2D;
  /** j / m as a row, 1 x 2m: f = jOverM @ activations */
  jOverMRow: tf.Tensor2D;
  /** j / (n m) as a column, 2m x 1 */
  jOverNMCol: tf.Tensor2D;
  /** j as a column, 2m x 1 */
  jCol: tf.Tensor2D;
}

export function stepConstants(q: number, n: number, m: number, y: Float64Array): StepConstants {
  const j = Array.from({ length: 2 * m }, (_, r) => (r < m ? 1 : -1));
  return {
    q,
    yRow: tf.tensor2d(Float32Array.from(y), [1, n]),
    jOverMRow: tf.tensor2d(j.map((v) => v / m), [1, 2 * m]),
    jOverNMCol: tf.tensor2d(j.map((v) => v / (n * m)), [2 * m, 1]),
    jCol: tf.tensor2d(j, [2 * m, 1]),
  };
}

export function disposeConstants(k: StepConstants): void {
  tf.dispose([k.yRow, k.jOverMRow, k.jOverNMCol, k.jCol]);
}

/** The step's training labels as a 1 x n row (uploading n floats costs microseconds). */
export function labelRow(labels: Float64Array): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(labels), [1, labels.length]);
}

/** sigma(z) = relu(z)^q. */
export function act(z: tf.Tensor, q: number): tf.Tensor {
  const r = tf.relu(z);
  return q === 1 ? r : q === 2 ? tf.square(r) : tf.pow(r, q);
}

/** sigma'(z) = q relu(z)^(q-1), with sigma'(z) = 1(z > 0) for q = 1. */
export function actGrad(z: tf.Tensor, q: number): tf.Tensor {
  if (q === 1) return tf.step(z);
  const r = tf.relu(z);
  return q === 2 ? tf.mul(r, 2) : tf.mul(tf.pow(r, q - 1), q);
}

/** Network outputs f (1 x count) for samples with labels yRow and noise inner products P. */
export function outputs(S: tf.Tensor2D, P: tf.Tensor2D, yRow: tf.Tensor2D, k: StepConstants): tf.Tensor2D {
  const count = yRow.shape[1];
  const [rows, cols] = P.shape;
  // K > 2 patches: P has (K - 1) count columns (patch-major); f sums sigma over the noise patches
  const noise = cols === count ? act(P, k.q) : tf.sum(tf.reshape(act(P, k.q), [rows, cols / count, count]), 1);
  const a = tf.add(act(tf.mul(S, yRow), k.q), noise) as tf.Tensor2D;
  return tf.matMul(k.jOverMRow, a);
}

export interface ForwardResult {
  f: tf.Tensor2D;
  /** g_i = d loss_i / d f_i, 1 x n */
  g: tf.Tensor2D;
  /** mean loss on the step's labels, scalar */
  loss: tf.Scalar;
}

/**
 * Loss (1 - alpha/2) l(u f) + (alpha/2) l(-u f) with l(z) = softplus(-z) and its derivative
 * g = u [(1 - alpha/2) l'(u f) - (alpha/2) l'(-u f)], l'(z) = -sigmoid(-z).
 */
export function lossAndGrad(f: tf.Tensor2D, labels: tf.Tensor2D, alpha: number): ForwardResult {
  const z = tf.mul(labels, f);
  if (alpha === 0) {
    return { f, loss: tf.mean(tf.softplus(tf.neg(z))), g: tf.neg(tf.mul(tf.sigmoid(tf.neg(z)), labels)) as tf.Tensor2D };
  }
  const w1 = 1 - alpha / 2, w2 = alpha / 2;
  const loss = tf.mean(tf.add(tf.mul(tf.softplus(tf.neg(z)), w1), tf.mul(tf.softplus(z), w2)));
  const g = tf.mul(tf.sub(tf.mul(tf.sigmoid(z), w2), tf.mul(tf.sigmoid(tf.neg(z)), w1)), labels) as tf.Tensor2D;
  return { f, loss: loss as tf.Scalar, g };
}

export interface CoefficientStep {
  /** j/(n m) g_i sigma'(<w_jr, xi_i>), 2m x n: the noise part of the weight gradient is this @ Xi */
  noiseGrad: tf.Tensor2D;
  /** (1/(n m)) sum_i g_i sigma'(<w_jr, y_i mu>) y_i, 2m x 1 (without the sign j) */
  signalGrad: tf.Tensor2D;
}

/**
 * The two gradient factors from which both the weight update and the coefficient recurrences
 * follow (spec/model.md "Signal-noise decomposition"):
 *   gamma_jr  -= eta ||mu||^2 signalGrad_jr
 *   rho_jr,i  -= eta ||xi_i||^2 noiseGrad_jr,i
 *   w_jr      -= eta (j signalGrad_jr mu + sum_i noiseGrad_jr,i xi_i)
 */
export function gradientFactors(S: tf.Tensor2D, P: tf.Tensor2D, g: tf.Tensor2D, n: number, k: StepConstants): CoefficientStep {
  const m = k.jCol.shape[0] / 2;
  const dSig = actGrad(tf.mul(S, k.yRow), k.q) as tf.Tensor2D;
  const gy = tf.reshape(tf.mul(g, k.yRow), [n, 1]) as tf.Tensor2D;
  const signalGrad = tf.mul(tf.matMul(dSig, gy), 1 / (n * m)) as tf.Tensor2D;
  // K > 2 patches: noise column p n + i belongs to sample i (g repeated once per noise patch)
  const gNoise = P.shape[1] === n ? g : tf.tile(g, [1, P.shape[1] / n]);
  const noiseGrad = tf.mul(tf.mul(actGrad(P, k.q), gNoise), k.jOverNMCol) as tf.Tensor2D;
  return { noiseGrad, signalGrad };
}
