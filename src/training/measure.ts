import type { Dataset } from '../data/signalNoise';
import { logistic, sampleLoss } from '../model/activation';

/** What an engine hands to the measurements: network outputs and the exact coefficients. */
export interface Snapshot {
  /** f(W, x_i) on the training samples */
  fTrain: Float64Array;
  /** f(W, x) on the clean test samples */
  fTest: Float64Array;
  /**
   * gamma_{j,r}, length 2m (rows: j = +1 first, then j = -1); empty when there is no single signal
   * direction (source mnist: every sample has its own signal patch), and then maxGamma, minGamma
   * and ratio are NaN (null in JSON)
   */
  gamma: Float64Array;
  /** rho_{j,r,i}, row-major 2m x n (2m x (K - 1) n with K > 2 patches, patch-major columns) */
  rho: Float64Array;
  /**
   * Model three-layer: gamma (length H) and rho (H x (K - 1) n) are per hidden unit of the first layer
   * (src/model/threeLayer.ts firstLayerProjections), which serves both classes: no split by j, so
   * maxRhobar and iota take every unit (max_k rho_{k,i}, (1/H) sum_k rho_{k,i}^2).
   */
  hiddenUnits?: boolean;
}

export interface PerSample {
  /** l(yobs_i f_i): per-sample training loss on the observed labels (log-2 selection, B.log2) */
  loss: number[];
  /** max_r rhobar_{y_i,r,i}: noise memorization by the filters of the true label (paper A's split) */
  maxRhobar: number[];
  /** max_r rho_{yobs_i,r,i}: by the filters of the observed label (paper B's split) */
  maxRhoObs: number[];
  /** iota_i = (1/m) sum_r rhobar_{y_i,r,i}^2 (paper A, stage 2) */
  iota: number[];
  /** indices of the misclassified clean test points (paired tests on one shared test set: McNemar, sign test) */
  testWrong: number[];
}

export interface Measurement {
  step: number;
  /** mean loss on the training labels of the data set (observed labels: clean unless fixed flips) */
  trainLoss: number;
  /** mean loss on the labels the step actually used (per-step noise, multipliers, smoothing) */
  trainLossObserved: number;
  /** mean loss against the true labels */
  trainLossTrue: number;
  /** 0-1 training error against the observed labels */
  trainError: number;
  /** 0-1 training error against the true labels */
  trainErrorTrue: number;
  /** error on the unflipped samples S_t (null when there are none) */
  trainErrorClean: number | null;
  /** error on the flipped samples S_f against their observed (wrong) labels */
  trainErrorNoisyObserved: number | null;
  /** error on the flipped samples S_f against their true labels */
  trainErrorNoisyTrue: number | null;
  /** 0-1 error of sign(f) on the clean test set */
  testError: number;
  maxGamma: number;
  minGamma: number;
  /** max over j, r, i of rho_{j,r,i} */
  maxRho: number;
  /** max over i of max_r rhobar_{y_i,r,i} */
  maxRhobar: number;
  iotaMean: number;
  iotaMax: number;
  /** maxRho / maxGamma: noise memorization over signal learning */
  ratio: number;
  perSample?: PerSample;
}

/** A prediction counts as wrong unless sign(f) equals the label (f = 0 is wrong). */
function wrong(f: number, y: number): number {
  return f * y > 0 ? 0 : 1;
}

function meanOrNull(sum: number, count: number): number | null {
  return count === 0 ? null : sum / count;
}

