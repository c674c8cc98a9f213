import { pairedProportions, discordant } from '../../stats';
import { resolveConfig, normalizationOf, type TrainConfig } from '../../training/config';
import type { TrainResult } from '../../training/train';
import { level, rowBase, setting } from '../common';
import { combineParts, REVIEW_ALPHA, type Part } from '../judge';
import type { Procedure, ReviewFigure } from '../types';

/**
 * `mnist-grid` (row A-13, the authors' appendix E.2): on MNIST 0 vs 1 with a Gaussian noise patch
 * (preset paper-a-mnist), label-noise GD generalizes better than GD, and it wins in every cell of
 * normalization 60..140 x sigma_p 4..8. A cell is judged by pooling its seeds' shared test sets:
 * McNemar's exact interval of err_GD - err_LNGD (src/stats/pairedProportions.ts) over all their test
 * points (the points are disjoint draws), 'wins' above 0, 'loses' below 0, else 'undecided'.
 * Parts: (main) the preset's cell wins; (grid) every cell of the grid wins (any losing cell:
 * disagrees). Intervals are Bonferroni-corrected over the cells judged.
 * Steps: the paper's 200,000 steps cost ~7 min a run here (gram engine, ~2 ms a step), so the
 * default budget runs `steps` x budget and checks the main cell's verdict at steps/4, steps/2 and
 * steps (separate runs, prefixes of the same trajectory): if it changes, the row cannot agree or
 * disagree and says so. The grid runs from budget `gridBudget` (`grid`, 3 x 3) and with --full
 * (`fullGrid`, 5 x 5, at `fullSteps` = 200,000).
 */

export type CellVerdict = 'wins' | 'loses' | 'undecided';

export interface CellJudgement {
  normalization: number;
  sigmaP: number;
  gdError: number;
  lngdError: number;
  /** err_GD - err_LNGD pooled over the seeds' test points */
  difference: number;
  ci: [number, number];
  verdict: CellVerdict;
}

/** Pool the seeds' discordant test points of GD and label-noise GD and judge the cell. */
export function judgeCell(gd: readonly TrainResult[], lngd: readonly TrainResult[], confidence: number): Omit<CellJudgement, 'normalization' | 'sigmaP'> {
  let b = 0, c = 0, N = 0, gErr = 0, lErr = 0;
  gd.forEach((g, i) => {
    const l = lngd[i];
    const dc = discordant(g.final.perSample?.testWrong ?? [], l.final.perSample?.testWrong ?? []);
    b += dc.b;
    c += dc.c;
    N += g.config.nTest;
    gErr += g.final.testError * g.config.nTest;
    lErr += l.final.testError * l.config.nTest;
  });
  const p = pairedProportions(b, c, N, confidence);
  const verdict: CellVerdict = p.ci[0] > 0 ? 'wins' : p.ci[1] < 0 ? 'loses' : 'undecided';
  return { gdError: gErr / N, lngdError: lErr / N, difference: p.difference, ci: p.ci, verdict };
}

/** A grid part from its cells: every cell wins -> agrees, a cell loses -> disagrees, else inconclusive. */
export function gridVerdict(cells: readonly Pick<CellJudgement, 'verdict'>[]): 'agrees' | 'disagrees' | 'inconclusive' {
  if (cells.length > 0 && cells.every((c) => c.verdict === 'wins')) return 'agrees';
  if (cells.some((c) => c.verdict === 'loses')) return 'disagrees';
  return 'inconclusive';
}

const partOf = (name: string, said: string, verdict: Part['verdict'], cells: readonly CellJudgement[], confidence: number, measured: string): Part => ({
  name, said, verdict, holds: cells.filter((c) => c.verdict === 'wins').length, seeds: cells.length, ci: null, target: 1, confidence, measured,
});

const cellText = (c: CellJudgement) => `norm ${c.normalization}, sigma_p ${c.sigmaP}: GD ${c.gdError.toFixed(3)} vs LNGD ${c.lngdError.toFixed(3)}, diff [${c.ci[0].toFixed(3)}, ${c.ci[1].toFixed(3)}] ${c.verdict}`;

