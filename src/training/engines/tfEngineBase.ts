import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../data/signalNoise';
import { momentumOf, patchesOf, samRhoOf, type TrainConfig } from '../config';
import type { Snapshot } from '../measure';
import type { NonFinite, TrainingEngine } from './engine';
import { CoefficientStep, disposeConstants, ForwardResult, gradientFactors, labelRow, lossAndGrad, outputs, StepConstants, stepConstants } from './tfStep';

type Forward = ForwardResult & { S: tf.Tensor2D; P: tf.Tensor2D; probe: tf.Tensor1D };

/** The parts of the state summed into the probe of every forward pass, in probe order after the loss. */
const PROBED = ['gamma', 'rho', '<w, mu>', '<w, xi>', 'outputs f'];

/**
 * What the two tfjs engines share: the coefficient state gamma (2m x 1), rho (2m x n), the last
 * forward pass kept between forward() and update(), measurement snapshots and the coefficient
 * recurrences. A subclass says how it gets the inner products <w, mu>, <w, xi_i> and <w, zeta_k>
 * and what else a step updates (the weight engine's W).
 */
export abstract class TfEngineBase implements TrainingEngine {
  abstract readonly name: 'weight' | 'coefficient';
  readonly backend = tf.getBackend();
  protected gamma: tf.Tensor2D;
  protected rho: tf.Tensor2D;
  protected readonly k: StepConstants;
  private readonly yTestRow: tf.Tensor2D;
  protected readonly xiNorm2Row: tf.Tensor2D;
  private last: Forward | null = null;
  private probed: Float32Array | null = null;
  /** noise rows (K - 1) n: rho, P and the Gram blocks have one column per noise patch of every sample */
  protected readonly N: number;
  protected readonly beta: number;
  protected readonly samR: number;
  /** momentum buffers of gamma and rho (momentum > 0): the buffer of W lies in the span of mu and the xi */
  private vGamma: tf.Tensor2D | null = null;
  private vRho: tf.Tensor2D | null = null;
  /** the last forward's labels and alpha (SAM evaluates the gradient again at W_adv with them) */
  private labels: Float64Array | null = null;
  private alpha = 0;

  constructor(protected readonly c: TrainConfig, protected readonly data: Dataset) {
    const { n, m, nTest } = c;
    this.N = (patchesOf(c) - 1) * n;
    this.beta = momentumOf(c);
    this.samR = samRhoOf(c);
    this.gamma = tf.zeros([2 * m, 1]);
    this.rho = tf.zeros([2 * m, this.N]);
    if (this.beta > 0) {
      this.vGamma = tf.zeros([2 * m, 1]);
      this.vRho = tf.zeros([2 * m, this.N]);
    }
    this.k = stepConstants(c.q, n, m, data.train.y);
    this.yTestRow = tf.tensor2d(Float32Array.from(data.test.y), [1, nTest]);
    this.xiNorm2Row = tf.tensor2d(Float32Array.from(data.train.xiNorm2), [1, this.N]);
  }

  /** <w_jr, mu> (2m x 1) and <w_jr, xi_i> (2m x n) at the current state (called inside tf.tidy). */
  protected abstract innerProducts(): { S: tf.Tensor2D; P: tf.Tensor2D };
  /** <w_jr, zeta_k> (2m x nTest) for the test noise patches (called inside tf.tidy). */
  protected abstract testNoiseInner(): tf.Tensor2D;
  /** Any state besides gamma and rho that one GD step changes (called inside tf.tidy). */
  protected abstract stepExtra(factors: CoefficientStep): tf.Tensor[];
  /**
   * For SAM: the inner products <D_jr, mu> (2m x 1), <D_jr, xi_c> (2m x N) of the direction
   * D = grad L_S(W), given by its factors (D_jr = j signalGrad_jr mu + sum_c noiseGrad_jr,c xi_c),
   * and ||D||_F^2 as a scalar (called inside tf.tidy).
   */
  protected abstract directionInner(factors: CoefficientStep): { S: tf.Tensor2D; P: tf.Tensor2D; norm2: tf.Scalar };
  protected abstract acceptExtra(extra: tf.Tensor[]): void;
  protected abstract ownTensors(): tf.Tensor[];
  /** Sums of any further state (the weight engine's W), probed for non-finite values every step (inside tf.tidy). */
  protected extraProbe(): { names: string[]; sums: tf.Scalar[] } {
    return { names: [], sums: [] };
  }
  abstract weights(): Float64Array;

  forward(labels: Float64Array, alpha: number): number {
    this.release();
    const last = tf.tidy(() => {
      const { S, P } = this.innerProducts();
      const f = outputs(S, P, this.k.yRow, this.k);
      const r = lossAndGrad(f, labelRow(labels), alpha);
      // One scalar per part of the state, read with the loss in a single sync: a sum is non-finite
      // exactly when some entry is (NaN and +-Inf propagate; relu can hide NaN from the loss).
      const probe = tf.stack([r.loss, tf.sum(this.gamma), tf.sum(this.rho), tf.sum(S), tf.sum(P), tf.sum(f), ...this.extraProbe().sums]) as tf.Tensor1D;
      return { ...r, S, P, probe };
    });
    this.last = last;
    this.labels = labels;
    this.alpha = alpha;
    this.probed = last.probe.dataSync() as Float32Array;
    return this.probed[0];
  }

