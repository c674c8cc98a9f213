import fc from 'fast-check';
import { nearestRankQuantile } from '../stats/quantile';
import { COARSE_GRID, flipRate, logUniform, sig4, uniform, uniformInt } from './kit/draws';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { budgetVerdict, regimeConfig, report, vacuousVerdict } from './common';
import type { Claim, ClaimContext, Clause, Constants, ConstantSpec, EvalContext, Evaluation, HypothesisReport, PaperSetting, Regime, Tier, Verdict } from './types';
import type { Measurement } from '../training/measure';
import { loadPreset } from '../training/presets';

/**
 * Shared machinery of the paper-A claims (spec/claims.md, "Paper A"): the literal Assumption 3.1
 * as clauses, the time formulas T1, T_GD, T_LN, the practical "working region" in which the
 * A claims are checked, the regime <-> training-configuration mapping, the fast-check arbitraries
 * of paper-A regimes, and the verdict rule for claims that hold "with high probability".
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

// ---------------------------------------------------------------------------------------------
// Quantities of a configuration
// ---------------------------------------------------------------------------------------------

type Knobs = Pick<TrainConfig, 'n' | 'd' | 'm' | 'A' | 'sigmaP' | 'sigma0' | 'eta' | 'p'>;

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

// ---------------------------------------------------------------------------------------------
// Time formulas (spec/claims.md), literal: the Theta constants are the callers' (`k` factors)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Assumption 3.1, literal (claim A.asm)
// ---------------------------------------------------------------------------------------------

export interface AsmConstants {
  /** the constant C of the assumption */
  C: number;
  /** failure probability delta */
  delta: number;
  /** constant of the NeurIPS'25 lower bound on the flip rate, p >= cFlip log(d) / sqrt(m n) (0 drops it) */
  cFlip: number;
}

function ge(id: string, text: string, lhs: number, rhs: number): Clause {
  return { id, text, holds: lhs >= rhs, lhs, rhs };
}
function le(id: string, text: string, lhs: number, rhs: number): Clause {
  return { id, text, holds: lhs <= rhs, lhs, rhs };
}

/** The two sides of clause (iv), the sigma_0 window. */
export function sigma0Window(c: Knobs, k: AsmConstants): { lo: number; hi: number } {
  const L = k.C * Math.log(c.d / k.delta);
  return {
    lo: (L * c.n) / (c.sigmaP * c.d ** 0.75),
    hi: Math.min(1 / (c.A * c.d ** 0.625), 1 / (c.sigmaP * Math.sqrt(c.d))) / L,
  };
}

/**
 * Assumption 3.1 of paper A, clause by clause, with explicit C and delta (logs are natural):
 * (i) d >= C log(n/delta) max(n^2, n ||mu||^2 / sigma_p^2); (ii) m, n >= C log(d/delta);
 * (iii) eta <= 1 / (C log(d/delta) sigma_p^2 d); (iv) C log(d/delta) n sigma_p^-1 d^-3/4 <= sigma_0
 * <= min(||mu||^-1 d^-5/8, sigma_p^-1 d^-1/2) / (C log(d/delta)); (v) 0 < p < 1/C, and the
 * NeurIPS'25 lower bound p >= cFlip log(d) / sqrt(m n).
 */
export function asmClauses(regime: Regime, k: AsmConstants): Clause[] {
  const c = asmKnobs(regime);
  const { n, d, m, A, sigmaP, sigma0, eta, p } = c;
  const Ld = k.C * Math.log(d / k.delta);
  const Ln = k.C * Math.log(n / k.delta);
  const w = sigma0Window(c, k);
  return [
    ge('A.asm(i)', 'd >= C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2)  (low SNR, d >> n^2)', d, Ln * Math.max(n * n, (n * A * A) / (sigmaP * sigmaP))),
    ge('A.asm(ii.m)', 'm >= C log(d/delta)', m, Ld),
    ge('A.asm(ii.n)', 'n >= C log(d/delta)', n, Ld),
    le('A.asm(iii)', 'eta <= 1 / (C log(d/delta) sigma_p^2 d)', eta, 1 / (Ld * sigmaP * sigmaP * d)),
    ge('A.asm(iv.lo)', 'sigma_0 >= C log(d/delta) n sigma_p^-1 d^-3/4', sigma0, w.lo),
    le('A.asm(iv.hi)', 'sigma_0 <= min(||mu||^-1 d^-5/8, sigma_p^-1 d^-1/2) / (C log(d/delta))', sigma0, w.hi),
    { id: 'A.asm(v.pos)', text: 'p > 0 (label noise is on)', holds: p > 0, lhs: p, rhs: 0 },
    { id: 'A.asm(v)', text: 'p < 1/C', holds: p < 1 / k.C, lhs: p, rhs: 1 / k.C },
    ge('A.asm(v.nips)', 'p >= cFlip log(d) / sqrt(m n)  (NeurIPS\'25 lower bound)', p, (k.cFlip * Math.log(d)) / Math.sqrt(m * n)),
  ];
}

/**
 * The knobs Assumption 3.1 reads, without the trainer's range checks (a literal regime has d ~ 1e20,
 * beyond what `train` accepts: it is audited, never trained). Missing keys take the training defaults.
 */
