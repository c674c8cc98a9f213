import { resolveConfig } from '../../../src/training/config';
import { level, rowBase, setting } from '../../../src/review/common';
import { combineParts, REVIEW_ALPHA } from '../../../src/review/judge';
import type { Procedure } from '../../../src/review/types';
import { averageOutcomes, equivalencePart, outcomeEquivalence, runOutcomes, type RunOutcomes } from './outcomeEquivalence';

/**
 * `asymmetric-flips` (row B-17, a question): tau_+ != tau_-. Two parts, each an equivalence test of
 * paper B's outcomes (outcomeEquivalence.ts) within pre-registered bands:
 * - swap: (tau_+, tau_-) vs (tau_-, tau_+) on the same seeds. The model is symmetric under
 *   y -> -y (mu -> -mu with the filters of j = +1 and j = -1 exchanged) and y is uniform, so
 *   swapping the rates gives the same outcome distribution exactly;
 * - overall rate: the symmetric setting with the same overall rate, (tau, tau) with
 *   tau = (tau_+ + tau_-)/2, vs the two asymmetric settings pooled (the reviews' reading that the
 *   rates enter only through the overall rate; no theorem states this for tau_+ != tau_-).
 */
export const asymmetricFlips: Procedure = async (row, ctx) => {
  const base = rowBase(row);
  const [tp, tm] = setting<[number, number]>(row, 'rates', [0.1, 0.3]);
  const overall = (tp + tm) / 2;
  const settings: [number, number][] = [[tp, tm], [tm, tp], [overall, overall]];
  const configs = ctx.seeds.flatMap((seed) => settings.map(([tauPlus, tauMinus]) => resolveConfig(base, { seed, tauPlus, tauMinus })));
  ctx.note(`${configs.length} runs`);
  const results = await ctx.train(configs);
  const group = (k: number): RunOutcomes[] => ctx.seeds.map((_, i) => runOutcomes(results[i * settings.length + k]));
  const [ab, ba, sym] = [group(0), group(1), group(2)];
  const confidence = 1 - REVIEW_ALPHA / 2;
  const bands = {
    stage1NoisyError: level(row, 'bandStage1', 0.1), memorized: level(row, 'bandMemorized', 0.1),
    testErrorT1: level(row, 'bandTestError', 0.02), testError: level(row, 'bandTestError', 0.02),
  };
  const label = (s: [number, number]) => `(${s[0]}, ${s[1]})`;
  const swap = equivalencePart(`swap: ${label(settings[0])} vs ${label(settings[1])}`, 'swapping tau_+ and tau_- gives the same outcomes (label symmetry)',
    outcomeEquivalence(ab, ba, bands, confidence), ctx.seeds.length, confidence);
  const rate = equivalencePart(`overall rate: ${label(settings[2])} vs the asymmetric pair pooled`, 'the outcomes track the overall flip rate',
    outcomeEquivalence(sym, averageOutcomes(ab, ba), bands, confidence), ctx.seeds.length, confidence);
  const parts = [swap, rate];
  const { verdict } = combineParts(parts);
  return {
    verdict,
    measured: parts.map((p) => `${p.name}: ${p.measured}`).join(' | '),
    reason: `${parts.map((p) => `${p.name}: ${p.verdict}`).join('; ')} (each outcome's ${(confidence * 100).toFixed(1)}% t interval of the difference over seeds inside its band). Judged against: ${row.prediction}`,
    ...(verdict === 'inconclusive' ? { settle: 'more seeds (a larger --budget) to narrow the intervals of the outcome differences' } : {}),
    details: { settings, outcomes: { [label(settings[0])]: ab, [label(settings[1])]: ba, [label(settings[2])]: sym }, parts },
  };
};
