import { CT1_SPEC, timeT1 } from '../quantities';
import { equivalenceTest, jointEquivalence, pairedTTest, type EquivalenceResult, type EquivalenceVerdict } from '../../../src/stats';
import type { TrainConfig } from '../../../src/training/config';
import type { Measurement } from '../../../src/training/measure';
import type { TrainResult } from '../../../src/training/train';
import type { Part } from '../../../src/review/judge';

/**
 * Shared by the paper-B question rows that predict "the same outcomes" (rows 16, 17): the outcomes
 * of a fixed-flip GD run that paper B's theorems speak about, and an equivalence test of two groups
 * of runs on them. Each outcome's difference between the groups (per replicate seed: the groups'
 * runs on seed i form a pair, the pairs are independent) gets a t interval (pairedTTest) that must
 * lie inside a band +-levels[outcome] fixed before running (interval inclusion, src/stats/equivalence.ts):
 * every outcome inside -> agrees, one entirely outside -> disagrees, else inconclusive.
 */

export interface RunOutcomes {
  /** Theorem 4.1 at T1: share of the flipped training samples NOT classified by their true label (0 = stage 1 holds on them) */
  stage1NoisyError: number | null;
  /** Theorem 4.2 at the end: share of the flipped samples fitted to their wrong label (memorized) */
  memorized: number | null;
  /** clean test error at T1 (early stopping, Proposition 4.3(a)) */
  testErrorT1: number | null;
  /** clean test error at the end of the run */
  testError: number;
}

export const OUTCOME_NAMES: readonly (keyof RunOutcomes)[] = ['stage1NoisyError', 'memorized', 'testErrorT1', 'testError'];

/** T1 = cT1 n m/(eta sigma_p^2 d) in steps, with the B claims' constant cT1 (properties/B/quantities.ts). */
export function stepT1(c: TrainConfig): number {
  return timeT1(c, CT1_SPEC.default as number);
}

/** The measurement at the last evaluation at or before `step`. */
export function measurementAt(r: TrainResult, step: number): Measurement | null {
  let best: Measurement | null = null;
  for (const m of r.trajectory) if (m.step <= step) best = m;
  return best;
}

export function runOutcomes(r: TrainResult): RunOutcomes {
  const m1 = measurementAt(r, stepT1(r.config));
  const fin = r.final;
  return {
    stage1NoisyError: m1?.trainErrorNoisyTrue ?? null,
    memorized: fin.trainErrorNoisyObserved === null ? null : 1 - fin.trainErrorNoisyObserved,
    testErrorT1: m1?.testError ?? null,
    testError: fin.testError,
  };
}

export interface OutcomeTest {
  outcome: string;
  meanA: number;
  meanB: number;
  /** per-seed pairs used (seeds where both groups have the outcome) */
  pairs: number;
  equivalence: EquivalenceResult;
}

/**
 * Equivalence of group A and group B on every outcome with a band: the t interval of mean(A - B)
 * at `confidence`, inside +-band. `a[i]` and `b[i]` are the outcomes on seed i.
 */
export function outcomeEquivalence(
  a: readonly RunOutcomes[], b: readonly RunOutcomes[], bands: Partial<Record<keyof RunOutcomes, number>>, confidence: number,
): { verdict: EquivalenceVerdict; tests: OutcomeTest[] } {
  const tests: OutcomeTest[] = [];
  for (const k of OUTCOME_NAMES) {
    const band = bands[k];
    if (band === undefined) continue;
    const xa: number[] = [], xb: number[] = [];
    a.forEach((o, i) => {
      const u = o[k], v = b[i]?.[k];
      if (u !== null && u !== undefined && v !== null && v !== undefined) {
        xa.push(u);
        xb.push(v);
      }
    });
    const t = pairedTTest(xa, xb, 'two-sided', confidence);
    const ci: [number, number] = xa.length >= 2 ? t.ci : [-Infinity, Infinity];
    tests.push({ outcome: k, meanA: mean(xa), meanB: mean(xb), pairs: xa.length, equivalence: equivalenceTest(ci, 0, band) });
  }
  if (tests.length === 0) return { verdict: 'inconclusive', tests };
  return { verdict: jointEquivalence(tests.map((t) => t.equivalence)).verdict, tests };
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
}

/** The element-wise mean of two groups' outcomes (e.g. the two asymmetric flip settings pooled). */
export function averageOutcomes(a: readonly RunOutcomes[], b: readonly RunOutcomes[]): RunOutcomes[] {
  const avg = (u: number | null, v: number | null) => (u === null || v === null ? null : (u + v) / 2);
  return a.map((o, i) => ({
    stage1NoisyError: avg(o.stage1NoisyError, b[i].stage1NoisyError),
    memorized: avg(o.memorized, b[i].memorized),
    testErrorT1: avg(o.testErrorT1, b[i].testErrorT1),
    testError: (o.testError + b[i].testError) / 2,
  }));
}

/** An equivalence result as a judged part of a row (verdict from the interval test, not a seed rate). */
export function equivalencePart(name: string, said: string, eq: { verdict: EquivalenceVerdict; tests: OutcomeTest[] }, seeds: number, confidence: number): Part {
  const measured = eq.tests.map((t) => `${t.outcome} ${fmt(t.meanA)} vs ${fmt(t.meanB)}, diff CI [${fmt(t.equivalence.ci[0])}, ${fmt(t.equivalence.ci[1])}] in +-${t.equivalence.halfWidth}: ${t.equivalence.verdict}`).join('; ');
  const verdict = eq.verdict === 'holds' ? 'agrees' : eq.verdict === 'breaks' ? 'disagrees' : 'inconclusive';
  return {
    // holds/seeds count outcomes here (outcomes inside their band, of those tested), not seeds
    name, said, verdict, holds: eq.tests.filter((t) => t.equivalence.verdict === 'holds').length, seeds: eq.tests.length, ci: null, target: 1, confidence,
    measured: `${measured} (${seeds} seeds)`,
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}
