import fc from 'fast-check';
import type { TrainConfig } from '../training/config';
import { budgetVerdict, regimeConfig, replicateMargin, replicateVerdict, report, vacuousVerdict } from './common';
import type { Claim, Clause, Constants, ConstantSpec, EvalContext, Evaluation, HypothesisReport, Mode, Regime } from './types';

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
  const c = regimeConfig(regime);
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
  const unit = () => uniform(0.05, 0.95);
  return fc
    .record({ nf: uniform(1.1, 2), df: logUniform(1.5, 10), sigmaP: logUniform(0.25, 2), mu: unit(), s: unit(), e: unit(), pf: unit(), mf: uniform(1.1, 2), seed: uniformInt(1, 1_000_000) })
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
// The working region: where the A claims are checked in-regime (our choice, per claim)
// ---------------------------------------------------------------------------------------------

/**
 * A practical reading of Assumption 3.1 (the literal one is infeasible at practical d, see
 * A.asm): bounds on the dimensionless quantities the dynamics depend on. `*Min`/`*Max` of n, m,
 * d/n^2 (upper), s0 (lower) only bound the generator's box (budget); the others are hypotheses.
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
  nMin: 'working region: fewest training samples drawn (hypothesis n >= nMin; practical reading of (ii) n >= C log(d/delta))',
  nMax: 'working region: most training samples drawn (budget, not a hypothesis)',
  dPerN2Min: 'working region: hypothesis d >= dPerN2Min n^2 (practical reading of (i) d >= C log(n/delta) n^2)',
  dPerN2Max: 'working region: largest d/n^2 drawn (budget, not a hypothesis)',
  mMin: 'working region: hypothesis m >= mMin (practical (ii): every sample needs a filter active on its noise, P = 1 - 2^-m)',
  mMax: 'working region: largest width drawn (budget, not a hypothesis)',
  kappaMin: 'working region: hypothesis kappa = eta sigma_p^2 d/(n m) >= kappaMin (NOT in the paper: found necessary, see the claim)',
  kappaMax: 'working region: hypothesis kappa = eta sigma_p^2 d/(n m) <= kappaMax (practical (iii); the literal (iii) is eta sigma_p^2 d <= 1/(C log(d/delta)))',
  nSnr2Min: 'working region: hypothesis n SNR^2 >= nSnr2Min (NOT in the paper: keeps the signal time within our T constants and budget)',
  nSnr2Max: 'working region: hypothesis n SNR^2 <= nSnr2Max (practical "low SNR" of (i); GD stops overfitting near n SNR^2 ~ 1-2)',
  s0Min: 'working region: smallest s0 = sigma_0 sigma_p sqrt(d) drawn (budget: T1 grows like log(1/s0))',
  s0Max: 'working region: hypothesis s0 = sigma_0 sigma_p sqrt(d) <= s0Max (practical (iv): small initialisation)',
  pMin: 'working region: hypothesis p >= pMin (label-noise flip rate, practical (v) lower bound)',
  pMax: 'working region: hypothesis p <= pMax (practical (v): p < 1/C)',
  sigmaP: 'noise scale of drawn regimes (the dynamics depend on it only through kappa, n SNR^2, s0)',
  nTest: 'clean test samples per run',
};

const REGION_INTEGER = new Set<keyof Region>(['nMin', 'nMax', 'mMin', 'mMax', 'nTest']);

/** ConstantSpecs of a working region with the given defaults (each claim declares its own). */
export function regionConstants(defaults: Region): Record<string, ConstantSpec> {
  const out: Record<string, ConstantSpec> = {};
  for (const k of REGION_KEYS) {
    out[k] = { default: defaults[k], help: REGION_HELP[k], min: k === 'pMin' || k === 'pMax' ? 0 : Number.MIN_VALUE, ...(k === 'pMin' || k === 'pMax' ? { max: 1 } : {}), ...(REGION_INTEGER.has(k) ? { integer: true, min: 1 } : {}) };
  }
  return out;
}

export function regionOf(constants: Constants): Region {
  const r = {} as Region;
  for (const k of REGION_KEYS) r[k] = constants[k];
  return r;
}

