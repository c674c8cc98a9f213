import { makeDataset, type Dataset, type Samples } from '../../../src/data/signalNoise';
import { resolveConfig, type TrainConfig } from '../../../src/training/config';
import type { Measurement } from '../../../src/training/measure';
import { train } from '../../../src/training/train';
import { level, rowBase, setting } from '../../../src/review/common';
import { combineParts, REVIEW_ALPHA, type Part } from '../../../src/review/judge';
import type { Procedure } from '../../../src/review/types';
import { equivalencePart, outcomeEquivalence, runOutcomes } from './outcomeEquivalence';

/**
 * `patch-position` (row B-16, a question): the signal patch first (paper B) vs at a random position
 * (paper A). f sums sigma(<w, x_p>) over the patches with shared filters, so it is invariant to the
 * order of the patches: on the same samples the whole training run is the same, exactly. Two parts:
 * - same samples: the samples of a `random` data set, trained as drawn and with every signal patch
 *   moved first; the trajectories must agree to float tolerance (levels.exactTolerance) on the
 *   first `exactSeeds` seeds (an exact statement: agrees when every seed agrees, else disagrees);
 * - same distribution: `first` and `random` runs on the replicate seeds (their data differ: the
 *   position draw consumes the label stream), equivalence of the paper-B outcomes (stage 1 at T1,
 *   memorization at the end, test errors) within pre-registered bands (levels.band*).
 */

/** The same samples with every signal patch placed first (the noise patches and labels unchanged). */
export function signalFirst(data: Dataset): Dataset {
  const first = (s: Samples): Samples => ({ ...s, signalFirst: new Uint8Array(s.count).fill(1) });
  return { ...data, train: first(data.train), test: first(data.test) };
}

/** Largest absolute difference between two trajectories over the measured quantities (Infinity if their steps differ). */
export function trajectoryGap(a: readonly Measurement[], b: readonly Measurement[]): number {
  if (a.length !== b.length) return Infinity;
  const keys: (keyof Measurement)[] = ['trainLoss', 'testError', 'trainErrorNoisyTrue', 'maxGamma', 'maxRho'];
  let gap = 0;
  a.forEach((m, i) => {
    if (m.step !== b[i].step) gap = Infinity;
    for (const k of keys) {
      const u = m[k] as number | null, v = b[i][k] as number | null;
      if (u === null && v === null) continue;
      if (u === null || v === null) gap = Infinity;
      else gap = Math.max(gap, Math.abs(u - v));
    }
  });
  return gap;
}

/** Train one seed both ways on the same samples (in process: ctx.train cannot share a data set across configs that differ). */
export async function samePairGap(c: TrainConfig): Promise<number> {
  const random = resolveConfig(c, { signalPatch: 'random' });
  const data = makeDataset(random);
  const a = await train(random, { data, engine: 'coefficient' });
  const b = await train(resolveConfig(c, { signalPatch: 'first' }), { data: signalFirst(data), engine: 'coefficient' });
  return trajectoryGap(a.trajectory, b.trajectory);
}

export const patchPosition: Procedure = async (row, ctx) => {
  const base = rowBase(row);
  const tol = level(row, 'exactTolerance', 1e-9);
  const exactSeeds = ctx.seeds.slice(0, setting<number>(row, 'exactSeeds', 2));
  const exactSteps = setting<number>(row, 'exactSteps', 400);
  ctx.note(`same samples, ${exactSeeds.length} seeds`);
  const gaps: number[] = [];
  for (const seed of exactSeeds) gaps.push(await samePairGap(resolveConfig(base, { seed, steps: exactSteps })));
  const same = gaps.filter((g) => g <= tol).length;
  const exact: Part = {
    name: 'same samples: identical runs', said: 'f is invariant to the patch order: identical outcomes on the same samples',
    verdict: same === gaps.length && gaps.length > 0 ? 'agrees' : 'disagrees', holds: same, seeds: gaps.length, ci: null, target: 1, confidence: 1,
    measured: `largest trajectory difference ${Math.max(...gaps).toExponential(2)} (tolerance ${tol}) over ${exactSteps} steps; ${same}/${gaps.length} seeds identical`,
  };

  const configs = ctx.seeds.flatMap((seed) => (['first', 'random'] as const).map((signalPatch) => resolveConfig(base, { seed, signalPatch })));
  ctx.note(`${configs.length} runs, first vs random`);
  const results = await ctx.train(configs);
  const first = ctx.seeds.map((_, i) => runOutcomes(results[2 * i]));
  const random = ctx.seeds.map((_, i) => runOutcomes(results[2 * i + 1]));
  const confidence = 1 - REVIEW_ALPHA / 2;
  const bands = {
    stage1NoisyError: level(row, 'bandStage1', 0.1), memorized: level(row, 'bandMemorized', 0.1),
    testErrorT1: level(row, 'bandTestError', 0.02), testError: level(row, 'bandTestError', 0.02),
  };
  const eq = outcomeEquivalence(first, random, bands, confidence);
  const dist = equivalencePart('same distribution: first vs random', 'the outcome distributions are the same', eq, ctx.seeds.length, confidence);
  const parts = [exact, dist];
  const { verdict } = combineParts(parts);
  return {
    verdict,
    measured: parts.map((p) => `${p.name}: ${p.measured}`).join(' | '),
    reason: `${exact.name}: ${exact.verdict} (exact: every seed identical to ${tol}); ${dist.name}: ${dist.verdict} (each outcome's ${(confidence * 100).toFixed(1)}% t interval of first - random inside its band). Judged against: ${row.prediction}`,
    ...(verdict === 'inconclusive' ? { settle: 'more seeds (a larger --budget) to narrow the intervals of the outcome differences' } : {}),
    details: { gaps, outcomes: { first, random }, tests: eq.tests, parts },
  };
};
