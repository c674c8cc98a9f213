import { resolveConfig, type TrainConfig } from '../../../src/training/config';
import type { TrainResult } from '../../../src/training/train';
import { level, rowBase, setting } from '../../../src/review/common';
import { judgeRate } from '../../../src/review/judge';
import type { Procedure } from '../../../src/review/types';
import { partsResult } from '../../../src/review/procedures/compare';
import { measurementAt, stepT1 } from './outcomeEquivalence';

/**
 * `noise-vs-signal` (row B-18, a question): is a higher flip rate tau compensated by a higher
 * signal n SNR^2? Grid tau x n SNR^2 (n SNR^2 set through ||mu|| = A = sqrt(n SNR^2 sigma_p^2 d / n)),
 * GD with fixed flips trained to T1 = 0.3 n m/(eta sigma_p^2 d) (early stopping, paper B's stage 1;
 * T1 does not depend on A or tau). Per cell and seed, stage 1 holds when every clean training
 * sample is fitted and every flipped one is classified by its true label (Theorem 4.1's conclusion,
 * what early stopping keeps). Per seed, sMin(tau) is the smallest grid n SNR^2 where it holds. Parts:
 * - compensation: every tau of the grid has an sMin and sMin does not decrease with tau;
 * - rate: sMin(tau) (1 - 2 tau) is constant within one grid step (factor `gridFactor`) across tau
 *   (our derivation: a flipped sample's noise coefficient races the signal, whose initial growth
 *   relative to it is ~ n SNR^2 (1 - 2 tau)/2, fixtures/presets/paper-b.json notes).
 */

export interface Grid {
  taus: number[];
  snrs: number[];
  /** holds[t][s]: stage 1 holds at taus[t], snrs[s] (one seed) */
  holds: boolean[][];
}

/** Smallest n SNR^2 of the grid where stage 1 holds, per tau (null: nowhere on the grid). */
export function thresholds(g: Grid): (number | null)[] {
  return g.taus.map((_, t) => {
    const s = g.holds[t].findIndex(Boolean);
    return s < 0 ? null : g.snrs[s];
  });
}

/** Higher noise is compensated by a higher signal on this seed: every tau has a threshold, non-decreasing in tau. */
export function compensated(g: Grid): boolean {
  const th = thresholds(g);
  if (th.some((x) => x === null)) return false;
  const order = g.taus.map((tau, i) => ({ tau, th: th[i] as number })).sort((a, b) => a.tau - b.tau);
  return order.every((o, i) => i === 0 || o.th >= order[i - 1].th);
}

/** The thresholds follow n SNR^2 (1 - 2 tau) = const within a factor `factor` (null: some tau has no threshold). */
export function followsRate(g: Grid, factor: number): boolean | null {
  const th = thresholds(g);
  if (th.some((x) => x === null)) return null;
  const v = th.map((s, i) => Math.log((s as number) * (1 - 2 * g.taus[i])));
  return Math.max(...v) - Math.min(...v) <= Math.log(factor) + 1e-12;
}

/** Theorem 4.1's conclusion at T1 on one run: clean samples fitted, flipped ones classified by their true label. */
export function stage1Holds(r: TrainResult): boolean {
  const m = measurementAt(r, stepT1(r.config));
  if (!m) return false;
  return (m.trainErrorClean ?? 0) === 0 && (m.trainErrorNoisyTrue ?? 0) === 0;
}

export const noiseVsSignal: Procedure = async (row, ctx) => {
  const base = rowBase(row);
  const taus = setting<number[]>(row, 'taus', [0.1, 0.2, 0.3, 0.4]);
  const snrs = setting<number[]>(row, 'nSnr2', [1, 2, 4, 8, 16, 32]);
  const factor = level(row, 'gridFactor', 2);
  const T1 = stepT1(base);
  const aOf = (s: number) => Number(Math.sqrt((s * base.sigmaP * base.sigmaP * base.d) / base.n).toPrecision(6));
  const configs: TrainConfig[] = [];
  for (const seed of ctx.seeds) for (const tau of taus) for (const s of snrs) {
    configs.push(resolveConfig(base, { seed, tauPlus: tau, tauMinus: tau, A: aOf(s), steps: T1, evalEvery: T1 }));
  }
  ctx.note(`${configs.length} runs to T1 = ${T1} steps`);
  const results = await ctx.train(configs);
  const idx = (i: number, t: number, s: number) => (i * taus.length + t) * snrs.length + s;
  const grids: Grid[] = ctx.seeds.map((_, i) => ({ taus, snrs, holds: taus.map((_, t) => snrs.map((_, s) => stage1Holds(results[idx(i, t, s)]))) }));
  const th = grids.map(thresholds);
  const thText = taus.map((tau, t) => `tau ${tau}: ${th.map((x) => x[t] ?? 'none').join('/')}`).join('; ');
  const parts = [
    judgeRate('compensation', 'for every tau some n SNR^2 restores stage 1, at a threshold that does not decrease with tau', grids.map(compensated), `per-seed thresholds n SNR^2 ${thText}`, { together: 2 }),
    judgeRate('rate', `the threshold follows n SNR^2 (1 - 2 tau) = const within a factor ${factor} (one grid step)`, grids.map((g) => followsRate(g, factor)), `threshold x (1 - 2 tau) per tau: ${taus.map((tau, t) => (th.map((x) => x[t]).filter((x): x is number => x !== null).map((x) => x * (1 - 2 * tau)).reduce((a, b, _, arr) => a + b / arr.length, 0)).toFixed(2)).join(', ')}`, { together: 2 }),
  ];
  const cells = taus.flatMap((tau, t) => snrs.map((s, k) => {
    const rs = ctx.seeds.map((_, i) => results[idx(i, t, k)]);
    const at = rs.map((r) => measurementAt(r, T1));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      tau, nSnr2: s, A: aOf(s), stage1Holds: rs.filter(stage1Holds).length, seeds: rs.length,
      noisyTrueError: mean(at.map((m) => m?.trainErrorNoisyTrue ?? 0)), testErrorT1: mean(at.map((m) => m?.testError ?? NaN)),
    };
  }));
  return partsResult(row, parts, { T1, cells, thresholds: th });
};
