import fc from 'fast-check';
import { asmConstantsOf, literalFeasibility } from './assumptions';
import type { Region } from './region';
import { COARSE_GRID, flipRate, logUniform, sig4, uniform, uniformInt } from '../../src/claims/kit/draws';
import type { ClaimContext, Regime, Tier } from '../../src/claims/types';

/**
 * Paper A's regimes: the training keys from the dimensionless quantities the dynamics depend on
 * (regimeFrom), and the fast-check arbitraries inside the working region, across and beyond it.
 */

export interface RegimeParams {
  n: number;
  d: number;
  m: number;
  kappa: number;
  nSnr2: number;
  s0: number;
  p: number;
  sigmaP: number;
  nTest: number;
  seed: number;
  q?: number;
  noise?: 'projected' | 'isotropic';
}

/** Training keys of a regime from its dimensionless description (A, eta, sigma0 derived, 4 digits). */
export function regimeFrom(x: RegimeParams): Regime {
  const { n, d, m, sigmaP } = x;
  return {
    n, d, m, q: x.q ?? 2,
    A: sig4(Math.sqrt((x.nSnr2 * sigmaP * sigmaP * d) / n)),
    sigmaP: sig4(sigmaP),
    sigma0: sig4(x.s0 / (sigmaP * Math.sqrt(d))),
    eta: sig4((x.kappa * n * m) / (sigmaP * sigmaP * d)),
    p: x.p,
    nTest: x.nTest,
    noise: x.noise ?? 'projected',
    seed: x.seed,
  };
}

/** paper A's generators draw on a grid of 10^4 points (kit/draws) */
const GRID = COARSE_GRID;

const INSIDE = 0.01; // relative margin kept inside every drawn bound (rounding of derived keys)

/** The dimensionless description of a regime drawn inside the working region. */
function inRegionParams(r: Region): fc.Arbitrary<RegimeParams & { dPerN2: number }> {
  const lo = (v: number) => v * (1 + INSIDE), hi = (v: number) => v * (1 - INSIDE);
  return fc
    .record({
      n: uniformInt(r.nMin, r.nMax),
      dPerN2: uniform(lo(r.dPerN2Min), Math.max(lo(r.dPerN2Min), r.dPerN2Max), GRID),
      m: uniformInt(r.mMin, r.mMax),
      kappa: logUniform(lo(r.kappaMin), hi(r.kappaMax), GRID),
      nSnr2: logUniform(lo(r.nSnr2Min), hi(r.nSnr2Max), GRID),
      s0: logUniform(Math.min(lo(r.s0Min), hi(r.s0Max)), hi(r.s0Max), GRID),
      p: flipRate(r.pMin, r.pMax),
      seed: uniformInt(1, 1_000_000),
    })
    .map((x) => ({ ...x, d: Math.ceil(x.dPerN2 * x.n * x.n), sigmaP: r.sigmaP, nTest: r.nTest }));
}

/** Regimes generated inside the working region (every hypothesis of regionClauses holds). */
export function inRegionArbitrary(r: Region): fc.Arbitrary<Regime> {
  return inRegionParams(r).map((x) => regimeFrom(x));
}

/** The knobs a robustness excursion can move out of the working region. */
export const EXCURSIONS = ['m', 'kappa', 'nSnr2', 's0', 'p', 'q', 'noiseVariant', 'noiseScale', 'dPerN2', 'n'] as const;

export type Excursion = (typeof EXCURSIONS)[number];

/**
 * Regimes across and beyond the working region. Three in four draws are excursions: a regime of
 * the region with one or two knobs moved beyond it (small widths m = 1..5 or wide ones, step
 * sizes kappa over three decades 0.01..10 up to divergence, n SNR^2 0.02..20 where GD stops
 * overfitting, initialisation s0 0.005..2, flip rates 0..0.45, q = 1 or 3, isotropic noise, the
 * noise scale sigma_p times 1/4..4 with A, eta, sigma_0 kept, d/n^2 0.1..4, n 10..80); this maps
 * where a claim stops holding, axis by axis. One in four moves every knob at once.
 */
export function robustnessArbitrary(r: Region): fc.Arbitrary<Regime> {
  const beyond = fc.record({
    m: fc.oneof(uniformInt(1, 5), uniformInt(r.mMax + 1, 2 * r.mMax + 8)),
    kappa: logUniform(0.01, 10, GRID),
    nSnr2: logUniform(0.02, 20, GRID),
    s0: logUniform(0.005, 2, GRID),
    p: flipRate(0, 0.45),
    q: fc.constantFrom(1, 3),
    noiseScale: logUniform(0.25, 4, GRID),
    dPerN2: logUniform(0.1, 4, GRID),
    n: uniformInt(10, 80),
  });
  const excursion = fc
    .record({ base: inRegionParams(r), out: beyond, moved: fc.subarray([...EXCURSIONS], { minLength: 1, maxLength: 2 }) })
    .map(({ base, out, moved }) => {
      const x: RegimeParams & { dPerN2: number } = { ...base };
      for (const k of moved) {
        if (k === 'noiseVariant') x.noise = 'isotropic';
        else if (k !== 'noiseScale') (x as unknown as Record<string, number>)[k] = out[k];
      }
      const regime = regimeFrom({ ...x, d: Math.max(2, Math.ceil(x.dPerN2 * x.n * x.n)) });
      // larger / smaller noise: sigma_p scaled with A, eta, sigma_0 kept (moves n SNR^2, kappa, s0 together)
      if (moved.includes('noiseScale')) regime.sigmaP = sig4(r.sigmaP * out.noiseScale);
      return regime;
    });
  const wide = fc
    .record({
      n: uniformInt(10, 60),
      dPerN2: logUniform(0.1, 4, GRID),
      m: fc.oneof(uniformInt(1, 5), uniformInt(6, 24)),
      kappa: logUniform(0.03, 10, GRID),
      nSnr2: logUniform(0.02, 20, GRID),
      s0: logUniform(0.005, 2, GRID),
      p: flipRate(0, 0.45),
      q: fc.oneof({ arbitrary: fc.constant(2), weight: 4 }, { arbitrary: fc.constantFrom(1, 3), weight: 1 }),
      noise: fc.oneof({ arbitrary: fc.constant('projected' as const), weight: 5 }, { arbitrary: fc.constant('isotropic' as const), weight: 1 }),
      sigmaP: logUniform(0.1, 2, GRID),
      seed: uniformInt(1, 1_000_000),
    })
    .map((x) => regimeFrom({ ...x, d: Math.max(2, Math.ceil(x.dPerN2 * x.n * x.n)), nTest: r.nTest }));
  return fc.oneof({ arbitrary: excursion, weight: 3 }, { arbitrary: wide, weight: 1 });
}

/** The paper-A regimes of a tier: the smallest literal regime, inside the working region, or across and beyond it. */
export function paperARegimes(tier: Tier, r: Region, ctx?: Pick<ClaimContext, 'all'>): fc.Arbitrary<Regime> {
  if (tier === 'literal') return fc.constant(literalFeasibility(asmConstantsOf(ctx)).regime);
  return tier === 'robustness' ? robustnessArbitrary(r) : inRegionArbitrary(r);
}
