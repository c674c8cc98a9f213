import { paperBRegimes } from './generators';
import { bDerived } from './quantities';
import { atLeast, atMost, report } from '../../src/claims/kit/clauses';
import { regimeConfig } from '../../src/claims/kit/training';
import type { Claim, ClaimContext, Clause, Constants, ConstantSpec, HypothesisReport, Regime } from '../../src/claims/types';

/** Paper B's working regions: each claim declares its own region constants (defaults chosen where it holds, with their provenance). */

/**
 * The region of a paper-B claim. Hypothesis constants (clauses): nSnr2Lo/Hi, tauMin/Max,
 * dOverNMin, etaMax, sigma0Max, widthLog, nMin, and for some claims harmMax. Generator-box
 * constants (budget, not hypotheses): nMax, mMax, dOverNMax, etaMin, sigma0Min, unitMax, nTest.
 */
export interface BRegion {
  nSnr2Lo: number;
  nSnr2Hi: number;
  /** flip rates in [tauMin, tauMax]; absent for the noiseless claim (tau = 0) */
  tauMin?: number;
  tauMax?: number;
  dOverNMin: number;
  /** n ||mu||^4 / (sigma_p^4 d) <= harmMax (harmful-overfitting side), only where a claim needs it */
  harmMax?: number;
  etaMax: number;
  sigma0Max: number;
  widthLog: number;
  nMin: number;
  nMax: number;
  mMax: number;
  dOverNMax: number;
  etaMin: number;
  sigma0Min: number;
  unitMax: number;
  nTest: number;
}

/**
 * Every region bound is OURS (paper B states none of these constants; its conditions on d, m, eta,
 * sigma_0 were not recoverable, spec/model.md): provenance `chosen`, `region: true`. What each
 * reads of paper B is said in its help; which were picked by looking at results (`calibrated`)
 * is declared per claim (regionConstants' second argument), since that differs between claims.
 */
const REGION_SPECS: Record<keyof BRegion, Omit<ConstantSpec, 'default'>> = {
  nSnr2Lo: { min: 0, help: 'working region: n SNR^2 >= nSnr2Lo (lower constant of our reading of paper B\'s "n SNR^2 = Theta(1)")', source: 'our constant for paper B\'s n SNR^2 = Theta(1) (paper B states no constant)' },
  nSnr2Hi: { min: 0, help: 'working region: n SNR^2 <= nSnr2Hi (upper constant of our reading of "n SNR^2 = Theta(1)")', source: 'our constant for paper B\'s n SNR^2 = Theta(1) (paper B states no constant)' },
  tauMin: { min: 0, max: 0.5, help: 'working region: tau_plus, tau_minus >= tauMin (label noise on at a constant rate; our reading)', source: 'our reading of a constant flip rate; paper B only requires tau < 1/2' },
  tauMax: { min: 0, max: 0.5, help: 'working region: tau_plus, tau_minus <= tauMax (paper B: tau < 1/2; the constant keeps it away from 1/2)', source: 'paper B requires tau < 1/2; the value is ours' },
  dOverNMin: { min: 0, help: 'working region: d >= dOverNMin n (over-parameterisation; paper B\'s d condition was not recoverable)', source: 'our constant: paper B\'s condition on d was not recoverable' },
  harmMax: { min: 0, help: 'working region: n ||mu||^4 / (sigma_p^4 d) <= harmMax, the harmful side of the ReLU overfitting boundary (Kou et al.); NOT a condition of paper B', source: 'not in paper B: added where the claim held (Kou et al.\'s benign/harmful quantity)' },
  etaMax: { min: 0, help: 'working region: eta sigma_p^2 d <= etaMax (paper B: eta = O~(1/(sigma_p^2 d)); the constant is ours)', source: 'our constant for paper B\'s eta = O~(1/(sigma_p^2 d))' },
  sigma0Max: { min: 0, help: 'working region: sigma_0 sigma_p sqrt(d) <= sigma0Max (small initialisation; our constant)', source: 'our constant: paper B\'s sigma_0 condition was not recoverable' },
  widthLog: { min: 0, help: 'working region: m >= widthLog ln(n) (our reading of a width condition m = Omega(log(n/delta)))', source: 'our constant: paper B\'s m condition was not recoverable' },
  nMin: { min: 1, integer: true, help: 'working region: n >= nMin (our constant)', source: 'our constant: paper B\'s n condition was not recoverable' },
  nMax: { min: 1, integer: true, help: 'generator box: most training samples drawn (cost)', source: 'cost: bounds one evaluation' },
  mMax: { min: 1, integer: true, help: 'generator box: widest network drawn (cost)', source: 'cost: bounds one evaluation' },
  dOverNMax: { min: 0, help: 'generator box: largest d/n drawn', source: 'cost: bounds one evaluation' },
  etaMin: { min: 0, help: 'generator box: smallest eta sigma_p^2 d drawn (cost: bounds the steps of a time unit)', source: 'cost: bounds the steps of one run' },
  sigma0Min: { min: 0, help: 'generator box: smallest sigma_0 sigma_p sqrt(d) drawn', source: 'our choice: three decades below sigma0Max would add nothing but steps' },
  unitMax: { min: 1, help: 'generator box: largest time unit n m/(eta sigma_p^2 d) drawn, in steps (cost: bounds the steps of one run)', source: 'cost: bounds the steps of one run' },
  nTest: { min: 1, integer: true, help: 'clean test samples per run (shared by every measurement of a run: paired comparisons)', source: 'our choice: resolution of the test error' },
};

const REGION_KEYS = Object.keys(REGION_SPECS) as (keyof BRegion)[];

