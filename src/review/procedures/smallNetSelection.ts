import { clopperPearson } from '../../stats';
import { trainSmallNet, type SmallNetEvaluation, type SmallNetOptions } from '../../training/smallNet';
import { level, setting } from '../common';
import { judgeRate, meanRange, REVIEW_ALPHA } from '../judge';
import type { Procedure } from '../types';
import { partsResult } from './compare';

/**
 * `small-net-selection` (row B-19, paper B's practical claims, an MNIST analogue of its CIFAR-10
 * experiment): a small network (src/training/smallNet.ts, in process) on digits 0/1 with symmetric
 * fixed flips. Two parts, judged per seed (judge.ts, Bonferroni over 2):
 * (a) small-loss selection: at the first evaluation where the mean training loss is <= log 2
 *     (pre-registered, training data only), "loss < log 2 => clean" has precision >= levels.precision
 *     and recall >= levels.recall;
 * (b) early stopping beats training to convergence: the stopping evaluation is the one with the
 *     lowest error on a held-out validation split, and its error on the scoring split is below the
 *     final evaluation's (by more than levels.minGap). The test set of a run with nTest = nVal + nScore
 *     starts with the test set of the same seed's run with nTest = nVal (the MNIST split draws test
 *     samples in order: src/data/mnistSource.ts), and the training is the same (checked), so the
 *     two runs give the error on the validation part and on the scoring part, which never picks.
 */

export interface Selection {
  step: number;
  precision: number | null;
  recall: number | null;
  selected: number;
  selectedClean: number;
  clean: number;
}

/** Precision and recall of "loss < log 2 => clean" at one evaluation. */
export function log2Selection(e: Pick<SmallNetEvaluation, 'step' | 'perSampleLoss' | 'flipped'>): Selection {
  let selected = 0, selectedClean = 0, clean = 0;
  e.perSampleLoss.forEach((l, i) => {
    const isClean = e.flipped[i] === 0;
    if (isClean) clean++;
    if (l < Math.LN2) {
      selected++;
      if (isClean) selectedClean++;
    }
  });
  return { step: e.step, precision: selected ? selectedClean / selected : null, recall: clean ? selectedClean / clean : null, selected, selectedClean, clean };
}

/** The first evaluation (after step 0) with mean training loss <= log 2 (null: never). */
export function selectionPoint<T extends Pick<SmallNetEvaluation, 'step' | 'trainLoss'>>(traj: readonly T[]): T | null {
  return traj.find((e) => e.step > 0 && e.trainLoss <= Math.LN2) ?? null;
}

/**
 * Early stopping on a validation split: val[k] and score[k] are the errors at evaluation k; the
 * stopping evaluation is the first argmin of val; returns its scored error and the final one.
 */
export function earlyStop(val: readonly number[], score: readonly number[]): { k: number; stopped: number; final: number } {
  let k = 0;
  val.forEach((v, i) => {
    if (v < val[k]) k = i;
  });
  return { k, stopped: score[k], final: score[score.length - 1] };
}

/** Scoring-part errors from the errors of the nVal-prefix run and of the nVal + nScore run. */
export function scoringErrors(valErr: readonly number[], allErr: readonly number[], nVal: number, nScore: number): number[] {
  return allErr.map((e, k) => Math.max(0, Math.round(e * (nVal + nScore)) - Math.round(valErr[k] * nVal)) / nScore);
}