/** All measurements of spec/model.md at one step, in float64, from an engine's snapshot. */
export function measure(
  step: number,
  snap: Snapshot,
  data: Dataset,
  labels: Float64Array,
  alpha: number,
  m: number,
  perSample: boolean,
): Measurement {
  const n = data.train.count;
  const { fTrain, fTest, gamma, rho } = snap;
  const yTrue = data.train.y;
  // rows of gamma and rho per class sign j (all of them for the three-layer model's hidden units)
  const perSign = snap.hiddenUnits ? gamma.length : m;
  const cols = rho.length / (snap.hiddenUnits ? perSign : 2 * m);
  const patches = cols / n;
  let lossObsSum = 0, lossSum = 0, lossTrueSum = 0, errSum = 0, errTrueSum = 0;
  let cleanErr = 0, cleanCount = 0, noisyObsErr = 0, noisyTrueErr = 0, noisyCount = 0;
  const ps: PerSample = { loss: [], maxRhobar: [], maxRhoObs: [], iota: [], testWrong: [] };
  let maxRhobar = -Infinity, iotaSum = 0, iotaMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const f = fTrain[i];
    const yo = data.yObs[i];
    const li = logistic(yo * f);
    lossSum += li;
    lossObsSum += sampleLoss(f, labels[i], alpha);
    lossTrueSum += logistic(yTrue[i] * f);
    errSum += wrong(f, yo);
    errTrueSum += wrong(f, yTrue[i]);
    if (data.flipped[i]) {
      noisyCount++;
      noisyObsErr += wrong(f, yo);
      noisyTrueErr += wrong(f, yTrue[i]);
    } else {
      cleanCount++;
      cleanErr += wrong(f, yo);
    }
    // rhobar_{j,r,i} = rho * 1(j = y_i): rows of the true label's sign.
    const trueOff = yTrue[i] > 0 || snap.hiddenUnits ? 0 : m;
    const obsOff = yo > 0 || snap.hiddenUnits ? 0 : m;
    // With K > 2 patches rho has (K - 1) n columns (patch-major): a sample's summaries take all
    // its noise patches (max over r and p; iota sums the squares over r and p).
    let mb = -Infinity, mo = -Infinity, iota = 0;
    for (let p = 0; p < patches; p++) {
      for (let r = 0; r < perSign; r++) {
        const rb = rho[(trueOff + r) * cols + p * n + i];
        const ro = rho[(obsOff + r) * cols + p * n + i];
        if (rb > mb) mb = rb;
        if (ro > mo) mo = ro;
        iota += rb * rb;
      }
    }
    iota /= perSign;
    if (mb > maxRhobar) maxRhobar = mb;
    iotaSum += iota;
    if (iota > iotaMax) iotaMax = iota;
    if (perSample) {
      ps.loss.push(li);
      ps.maxRhobar.push(mb);
      ps.maxRhoObs.push(mo);
      ps.iota.push(iota);
    }
  }
  let testErr = 0;
  for (let k = 0; k < fTest.length; k++) {
    const w = wrong(fTest[k], data.test.y[k]);
    testErr += w;
    if (perSample && w) ps.testWrong.push(k);
  }
  let maxGamma = -Infinity, minGamma = Infinity, maxRho = -Infinity;
  for (const g of gamma) {
    if (g > maxGamma) maxGamma = g;
    if (g < minGamma) minGamma = g;
  }
  for (const r of rho) if (r > maxRho) maxRho = r;
  if (gamma.length === 0) maxGamma = minGamma = NaN;
  const out: Measurement = {
    step,
    trainLoss: lossSum / n,
    trainLossObserved: lossObsSum / n,
    trainLossTrue: lossTrueSum / n,
    trainError: errSum / n,
    trainErrorTrue: errTrueSum / n,
    trainErrorClean: meanOrNull(cleanErr, cleanCount),
    trainErrorNoisyObserved: meanOrNull(noisyObsErr, noisyCount),
    trainErrorNoisyTrue: meanOrNull(noisyTrueErr, noisyCount),
    testError: testErr / fTest.length,
    maxGamma,
    minGamma,
    maxRho,
    maxRhobar,
    iotaMean: iotaSum / n,
    iotaMax,
    ratio: maxRho / maxGamma,
  };
  if (perSample) out.perSample = ps;
  return out;
}
