import type { TopLevelSpec } from 'vega-lite';
import { barChartSpec, heatmapSpec } from '../report/figureSpecs';
import type { ReviewFigure, RowResult } from './types';

/**
 * Vega-Lite specs of the review rows' figures (pure builders, rendered by src/report/figures.ts).
 * Data fields by kind (one tidy row per plotted point):
 *   lr-map           { method, eta, divergedFraction, accuracy (null: every seed diverged), lo, hi, seeds }
 *   accuracy-by-eta  { method, eta, accuracy, lo, hi }         (lo, hi: the range over seeds)
 *   grid             { x, y, value, label? } with the figure's xLabel, yLabel, colorLabel
 *   bars             { label, value, lo, hi }
 */

const WIDTH = 520;
const HEIGHT = 220;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Row 3: the fraction of seeds whose training diverged (top) and the accuracy of the others (bottom), over eta, per method. */
export function lrMapSpec(fig: ReviewFigure): TopLevelSpec {
  const rows = fig.data.map((d) => ({ method: String(d.method), eta: num(d.eta), diverged: num(d.divergedFraction), accuracy: num(d.accuracy), lo: num(d.lo), hi: num(d.hi) }));
  if (rows.some((r) => r.eta === null || r.eta <= 0)) throw new RangeError('lr-map: every point needs a positive eta');
  const etas = rows.map((r) => r.eta as number);
  // both panels over the grid's own range (a log scale would otherwise round each panel out differently)
  const x = { field: 'eta', type: 'quantitative' as const, title: 'learning rate eta (log scale)', scale: { type: 'log' as const, domain: [Math.min(...etas), Math.max(...etas)], nice: false } };
  const color = { field: 'method', type: 'nominal' as const, title: 'method' };
  return {
    title: fig.title,
    data: { values: rows },
    vconcat: [
      {
        width: WIDTH, height: HEIGHT * 0.6,
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: { x, y: { field: 'diverged', type: 'quantitative', title: 'fraction of seeds diverged', scale: { domain: [0, 1] } }, color },
      },
      {
        width: WIDTH, height: HEIGHT,
        layer: [
          {
            transform: [{ filter: 'isValid(datum.accuracy)' }],
            mark: { type: 'line', point: true, strokeWidth: 2 },
            encoding: { x, y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (runs that did not diverge)', scale: { domain: [0.4, 1] } }, color },
          },
          {
            transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
            mark: { type: 'errorbar', ticks: true },
            encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'test accuracy (runs that did not diverge)' }, y2: { field: 'hi' }, color },
          },
        ],
      },
    ],
  };
}

/** Row 5: mean test accuracy per method over eta, with the range over seeds. */
export function accuracyByEtaSpec(fig: ReviewFigure): TopLevelSpec {
  const rows = fig.data.map((d) => ({ method: String(d.method), eta: num(d.eta), accuracy: num(d.accuracy), lo: num(d.lo), hi: num(d.hi) }));
  if (rows.some((r) => r.eta === null || r.eta <= 0)) throw new RangeError('accuracy-by-eta: every point needs a positive eta');
  const x = { field: 'eta', type: 'quantitative' as const, title: 'learning rate eta (log scale)', scale: { type: 'log' as const } };
  const color = { field: 'method', type: 'nominal' as const, title: 'method' };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy (mean over seeds; bars: range)', scale: { domain: [0.4, 1] } };
  return {
    title: fig.title, width: WIDTH, height: HEIGHT + 80,
    data: { values: rows },
    layer: [
      { transform: [{ filter: 'isValid(datum.accuracy)' }], mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y, color } },
      { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
    ],
  };
}

/** Row 13: a heatmap of the grid's values (e.g. LNGD minus GD accuracy over normalization x sigma_p). */
export function gridSpec(fig: ReviewFigure): TopLevelSpec {
  const cells = fig.data.map((d) => {
    const x = num(d.x), y = num(d.y);
    if (x === null || y === null) throw new RangeError('grid: every cell needs numeric x and y');
    return { x, y, value: num(d.value), ...(typeof d.label === 'string' ? { label: d.label } : {}) };
  });
  return heatmapSpec({ title: fig.title, xLabel: fig.xLabel ?? 'x', yLabel: fig.yLabel ?? 'y', colorLabel: fig.colorLabel ?? 'value', cells });
}

/** Row 14: mean test accuracy per run, with the range over seeds. */
export function barsSpec(fig: ReviewFigure): TopLevelSpec {
  return barChartSpec({
    title: fig.title, xLabel: 'run', yLabel: 'test accuracy (mean over seeds; bars: range)',
    bars: fig.data.map((d) => ({ label: String(d.label), value: num(d.value) ?? NaN, ...(num(d.lo) !== null && num(d.hi) !== null ? { lo: num(d.lo)!, hi: num(d.hi)! } : {}) })),
  });
}

export function reviewFigureSpec(fig: ReviewFigure): TopLevelSpec {
  switch (fig.kind) {
    case 'lr-map': return lrMapSpec(fig);
    case 'accuracy-by-eta': return accuracyByEtaSpec(fig);
    case 'grid': return gridSpec(fig);
    case 'bars': return barsSpec(fig);
  }
}

/**
 * Render every row's figure to <dir>/<id>.svg and .png. A figure whose data cannot be drawn is
 * skipped with its reason (the others are still written).
 */
export async function writeReviewFigures(dir: string, rows: readonly RowResult[]): Promise<{ files: string[]; skipped: string[] }> {
  const { writeFigure } = await import('../report/figures');
  const files: string[] = [];
  const skipped: string[] = [];
  for (const r of rows) {
    if (!r.figure) continue;
    const name = r.figure.id.replace(/[^A-Za-z0-9_-]+/g, '-');
    let spec: TopLevelSpec;
    try {
      spec = reviewFigureSpec(r.figure);
    } catch (e) {
      skipped.push(`row ${r.row}: ${(e as Error).message}`);
      continue;
    }
    const paths = await writeFigure(dir, name, spec);
    files.push(paths.svg, paths.png);
  }
  return { files, skipped };
}