export const mnistGrid: Procedure = async (row, ctx) => {
  const base0 = rowBase(row);
  const steps = ctx.full ? setting<number>(row, 'fullSteps', 200000) : Math.max(4, Math.round(setting<number>(row, 'steps', 4000) * ctx.budget));
  const grid = ctx.full ? setting(row, 'fullGrid', { normalization: [60, 80, 100, 120, 140], sigmaP: [4, 5, 6, 7, 8] })
    : setting(row, 'grid', { normalization: [60, 100, 140], sigmaP: [4, 6, 8] });
  const checks = [Math.round(steps / 4), Math.round(steps / 2), steps];
  // Below gridBudget the grid is a screen at steps/4 (the main cell's first check, so the main
  // cell's run is shared); it decides only where the main cell is settled at the full count.
  const gridFull = ctx.full || ctx.budget >= setting<number>(row, 'gridBudget', 4);
  const gridSteps = gridFull ? steps : checks[0];
  const main = { normalization: normalizationOf(base0), sigmaP: base0.sigmaP };
  const cells = grid ? grid.normalization.flatMap((normalization) => grid.sigmaP.map((sigmaP) => ({ normalization, sigmaP }))) : [];
  const configs: TrainConfig[] = [];
  const slot: { cell: { normalization: number; sigmaP: number }; steps: number }[] = [];
  const add = (cell: { normalization: number; sigmaP: number }, s: number) => {
    for (const seed of ctx.seeds) for (const algo of ['gd', 'lngd'] as const) {
      configs.push(resolveConfig(base0, { ...cell, seed, algo, steps: s, evalEvery: Math.max(1, Math.round(s / 4)) }));
    }
    slot.push({ cell, steps: s });
  };
  for (const s of checks) add(main, s);
  for (const c of cells) if (!(c.normalization === main.normalization && c.sigmaP === main.sigmaP)) add(c, gridSteps);
  ctx.note(`${configs.length} MNIST runs at up to ${steps} steps`);
  const results = await ctx.train(configs, { perSample: true });
  const k = ctx.seeds.length * 2;
  const judged = slot.map((s, j) => {
    const rs = results.slice(j * k, (j + 1) * k);
    return { ...s, rs };
  });
  const isMain = (c: { normalization: number; sigmaP: number }) => c.normalization === main.normalization && c.sigmaP === main.sigmaP;
  const cellCount = 1 + cells.filter((c) => !isMain(c)).length;
  const confidence = 1 - REVIEW_ALPHA / (2 * cellCount);
  const judge = (rs: TrainResult[], cell: { normalization: number; sigmaP: number }): CellJudgement =>
    ({ ...cell, ...judgeCell(rs.filter((_, i) => i % 2 === 0), rs.filter((_, i) => i % 2 === 1), confidence) });
  const gdLoss = (rs: TrainResult[]) => rs.filter((_, i) => i % 2 === 0).reduce((a, r) => a + r.final.trainLoss, 0) / ctx.seeds.length;
  const stepCheck = judged.filter((j) => j.cell === main).map((j) => ({ steps: j.steps, gdTrainLoss: gdLoss(j.rs), ...judge(j.rs, main) }));
  const mainCell = stepCheck[stepCheck.length - 1];
  // fewer steps than the paper's count only when the verdict no longer changes with the steps AND
  // training has reached the state the paper compares (GD has fit its training set)
  const fitLoss = level(row, 'gdFitLoss', 0.1);
  const plateau = level(row, 'plateau', 0.01);
  const fitted = stepCheck[stepCheck.length - 1].gdTrainLoss <= fitLoss;
  const half = stepCheck[stepCheck.length - 2] ?? mainCell;
  const flat = Math.abs(mainCell.gdError - half.gdError) <= plateau && Math.abs(mainCell.lngdError - half.lngdError) <= plateau;
  const sameVerdict = stepCheck.every((s) => s.verdict === mainCell.verdict);
  const stable = ctx.full || (fitted && flat && sameVerdict);
  const why = ctx.full ? 'the paper\'s step count' : stable ? 'stable' : [!sameVerdict && 'the verdict changes with the steps', !fitted && `GD has not fit its training set (loss > ${fitLoss})`, !flat && `a test error still moves by more than ${plateau} from ${half.steps} to ${mainCell.steps} steps`].filter(Boolean).join('; ');
  const mainAtGrid = stepCheck.find((x) => x.steps === gridSteps) ?? mainCell;
  const gridCells = cells.map((c) => (isMain(c) ? mainAtGrid : judge(judged.find((j) => j.cell === c)!.rs, c)));
  const gridScreen = gridSteps < steps;
  const mainVerdict: Part['verdict'] = !stable ? 'inconclusive' : mainCell.verdict === 'wins' ? 'agrees' : mainCell.verdict === 'loses' ? 'disagrees' : 'inconclusive';
  const parts: Part[] = [partOf('main cell', 'label-noise GD generalizes better than GD (normalization 80, sigma_p 5)', mainVerdict, [mainCell], confidence,
    `${cellText(mainCell)}; verdict at ${stepCheck.map((s) => `${s.steps} steps: ${s.verdict} (GD train loss ${s.gdTrainLoss.toFixed(3)})`).join(', ')} (${stable ? why : `not settled: ${why}`})`)];
  // a screen at fewer steps than the main cell's count decides nothing while the main cell is unsettled
  const gridPartVerdict = gridScreen && !stable ? 'inconclusive' : gridVerdict(gridCells);
  parts.push(partOf('every cell', 'label-noise GD wins in every cell of normalization x sigma_p', gridPartVerdict, gridCells, confidence,
    `${gridScreen ? `screen at ${gridSteps} steps${stable ? '' : ' (not judged: the main cell is not settled)'}: ` : ''}${gridCells.filter((c) => c.verdict === 'wins').length}/${gridCells.length} cells win: ${gridCells.map(cellText).join('; ')}`));
  const { verdict } = combineParts(parts);
  const settle = verdict !== 'inconclusive' ? undefined
    : !stable ? `the main cell at ${checks.join(', ')} steps is not settled (${why}): run more steps (--full: 200,000 steps, 5 x 5 grid, ~7 min a run)`
    : gridScreen ? `the grid at the main cell's step count: --budget ${setting<number>(row, 'gridBudget', 4)} (3 x 3 at ${setting<number>(row, 'steps', 4000)} x budget steps) or --full (5 x 5 at 200,000 steps)`
    : 'more seeds or steps (--full) to decide the undecided cells';
  const figure: ReviewFigure = {
    id: 'review-a13-mnist-grid', title: `Row A-13: MNIST, GD minus label-noise GD test error by normalization and sigma_p (${gridSteps} steps${ctx.full ? '' : ', the paper ran 200,000'})`, kind: 'grid',
    xLabel: 'normalization (pixels / this)', yLabel: 'sigma_p', colorLabel: 'err_GD - err_LNGD',
    data: gridCells.map((c) => ({
      x: c.normalization, y: c.sigmaP, value: c.difference, label: c.verdict,
      normalization: c.normalization, sigmaP: c.sigmaP, gd: c.gdError, lngd: c.lngdError, difference: c.difference, verdict: c.verdict,
    })),
  };
  return {
    verdict,
    measured: parts.map((p) => `${p.name}: ${p.measured}`).join(' | '),
    reason: `${parts.map((p) => `${p.name}: ${p.verdict}`).join('; ')} (a cell wins when McNemar's exact ${(confidence * 100).toFixed(2)}% interval of err_GD - err_LNGD, pooled over ${ctx.seeds.length} seeds' test points, lies above 0; ${steps} steps${ctx.full ? '' : ', fewer than the paper\'s 200,000'})`,
    ...(settle ? { settle } : {}),
    details: { steps, stepCheck, stable, grid: gridCells, parts },
    figure,
  };
};