/** The working-region hypotheses of a regime, clause by clause (ids "A.work(...)"). */
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

/** 4 significant digits (readable regimes; generators keep a 1% margin inside every bound). */
export function sig4(x: number): number {
  return Number(x.toPrecision(4));
}

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

const GRID = 10000;

/**
 * A double drawn uniformly in log scale on [lo, hi] (on a grid of 10^4 points; unbiased: fast-check's
 * default bias towards "small" values would pile the draws up at one point). Shrinks towards lo.
 */
export function logUniform(lo: number, hi: number): fc.Arbitrary<number> {
  if (!(lo > 0 && hi >= lo)) throw new RangeError(`logUniform needs 0 < lo <= hi (got ${lo}, ${hi})`);
  if (lo === hi) return fc.constant(lo);
  return fc.noBias(fc.integer({ min: 0, max: GRID })).map((k) => (k === GRID ? hi : Math.min(hi, lo * (hi / lo) ** (k / GRID))));
}

/** A double drawn uniformly on [lo, hi] (grid of 10^4 points, unbiased). Shrinks towards lo. */
export function uniform(lo: number, hi: number): fc.Arbitrary<number> {
  if (!(hi >= lo)) throw new RangeError(`uniform needs lo <= hi (got ${lo}, ${hi})`);
  if (lo === hi) return fc.constant(lo);
  return fc.noBias(fc.integer({ min: 0, max: GRID })).map((k) => (k === GRID ? hi : Math.min(hi, lo + ((hi - lo) * k) / GRID)));
}

/** An integer drawn uniformly on [lo, hi] (unbiased). Shrinks towards lo. */
export function uniformInt(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: lo, max: Math.max(lo, hi) }));
}

/** A flip rate in [lo, hi] on a grid of 0.001, inside the bounds. */
function flipRate(lo: number, hi: number): fc.Arbitrary<number> {
  const a = Math.ceil(lo * 1000 - 1e-9), b = Math.floor(hi * 1000 + 1e-9);
  if (b < a) throw new RangeError(`empty flip-rate range [${lo}, ${hi}]`);
  return fc.noBias(fc.integer({ min: a, max: b })).map((k) => k / 1000);
}

const INSIDE = 0.01; // relative margin kept inside every drawn bound (rounding of derived keys)

/** The dimensionless description of a regime drawn inside the working region. */
function inRegionParams(r: Region): fc.Arbitrary<RegimeParams & { dPerN2: number }> {
  const lo = (v: number) => v * (1 + INSIDE), hi = (v: number) => v * (1 - INSIDE);
  return fc
    .record({
      n: uniformInt(r.nMin, r.nMax),
      dPerN2: uniform(lo(r.dPerN2Min), Math.max(lo(r.dPerN2Min), r.dPerN2Max)),
      m: uniformInt(r.mMin, r.mMax),
      kappa: logUniform(lo(r.kappaMin), hi(r.kappaMax)),
      nSnr2: logUniform(lo(r.nSnr2Min), hi(r.nSnr2Max)),
      s0: logUniform(Math.min(lo(r.s0Min), hi(r.s0Max)), hi(r.s0Max)),
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
    kappa: logUniform(0.01, 10),
    nSnr2: logUniform(0.02, 20),
    s0: logUniform(0.005, 2),
    p: flipRate(0, 0.45),
    q: fc.constantFrom(1, 3),
    noiseScale: logUniform(0.25, 4),
    dPerN2: logUniform(0.1, 4),
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
      dPerN2: logUniform(0.1, 4),
      m: fc.oneof(uniformInt(1, 5), uniformInt(6, 24)),
      kappa: logUniform(0.03, 10),
      nSnr2: logUniform(0.02, 20),
      s0: logUniform(0.005, 2),
      p: flipRate(0, 0.45),
      q: fc.oneof({ arbitrary: fc.constant(2), weight: 4 }, { arbitrary: fc.constantFrom(1, 3), weight: 1 }),
      noise: fc.oneof({ arbitrary: fc.constant('projected' as const), weight: 5 }, { arbitrary: fc.constant('isotropic' as const), weight: 1 }),
      sigmaP: logUniform(0.1, 2),
      seed: uniformInt(1, 1_000_000),
    })
    .map((x) => regimeFrom({ ...x, d: Math.max(2, Math.ceil(x.dPerN2 * x.n * x.n)), nTest: r.nTest }));
  return fc.oneof({ arbitrary: excursion, weight: 3 }, { arbitrary: wide, weight: 1 });
}