  nonFinite(): NonFinite | null {
    const p = this.probed;
    if (!p) return null;
    for (let i = 1; i < p.length; i++) {
      if (Number.isFinite(p[i])) continue;
      const names = [...PROBED, ...tf.tidy(() => this.extraProbe().names)];
      return { part: names[i - 1] ?? `state ${i}`, value: p[i] };
    }
    return null;
  }

  snapshot(): Snapshot {
    const last = this.requireForward();
    const fTest = tf.tidy(() => outputs(last.S, this.testNoiseInner(), this.yTestRow, this.k));
    const snap: Snapshot = {
      fTrain: Float64Array.from(last.f.dataSync()),
      fTest: Float64Array.from(fTest.dataSync()),
      gamma: Float64Array.from(this.gamma.dataSync()),
      rho: Float64Array.from(this.rho.dataSync()),
    };
    fTest.dispose();
    return snap;
  }

  /** One GD step: gamma -= eta ||mu||^2 signalGrad, rho -= eta ||xi_i||^2 noiseGrad (spec/model.md), plus stepExtra. */
  update(): void {
    if (this.beta > 0 || this.samR > 0) return this.updateGeneral();
    const last = this.requireForward();
    const { eta, n } = this.c;
    const [gamma, rho, ...extra] = tf.tidy(() => {
      const factors = gradientFactors(last.S, last.P, last.g, n, this.k);
      return [
        tf.sub(this.gamma, tf.mul(factors.signalGrad, eta * this.data.muNorm2)) as tf.Tensor2D,
        tf.sub(this.rho, tf.mul(tf.mul(factors.noiseGrad, this.xiNorm2Row), eta)) as tf.Tensor2D,
        ...this.stepExtra(factors),
      ];
    });
    tf.dispose([this.gamma, this.rho]);
    this.gamma = gamma as tf.Tensor2D;
    this.rho = rho as tf.Tensor2D;
    this.acceptExtra(extra);
    this.release();
  }

  /**
   * SAM and/or momentum (spec/model.md "Other optimizers and models"), in coefficient form:
   *   SAM: D = grad L_S(W); with s = samRho/||D||_F (0 when D = 0) the inner products at
   *        W_adv = W + s D are S + s <D, mu>, P + s <D, xi> (`directionInner`), and the step's
   *        gradient factors are those at W_adv, with the labels and alpha of the last forward;
   *   momentum: v <- beta v + (1 - beta) grad, W <- W - eta v, with the buffers of gamma and rho
   *        (the gradient's coefficients ||mu||^2 signalGrad and ||xi_c||^2 noiseGrad) kept here and
   *        the weight engine's buffer of W in stepExtra.
   */
  private updateGeneral(): void {
    const last = this.requireForward();
    const { eta, n } = this.c;
    const beta = this.beta;
    const hasV = this.vGamma !== null;
    const out = tf.tidy(() => {
      let factors = gradientFactors(last.S, last.P, last.g, n, this.k);
      if (this.samR > 0) {
        const dir = this.directionInner(factors);
        const s = tf.where(tf.greater(dir.norm2, 0), tf.div(this.samR, tf.sqrt(dir.norm2)), tf.zerosLike(dir.norm2));
        const Sadv = tf.add(last.S, tf.mul(dir.S, s)) as tf.Tensor2D;
        const Padv = tf.add(last.P, tf.mul(dir.P, s)) as tf.Tensor2D;
        const fAdv = outputs(Sadv, Padv, this.k.yRow, this.k);
        const { g } = lossAndGrad(fAdv, labelRow(this.labels!), this.alpha);
        factors = gradientFactors(Sadv, Padv, g, n, this.k);
      }
      let dGamma = tf.mul(factors.signalGrad, this.data.muNorm2) as tf.Tensor2D;
      let dRho = tf.mul(factors.noiseGrad, this.xiNorm2Row) as tf.Tensor2D;
      if (hasV) {
        dGamma = tf.add(tf.mul(this.vGamma!, beta), tf.mul(dGamma, 1 - beta)) as tf.Tensor2D;
        dRho = tf.add(tf.mul(this.vRho!, beta), tf.mul(dRho, 1 - beta)) as tf.Tensor2D;
      }
      return [
        tf.sub(this.gamma, tf.mul(dGamma, eta)) as tf.Tensor2D,
        tf.sub(this.rho, tf.mul(dRho, eta)) as tf.Tensor2D,
        ...(hasV ? [dGamma, dRho] : []),
        ...this.stepExtra(factors),
      ];
    });
    tf.dispose([this.gamma, this.rho]);
    this.gamma = out[0] as tf.Tensor2D;
    this.rho = out[1] as tf.Tensor2D;
    let rest = out.slice(2);
    if (hasV) {
      tf.dispose([this.vGamma!, this.vRho!]);
      this.vGamma = rest[0] as tf.Tensor2D;
      this.vRho = rest[1] as tf.Tensor2D;
      rest = rest.slice(2);
    }
    this.acceptExtra(rest);
    this.release();
  }

  private requireForward(): Forward {
    if (!this.last) throw new Error(`${this.name} engine: forward() must precede snapshot()/update()`);
    return this.last;
  }

  private release(): void {
    if (this.last) {
      tf.dispose([this.last.S, this.last.P, this.last.f, this.last.g, this.last.loss, this.last.probe]);
      this.last = null;
    }
  }

  dispose(): void {
    this.release();
    disposeConstants(this.k);
    tf.dispose([this.gamma, this.rho, this.yTestRow, this.xiNorm2Row, ...(this.vGamma ? [this.vGamma] : []), ...(this.vRho ? [this.vRho] : []), ...this.ownTensors()]);
  }
}