export function asmKnobs(regime: Regime): Knobs {
  const num = (key: keyof Knobs) => (typeof regime[key] === 'number' ? (regime[key] as number) : (DEFAULT_CONFIG[key] as number));
  return { n: num('n'), d: num('d'), m: num('m'), A: num('A'), sigmaP: num('sigmaP'), sigma0: num('sigma0'), eta: num('eta'), p: num('p') };
}

/** Signed log-ratio of a clause's two sides: > 0 when it holds, < 0 when it fails (clamped to +-50). */
export function clauseLogMargin(c: Clause): number {
  if (c.lhs === undefined || c.rhs === undefined) return c.holds ? 0 : -50;
  const a = Math.abs(c.lhs), b = Math.abs(c.rhs);
  const r = a === 0 || b === 0 ? 50 : Math.abs(Math.log(a / b));
  // a strict inequality failing at equality sits just on the failing side
  return c.holds ? Math.min(50, r) : -Math.max(1e-12, Math.min(50, r));
}

/**
 * The smallest d at which the sigma_0 window (iv) is non-empty, for given n, ||mu||, sigma_p
 * (found by bisection in log d; Infinity beyond 1e300). With C = 1 this is astronomically large.
 */
export function minDimensionForSigma0Window(n: number, A: number, sigmaP: number, k: AsmConstants): number {
  const feasible = (d: number) => {
    const w = sigma0Window({ n, d, m: 1, A, sigmaP, sigma0: 1, eta: 1, p: 0.1 }, k);
    return w.lo <= w.hi;
  };
  let lo = Math.log(2), hi = Math.log(1e300);
  if (!feasible(Math.exp(hi))) return Infinity;
  if (feasible(Math.exp(lo))) return 2;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (feasible(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return Math.ceil(Math.exp(hi));
}

/**
 * Regimes inside the literal Assumption 3.1 for the given constants, constructed (not filtered):
 * n and d are found by a fixed-point iteration (n >= C log(d/delta), d >= (C log(d/delta))^4 ...),
 * then every other knob is drawn strictly inside its window. Nothing here is trained.
 */
export function literalAsmRegimes(k: AsmConstants): fc.Arbitrary<Regime> {
  const unit = () => uniform(0.05, 0.95, GRID);
  return fc
    .record({ nf: uniform(1.1, 2, GRID), df: logUniform(1.5, 10, GRID), sigmaP: logUniform(0.25, 2, GRID), mu: unit(), s: unit(), e: unit(), pf: unit(), mf: uniform(1.1, 2, GRID), seed: uniformInt(1, 1_000_000) })
    .map(({ nf, df, sigmaP, mu, s, e, pf, mf, seed }) => {
      const L = (d: number) => k.C * Math.log(d / k.delta);
      let d = 1e6, n = 2;
      for (let it = 0; it < 200; it++) {
        n = Math.max(2, Math.ceil(nf * L(d)));
        const need = Math.max((L(d) ** 2 * n) ** 4, k.C * Math.log(n / k.delta) * n * n, 2);
        if (d >= need && n >= L(d)) break;
        d = Math.ceil(df * need);
      }
      // ||mu||: inside both (i) and the mu-part of (iv): ||mu|| <= sigma_p d^(1/8) / (L^2 n).
      const muMax = Math.min((sigmaP * d ** 0.125) / (L(d) ** 2 * n), sigmaP * Math.sqrt(d / (k.C * Math.log(n / k.delta) * n)));
      const A = muMax * mu;
      const pMax = Math.min(1 / k.C, 0.5);
      const p = sig4(pMax * pf);
      const mNeed = k.cFlip > 0 ? ((k.cFlip * Math.log(d)) / p) ** 2 / n : 0;
      const m = Math.max(1, Math.ceil(mf * Math.max(L(d), mNeed)));
      const w = sigma0Window({ n, d, m, A, sigmaP, sigma0: 1, eta: 1, p }, k);
      const sigma0 = w.lo * (w.hi / w.lo) ** s;
      const eta = (e * 1) / (L(d) * sigmaP * sigmaP * d);
      return { n, d, m, q: 2, A, sigmaP, sigma0, eta, p, noise: 'projected', seed } as Regime;
    });
}

// ---------------------------------------------------------------------------------------------
// The working region: where the A claims are checked in the working tier (our choice, per claim)
// ---------------------------------------------------------------------------------------------

/**
 * The working region (our choice; the literal Assumption 3.1 is unaffordable, see A.asm): bounds on
 * the dimensionless quantities the dynamics depend on. `*Min`/`*Max` of n, m, d/n^2 (upper), s0
 * (lower) only bound the generator's box (budget); the others are the region's bounds (never the
 * paper's hypotheses: each declares its provenance, see regionConstants).
 */
export interface Region {
  nMin: number; nMax: number;
  dPerN2Min: number; dPerN2Max: number;
  mMin: number; mMax: number;
  kappaMin: number; kappaMax: number;
  nSnr2Min: number; nSnr2Max: number;
  s0Min: number; s0Max: number;
  pMin: number; pMax: number;
  sigmaP: number;
  nTest: number;
}

export const REGION_KEYS: readonly (keyof Region)[] = [
  'nMin', 'nMax', 'dPerN2Min', 'dPerN2Max', 'mMin', 'mMax', 'kappaMin', 'kappaMax',
  'nSnr2Min', 'nSnr2Max', 's0Min', 's0Max', 'pMin', 'pMax', 'sigmaP', 'nTest',
];

const REGION_HELP: Record<keyof Region, string> = {
  nMin: 'working region bound n >= nMin (our reading of (ii) n >= C log(d/delta), which needs n >= 50 literally)',
  nMax: 'working region: most training samples drawn (budget)',
  dPerN2Min: 'working region bound d >= dPerN2Min n^2 (our reading of (i) d >= C log(n/delta) n^2)',
  dPerN2Max: 'working region: largest d/n^2 drawn (budget)',
  mMin: 'working region bound m >= mMin (our reading of (ii): every sample needs a filter active on its noise, P = 1 - 2^-m)',
  mMax: 'working region: largest width drawn (budget)',
  kappaMin: 'working region bound kappa = eta sigma_p^2 d/(n m) >= kappaMin (NOT in the paper: set where label-noise GD learned the signal in time)',
  kappaMax: 'working region bound kappa = eta sigma_p^2 d/(n m) <= kappaMax (the literal (iii) is eta sigma_p^2 d <= 1/(C log(d/delta)), unaffordable)',
  nSnr2Min: 'working region bound n SNR^2 >= nSnr2Min (NOT in the paper: keeps the signal time within our T constants and budget)',
  nSnr2Max: 'working region bound n SNR^2 <= nSnr2Max (our "low SNR"; GD stopped overfitting near n SNR^2 ~ 1-2 in our runs)',
  s0Min: 'working region: smallest s0 = sigma_0 sigma_p sqrt(d) drawn (budget: T1 grows like log(1/s0))',
  s0Max: 'working region bound s0 = sigma_0 sigma_p sqrt(d) <= s0Max (our reading of (iv): small initialisation)',
  pMin: 'working region bound p >= pMin (flip rate; NeurIPS (v) has a lower bound of order log d/sqrt(m n))',
  pMax: 'working region bound p <= pMax (our reading of (v) p < 1/C)',
  sigmaP: 'noise scale of drawn regimes (the dynamics depend on it only through kappa, n SNR^2, s0)',
  nTest: 'clean test samples per run',
};

/** Why each region key has its value (provenance chosen: none of these bounds is the paper's). */
const REGION_SOURCE: Record<keyof Region, string> = {
  nMin: 'chosen: small n keeps runs cheap; the literal (ii) is unaffordable (n >= 50 with d ~ 1e20)',
  nMax: 'chosen: budget of one evaluation',
  dPerN2Min: 'chosen: the literal (i) asks d >= C log(n/delta) n^2; d ~ n^2 is the cheapest reading',
  dPerN2Max: 'chosen: budget',
  mMin: 'chosen: n 2^-m small (every sample has an active filter at init)',
  mMax: 'chosen: budget',
  kappaMin: 'chosen by looking at results: below ~0.4 label-noise GD learned no signal within our horizons (NOT in the paper)',
  kappaMax: 'chosen: stability of the step (divergence beyond ~2)',
  nSnr2Min: 'chosen by looking at results: below it the signal time left our T constants and budget (NOT in the paper)',
  nSnr2Max: 'chosen by looking at results: GD stopped overfitting near n SNR^2 ~ 1-2',
  s0Min: 'chosen: budget (T1 grows like log(1/s0))',
  s0Max: 'chosen: a small initialisation, as (iv) asks qualitatively',
  pMin: 'chosen: label noise clearly on',
  pMax: 'chosen: well below 1/2',
  sigmaP: 'chosen: the dynamics do not depend on it separately',
  nTest: 'chosen: test-set resolution vs cost',
};

/** Region keys that are generator box limits (budget), not bounds a regime is judged against. */
const REGION_BUDGET_ONLY = new Set<keyof Region>(['nMax', 'dPerN2Max', 'mMax', 's0Min', 'sigmaP', 'nTest']);
/** Region keys of the shared default region picked by looking at results. */
export const REGION_CALIBRATED_DEFAULT: readonly (keyof Region)[] = ['kappaMin', 'nSnr2Min', 'nSnr2Max'];

const REGION_INTEGER = new Set<keyof Region>(['nMin', 'nMax', 'mMin', 'mMax', 'nTest']);

/**
 * ConstantSpecs of a working region with the given defaults (each claim declares its own). Every
 * bound is `provenance: 'chosen'` and `region: true`; `calibrated` lists the bounds picked by
 * looking at results (REGION_CALIBRATED_DEFAULT plus the claim's own narrowed bounds, with why).
 */
export function regionConstants(defaults: Region, calibrated: Partial<Record<keyof Region, string>> = {}): Record<string, ConstantSpec> {
  const out: Record<string, ConstantSpec> = {};
  for (const k of REGION_KEYS) {
    const cal = k in calibrated || REGION_CALIBRATED_DEFAULT.includes(k);
    out[k] = {
      default: defaults[k], help: REGION_HELP[k],
      min: k === 'pMin' || k === 'pMax' ? 0 : Number.MIN_VALUE, ...(k === 'pMin' || k === 'pMax' ? { max: 1 } : {}), ...(REGION_INTEGER.has(k) ? { integer: true, min: 1 } : {}),
      provenance: 'chosen', source: calibrated[k] ?? REGION_SOURCE[k],
      ...(cal ? { calibrated: true } : {}),
      ...(REGION_BUDGET_ONLY.has(k) ? {} : { region: true }),
    };
  }
  return out;
}

/** A constant read from the paper (cite the clause). */
export function paperConst(spec: Omit<ConstantSpec, 'provenance' | 'source'>, source: string): ConstantSpec {
  return { ...spec, provenance: 'paper', source };
}
/** A constant of ours (say why); `calibrated` when its value was picked by looking at results. */
export function chosenConst(spec: Omit<ConstantSpec, 'provenance' | 'source'>, source: string, calibrated = false): ConstantSpec {
  return { ...spec, provenance: 'chosen', source, ...(calibrated ? { calibrated: true } : {}) };
}

export function regionOf(constants: Constants): Region {
  const r = {} as Region;
  for (const k of REGION_KEYS) r[k] = constants[k];
  return r;
}

/** The working-region bounds of a regime, clause by clause (ids "A.work(...)"): our region, not the paper's hypotheses. */
export function regionClauses(regime: Regime, r: Region): Clause[] {
  const c = regimeConfig(regime);
  const q = derived(c);
  return [
    { id: 'A.model(q)', text: 'q = 2 (squared ReLU, paper A)', holds: c.q === 2, lhs: c.q, rhs: 2 },
    { id: 'A.model(xi)', text: 'noise projected orthogonal to mu (paper A)', holds: c.noise === 'projected' },
    { id: 'A.model(tau)', text: 'no fixed label flips (tauPlus = tauMinus = 0)', holds: c.tauPlus === 0 && c.tauMinus === 0 },
    le('A.work(i)', 'n SNR^2 <= nSnr2Max (low SNR)', q.nSnr2, r.nSnr2Max),
    ge('A.work(i.snr)', 'n SNR^2 >= nSnr2Min', q.nSnr2, r.nSnr2Min),
    ge('A.work(i.d)', 'd >= dPerN2Min n^2', c.d, r.dPerN2Min * c.n * c.n),
    ge('A.work(ii.m)', 'm >= mMin', c.m, r.mMin),
    ge('A.work(ii.n)', 'n >= nMin', c.n, r.nMin),
    le('A.work(iii)', 'eta sigma_p^2 d / (n m) <= kappaMax', q.kappa, r.kappaMax),
    ge('A.work(iii.lo)', 'eta sigma_p^2 d / (n m) >= kappaMin', q.kappa, r.kappaMin),
    le('A.work(iv)', 'sigma_0 sigma_p sqrt(d) <= s0Max', q.s0, r.s0Max),
    ge('A.work(v.lo)', 'p >= pMin', c.p, r.pMin),
    le('A.work(v)', 'p <= pMax', c.p, r.pMax),
  ];
}

// ---------------------------------------------------------------------------------------------
// Regimes and their arbitraries
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Verdict helpers
// ---------------------------------------------------------------------------------------------

/** Signed, clamped log-ratio margin of `x >= thr` ('atLeast') or `x <= thr` ('atMost'): > 0 on the holding side. */
export function logMargin(x: number, thr: number, dir: 'atLeast' | 'atMost', floor = 1e-12): number {
  const v = Math.log(Math.max(x, floor) / Math.max(thr, floor));
  const s = dir === 'atLeast' ? v : -v;
  return Math.max(-10, Math.min(10, s));
}


/** The evaluation-point spacing of a run of `steps` steps with about `points` measurements. */
export function evalEveryFor(steps: number, points: number): number {
  return Math.max(1, Math.ceil(steps / Math.max(1, points)));
}

/**
 * Default working region of the A claims that train to T_GD / T_LN (each claim declares its own
 * copy as constants, so a profile can move one claim's region without touching the others).
 * Chosen by experiment, i.e. calibrated (see the claim modules): inside it GD overfits and label-noise GD
 * generalizes within 16 T_LN; kappa >= 0.4 was needed for label-noise GD to learn the signal in
 * time (its benefit comes from the step-size-dependent label noise, see A.lngd-generalizes).
 */
export const WORKING_REGION: Region = {
  nMin: 20, nMax: 50,
  dPerN2Min: 1, dPerN2Max: 2,
  mMin: 8, mMax: 16,
  kappaMin: 0.4, kappaMax: 1,
  nSnr2Min: 0.2, nSnr2Max: 0.6,
  s0Min: 0.02, s0Max: 0.2,
  pMin: 0.05, pMax: 0.3,
  sigmaP: 0.5,
  nTest: 500,
};

/**
 * The profile settings with the step budget lowered to a claim's own per-run cap (its constant
 * `runStepCap`): a time point beyond min(settings.maxSteps, cap) gives the `budget` verdict. The
 * cap keeps one evaluation (all replicates) within seconds when a regime's T is long.
 */
export function capSettings(ctx: Pick<EvalContext, 'settings'>, cap: number): Pick<EvalContext, 'settings'> {
  return { settings: { ...ctx.settings, maxSteps: Math.min(ctx.settings.maxSteps, cap) } };
}

// ---------------------------------------------------------------------------------------------
// The scaffolding of a claim checked in its working region
// ---------------------------------------------------------------------------------------------

/**
 * `hypotheses` and `regimes` of an A claim checked in its working region (its region constants,
 * regionConstants): the region's clauses, and the paper-A regimes inside / across and beyond it.
 */
export const regionHypothesesAndRegimes: Pick<Claim, 'hypotheses' | 'regimes'> = {
  hypotheses(regime, ctx) {
    return report(regionClauses(regime, regionOf(ctx.constants)));
  },
  regimes(tier, ctx) {
    return paperARegimes(tier, regionOf(ctx.constants), ctx);
  },
};

/** What an A claim's evaluation knows once its regime passed the preflight. */
export interface RegionPreflight<P> {
  early: null;
  /** the claim's constants */
  k: Constants;
  hypotheses: HypothesisReport;
  /** the regime's training configuration */
  base: TrainConfig;
  /** the claim's time points, from `plan` */
  plan: P;
}

/**
 * The verdicts an A claim checks before training: `infeasible` in the literal tier (the literal
 * Assumption 3.1 needs d ~ 1e20: literalEvaluation), `vacuous` (working tier, outside the working
 * region), then `budget` when the run `plan` asks for (its `steps`, from the regime's configuration
 * and the claim's constants) exceeds min(profile maxSteps, the claim's `runStepCap`). In the paper
 * tier `plan` gets paper = true and must use the preset's own run length (base.steps); the claim's
 * runStepCap does not apply there (never fewer steps than the paper's), only the profile's maxSteps.
 */
export function regionPreflight<P extends { steps: number }>(
  regime: Regime,
  ctx: EvalContext,
  plan: (base: TrainConfig, k: Constants, paper: boolean) => P,
  claimId = 'this claim',
): { early: Evaluation } | RegionPreflight<P> {
  if (ctx.tier === 'literal') return { early: literalEvaluation(ctx, claimId) };
  const k = ctx.constants;
  const hypotheses = report(regionClauses(regime, regionOf(k)));
  const vacuous = vacuousVerdict(hypotheses, ctx);
  if (vacuous) return { early: vacuous };
  const base = regimeConfig(regime);
  // a named setting (paper tier, or a robustness regime from a preset) runs at the preset's own length
  const paper = ctx.tier === 'paper' || typeof regime.preset === 'string';
  const p = plan(base, k, paper);
  const budget = budgetVerdict(p.steps, paper ? ctx : capSettings(ctx, k.runStepCap), hypotheses);
  if (budget) return { early: budget };
  return { early: null, k, hypotheses, base, plan: p };
}

// ---------------------------------------------------------------------------------------------
// The literal tier: feasibility of Assumption 3.1 (A.asm; every other A claim reports it)
// ---------------------------------------------------------------------------------------------

/** A.asm's constants when a context does not carry them (its declared defaults). */
export const ASM_DEFAULTS = { C: 1, delta: 0.05, cFlip: 1, dAffordable: 1e5 };

export function asmConstantsOf(ctx?: Pick<ClaimContext, 'all'>): AsmConstants & { dAffordable: number } {
  const a = ctx?.all?.['A.asm'] ?? {};
  return {
    C: a.C ?? ASM_DEFAULTS.C, delta: a.delta ?? ASM_DEFAULTS.delta, cFlip: a.cFlip ?? ASM_DEFAULTS.cFlip,
    dAffordable: a.dAffordable ?? ASM_DEFAULTS.dAffordable,
  };
}

export interface LiteralFeasibility {
  /** every clause can be met at some finite size */
  feasible: boolean;
  /** ... at d <= dAffordable */
  affordable: boolean;
  dAffordable: number;
  /** the smallest size at which every clause is satisfiable (n = ceil(C log(d/delta)), d from the sigma_0 window) */
  n: number;
  d: number;
  m: number;
  p: number;
  /** C log(d/delta) at that d */
  L: number;
  /** a regime meeting every clause at that size (sigma_p = 1, ||mu|| and sigma_0 inside their windows) */
  regime: Regime;
  failed: string[];
}

/**
 * The smallest (n, d, m) at which every clause of Assumption 3.1 is satisfiable for the constants
 * C, delta, cFlip: n = ceil(C log(d/delta)) (ii), d >= max((C log(d/delta))^8 n^4, C log(n/delta) n^2)
 * (the sigma_0 window (iv) is non-empty only when (C log(d/delta))^2 n <= d^(1/4), with ||mu|| small;
 * and (i)), solved by a fixed-point iteration; m = ceil(max(C log(d/delta), (cFlip log d / p)^2 / n))
 * at p = 0.99 min(1/C, 1/2). Affordable: d <= dAffordable.
 */
export function literalFeasibility(k: AsmConstants & { dAffordable?: number }): LiteralFeasibility {
  const L = (d: number) => k.C * Math.log(d / k.delta);
  let d = 2, n = 2;
  for (let it = 0; it < 500; it++) {
    n = Math.max(2, Math.ceil(L(d)));
    const need = Math.max((L(d) ** 2 * n) ** 4, k.C * Math.log(n / k.delta) * n * n, 2);
    if (d >= need && n >= L(d)) break;
    d = Math.ceil(need);
    if (!Number.isFinite(d)) break;
  }
  const p = sig4(0.99 * Math.min(1 / k.C, 0.5));
  const m = Math.max(1, Math.ceil(Math.max(L(d), k.cFlip > 0 ? ((k.cFlip * Math.log(d)) / p) ** 2 / n : 0)));
  const sigmaP = 1;
  const muMax = Math.min((sigmaP * d ** 0.125) / (L(d) ** 2 * n), sigmaP * Math.sqrt(d / (k.C * Math.log(n / k.delta) * n)));
  const A = muMax / 2;
  const w = sigma0Window({ n, d, m, A, sigmaP, sigma0: 1, eta: 1, p }, k);
  const regime: Regime = { n, d, m, q: 2, A, sigmaP, sigma0: Math.sqrt(w.lo * w.hi), eta: 0.5 / (L(d) * sigmaP * sigmaP * d), p, noise: 'projected', seed: 1 };
  const failed = Number.isFinite(d) ? asmClauses(regime, k).filter((c) => !c.holds).map((c) => c.id) : ['A.asm(iv)'];
  const feasible = failed.length === 0;
  const dAffordable = k.dAffordable ?? ASM_DEFAULTS.dAffordable;
  return { feasible, affordable: feasible && d <= dAffordable, dAffordable, n, d, m, p, L: L(d), regime, failed };
}

/** The literal size in words: "n >= 50, d >= 2.41e+20, m >= 66 (C = 1, delta = 0.05)". */
export function literalSizeText(f: LiteralFeasibility, k: AsmConstants): string {
  return `n >= ${f.n}, d >= ${f.d.toPrecision(3)}, m >= ${f.m} at p = ${f.p} (C = ${k.C}, delta = ${k.delta}, cFlip = ${k.cFlip}); affordable means d <= ${f.dAffordable.toPrecision(3)}`;
}

/**
 * The literal-tier evaluation of an A claim other than A.asm: `infeasible` with the smallest
 * literal size. Never `holds`: no claim but A.asm is judged in the literal tier (if the constants
 * made the literal regime affordable, the claim says `inconclusive`: it is not trained there).
 */
export function literalEvaluation(ctx: Pick<ClaimContext, 'all'>, claimId: string): Evaluation {
  const k = asmConstantsOf(ctx);
  const f = literalFeasibility(k);
  const size = literalSizeText(f, k);
  const hypotheses = report(asmClauses(f.regime, k));
  return {
    verdict: f.affordable ? 'inconclusive' : 'infeasible',
    margin: null,
    measurements: { literal: { n: f.n, d: f.d, m: f.m, p: f.p, L: f.L, feasible: f.feasible, affordable: f.affordable, dAffordable: f.dAffordable } },
    hypotheses,
    configs: [],
    note: f.affordable
      ? `the literal Assumption 3.1 is affordable at ${size}, but ${claimId} is not trained in the literal tier`
      : `literal Assumption 3.1 unaffordable: smallest size ${size}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The paper tier: the settings where paper A and its review thread report the claims observed
// ---------------------------------------------------------------------------------------------

/** Paper-tier settings from presets (fixtures/presets/NAME.json): the regime is the preset's training keys. */
export function paperASettings(names: readonly string[]): PaperSetting[] {
  return names.map((name) => {
    const p = loadPreset(name);
    const { algo, seed: _seed, ...keys } = p.config as unknown as Record<string, number | string>;
    // a label-noise variant of the preset (lngd-gauss, lngd-uniform) is kept: it is the label-noise run there
    const regime = (String(algo).startsWith('lngd') ? { ...keys, algo } : keys) as Regime;
    return { preset: name, regime, source: p.source };
  });
}

/** The presets of paper A's own experiments and rebuttal, by what the authors report there. */
export const PAPER_A_PRESETS = {
  /** Figure 1 (authors' code eta = 1.0) */
  main: 'paper-a-main',
  /** one heatmap cell where label-noise GD wins (low SNR) */
  heatmapCell: 'paper-a-heatmap-cell',
  /** the appendix variants (activation q, flip rate p, noise of the label-noise multiplier) */
  appendix: ['paper-a-q3', 'paper-a-q4', 'paper-a-p03', 'paper-a-p04', 'paper-a-gauss', 'paper-a-uniform', 'paper-a-gauss-06', 'paper-a-uniform-23'],
  /** the reviewers' counterexamples in the review thread (robustness regimes; claimcheck review rows 2, 3) */
  reviewCounterexamples: ['paper-a-review-m3', 'paper-a-review-m3-sigma2'],
  /** the authors' rebuttal rows */
  rebuttal: ['paper-a-rebuttal-m10', 'paper-a-rebuttal-m3'],
} as const;

// ---------------------------------------------------------------------------------------------
// Link predicates: shared by the single claims and A.chain (same code, same trajectory)
// ---------------------------------------------------------------------------------------------

export interface LinkOutcome {
  verdict: Verdict;
  margin: number | null;
  note: string;
  data: Record<string, unknown>;
}

/** The first measurement at or after step t (null when the run ended before). */
export function pointAt(traj: readonly Measurement[], t: number): Measurement | null {
  return traj.find((s) => s.step >= t - 1e-9) ?? null;
}

/**
 * Stage 1 (Lemmas 4.2 / 4.4) on one run: at the first measurement >= T1 every sample has
 * max_r rhobar_{y_i,r,i} >= rhoMin and max gamma <= gammaBound -> holds. Signal too large at T1 ->
 * breaks. Not every sample memorized at T1: breaks when it happens later within `horizon` steps
 * (T1 off), `not-reached` when it never happens within the run (the run is k x T1 or the paper's).
 */
export function stage1Link(traj: readonly Measurement[], o: { T1: number; rhoMin: number; gammaBound: number; label: string }): LinkOutcome {
  const pt = pointAt(traj, o.T1);
  const last = traj[traj.length - 1];
  if (!pt || !pt.perSample) {
    return { verdict: 'not-reached', margin: -10, note: `${o.label}: run ended (step ${last?.step}) before T1 = ${o.T1.toFixed(0)}`, data: { T1: o.T1 } };
  }
  const rhos = pt.perSample.maxRhobar;
  const minRho = Math.min(...rhos);
  const below = rhos.filter((v) => v < o.rhoMin).length;
  const mRho = logMargin(minRho, o.rhoMin, 'atLeast');
  const mGamma = logMargin(pt.maxGamma, o.gammaBound, 'atMost');
  const data = { T1: o.T1, stepChecked: pt.step, minRhobar: minRho, samplesBelow: below, maxGamma: pt.maxGamma, gammaBound: o.gammaBound };
  if (pt.maxGamma > o.gammaBound) return { verdict: 'breaks', margin: mGamma, note: `${o.label}: max gamma ${pt.maxGamma.toPrecision(3)} > ${o.gammaBound.toPrecision(3)} at T1`, data };
  if (minRho >= o.rhoMin) return { verdict: 'holds', margin: Math.min(mRho, mGamma), note: `${o.label}: all samples memorized at T1`, data };
  const later = traj.find((s) => s.step > pt.step && s.perSample && Math.min(...s.perSample.maxRhobar) >= o.rhoMin);
  if (later) {
    return { verdict: 'breaks', margin: mRho, note: `${o.label}: ${below} sample(s) below ${o.rhoMin} at T1; all memorized only at step ${later.step}`, data: { ...data, reachedAt: later.step } };
  }
  return {
    verdict: 'not-reached', margin: mRho,
    note: `${o.label}: ${below} sample(s) below ${o.rhoMin} at T1 and still not all memorized at step ${last.step} (${(last.step / o.T1).toFixed(1)} x T1)`,
    data: { ...data, reachedAt: null, horizon: last.step },
  };
}

/**
 * Stage 2 (Lemma 4.5 / D.4) on one label-noise GD run: the window runs from the first measurement
 * >= T1 until max gamma passes gammaPass. iota_i* is the median of iota_i over the window (its level); every
 * iota_i(t) in the window must stay in [iota_i* / cLow, cHigh iota_i*] (a sample with iota_i* = 0
 * must stay at 0), and max gamma must grow (it passes gammaPass, from below it at T1). A window
 * that never starts (run ends before T1) or never ends (gamma not past gammaPass by the end of the
 * run, k x T_LN or the paper's) is `not-reached`; gamma already >= gammaPass at T1 (no stage 2) is
 * inconclusive.
 */
export function noiseBandLink(traj: readonly Measurement[], o: { T1: number; gammaPass: number; cLow: number; cHigh: number }): LinkOutcome {
  const start = pointAt(traj, o.T1);
  const last = traj[traj.length - 1];
  if (!start || !start.perSample) return { verdict: 'not-reached', margin: -10, note: `run ended (step ${last?.step}) before T1 = ${o.T1.toFixed(0)}`, data: { T1: o.T1 } };
  if (start.maxGamma >= o.gammaPass) {
    return { verdict: 'inconclusive', margin: null, note: `max gamma ${start.maxGamma.toPrecision(3)} >= ${o.gammaPass} already at T1: no stage-2 window`, data: { T1: o.T1, gammaAtT1: start.maxGamma } };
  }
  const endIdx = traj.findIndex((s) => s.step > start.step && s.maxGamma >= o.gammaPass);
  if (endIdx < 0) {
    return {
      verdict: 'not-reached', margin: logMargin(last.maxGamma, o.gammaPass, 'atLeast'),
      note: `max gamma ${last.maxGamma.toPrecision(3)} never passed ${o.gammaPass} by step ${last.step}`, data: { T1: o.T1, gammaAtT1: start.maxGamma, gammaFinal: last.maxGamma, horizon: last.step },
    };
  }
  const end = traj[endIdx];
  const window = traj.filter((s) => s.step >= start.step && s.step <= end.step && s.perSample);
  // iota_i*: the median of iota_i over the window (the level the lemma bounds iota_i around)
  const star = start.perSample.iota.map((_, i) => nearestRankQuantile(window.map((s) => s.perSample!.iota[i]), 0.5));
  let margin = 10, out = new Set<number>(), minRatio = Infinity, maxRatio = 0;
  for (const s of window) {
    const iota = s.perSample!.iota;
    for (let i = 0; i < star.length; i++) {
      const a = star[i], x = iota[i];
      if (a <= 0) {
        if (x > 0) { margin = Math.min(margin, -10); out.add(i); }
        continue;
      }
      const r = x / a;
      minRatio = Math.min(minRatio, r); maxRatio = Math.max(maxRatio, r);
      const mi = Math.min(logMargin(r * o.cLow, 1, 'atLeast'), logMargin(r, o.cHigh, 'atMost'));
      if (mi < 0) out.add(i);
      margin = Math.min(margin, mi);
    }
  }
  const grows = end.maxGamma > start.maxGamma;
  if (!grows) margin = Math.min(margin, -1e-6);
  const data = {
    T1: o.T1, windowStart: start.step, windowEnd: end.step, measurementsInWindow: window.length, samplesOutOfBand: out.size,
    minIotaRatio: Number.isFinite(minRatio) ? minRatio : null, maxIotaRatio: maxRatio, iotaStarMean: star.reduce((a, b) => a + b, 0) / star.length,
    gammaAtT1: start.maxGamma, gammaAtEnd: end.maxGamma,
  };
  const holds = margin >= 0;
  return {
    verdict: holds ? 'holds' : 'breaks', margin,
    note: holds
      ? `every iota_i within [iota_i*/${o.cLow}, ${o.cHigh} iota_i*] over steps ${start.step}..${end.step}`
      : `${out.size} sample(s) left [iota_i*/${o.cLow}, ${o.cHigh} iota_i*] in steps ${start.step}..${end.step} (iota/iota* in [${(Number.isFinite(minRatio) ? minRatio : 0).toPrecision(2)}, ${maxRatio.toPrecision(2)}])`,
    data,
  };
}

/**
 * Theorem 3.2 [3.3] on one label-noise GD run at T_LN: `vacuous-bound` when the paper's bound
 * 2 exp(-cErr d/n^2) is >= 0.25; else the clean training loss stays >= lossMin over the last
 * lossWindow fraction of [0, T_LN] and the test error at T_LN is <= max(bound, errFloor).
 */
export function lngdGeneralizesLink(
  traj: readonly Measurement[],
  o: { TLN: number; d: number; n: number; nTest: number; cErr: number; errFloor: number; lossMin: number; lossWindow: number; errBoundVacuous: number },
): LinkOutcome {
  const paperBound = 2 * Math.exp((-o.cErr * o.d) / (o.n * o.n));
  const errBound = Math.max(paperBound, o.errFloor);
  const firstBelow = traj.find((s) => s.testError <= errBound)?.step ?? null;
  if (paperBound >= o.errBoundVacuous) {
    return { verdict: 'vacuous-bound', margin: null, note: `the bound 2 exp(-C d/n^2) = ${paperBound.toPrecision(3)} >= ${o.errBoundVacuous}: meeting it shows nothing`, data: { paperBound, errBound, firstStepErrBelowBound: firstBelow } };
  }
  const pt = pointAt(traj, o.TLN) ?? traj[traj.length - 1];
  const late = traj.filter((s) => s.step >= (1 - o.lossWindow) * o.TLN && s.step <= pt.step);
  const minLoss = Math.min(...late.map((s) => s.trainLoss));
  const halfError = 0.5 / o.nTest;
  const mLoss = logMargin(minLoss, o.lossMin, 'atLeast');
  const mTest = logMargin(Math.max(pt.testError, halfError), errBound, 'atMost');
  const holds = minLoss >= o.lossMin && pt.testError <= errBound;
  return {
    verdict: holds ? 'holds' : 'breaks', margin: Math.min(mLoss, mTest),
    note: `at step ${pt.step}: test error ${pt.testError.toFixed(3)} (bound ${errBound.toPrecision(3)}), min clean train loss ${minLoss.toPrecision(3)} (floor ${o.lossMin})`,
    data: { stepChecked: pt.step, testError: pt.testError, minTrainLossLate: minLoss, paperBound, errBound, firstStepErrBelowBound: firstBelow, maxGamma: pt.maxGamma, maxRho: pt.maxRho },
  };
}

/** Combine the outcomes of one unit's parts: breaks > not-reached > other non-holds > holds (margin the smallest). */
export function combineOutcomes(parts: LinkOutcome[]): { verdict: Verdict; margin: number | null; note: string } {
  const order: Verdict[] = ['diverged', 'breaks', 'not-reached', 'budget', 'vacuous-bound', 'inconclusive'];
  for (const v of order) {
    const p = parts.find((x) => x.verdict === v);
    if (p) return { verdict: v, margin: v === 'breaks' || v === 'not-reached' ? p.margin : null, note: parts.map((x) => x.note).join('; ') };
  }
  const ms = parts.map((x) => x.margin).filter((m): m is number => m !== null);
  return { verdict: 'holds', margin: ms.length ? Math.min(...ms) : null, note: parts.map((x) => x.note).join('; ') };
}

/** The label-noise algorithm of a configuration: its own when it is a label-noise variant (paper presets), else lngd. */
export function labelNoiseAlgo(base: TrainConfig): TrainConfig['algo'] {
  return String(base.algo).startsWith('lngd') ? base.algo : 'lngd';
}
