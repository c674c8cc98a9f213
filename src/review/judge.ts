import { judgeHoldRate } from '../stats/holdRate';
import { discordant, pairedDifferenceBounds, pairedErrorDifference } from '../stats/pairedProportions';
import type { TrainResult } from '../training/train';
import type { ReviewVerdict } from './types';

/**
 * Pre-registered judging rules of the review rows (issue 9). Every rule is fixed before a run and
 * exact: a statement about a method ("GD reaches ~100%", "label-noise GD beats GD") is a per-seed
 * outcome (true/false), and the statement holds when it holds on more than a share `target` of
 * seeds (default 1/2: "typically"), judged by the Clopper-Pearson interval of that rate over the
 * replicate seeds (seeds are i.i.d.: data, initialisation and test set are drawn from them):
 *   agrees        lower bound >= target
 *   disagrees     upper bound <  target
 *   inconclusive  otherwise, with the number of further seeds that would settle it at the observed rate.
 * This is the claims' hold-rate rule (src/stats/holdRate.ts) with target 1/2. The parts of one row
 * are judged together (Bonferroni: each interval at confidence 1 - alpha/k) and combined by
 * `combineParts`. Levels such as "~100%" are numbers in the catalogue row (`levels`), labelled as
 * our reading of the thread's words, never tuned on results.
 */

/** Significance level of a row (split over its parts). */
export const REVIEW_ALPHA = 0.05;
/** A method "typically" does X when it does X on more than half the seeds. */
export const MAJORITY = 0.5;

export type PartVerdict = 'agrees' | 'disagrees' | 'inconclusive';

/** One judged part of a row: what was said (or predicted), the rule, what we measured. */
export interface Part {
  name: string;
  /** what the thread said (or the theory predicts) for this part */
  said: string;
  verdict: PartVerdict;
  /** seeds where the per-seed outcome held, of the decisive seeds */
  holds: number;
  seeds: number;
  /** Clopper-Pearson interval of the rate (at the row's Bonferroni confidence) */
  ci: [number, number] | null;
  target: number;
  confidence: number;
  /** the measurements behind it, one line */
  measured: string;
  /** inconclusive: further seeds that would settle it at the observed rate (null: the rate equals the target) */
  moreSeeds?: number | null;
}

/**
 * A statement judged on per-seed outcomes (null outcomes are not decisive and left out).
 * `together`: how many parts the row judges (Bonferroni).
 */
export function judgeRate(name: string, said: string, outcomes: readonly (boolean | null)[], measured: string, o: { together?: number; target?: number; alpha?: number } = {}): Part {
  const target = o.target ?? MAJORITY;
  const decisive = outcomes.filter((x): x is boolean => x !== null);
  const holds = decisive.filter(Boolean).length;
  const j = judgeHoldRate(holds, decisive.length, target, o.alpha ?? REVIEW_ALPHA, o.together ?? 1);
  const verdict: PartVerdict = j.verdict === 'holds' ? 'agrees' : j.verdict === 'breaks' ? 'disagrees' : 'inconclusive';
  return {
    name, said, verdict, holds, seeds: decisive.length, ci: j.ci, target, confidence: j.confidence,
    measured: `${measured}; ${holds}/${decisive.length} seeds`,
    ...(verdict === 'inconclusive' ? { moreSeeds: j.unitsToSettle } : {}),
  };
}

/**
 * The row's verdict from its parts: all agree -> agrees; all disagree -> disagrees; some agree and
 * some disagree -> partly (whatever the undecided parts say); otherwise (an undecided part and
 * decided parts on one side only) -> inconclusive, settled by the most seeds any open part needs.
 */
export function combineParts(parts: readonly Part[]): { verdict: ReviewVerdict; settle?: string } {
  if (parts.length === 0) return { verdict: 'inconclusive', settle: 'no part could be judged' };
  const has = (v: PartVerdict) => parts.some((p) => p.verdict === v);
  if (has('agrees') && has('disagrees')) return { verdict: 'partly' };
  if (parts.every((p) => p.verdict === 'agrees')) return { verdict: 'agrees' };
  if (parts.every((p) => p.verdict === 'disagrees')) return { verdict: 'disagrees' };
  const open = parts.filter((p) => p.verdict === 'inconclusive');
  const finite = open.filter((p) => typeof p.moreSeeds === 'number');
  const stuck = open.filter((p) => typeof p.moreSeeds !== 'number');
  const settle = [
    ...(finite.length ? [`about ${Math.max(...finite.map((p) => p.moreSeeds as number))} more seeds (a larger --budget) would settle ${finite.map((p) => p.name).join(', ')} at the observed rate`] : []),
    ...(stuck.length ? [`${stuck.map((p) => p.name).join(', ')}: the observed rate equals the target, so more seeds at this rate would not settle it`] : []),
  ].join('; ');
  return { verdict: 'inconclusive', settle };
}