export const smallNetSelection: Procedure = async (row, ctx) => {
  const nVal = setting<number>(row, 'nVal', 200);
  const nScore = setting<number>(row, 'nScore', 600);
  const opts = setting<Partial<SmallNetOptions>>(row, 'net', {});
  const n = setting<number>(row, 'n', 300);
  const tau = setting<number>(row, 'tau', 0.2);
  const pLevel = level(row, 'precision', 0.95);
  const rLevel = level(row, 'recall', 0.9);
  const minGap = level(row, 'minGap', 0);
  const perSeed: { seed: number; sel: Selection | null; stop: ReturnType<typeof earlyStop>; stopStep: number; finalStep: number }[] = [];
  // the selection rule over time (claims.md B.log2: report it over time, not only at one point): per step, summed over seeds
  const overTime = new Map<number, { selected: number; selectedClean: number; clean: number }>();
  for (const seed of ctx.seeds) {
    ctx.note(`small network, seed ${seed}`);
    const valRun = await trainSmallNet({ ...opts, n, tau, seed, nTest: nVal });
    const allRun = await trainSmallNet({ ...opts, n, tau, seed, nTest: nVal + nScore });
    const a = valRun.trajectory, b = allRun.trajectory;
    if (a.length !== b.length || a.some((e, k) => e.step !== b[k].step || e.trainLoss !== b[k].trainLoss)) {
      throw new Error(`seed ${seed}: the validation run and the scoring run trained differently; the validation split cannot be derived`);
    }
    const score = scoringErrors(a.map((e) => e.testError), b.map((e) => e.testError), nVal, nScore);
    const stop = earlyStop(a.map((e) => e.testError), score);
    for (const e of b) {
      const x = log2Selection(e);
      const acc = overTime.get(e.step) ?? { selected: 0, selectedClean: 0, clean: 0 };
      overTime.set(e.step, { selected: acc.selected + x.selected, selectedClean: acc.selectedClean + x.selectedClean, clean: acc.clean + x.clean });
    }
    const at = selectionPoint(b);
    perSeed.push({ seed, sel: at ? log2Selection(at) : null, stop, stopStep: b[stop.k].step, finalStep: b[b.length - 1].step });
  }
  const sels = perSeed.map((s) => s.sel);
  const pooled = sels.reduce((acc, s) => (s ? { sel: acc.sel + s.selected, selClean: acc.selClean + s.selectedClean, clean: acc.clean + s.clean } : acc), { sel: 0, selClean: 0, clean: 0 });
  const conf = 1 - REVIEW_ALPHA / 2;
  const pCi = clopperPearson(pooled.selClean, pooled.sel, conf), rCi = clopperPearson(pooled.selClean, pooled.clean, conf);
  const parts = [
    judgeRate('small-loss selection', `at the first evaluation with mean training loss <= log 2, "loss < log 2 => clean" has precision >= ${pLevel} and recall >= ${rLevel}`,
      sels.map((s) => (s === null || s.precision === null || s.recall === null ? false : s.precision >= pLevel && s.recall >= rLevel)),
      `precision ${meanRange(sels.map((s) => s?.precision ?? 0))}, recall ${meanRange(sels.map((s) => s?.recall ?? 0))} at steps ${sels.map((s) => s?.step ?? 'never').join('/')} (pooled CP: precision [${pCi.lo.toFixed(3)}, ${pCi.hi.toFixed(3)}], recall [${rCi.lo.toFixed(3)}, ${rCi.hi.toFixed(3)}])`,
      { together: 2 }),
    judgeRate('early stopping beats convergence', 'the test error at the validation-chosen stopping point is below the error at the end of training',
      perSeed.map((s) => s.stop.final - s.stop.stopped > minGap),
      `scored test error early-stopped ${meanRange(perSeed.map((s) => s.stop.stopped))} (steps ${perSeed.map((s) => s.stopStep).join('/')}) vs final ${meanRange(perSeed.map((s) => s.stop.final))} (step ${perSeed[0]?.finalStep})`,
      { together: 2 }),
  ];
  const curve = [...overTime.entries()].map(([step, x]) => ({ step, precision: x.selected ? x.selectedClean / x.selected : null, recall: x.clean ? x.selectedClean / x.clean : null }));
  return partsResult(row, parts, { n, tau, nVal, nScore, net: opts, perSeed, selectionOverTime: curve });
};
