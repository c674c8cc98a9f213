import { meanRange, beats, judgeRate, meanOf } from '../judge';
import { level } from '../common';
import type { Procedure } from '../types';
import { partsResult } from './compare';
import { trainCells } from './cellsBeat';
import { fullOrBase } from './patchCount';

/**
 * `three-layer` (row A-12, the authors' appendix E.1): with a trained first layer (model
 * three-layer, src/model/threeLayer.ts), label-noise GD learns more signal and generalizes better
 * than GD. Two parts judged per seed over the replicate seeds (judge.ts, Bonferroni over 2):
 * - more signal: label-noise GD's first-layer signal projection at the end (max_k gamma_k, the
 *   trainer's maxGamma for this model) exceeds GD's by more than levels.signalRatio times;
 * - generalizes better: label-noise GD beats GD on the shared test set (paired McNemar, judge.ts `beats`).
 * Default budget: the preset at a reduced size (settings.set; the autodiff engine costs ~80 ms a
 * step at the paper's n 200, d 2000); --full: the preset as the paper states it.
 */
export const threeLayer: Procedure = async (row, ctx) => {
  const base = fullOrBase(row, ctx);
  const ratio = level(row, 'signalRatio', 1);
  const [cell] = await trainCells(ctx, base, [{ label: `three-layer n=${base.n} d=${base.d}`, set: {} }], ctx.seeds);
  const gSignal = cell.gd.map((r) => r.final.maxGamma);
  const lSignal = cell.lngd.map((r) => r.final.maxGamma);
  const parts = [
    judgeRate('more signal', 'label-noise GD learns more signal (first-layer signal projection)', lSignal.map((l, i) => l > ratio * gSignal[i]),
      `max first-layer signal projection LNGD ${meanRange(lSignal, 4)} vs GD ${meanRange(gSignal, 4)}`, { together: 2 }),
    judgeRate('generalizes better', 'label-noise GD has lower test error than GD', cell.lngd.map((l, i) => beats(l, cell.gd[i], level(row, 'minGap', 0))),
      `test error LNGD ${meanRange(cell.lngd.map((r) => r.final.testError))} vs GD ${meanRange(cell.gd.map((r) => r.final.testError))}`, { together: 2 }),
  ];
  return partsResult(row, parts, {
    base: { n: base.n, d: base.d, hidden: base.hidden, m: base.m, steps: base.steps, full: ctx.full },
    signal: { gd: meanOf(gSignal), lngd: meanOf(lSignal) },
    noise: { gd: meanOf(cell.gd.map((r) => r.final.maxRho)), lngd: meanOf(cell.lngd.map((r) => r.final.maxRho)) },
    trainLoss: { gd: meanOf(cell.gd.map((r) => r.final.trainLoss)), lngd: meanOf(cell.lngd.map((r) => r.final.trainLoss)) },
  });
};
