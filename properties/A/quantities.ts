import type { TrainConfig } from '../../src/training/config';

/**
 * Quantities of paper A (spec/claims.md, "Paper A"): the dimensionless quantities of a configuration
 * and the time formulas T1, T_GD, T_LN. The rest of the paper's machinery: assumptions.ts (the literal
 * Assumption 3.1), region.ts (the working region), generators.ts (regimes), links.ts (link predicates),
 * presets.ts (the paper tier).
 *
 * A regime holds training keys only (n, d, m, q, A, sigmaP, sigma0, eta, p, nTest, noise, seed),
 * so `claimcheck train --set k=v ...` replays it. The generators draw the dimensionless
 * quantities the dynamics depend on and derive the training keys from them:
 *     n SNR^2 = n ||mu||^2 / (sigma_p^2 d)        -> A = ||mu|| = sqrt(nSnr2 sigma_p^2 d / n)
 *     kappa   = eta sigma_p^2 d / (n m)           -> eta
 *     s0      = sigma_0 sigma_p sqrt(d)           -> sigma0
 * kappa is the per-step growth factor of noise memorization (rho_i += 2 kappa |l'| rho_i), and
 * eta ||mu||^2 / m = kappa n SNR^2 that of signal learning. Given (n, d, m, kappa, n SNR^2, s0,
 * p) the dynamics do not depend on sigma_p separately (x -> c x, w -> w / c, eta -> eta / c^2
 * leaves f and the coefficients unchanged).
 */

export const PAPER_A_REFERENCE =
  'Paper A: "Label Noise Gradient Descent Improves Generalization in the Low SNR Regime" ' +
  '(ICLR 2025 submission; revised as arXiv 2510.17526, NeurIPS 2025)';

export type Knobs = Pick<TrainConfig, 'n' | 'd' | 'm' | 'A' | 'sigmaP' | 'sigma0' | 'eta' | 'p'>;

export interface Derived {
  /** ||mu|| / (sigma_p sqrt d) */
  snr: number;
  /** n SNR^2: the regime quantity ("low SNR" when small) */
  nSnr2: number;
  /** eta sigma_p^2 d / (n m): per-step growth factor of noise memorization */
  kappa: number;
  /** sigma_0 sigma_p sqrt(d): scale of the initial inner products <w, xi> */
  s0: number;
  /** sigma_0 ||mu||: scale of the initial inner products <w, mu> */
  s0mu: number;
  /** d / n^2 */
  dPerN2: number;
}

export function derived(c: Knobs): Derived {
  const snr = c.A / (c.sigmaP * Math.sqrt(c.d));
  return {
    snr,
    nSnr2: c.n * snr * snr,
    kappa: (c.eta * c.sigmaP * c.sigmaP * c.d) / (c.n * c.m),
    s0: c.sigma0 * c.sigmaP * Math.sqrt(c.d),
    s0mu: c.sigma0 * c.A,
    dPerN2: c.d / (c.n * c.n),
  };
}

/** n m log(1/(sigma_0 sigma_p sqrt d)) / (eta sigma_p^2 d): the noise-memorization time scale. */
export function noiseTimeScale(c: Knobs): number {
  return (c.n * c.m * Math.log(1 / (c.sigma0 * c.sigmaP * Math.sqrt(c.d)))) / (c.eta * c.sigmaP * c.sigmaP * c.d);
}

/** T1 = 4 n m log(1/(sigma_0 sigma_p sqrt d)) / (eta sigma_p^2 d) (Lemmas 4.2/4.4, end of stage 1). */
export function timeT1(c: Knobs): number {
  return 4 * noiseTimeScale(c);
}

/**
 * T_GD = k1 n m log(1/(sigma_0 sigma_p sqrt d)) / (eta sigma_p^2 d) + k2 m^3 n / (eta eps sigma_p^2 d)
 * (Theorem 3.1 [3.2]; k1 = k2 = 1 is the formula of claims.md).
 */
export function timeTGD(c: Knobs, eps: number, k1 = 1, k2 = 1): number {
  return k1 * noiseTimeScale(c) + (k2 * c.m ** 3 * c.n) / (c.eta * eps * c.sigmaP * c.sigmaP * c.d);
}

/** m log(6/(sigma_0 ||mu||)) / (eta ||mu||^2): the signal-learning time scale. */
export function signalTimeScale(c: Knobs): number {
  return (c.m * Math.log(6 / (c.sigma0 * c.A))) / (c.eta * c.A * c.A);
}

/**
 * T_LN = k1 n m log(1/(sigma_0 sigma_p sqrt d)) / (eta sigma_p^2 d) + k2 m log(6/(sigma_0 ||mu||)) / (eta ||mu||^2)
 * (Theorem 3.2 [3.3]; k1 = k2 = 1 is the formula of claims.md).
 */
export function timeTLN(c: Knobs, k1 = 1, k2 = 1): number {
  return k1 * noiseTimeScale(c) + k2 * signalTimeScale(c);
}

/** A time formula as a number of steps: at least `minSteps`, `minSteps` when the formula is not a positive number. */
export function stepsFor(t: number, minSteps: number): number {
  return Number.isFinite(t) && t > minSteps ? Math.ceil(t) : minSteps;
}

/** The evaluation-point spacing of a run of `steps` steps with about `points` measurements. */
export function evalEveryFor(steps: number, points: number): number {
  return Math.max(1, Math.ceil(steps / Math.max(1, points)));
}

/** The label-noise algorithm of a configuration: its own when it is a label-noise variant (paper presets), else lngd. */
export function labelNoiseAlgo(base: TrainConfig): TrainConfig['algo'] {
  return String(base.algo).startsWith('lngd') ? base.algo : 'lngd';
}