/** The reason line of a row: each part's rule and verdict. */
export function partsReason(parts: readonly Part[]): string {
  return parts.map((p) => `${p.name}: ${p.verdict} (${p.holds}/${p.seeds} seeds; CP ${p.ci ? `[${p.ci[0].toFixed(2)}, ${p.ci[1].toFixed(2)}]` : 'n/a'} at ${(100 * p.confidence).toFixed(1)}% vs ${p.target})`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// Per-seed outcomes
// ---------------------------------------------------------------------------------------------

export function accuracyOf(r: TrainResult): number {
  return 1 - r.final.testError;
}

/** The run's test accuracy is at least `level`. */
export function accuracyAtLeast(r: TrainResult, level: number): boolean {
  return accuracyOf(r) >= level;
}

/** The run's test accuracy is at most `level`. */
export function accuracyAtMost(r: TrainResult, level: number): boolean {
  return accuracyOf(r) <= level;
}

export function diverged(r: TrainResult): boolean {
  return r.final.diverged !== null;
}

function wrongOf(r: TrainResult): readonly number[] {
  const w = r.final.perSample?.testWrong;
  if (!w) throw new Error('a paired comparison needs the runs\' misclassified test points (train with perSample)');
  return w;
}

/**
 * A beats B on one seed: on their shared test set, McNemar's exact interval (confidence `confidence`)
 * of err_B - err_A lies above `minGap` (A's improvement is significant and at least minGap).
 */
export function beats(a: TrainResult, b: TrainResult, minGap = 0, confidence = 1 - REVIEW_ALPHA): boolean {
  // a diverged run beats nothing (its errors at the stopping step are not a result)
  if (diverged(a)) return false;
  if (minGap === 0) return pairedErrorDifference(wrongOf(b), wrongOf(a), a.config.nTest, confidence).ci[0] > 0;
  return differenceBounds(b, a, confidence)[0] > minGap;
}

/** The unconditional interval of err_A - err_B on the shared test set (pairedDifferenceBounds). */
function differenceBounds(a: TrainResult, b: TrainResult, confidence: number): [number, number] {
  const { b: nb, c: nc } = discordant(wrongOf(a), wrongOf(b));
  return pairedDifferenceBounds(nb, nc, a.config.nTest, confidence);
}

/** A is at least as good as B on one seed: the upper bound of err_A - err_B is at most `margin` (non-inferiority). */
export function notWorse(a: TrainResult, b: TrainResult, margin: number, confidence = 1 - REVIEW_ALPHA): boolean {
  if (diverged(a)) return false;
  return differenceBounds(a, b, confidence)[1] <= margin;
}

/** A and B agree on one seed: the interval of err_A - err_B lies inside [-tol, tol] (equivalence on the shared test set). */
export function equivalent(a: TrainResult, b: TrainResult, tol: number, confidence = 1 - REVIEW_ALPHA): boolean {
  // two diverged runs are wrong everywhere alike: that is no evidence that they behave alike
  if (diverged(a) || diverged(b)) return false;
  const [lo, hi] = differenceBounds(a, b, confidence);
  return lo >= -tol && hi <= tol;
}

// ---------------------------------------------------------------------------------------------
// Summaries for the `measured` line
// ---------------------------------------------------------------------------------------------

export function meanOf(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** "0.962 (0.94-0.98)": the mean and range over seeds. */
export function meanRange(xs: readonly number[], digits = 3): string {
  if (xs.length === 0) return 'n/a';
  const f = (x: number) => x.toFixed(digits);
  return `${f(meanOf(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
}

/** Mean test accuracy and its range over the runs. */
export function accuracyText(label: string, runs: readonly TrainResult[]): string {
  return `${label} accuracy ${meanRange(runs.map(accuracyOf))}`;
}