/**
 * ConstantSpecs of a region with the given defaults (keys absent from `defaults` are not declared):
 * every one `chosen` and `region: true`; those named in `calibrated` (with why) are `calibrated`
 * (their value was picked by looking at results).
 */
export function regionConstants(defaults: BRegion, calibrated: Partial<Record<keyof BRegion, string>> = {}): Record<string, ConstantSpec> {
  const out: Record<string, ConstantSpec> = {};
  for (const k of REGION_KEYS) {
    const v = defaults[k];
    if (v === undefined) continue;
    const spec = REGION_SPECS[k];
    const why = calibrated[k];
    out[k] = {
      default: v, ...spec, provenance: 'chosen', region: true,
      ...(why ? { calibrated: true, source: `${spec.source}; value set by looking at results: ${why}` } : {}),
    };
  }
  return out;
}

/** The region of a claim from its resolved constants (optional keys only when declared). */
export function regionOf(constants: Constants): BRegion {
  const r: Partial<BRegion> = {};
  for (const k of REGION_KEYS) if (k in constants) (r as Record<string, number>)[k] = constants[k];
  return r as BRegion;
}

/**
 * A claim's working region for a regime, clause by clause (our reading of paper B's conditions) (ids "B.hyp(...)"). With `tauMin`/`tauMax`
 * in the region the flips must lie in [tauMin, tauMax]; without them (noiseless claim) tau = 0.
 */
export function bClauses(regime: Regime, r: BRegion): Clause[] {
  const c = regimeConfig(regime);
  const q = bDerived(c);
  const clauses: Clause[] = [
    { id: 'B.hyp(q)', text: 'q = 1 (ReLU, paper B)', holds: c.q === 1, lhs: c.q, rhs: 1 },
    { id: 'B.hyp(xi)', text: 'isotropic noise xi ~ N(0, sigma_p^2 I) (paper B)', holds: c.noise === 'isotropic' },
  ];
  if (r.tauMin !== undefined && r.tauMax !== undefined) {
    const lo = Math.min(c.tauPlus, c.tauMinus), hi = Math.max(c.tauPlus, c.tauMinus);
    clauses.push(atLeast('B.hyp(tau.lo)', 'min(tau_plus, tau_minus) >= tauMin', lo, r.tauMin));
    clauses.push(atMost('B.hyp(tau)', 'max(tau_plus, tau_minus) <= tauMax (< 1/2)', hi, r.tauMax));
  } else {
    clauses.push({ id: 'B.hyp(tau=0)', text: 'no label noise: tau_plus = tau_minus = 0 (Theorem 4.4)', holds: c.tauPlus === 0 && c.tauMinus === 0, lhs: Math.max(c.tauPlus, c.tauMinus), rhs: 0 });
  }
  clauses.push(
    atLeast('B.hyp(snr.lo)', 'n SNR^2 >= nSnr2Lo  (n SNR^2 = Theta(1))', q.nSnr2, r.nSnr2Lo),
    atMost('B.hyp(snr.hi)', 'n SNR^2 <= nSnr2Hi  (n SNR^2 = Theta(1))', q.nSnr2, r.nSnr2Hi),
    atLeast('B.hyp(d)', 'd >= dOverNMin n  (over-parameterisation)', c.d, r.dOverNMin * c.n),
  );
  if (r.harmMax !== undefined) clauses.push(atMost('B.hyp(harm)', 'n ||mu||^4 / (sigma_p^4 d) <= harmMax  (harmful side of the ReLU boundary)', q.harm, r.harmMax));
  clauses.push(
    atMost('B.hyp(eta)', 'eta sigma_p^2 d <= etaMax', q.etaScaled, r.etaMax),
    atMost('B.hyp(sigma0)', 'sigma_0 sigma_p sqrt(d) <= sigma0Max', q.s0, r.sigma0Max),
    atLeast('B.hyp(m)', 'm >= widthLog ln(n)', c.m, r.widthLog * Math.log(c.n)),
    atLeast('B.hyp(n)', 'n >= nMin', c.n, r.nMin),
  );
  return clauses;
}

export function bHypotheses(regime: Regime, r: BRegion): HypothesisReport {
  return report(bClauses(regime, r));
}

/** A claim's constants as resolved in a context, falling back to the claim's declared defaults (another claim's constants for B.chain). */
export function constantsOf(claim: Pick<Claim, 'id' | 'constants'>, ctx: Pick<ClaimContext, 'all'>): Constants {
  const defaults = Object.fromEntries(Object.entries(claim.constants).map(([k, s]) => [k, s.default]));
  return { ...defaults, ...(ctx.all[claim.id] ?? {}) };
}

/**
 * `hypotheses` and `regimes` of a B claim from its region constants: the region's clauses, and the
 * regimes inside the region / across and beyond it, the robustness draws sized for the claim's
 * longest time point `horizonUnits(constants)` (time units n m/(eta sigma_p^2 d)) with its cT1 and
 * the profile's step budget.
 */
export function regionHypothesesAndRegimes(
  horizonUnits: (k: Constants) => number,
  tauZeroWeight = 1,
): Pick<Claim, 'hypotheses' | 'regimes'> {
  return {
    hypotheses(regime, ctx) {
      return bHypotheses(regime, regionOf(ctx.constants));
    },
    regimes(tier, ctx) {
      return paperBRegimes(tier, regionOf(ctx.constants), { horizonUnits: horizonUnits(ctx.constants), cT1: ctx.constants.cT1, maxSteps: ctx.settings.maxSteps, tauZeroWeight });
    },
  };
}
