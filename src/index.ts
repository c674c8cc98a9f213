/**
 * claimcheck as a library: declare claims and papers of your own (defineClaim, definePaper), check
 * them (checkClaims, in this process or over worker processes), replay a result, train a setting,
 * and use the statistics and Morris helpers the claims use. Requiring the package registers the
 * built-in papers (properties/index.ts): with src/cli/main.ts, the only place in src/ that does.
 * The vitest helper is the ESM export `claimcheck/vitest` (src/vitest/index.mjs).
 */
import * as builtin from '../properties';
import { registerPapers } from './claims/registry';

registerPapers(builtin.PAPERS, { module: { file: builtin.MODULE_FILE, builtin: true } });

// declaring
export { defineClaim, definePaper, validateClaim } from './claims/paper';
export type { Paper, PaperAudits, PaperFigures, PhaseFigure, DynamicsFigures, ClaimDefinition } from './claims/paper';
export type {
  Claim, ClaimContext, ClaimSource, Clause, Constants, ConstantSpec, EngineSettings, EvalContext, Evaluation,
  HypothesisReport, PaperSetting, Regime, SeedStream, Tier, Unit, Verdict, CalibrationContext, CalibrationResult,
} from './claims/types';
export { TIERS, VERDICTS, DECISIVE } from './claims/types';

// the registry (built-in papers and loaded modules)
export { CLAIMS, PAPERS, findClaim, findPaper, loadClaimModule, registerClaims, registerPapers } from './claims/registry';
export type { ClaimModule } from './claims/registry';
/** The built-in papers A, B and C. */
export const builtinPapers = builtin.PAPERS;

// checking
export { checkClaims, replay, profileFor } from './api/check';
export type { CheckClaimsOptions, CheckResult, ReplayOptions } from './api/check';
export type { ClaimsInput } from './api/claims';
export type { ClaimSummary, Counterexample } from './engine/summary';
export type { EvalOutcome } from './engine/protocol';
export { loadProfile, InputError, SETTINGS_SPEC } from './claims/constants';
export type { ConstantsProfile } from './claims/constants';
export { replayCommand } from './engine/check';

// training
export { train } from './training/train';
export type { TrainOptions, TrainResult } from './training/train';
export { resolveConfig, snr } from './training/config';
export type { TrainConfig, EngineChoice, Algo } from './training/config';
export type { Measurement } from './training/measure';
export { loadPreset, presetNames } from './training/presets';

// statistics and sensitivity analysis
export * as stats from './stats';
export { morrisSample, morrisAnalyze, validateMorrisProblem } from './analysis/morris';
export type { MorrisFactor, MorrisProblem, MorrisSample, MorrisResult, MorrisFactorResult } from './analysis/morris';

// the vitest helper's judgement (claimcheck/vitest uses it), and fast-check and seeded random
// streams for writing regimes and evaluations (the same fast-check instance the engine draws with)
export { claimTestOutcome, summaryText } from './vitest/outcome';
export type { ClaimTestOutcome } from './vitest/outcome';
export { default as fc } from 'fast-check';
export { stream as randomStream } from './util/rng';
export type { Rng } from './util/rng';
