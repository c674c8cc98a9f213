import { literalEvaluation } from './assumptions';
import { paperARegimes } from './generators';
import { derived } from './quantities';
import { atLeast, atMost, report } from '../../src/claims/kit/clauses';
import { regimeConfig } from '../../src/claims/kit/training';
import { capSettings, preflight } from '../../src/claims/kit/preflight';
import type { Claim, Clause, Constants, ConstantSpec, EvalContext, Evaluation, HypothesisReport, Regime } from '../../src/claims/types';
import type { TrainConfig } from '../../src/training/config';

/**
 * Paper A's working region (our choice; the literal Assumption 3.1 is unaffordable, see A.asm): its
 * constants with their provenance, its clauses, the default region, and the scaffolding of a claim
 * checked in it (hypotheses, regimes, the preflight before training).
 */

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
    atMost('A.work(i)', 'n SNR^2 <= nSnr2Max (low SNR)', q.nSnr2, r.nSnr2Max),
    atLeast('A.work(i.snr)', 'n SNR^2 >= nSnr2Min', q.nSnr2, r.nSnr2Min),
    atLeast('A.work(i.d)', 'd >= dPerN2Min n^2', c.d, r.dPerN2Min * c.n * c.n),
    atLeast('A.work(ii.m)', 'm >= mMin', c.m, r.mMin),
    atLeast('A.work(ii.n)', 'n >= nMin', c.n, r.nMin),
    atMost('A.work(iii)', 'eta sigma_p^2 d / (n m) <= kappaMax', q.kappa, r.kappaMax),
    atLeast('A.work(iii.lo)', 'eta sigma_p^2 d / (n m) >= kappaMin', q.kappa, r.kappaMin),
    atMost('A.work(iv)', 'sigma_0 sigma_p sqrt(d) <= s0Max', q.s0, r.s0Max),
    atLeast('A.work(v.lo)', 'p >= pMin', c.p, r.pMin),
    atMost('A.work(v)', 'p <= pMax', c.p, r.pMax),
  ];
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
  const k = ctx.constants;
  // a named setting (paper tier, or a robustness regime from a preset) runs at the preset's own length
  const paper = ctx.tier === 'paper' || typeof regime.preset === 'string';
  let base: TrainConfig | undefined, p: P | undefined;
  const pre = preflight(ctx, {
    literal: () => literalEvaluation(ctx, claimId),
    hypotheses: () => report(regionClauses(regime, regionOf(k))),
    steps: () => {
      base = regimeConfig(regime);
      p = plan(base, k, paper);
      return p.steps;
    },
    settings: paper ? ctx : capSettings(ctx, k.runStepCap),
  });
  if (pre.early) return { early: pre.early };
  return { early: null, k, hypotheses: pre.hypotheses, base: base!, plan: p! };
}
