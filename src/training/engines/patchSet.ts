import type { Dataset, Samples } from '../../data/signalNoise';
import { filterSign } from '../../data/signalNoise';
import { relupow, sampleLoss, sampleLossGrad } from '../../model/activation';

/**
 * General patches (spec/model.md "Network", with a signal patch of its own per sample, as the
 * MNIST source has): a sample i has K patches z_{i,p}, and
 *     f(W, x_i) = (1/m) sum_r j_r sum_p sigma(<w_r, z_{i,p}>).
 * The patches of `count` samples are stacked into one matrix Z of K count rows: rows 0..count-1
 * the signal patches (the digit of source mnist, y_i mu of the synthetic source), then the noise
 * rows of Samples.xi in their order (patch-major), so patch row k belongs to sample k % count.
 */
export function patchMatrix(s: Samples, data: Dataset): { Z: Float64Array; rows: number } {
  const d = data.d;
  const noiseRows = s.xi.length / d;
  const rows = s.count + noiseRows;
  const Z = new Float64Array(rows * d);
  for (let i = 0; i < s.count; i++) {
    if (s.signal) Z.set(s.signal.subarray(i * d, (i + 1) * d), i * d);
    else for (let k = 0; k < d; k++) Z[i * d + k] = s.y[i] * data.mu[k];
  }
  Z.set(s.xi, s.count * d);
  return { Z, rows };
}

/**
 * Network outputs from the inner products P (2m x K count, P[r, k] = <w_r, z_k>):
 * f_i = (1/m) sum_r j_r sum over the patch rows k of sample i of sigma(P[r, k]).
 */
export function patchOutputs(P: Float64Array, count: number, m: number, q: number): Float64Array {
  const rows = 2 * m;
  const cols = P.length / rows;
  const f = new Float64Array(count);
  for (let r = 0; r < rows; r++) {
    const s = filterSign(r, m) / m;
    const off = r * cols;
    for (let k = 0; k < cols; k++) {
      const z = P[off + k];
      if (z > 0) f[k % count] += s * relupow(z, q);
    }
  }
  return f;
}

/** Mean loss on `labels` (smoothing weight alpha) and the per-sample derivatives g_i = dl/df_i. */
export function lossAndGrad(f: Float64Array, labels: Float64Array, alpha: number, g: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < f.length; i++) {
    loss += sampleLoss(f[i], labels[i], alpha);
    g[i] = sampleLossGrad(f[i], labels[i], alpha);
  }
  return loss / f.length;
}

/**
 * The coefficients of spec/model.md from the patch coefficients C (2m x K n, w_r = w_r^0 +
 * sum_k C[r, k] z_k): rho_{r,c} = C[r, n + c] ||xi_c||^2 for every noise row c (exact: the
 * patches are linearly independent almost surely when K n < d). gamma_r = j_r ||mu||^2
 * sum_i C[r, i] y_i only for the synthetic source (all signal patches are +-mu); with source mnist
 * the signal patches differ per sample, there is no single gamma, and it is empty (measure.ts then
 * reports maxGamma, minGamma and ratio as NaN).
 */
export function coefficientsOf(C: Float64Array, data: Dataset, m: number): { gamma: Float64Array; rho: Float64Array } {
  const { train } = data;
  const n = train.count;
  const rows = 2 * m;
  const cols = C.length / rows;
  const N = cols - n;
  const rho = new Float64Array(rows * N);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < N; c++) rho[r * N + c] = C[r * cols + n + c] * train.xiNorm2[c];
  }
  if (train.signal) return { gamma: new Float64Array(0), rho };
  const gamma = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += C[r * cols + i] * train.y[i];
    gamma[r] = filterSign(r, m) * data.muNorm2 * s;
  }
  return { gamma, rho };
}

/** out (a x b) = A (a x d) B^T (b x d), row-major, in float64. */
export function matMulT(A: Float64Array, a: number, B: Float64Array, b: number, d: number, out = new Float64Array(a * b)): Float64Array {
  for (let i = 0; i < a; i++) {
    const ai = i * d;
    for (let j = 0; j < b; j++) {
      const bj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += A[ai + k] * B[bj + k];
      out[i * b + j] = s;
    }
  }
  return out;
}
