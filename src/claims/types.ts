import type * as fc from 'fast-check';
import type { EngineChoice, TrainConfig } from '../training/config';

/**
 * The claim module contract. A claim is data (id, source, statement, predicate) plus three
 * functions: `hypotheses` (the paper's conditions as a computable predicate, clause by clause),
 * `regimes` (fast-check arbitraries of regimes, per mode) and `evaluate` (train what the claim
 * needs and return a verdict with a numeric margin and the measurements behind it).
 */
export type Verdict = 'holds' | 'breaks' | 'inconclusive' | 'vacuous' | 'diverged' | 'budget';
export const VERDICTS: readonly Verdict[] = ['holds', 'breaks', 'inconclusive', 'vacuous', 'diverged', 'budget'];

/** in-regime: draw only inside the hypotheses (a break is a counterexample to the paper).
 *  robustness: draw across and beyond them (maps where the claim stops holding). */
export type Mode = 'in-regime' | 'robustness';
export const MODES: readonly Mode[] = ['in-regime', 'robustness'];

/** A regime: flat, JSON-able knobs (a subset of the training keys plus claim-specific ones). */
export type Regime = Record<string, number | string>;

export interface Clause {
  /** short id, e.g. "A.asm(i)" */
  id: string;
  /** the condition in words, e.g. "d >= C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2)" */
  text: string;
  holds: boolean;
  /** the two sides of an inequality, when the clause is one */
  lhs?: number;
  rhs?: number;
}

export interface HypothesisReport {
  holds: boolean;
  clauses: Clause[];
}

export interface ClaimSource {
  paper: 'A' | 'B' | 'C';
  /** the paper's result in its numbering(s), e.g. "Theorem 3.2 (ICLR'25) / Theorem 3.3 (NeurIPS'25)" */
  result: string;
  reference: string;
}

/** One declared constant of a claim: its default lives in the constants profile. */
export interface ConstantSpec {
  default: number;
  help: string;
  min?: number;
  max?: number;
  integer?: boolean;
}

export type Constants = Record<string, number>;

export interface ClaimContext {
  /** this claim's constants, resolved from the profile */
  constants: Constants;
  /** every claim's constants (a claim may use another's, e.g. the A claims use A.asm's region) */
  all: Record<string, Constants>;
  /** the engine-wide settings of the profile (replicates, alpha, maxSteps, ...) */
  settings: EngineSettings;
}

export interface EvalContext extends ClaimContext {
  engine: EngineChoice;
  mode: Mode;
}

export interface Evaluation {
  verdict: Verdict;
  /** signed distance to the predicate's threshold: > 0 on the holding side (null when undefined) */
  margin: number | null;
  /** the numbers behind the verdict (JSON-able) */
  measurements: Record<string, unknown>;
  hypotheses: HypothesisReport;
  /** the training configurations that were run, so a reader can rerun one with `claimcheck train` */
  configs?: Partial<TrainConfig>[];
  note?: string;
}

export interface Claim {
  id: string;
  title: string;
  source: ClaimSource;
  /** the claim in our words */
  statement: string;
  /** the measurable predicate, in words */
  predicate: string;
  /** 'regime': one regime -> one verdict; 'scaling': a regime is the base of a sweep whose exponent is fitted */
  kind: 'regime' | 'scaling';
  constants: Record<string, ConstantSpec>;
  hypotheses(regime: Regime, ctx: ClaimContext): HypothesisReport;
  regimes(mode: Mode, ctx: ClaimContext): fc.Arbitrary<Regime>;
  evaluate(regime: Regime, ctx: EvalContext): Promise<Evaluation>;
}

/** Engine-wide settings of a constants profile (fixtures/constants/*.json, "settings"). */
export interface EngineSettings {
  /** a claim holds when its hold rate is >= this and not significantly below it */
  holdRateTarget: number;
  /** significance level of every test (Holm-corrected across claims/cells where many are judged) */
  alpha: number;
  /** seeds per regime for probabilistic claims */
  replicates: number;
  /** steps a single training run may take; a claim needing more says `budget` */
  maxSteps: number;
  /** evaluations the shrinker may spend on one counterexample */
  shrinkBudget: number;
  /** breaking regimes shrunk per claim and mode */
  maxCounterexamples: number;
}
