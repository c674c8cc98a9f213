import { resolveConfig, type TrainConfig } from '../../training/config';
import type { TrainResult } from '../../training/train';
import { beats, meanRange } from '../judge';
import type { RowContext } from '../types';

/**
 * Shared by the question rows that ask "does label-noise GD still beat GD when X changes" (rows 8
 * and 9): GD and label-noise GD trained on the same seeds (same data, initialisation and test set
 * per seed) in every cell of a sweep, in one ctx.train call, and per seed whether label-noise GD
 * beats GD (paired McNemar on the shared test set, judge.ts `beats`) in every cell of a group.
 */

export interface Cell {
  label: string;
  /** overrides of the row's base configuration */
  set: Partial<TrainConfig>;
}

export interface CellRuns {
  cell: Cell;
  gd: TrainResult[];
  lngd: TrainResult[];
  /** per seed: label-noise GD beats GD at this cell (McNemar interval of err_GD - err_LNGD above minGap) */
  beats: boolean[];
}

export async function trainCells(ctx: RowContext, base: TrainConfig, cells: readonly Cell[], seeds: readonly number[]): Promise<CellRuns[]> {
  const configs: TrainConfig[] = [];
  for (const cell of cells) {
    for (const seed of seeds) {
      for (const algo of ['gd', 'lngd'] as const) configs.push(resolveConfig(base, cell.set as Record<string, unknown>, { seed, algo }));
    }
  }
  ctx.note(`${configs.length} runs over ${cells.length} cells`);
  const results = await ctx.train(configs, { perSample: true });
  return cells.map((cell, c) => {
    const gd: TrainResult[] = [], lngd: TrainResult[] = [];
    seeds.forEach((_, i) => {
      const k = (c * seeds.length + i) * 2;
      gd.push(results[k]);
      lngd.push(results[k + 1]);
    });
    return { cell, gd, lngd, beats: [] };
  });
}

/** Fill each cell's per-seed `beats` (label-noise GD over GD, improvement above minGap). */
export function judgeCells(cells: CellRuns[], minGap: number): CellRuns[] {
  for (const c of cells) c.beats = c.lngd.map((l, i) => beats(l, c.gd[i], minGap));
  return cells;
}

/** Per seed: label-noise GD beats GD in every one of the cells (a conjunction per seed). */
export function beatsEverywhere(cells: readonly CellRuns[]): boolean[] {
  if (cells.length === 0) return [];
  return cells[0].beats.map((_, i) => cells.every((c) => c.beats[i]));
}

/** One line per cell: test errors of GD and label-noise GD (mean and range over seeds), seeds won. */
export function cellLine(c: CellRuns): string {
  const won = c.beats.filter(Boolean).length;
  return `${c.cell.label}: GD err ${meanRange(c.gd.map((r) => r.final.testError))}, LNGD err ${meanRange(c.lngd.map((r) => r.final.testError))}, LNGD beats GD on ${won}/${c.beats.length} seeds`;
}

/** A cell as a table row for details. */
export function cellRow(c: CellRuns): Record<string, unknown> {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    cell: c.cell.label, ...c.cell.set,
    gdTestError: mean(c.gd.map((r) => r.final.testError)),
    lngdTestError: mean(c.lngd.map((r) => r.final.testError)),
    gdTrainLoss: mean(c.gd.map((r) => r.final.trainLoss)),
    lngdTrainLoss: mean(c.lngd.map((r) => r.final.trainLoss)),
    lngdBeatsGd: c.beats.filter(Boolean).length,
    seeds: c.beats.length,
    diverged: [...c.gd, ...c.lngd].filter((r) => r.final.diverged !== null).length,
  };
}
