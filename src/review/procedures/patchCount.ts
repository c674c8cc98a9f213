import { resolveConfig, type TrainConfig } from '../../training/config';
import { loadPreset } from '../../training/presets';
import { level, rowBase, setting } from '../common';
import { judgeRate } from '../judge';
import type { CatalogueRow, Procedure, RowContext } from '../types';
import { partsResult } from './compare';
import { beatsEverywhere, cellLine, cellRow, judgeCells, trainCells } from './cellsBeat';

/**
 * `patch-count` (row A-08, a reviewer's question): K patches per sample, one signal patch and K - 1
 * noise patches (spec/model.md "K patches"); does label-noise GD still beat GD? Judged as one part:
 * per seed, label-noise GD beats GD (paired McNemar on the shared test set) at every K > 2 of the
 * row; K = 2 (the papers' model) is trained alongside as the reference and reported.
 * Settings: `Ks` (default [2, 3, 4, 6]); `full` runs the row's `fullPreset` (paper-a-main) instead of
 * its reduced base (K > 2 runs are not batchable: ~10-20 s each at paper-a-main's size).
 * Levels: `minGap`, the improvement label-noise GD must show on a seed (default 0: significant).
 */

/** The base of the row: the reduced preset, or with --full the thread's setting. */
export function fullOrBase(row: CatalogueRow, ctx: Pick<RowContext, 'full'>): TrainConfig {
  const full = setting<string | undefined>(row, 'fullPreset', undefined);
  if (ctx.full && full) return resolveConfig(loadPreset(full).config, setting<Record<string, unknown>>(row, 'fullSet', {}));
  return rowBase(row);
}

export const patchCount: Procedure = async (row, ctx) => {
  const Ks = setting<number[]>(row, 'Ks', [2, 3, 4, 6]);
  const base = fullOrBase(row, ctx);
  const cells = judgeCells(await trainCells(ctx, base, Ks.map((K) => ({ label: `K=${K}`, set: { K } })), ctx.seeds), level(row, 'minGap', 0));
  const beyond = cells.filter((c) => (c.cell.set.K ?? 2) > 2);
  const reference = cells.filter((c) => (c.cell.set.K ?? 2) === 2);
  const part = judgeRate(
    'LNGD beats GD at every K > 2',
    row.prediction ?? row.expectation,
    beatsEverywhere(beyond),
    beyond.map(cellLine).join('; '),
  );
  const res = partsResult(row, [part], {
    base: { n: base.n, d: base.d, m: base.m, A: base.A, sigmaP: base.sigmaP, steps: base.steps },
    cells: cells.map(cellRow),
    reference: reference.map(cellLine),
  });
  return { ...res, measured: `${res.measured}${reference.length ? ` | reference ${reference.map(cellLine).join('; ')}` : ''}` };
};
