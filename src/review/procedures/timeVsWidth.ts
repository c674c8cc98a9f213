import { equivalenceHalfWidth, exponentNote, exponentVerdict, type ExponentVerdict, type SeedBlock } from '../../claims/kit/scaling';
import { resolveConfig, type TrainConfig } from '../../training/config';
import type { Measurement } from '../../training/measure';
import { level, setting } from '../common';
import { REVIEW_ALPHA } from '../judge';
import type { Procedure, ReviewVerdict } from '../types';
import { fullOrBase } from './patchCount';

/**
 * `time-vs-width` (row A-11, a reviewer's question): how long label-noise GD takes to generalize as
 * the width m grows. Both terms of T_LN = Theta(n m log(1/(sigma_0 sigma_p sqrt d))/(eta sigma_p^2 d)
 * + m log(6/(sigma_0 ||mu||))/(eta ||mu||^2)) (Theorem 3.2 [3.3]) are linear in m, so the time grows
 * like m^1. Measured: per seed and width, the first evaluation step at which the test error is
 * <= levels.testError; the log-log slope over widths is fitted with one intercept per seed
 * (src/claims/kit/scaling.ts blockedLogFit) and its bootstrap interval over seeds is tested against the
 * band 1 +- bandRel (the scaling claims' equivalence test, src/stats/equivalence.ts): inside ->
 * agrees, outside -> disagrees, straddling -> inconclusive. The step budget of width m is
 * stepsPerFilter x m (linear in m, as predicted); a run that never reaches the level enters the fit
 * censored at its budget (a lower bound on its time) and counts against: the row cannot agree then.
 */

/** The first evaluation step with test error <= level (null: never within the run). */
export function timeToLevel(trajectory: readonly Pick<Measurement, 'step' | 'testError'>[], lvl: number): number | null {
  const hit = trajectory.find((m) => m.step > 0 && m.testError <= lvl);
  return hit ? hit.step : null;
}

export interface TimeJudgement {
  verdict: ReviewVerdict;
  fit: ExponentVerdict | null;
  censored: number;
  reason: string;
}

/**
 * The verdict from per-seed times (null = not reached, entered at the budget `horizon(m)`): the
 * equivalence test of the fitted exponent, downgraded from agrees to inconclusive when a run was
 * censored (its true time is longer: it counts against the prediction).
 */
export function judgeTimes(
  widths: readonly number[], times: readonly { seed: number; t: (number | null)[] }[], horizon: (m: number) => number,
  o: { predicted: number; bandRel: number; alpha: number; bootSeed: number; resamples: number },
): TimeJudgement {
  let censored = 0;
  const blocks: SeedBlock[] = times.map(({ seed, t }) => ({
    seed,
    x: widths.map((m) => [m]),
    y: t.map((v, j) => {
      if (v !== null) return v;
      censored++;
      return horizon(widths[j]);
    }),
  }));
  const halfWidth = equivalenceHalfWidth(o.predicted, o.bandRel, o.bandRel);
  const fit = exponentVerdict(blocks, [{ name: 'm', predicted: o.predicted, halfWidth }], { alpha: o.alpha, seed: o.bootSeed, resamples: o.resamples });
  if (!fit) return { verdict: 'inconclusive', fit, censored, reason: 'the exponent could not be fitted (too few seeds or widths with a time)' };
  const base: ReviewVerdict = fit.verdict === 'holds' ? 'agrees' : fit.verdict === 'breaks' ? 'disagrees' : 'inconclusive';
  const verdict: ReviewVerdict = base === 'agrees' && censored > 0 ? 'inconclusive' : base;
  const reason = `equivalence test of the m-exponent: ${exponentNote(fit)}` +
    (censored > 0 ? `; ${censored} run(s) never reached the level within the budget (entered at the budget, a lower bound: counts against${base === 'agrees' ? ', so not agrees' : ''})` : '');
  return { verdict, fit, censored, reason };
}

export const timeVsWidth: Procedure = async (row, ctx) => {
  const widths = setting<number[]>(row, 'widths', [5, 10, 20, 40]);
  const perFilter = setting<number>(row, 'stepsPerFilter', 200);
  const evalPerFilter = setting<number>(row, 'evalEveryPerFilter', 1);
  const lvl = level(row, 'testError', 0.1);
  const base = fullOrBase(row, ctx);
  const horizon = (m: number) => Math.round(perFilter * m);
  const configs: TrainConfig[] = [];
  for (const seed of ctx.seeds) {
    for (const m of widths) configs.push(resolveConfig(base, { seed, m, algo: 'lngd', steps: horizon(m), evalEvery: Math.max(1, Math.round(evalPerFilter * m)) }));
  }
  ctx.note(`${configs.length} label-noise GD runs over m = ${widths.join(', ')}`);
  const results = await ctx.train(configs);
  const times = ctx.seeds.map((seed, i) => ({ seed, t: widths.map((_, j) => timeToLevel(results[i * widths.length + j].trajectory, lvl)) }));
  const j = judgeTimes(widths, times, horizon, {
    predicted: level(row, 'exponent', 1), bandRel: level(row, 'bandRel', 0.25), alpha: REVIEW_ALPHA,
    bootSeed: ctx.seeds[0] ?? 1, resamples: setting<number>(row, 'resamples', 2000),
  });
  const perWidth = widths.map((m, k) => {
    const ts = times.map((s) => s.t[k]);
    const got = ts.filter((v): v is number => v !== null);
    return { m, kappa: (base.eta * base.sigmaP ** 2 * base.d) / (base.n * m), budget: horizon(m), reached: got.length, seeds: ts.length, meanSteps: got.length ? got.reduce((a, b) => a + b, 0) / got.length : null, times: ts };
  });
  const line = perWidth.map((w) => `m=${w.m} (kappa ${w.kappa.toPrecision(2)}): ${w.meanSteps === null ? 'never' : `${w.meanSteps.toFixed(0)} steps`} (${w.reached}/${w.seeds} reached within ${w.budget})`).join(', ');
  const est = j.fit?.tests[0];
  return {
    verdict: j.verdict,
    measured: `time to test error <= ${lvl}: ${line}; m-exponent ${est ? `${est.estimate.toFixed(2)} [${est.ci[0].toFixed(2)}, ${est.ci[1].toFixed(2)}] vs band [${est.equivalence.band[0]}, ${est.equivalence.band[1]}]` : 'not fitted'}`,
    reason: `${j.reason}. Judged against: ${row.prediction}`,
    ...(j.verdict === 'inconclusive' ? { settle: j.censored > 0 ? 'a longer step budget (settings.stepsPerFilter) so every run reaches the level' : 'more seeds (a larger --budget) to narrow the bootstrap interval' } : {}),
    details: { perWidth, fit: j.fit, level: lvl, censored: j.censored },
  };
};
