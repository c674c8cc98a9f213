import type * as fc from 'fast-check';
import type { EngineChoice, TrainConfig } from '../training/config';

/**
 * The claim module contract. A claim is data (id, source, statement, predicate) plus three
 * functions: `hypotheses` (the paper's conditions as a computable predicate, clause by clause),
 * `regimes` (fast-check arbitraries of regimes, per mode) and `evaluate` (train what the claim
 * needs and return a verdict with a numeric margin and the measurements behind it).
 */
/**
 * Verdicts of one evaluated unit (spec/claims.md): `holds`, `breaks`, `inconclusive` (statistics
 * cannot decide at the budget), `vacuous` (hypotheses not met), `vacuous-bound` (the claimed bound
 * is at or above 0.25 or chance level: meeting it shows nothing), `not-reached` (the claim's event
 * did not happen within k times its predicted time: counts AGAINST the claim), `diverged`,
 * `budget` (our own step cap ran out: says how many steps were needed), `infeasible` (the literal
 * hypotheses cannot be met at an affordable size), `error` (the evaluation failed; retried on resume).
 */
export type Verdict =
  | 'holds' | 'breaks' | 'inconclusive' | 'vacuous' | 'vacuous-bound' | 'not-reached'
  | 'diverged' | 'budget' | 'infeasible' | 'error';
export const VERDICTS: readonly Verdict[] = [
  'holds', 'breaks', 'not-reached', 'inconclusive', 'vacuous', 'vacuous-bound', 'diverged', 'budget', 'infeasible', 'error',
];
/** The verdicts that count in a hold rate: holds / (holds + breaks + not-reached). */
export const DECISIVE: readonly Verdict[] = ['holds', 'breaks', 'not-reached'];

/**
 * Where a claim is evaluated (spec/claims.md, "Tiers"), reported separately and never merged:
 * - literal: the paper's hypotheses with the profile's explicit constants (`infeasible` where they
 *   cannot be met at an affordable size);
 * - paper: the settings where the papers and their review threads say the claim was observed
 *   (named presets), over replicate seeds;
 * - working: a region the suite chose (every bound declares its provenance); never "the paper's hypotheses";
 * - robustness: across and beyond the hypotheses.
 */
export type Tier = 'literal' | 'paper' | 'working' | 'robustness';
export const TIERS: readonly Tier[] = ['literal', 'paper', 'working', 'robustness'];

/** Which seed stream a regime's training seeds come from: verdicts are scored only on `score`. */
export type SeedStream = 'score' | 'calibrate';

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
  /** the id of the paper (definePaper) the claim belongs to, e.g. 'A' */
  paper: string;
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
  /**
   * Where the value comes from: `paper` (a constant or bound the paper states: cite it in
   * `source`) or `chosen` (ours: say why in `source`). Required of every working-region bound.
   */
  provenance?: 'paper' | 'chosen';
  /** the clause it reads (provenance paper) or the reason it was chosen (provenance chosen) */
  source?: string;
  /** chosen by looking at results: fitted on the calibration seed stream only (`claimcheck calibrate`) */
  calibrated?: boolean;
  /** a bound of the claim's working region (listed with the region in reports and `list --json`) */
  region?: boolean;
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
  tier: Tier;
  /** the seed stream of this evaluation (default score); calibration runs use `calibrate` */
  stream?: SeedStream;
}

/**
 * One unit of evidence: a (regime, seed) pair where a claim is per seed. No decisive unit drops
 * out: a regime whose seeds disagree contributes each seed's verdict.
 */
export interface Unit {
  seed: number;
  verdict: Verdict;
  /** signed distance to the predicate's threshold: > 0 on the holding side */
  margin: number | null;
  note?: string;
  /** joint claims (A.chain, B.chain): the verdict of each link on this unit, by the link's claim id */
  links?: Record<string, { verdict: Verdict; margin: number | null; note?: string }>;
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
  /**
   * The units of this evaluation, one per replicate seed where the claim is per seed. Absent: the
   * regime is one unit with the evaluation's verdict (a deterministic or a per-regime claim).
   */
  units?: Unit[];
}

/** A setting of the `paper` tier: a named preset where the paper or its review thread says the claim was observed. */
export interface PaperSetting {
  /** the preset's name (e.g. paper-a-main, properties/A/presets/paper-a-main.json) */
  preset: string;
  /** the regime it gives (training keys; seed is replaced by the replicate seeds drawn for each unit) */
  regime: Regime;
  /** where the paper or the thread reports it, e.g. "Figure 1; authors' code eta = 1.0" */
  source: string;
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
  /** the tiers this claim is evaluated in (`list --json` shows them) */
  tiers: readonly Tier[];
  /** joint claims only: the ids of the single claims whose predicates are its links, in chain order */
  links?: readonly string[];
  /** derived claims (B.log2): the claim it is implied by; reported as derived, not independent evidence */
  derivedFrom?: string;
  hypotheses(regime: Regime, ctx: ClaimContext): HypothesisReport;
  /** regimes of the literal, working and robustness tiers (the paper tier comes from `paperSettings`) */
  regimes(tier: Tier, ctx: ClaimContext): fc.Arbitrary<Regime>;
  /** the paper tier: named settings (empty or absent: the tier says it has none, and why in `paperNote`) */
  paperSettings?(ctx: ClaimContext): PaperSetting[];
  /** why the paper tier is empty or what it covers (e.g. "paper B's synthetic settings were not recoverable") */
  paperNote?: string;
  /**
   * Named robustness regimes (e.g. a reviewer's counterexample from the review thread, shared with
   * `claimcheck review`): run i < S of the robustness tier is setting i (seed drawn at path i, run
   * at the preset's own length, never shrunk); later runs are drawn by `regimes('robustness')`.
   */
  robustnessSettings?(ctx: ClaimContext): PaperSetting[];
  evaluate(regime: Regime, ctx: EvalContext): Promise<Evaluation>;
  /**
   * Re-derive the claim's `calibrated` constants on the calibration seed stream (never the scoring
   * one): returns the new values. `claimcheck calibrate <id>` writes them into a profile.
   */
  calibrate?(c: CalibrationContext): Promise<CalibrationResult>;
}

/** What `calibrate` gets: the claim's context, and regimes whose seeds come from the calibration stream. */
export interface CalibrationContext extends ClaimContext {
  engine: EngineChoice;
  /**
   * `count` working-tier regimes with calibration-stream seeds (deterministic for `fcSeed`); with
   * `constants`, drawn from the region those constants give (e.g. one bound relaxed: calibration.ts)
   */
  regimes(count: number, constants?: Constants): Regime[];
  /** evaluate a regime on the calibration stream (ctx.stream = 'calibrate') with the given constants */
  evaluate(regime: Regime, constants?: Constants): Promise<Evaluation>;
  /** report progress (done units of total) */
  progress?(done: number, total: number, what: string): void;
  /** how much to calibrate on (a multiplier of the claim's own default) */
  budget: number;
}

export interface CalibrationResult {
  /** the re-derived calibrated constants */
  constants: Constants;
  /** how each was derived (shown in the report and the written profile) */
  method: Record<string, string>;
  /** the calibration seeds used (all in the calibration stream) */
  seeds: number[];
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