/** The paper-A regimes of a mode: inside the working region, or across and beyond it. */
export function paperARegimes(mode: Mode, r: Region): fc.Arbitrary<Regime> {
  return mode === 'in-regime' ? inRegionArbitrary(r) : robustnessArbitrary(r);
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

// successesNeeded, replicateVerdict and replicateMargin: the binomial rule shared with paper B (common.ts)
export { replicateMargin, replicateVerdict, successesNeeded } from './common';

/** The evaluation-point spacing of a run of `steps` steps with about `points` measurements. */
export function evalEveryFor(steps: number, points: number): number {
  return Math.max(1, Math.ceil(steps / Math.max(1, points)));
}

/**
 * Default working region of the A claims that train to T_GD / T_LN (each claim declares its own
 * copy as constants, so a profile can move one claim's region without touching the others).
 * Chosen by experiment (see the claim modules): inside it GD overfits and label-noise GD
 * generalizes within 16 T_LN; kappa >= 0.4 is needed for label-noise GD to learn the signal in
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
  regimes(mode, ctx) {
    return paperARegimes(mode, regionOf(ctx.constants));
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
 * The verdicts an A claim checks before training: `vacuous` (in-regime, outside the working
 * region), then `budget` when the run `plan` asks for (its `steps`, from the regime's configuration
 * and the claim's constants) exceeds min(profile maxSteps, the claim's `runStepCap`). Either that
 * early evaluation, or the constants, hypotheses, configuration and plan to train with.
 */
export function regionPreflight<P extends { steps: number }>(
  regime: Regime,
  ctx: EvalContext,
  plan: (base: TrainConfig, k: Constants) => P,
): { early: Evaluation } | RegionPreflight<P> {
  const k = ctx.constants;
  const hypotheses = report(regionClauses(regime, regionOf(k)));
  const vacuous = vacuousVerdict(hypotheses, ctx);
  if (vacuous) return { early: vacuous };
  const base = regimeConfig(regime);
  const p = plan(base, k);
  const budget = budgetVerdict(p.steps, capSettings(ctx, k.runStepCap), hypotheses);
  if (budget) return { early: budget };
  return { early: null, k, hypotheses, base, plan: p };
}

/** One seed's outcome of a claim that holds "with probability >= pClaim" (more fields are measurements). */
export interface SeedOutcome {
  seed: number;
  holds: boolean;
  margin: number;
}

/**
 * The regime's evaluation from the seeds' outcomes: the binomial rule (replicateVerdict) against
 * pClaim, the margin replicateMargin; measurements are `measurements`, then successes, trials,
 * pClaim, pValue, derived(base) and the seeds; the note "s/t seeds: <what>".
 */
export function seedsVerdict(
  perSeed: SeedOutcome[],
  pClaim: number,
  ctx: Pick<EvalContext, 'settings'>,
  r: { hypotheses: HypothesisReport; configs: Partial<TrainConfig>[]; base: TrainConfig; measurements: Record<string, unknown>; what: string },
): Evaluation {
  const successes = perSeed.filter((s) => s.holds).length;
  const { verdict, pValue } = replicateVerdict(successes, perSeed.length, pClaim, ctx.settings.alpha);
  return {
    verdict,
    margin: replicateMargin(perSeed.map((s) => s.margin), pClaim),
    measurements: { ...r.measurements, successes, trials: perSeed.length, pClaim, pValue, derived: derived(r.base), perSeed },
    hypotheses: r.hypotheses,
    configs: r.configs,
    note: `${successes}/${perSeed.length} seeds: ${r.what}`,
  };
}
