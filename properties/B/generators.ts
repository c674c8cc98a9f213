import fc from 'fast-check';
import type { BRegion } from './region';
import { flipRate, logUniform, sig4, uniformInt, unitInterval } from '../../src/claims/kit/draws';
import type { Regime, Tier } from '../../src/claims/types';

/** Paper B's regimes: training keys from the dimensionless quantities, and the arbitraries inside a region, across and beyond it. */

export interface BRegimeParams {
  n: number;
  d: number;
  m: number;
  nSnr2: number;
  /** eta sigma_p^2 d */
  E: number;
  s0: number;
  tauPlus: number;
  tauMinus: number;
  sigmaP: number;
  nTest: number;
  seed: number;
  q?: number;
  noise?: 'isotropic' | 'projected';
  signalPatch?: 'first' | 'random';
}

/** Training keys of a regime from its dimensionless description (A, eta, sigma0 derived, 4 digits). */
export function regimeFrom(x: BRegimeParams): Regime {
  const { n, d, m, sigmaP } = x;
  return {
    n, nTest: x.nTest, d, m, q: x.q ?? 1,
    A: sig4(Math.sqrt((x.nSnr2 * sigmaP * sigmaP * d) / n)),
    sigmaP: sig4(sigmaP),
    sigma0: sig4(x.s0 / (sigmaP * Math.sqrt(d))),
    eta: sig4(x.E / (sigmaP * sigmaP * d)),
    tauPlus: x.tauPlus,
    tauMinus: x.tauMinus,
    noise: x.noise ?? 'isotropic',
    signalPatch: x.signalPatch ?? 'first',
    algo: 'gd',
    seed: x.seed,
  };
}

const IN = 0.02; // relative margin kept inside every drawn bound (4-digit rounding of derived keys)

/**
 * Regimes generated inside a region (every clause of bClauses holds by construction, nothing is
 * filtered): n, then m >= widthLog ln n, n SNR^2, d in [dOverNMin n, min(dOverNMax, harmMax/nSnr2^2) n],
 * E = eta sigma_p^2 d in [max(etaMin, n m/unitMax), etaMax], s0, the flip rates (independently,
 * so asymmetric), sigma_p in [0.5, 2] (a pure rescaling given the rest).
 */
export function inRegionArbitrary(r: BRegion): fc.Arbitrary<Regime> {
  const lo = (v: number) => v * (1 + IN), hi = (v: number) => v * (1 - IN);
  const noisy = r.tauMin !== undefined && r.tauMax !== undefined;
  // n SNR^2 cannot exceed what harmMax allows at the smallest d/n
  const snrHi = r.harmMax !== undefined ? Math.min(r.nSnr2Hi, Math.sqrt(r.harmMax / r.dOverNMin)) : r.nSnr2Hi;
  return fc
    .record({
      n: uniformInt(r.nMin, r.nMax),
      nSnr2: logUniform(lo(r.nSnr2Lo), Math.max(lo(r.nSnr2Lo), hi(snrHi))),
      mU: unitInterval(),
      dU: unitInterval(),
      eU: unitInterval(),
      s0: logUniform(Math.min(lo(r.sigma0Min), hi(r.sigma0Max)), hi(r.sigma0Max)),
      tauPlus: noisy ? flipRate(lo(r.tauMin!), hi(r.tauMax!)) : fc.constant(0),
      tauMinus: noisy ? flipRate(lo(r.tauMin!), hi(r.tauMax!)) : fc.constant(0),
      sigmaP: logUniform(0.5, 2),
      seed: uniformInt(1, 1_000_000),
    })
    .map(({ n, nSnr2, mU, dU, eU, s0, tauPlus, tauMinus, sigmaP, seed }) => {
      const mLo = Math.max(1, Math.ceil(r.widthLog * Math.log(n) + 1e-9));
      const m = mLo + Math.floor(mU * (Math.max(mLo, r.mMax) - mLo + 1 - 1e-9));
      const dnHi = r.harmMax !== undefined ? Math.min(r.dOverNMax, hi(r.harmMax / (nSnr2 * nSnr2))) : r.dOverNMax;
      const dLo = Math.ceil(lo(r.dOverNMin) * n), dHi = Math.max(dLo, Math.floor(dnHi * n));
      const d = dLo + Math.floor(dU * (dHi - dLo + 1 - 1e-9));
      const eLo = Math.max(r.etaMin, (n * m) / r.unitMax), eHi = hi(r.etaMax);
      const E = eLo >= eHi ? eHi : Math.exp(Math.log(eLo) + eU * (Math.log(eHi) - Math.log(eLo)));
      return regimeFrom({ n, d, m, nSnr2, E, s0, tauPlus, tauMinus, sigmaP, nTest: r.nTest, seed });
    });
}

export interface RobustnessOptions {
  /** the claim's longest time point in units of n m/(eta sigma_p^2 d) (cT1 for stage 1, the convergence cap for stage 2) */
  horizonUnits: number;
  /** the claim's T1 constant: the slow branch puts T1 itself beyond the step budget */
  cT1: number;
  /** the profile's step budget (settings.maxSteps) */
  maxSteps: number;
  /** steps one run may take in the main branch (keeps an evaluation within a few seconds) */
  stepCap?: number;
  /** integer weight of the tau = 0 branch (the other flip-rate branches weigh 14 in all; default 2) */
  tauZeroWeight?: number;
}

/**
 * Regimes across and beyond a claim's region: n SNR^2 from 1/8 of the region's lower constant to
 * 4 times its upper one, d/n from min(1, dOverNMin/4) to twice the region's largest (d <= 5000),
 * small widths (m = 1..5 half of the time), step sizes over decades (the time unit
 * n m/(eta sigma_p^2 d) log-uniform from 1 step to what the step cap allows, and one draw in
 * twenty with eta so small that T1 itself is beyond the step budget), initialisation over three decades (s0 0.002..2), other q (2, 3),
 * the projected noise variant, noise levels sigma_p 0.2..5, and flip rates: none, the region's,
 * small, moderate, near 1/2, and asymmetric.
 */
export function robustnessArbitrary(r: BRegion, o: RobustnessOptions): fc.Arbitrary<Regime> {
  const stepCap = o.stepCap ?? 3000;
  const unitHi = Math.max(2, stepCap / o.horizonUnits);
  const slowLo = (1.05 * o.maxSteps) / o.cT1; // T1 > maxSteps: `budget` without training
  const sym = (lo: number, hi: number) => flipRate(lo, hi).map((t) => [t, t] as [number, number]);
  const taus = fc.oneof(
    { arbitrary: fc.constant([0, 0] as [number, number]), weight: o.tauZeroWeight ?? 2 },
    { arbitrary: fc.tuple(flipRate(r.tauMin ?? 0.02, r.tauMax ?? 0.2), flipRate(r.tauMin ?? 0.02, r.tauMax ?? 0.2)), weight: 4 },
    { arbitrary: sym(0.02, 0.2), weight: 2 },
    { arbitrary: sym(0.2, 0.4), weight: 2 },
    { arbitrary: sym(0.4, 0.49), weight: 2 },
    { arbitrary: fc.tuple(flipRate(0, 0.49), flipRate(0, 0.49)), weight: 4 },
  );
  return fc
    .record({
      n: uniformInt(20, 100),
      m: fc.oneof(uniformInt(1, 5), uniformInt(6, 20)),
      nSnr2: logUniform(r.nSnr2Lo / 8, r.nSnr2Hi * 4),
      dOverN: logUniform(Math.min(1, r.dOverNMin / 4), Math.max(2, 2 * r.dOverNMax)),
      unit: fc.oneof({ arbitrary: logUniform(1, unitHi), weight: 19 }, { arbitrary: logUniform(slowLo, 100 * slowLo), weight: 1 }),
      s0: logUniform(0.002, 2),
      taus,
      q: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.constantFrom(2, 3), weight: 1 }),
      noise: fc.oneof({ arbitrary: fc.constant('isotropic' as const), weight: 4 }, { arbitrary: fc.constant('projected' as const), weight: 1 }),
      sigmaP: logUniform(0.2, 5),
      seed: uniformInt(1, 1_000_000),
    })
    .map((x) => {
      const d = Math.min(5000, Math.max(2, Math.round(x.dOverN * x.n)));
      return regimeFrom({
        n: x.n, d, m: x.m, nSnr2: x.nSnr2, E: (x.n * x.m) / x.unit, s0: x.s0,
        tauPlus: x.taus[0], tauMinus: x.taus[1], sigmaP: x.sigmaP, nTest: r.nTest, seed: x.seed, q: x.q, noise: x.noise,
      });
    });
}

/** The paper-B regimes of a tier: inside the claim's region, or across and beyond it. */
export function paperBRegimes(tier: Tier, r: BRegion, o: RobustnessOptions): fc.Arbitrary<Regime> {
  return tier === 'robustness' ? robustnessArbitrary(r, o) : inRegionArbitrary(r);
}
