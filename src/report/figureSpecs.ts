import type { TopLevelSpec } from 'vega-lite';

/**
 * Pure builders of Vega-Lite specs for report figures. Every spec has a title, titled axes and, when
 * colour or shape encodes something, a legend. Fonts, sizes and the background are applied at render
 * time (see figures.ts), so these specs carry only content.
 */

const WIDTH = 520;
const HEIGHT = 320;
/** Above this many distinct grid values an axis gets automatic ticks instead of one per value. */
const MAX_EXPLICIT_TICKS = 12;

export interface XY {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  points: XY[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Legend title; by default the legend has none. */
  legendTitle?: string;
  logX?: boolean;
  logY?: boolean;
}

/**
 * Lines of y against x, one colour per series (legend in series order), e.g. training loss vs step.
 * Points that cannot be drawn (non-finite, or ≤ 0 on a log axis) are left out.
 */
export function lineChartSpec(opts: LineChartOptions): TopLevelSpec {
  const rows = opts.series.flatMap((s) =>
    s.points
      .filter((p) => drawable(p.x, opts.logX) && drawable(p.y, opts.logY))
      .map((p) => ({ series: s.name, x: p.x, y: p.y })),
  );
  return {
    title: opts.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xLabel, scale: continuousScale(opts.logX) },
      y: { field: 'y', type: 'quantitative', title: opts.yLabel, scale: continuousScale(opts.logY) },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: opts.series.map((s) => s.name) },
        legend: { title: opts.legendTitle ?? null, symbolType: 'stroke', symbolStrokeWidth: 3 },
      },
    },
  };
}

export interface HeatmapCell {
  x: number;
  y: number;
  /** null (or non-finite) is drawn grey and listed as "no data" in the legend. */
  value: number | null;
  /** Text printed in the cell. */
  label?: string;
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Title of the colour legend, e.g. "test error". */
  colorLabel: string;
  cells: HeatmapCell[];
  xLog?: boolean;
  yLog?: boolean;
  /** Colour scale [min, max]; values outside are clamped. Defaults to the extent of the values ([0, 1] if none). */
  colorDomain?: [number, number];
}

const NO_DATA = 'no data';
const NO_DATA_COLOR = '#c8c8c8';

/**
 * A phase diagram over a (possibly irregular) grid of numeric x and y: each cell spans halfway to
 * its neighbours (in log space on a log axis), coloured by value with the viridis scheme.
 */
export function heatmapSpec(opts: HeatmapOptions): TopLevelSpec {
  if (opts.cells.length === 0) throw new RangeError('heatmapSpec: no cells');
  const xEdges = cellEdges(opts.cells.map((c) => c.x), opts.xLog, 'x');
  const yEdges = cellEdges(opts.cells.map((c) => c.y), opts.yLog, 'y');
  const finite = opts.cells.flatMap((c) => (c.value !== null && Number.isFinite(c.value) ? [c.value] : []));
  const [lo, hi] = opts.colorDomain ?? (finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  const rows = opts.cells.map((c) => {
    const [x0, x1] = edgesOf(xEdges, c.x);
    const [y0, y1] = edgesOf(yEdges, c.y);
    const value = c.value !== null && Number.isFinite(c.value) ? c.value : null;
    // Viridis is dark at the low end: white text there, black text on the light high end and on grey.
    const t = value === null || hi === lo ? 1 : (value - lo) / (hi - lo);
    return {
      x0, x1, y0, y1,
      xc: centre(x0, x1, opts.xLog),
      yc: centre(y0, y1, opts.yLog),
      value,
      status: value === null ? NO_DATA : 'ok',
      label: c.label ?? '',
      textColor: t < 0.5 ? 'white' : 'black',
    };
  });
  const x = gridAxis('x0', opts.xLabel, xEdges, opts.xLog);
  const y = gridAxis('y0', opts.yLabel, yEdges, opts.yLog);
  const hasNoData = rows.some((r) => r.status === NO_DATA);
  const hasLabels = rows.some((r) => r.label !== '');
  return {
    title: opts.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.status === 'ok'" }],
        mark: { type: 'rect' },
        encoding: {
          x, x2: { field: 'x1' }, y, y2: { field: 'y1' },
          color: {
            field: 'value',
            type: 'quantitative',
            title: opts.colorLabel,
            scale: { scheme: 'viridis', domain: [lo, hi], clamp: true },
          },
        },
      },
      ...(hasNoData
        ? [{
            transform: [{ filter: `datum.status === '${NO_DATA}'` }],
            mark: { type: 'rect' as const },
            encoding: {
              x, x2: { field: 'x1' }, y, y2: { field: 'y1' },
              color: {
                field: 'status',
                type: 'nominal' as const,
                scale: { domain: [NO_DATA], range: [NO_DATA_COLOR] },
                legend: { title: null },
              },
            },
          }]
        : []),
      ...(hasLabels
        ? [{
            mark: { type: 'text' as const, fontSize: 11 },
            encoding: {
              x: { field: 'xc', type: 'quantitative' as const },
              y: { field: 'yc', type: 'quantitative' as const },
              text: { field: 'label' },
              color: { field: 'textColor', type: 'nominal' as const, scale: null },
            },
          }]
        : []),
    ],
    resolve: { scale: { color: 'independent' } },
    config: { axis: { grid: false } },
  };
}

export type { Verdict } from '../claims/types';
import type { Verdict } from '../claims/types';

/** Fixed colour and shape per verdict, in legend order. */
export const VERDICT_STYLE: Record<Verdict, { color: string; shape: string }> = {
  holds: { color: '#2ca02c', shape: 'circle' },
  breaks: { color: '#d62728', shape: 'cross' },
  inconclusive: { color: '#8c8c8c', shape: 'diamond' },
  vacuous: { color: '#9ecae1', shape: 'square' },
  diverged: { color: '#000000', shape: 'triangle-up' },
  budget: { color: '#ff7f0e', shape: 'triangle-down' },
  'not-reached': { color: '#8b0000', shape: 'triangle-right' },
  'vacuous-bound': { color: '#c6dbef', shape: 'triangle-left' },
  infeasible: { color: '#6a51a3', shape: 'square' },
  error: { color: '#e377c2', shape: 'diamond' },
};

export interface VerdictPoint {
  x: number;
  y: number;
  verdict: Verdict;
}

export interface VerdictMapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  points: VerdictPoint[];
  xLog?: boolean;
  yLog?: boolean;
}

/** Where a claim holds or breaks over two axes: one marker per point, fixed colour and shape per verdict. */
export function verdictMapSpec(opts: VerdictMapOptions): TopLevelSpec {
  const present = (Object.keys(VERDICT_STYLE) as Verdict[]).filter((v) => opts.points.some((p) => p.verdict === v));
  const legend = { title: 'Verdict' };
  return {
    title: opts.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: opts.points.map((p) => ({ x: p.x, y: p.y, verdict: p.verdict })) },
    mark: { type: 'point', filled: true, size: 140, opacity: 1, stroke: '#333333', strokeWidth: 0.7 },
    encoding: {
      x: pointAxis('x', opts.xLabel, opts.points.map((p) => p.x), opts.xLog),
      y: pointAxis('y', opts.yLabel, opts.points.map((p) => p.y), opts.yLog),
      color: {
        field: 'verdict',
        type: 'nominal',
        scale: { domain: present, range: present.map((v) => VERDICT_STYLE[v].color) },
        legend,
      },
      shape: {
        field: 'verdict',
        type: 'nominal',
        scale: { domain: present, range: present.map((v) => VERDICT_STYLE[v].shape) },
        legend,
      },
    },
  };
}

export interface Bar {
  label: string;
  value: number;
  /** Error bar from lo to hi, drawn only when both are given. */
  lo?: number;
  hi?: number;
}

export interface BarChartOptions {
  title: string;
  /** Title of the category axis. */
  xLabel: string;
  /** Title of the value axis. */
  yLabel: string;
  /** Drawn in the given order (sort them first for a ranking). */
  bars: Bar[];
}

/** Vertical bars with optional error bars, e.g. a Morris μ* ranking. */
export function barChartSpec(opts: BarChartOptions): TopLevelSpec {
  const x = {
    field: 'label',
    type: 'nominal' as const,
    title: opts.xLabel,
    sort: null,
    axis: { labelAngle: opts.bars.some((b) => b.label.length > 8) ? -35 : 0, labelLimit: 180 },
  };
  return {
    title: opts.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: opts.bars.map((b) => ({ label: b.label, value: b.value, lo: b.lo ?? null, hi: b.hi ?? null })) },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: opts.yLabel } },
      },
      {
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'errorbar', ticks: { size: 16 }, color: '#222222', thickness: 1.5 },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: opts.yLabel }, y2: { field: 'hi' } },
      },
    ],
  };
}

function drawable(v: number, log: boolean | undefined): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

function continuousScale(log: boolean | undefined) {
  return log ? { type: 'log' as const } : { zero: false };
}

/** Sorted distinct grid values and, for each, the [start, end] of its cell. */
type Edges = Map<number, [number, number]>;

function cellEdges(values: number[], log: boolean | undefined, axis: string): Edges {
  const grid = [...new Set(values)].sort((a, b) => a - b);
  for (const v of grid) {
    if (!Number.isFinite(v) || (log && v <= 0)) throw new RangeError(`heatmap ${axis} value ${v} cannot be placed on a ${log ? 'log' : 'linear'} axis`);
  }
  const fwd = (v: number) => (log ? Math.log10(v) : v);
  const back = (v: number) => (log ? 10 ** v : v);
  const t = grid.map(fwd);
  const edges: Edges = new Map();
  t.forEach((v, i) => {
    const left = i > 0 ? (v - t[i - 1]) / 2 : i + 1 < t.length ? (t[i + 1] - v) / 2 : 0.5;
    const right = i + 1 < t.length ? (t[i + 1] - v) / 2 : left;
    edges.set(grid[i], [back(v - left), back(v + right)]);
  });
  return edges;
}

function edgesOf(edges: Edges, v: number): [number, number] {
  const e = edges.get(v);
  if (!e) throw new Error(`no cell for grid value ${v}`);
  return e;
}

function centre(a: number, b: number, log: boolean | undefined): number {
  return log ? Math.sqrt(a * b) : (a + b) / 2;
}

/**
 * Explicit grid ticks are labelled with the exact value: vega's axis `format` derives a precision
 * from the tick spacing, which prints 100, 300, 500, 700 as 1e+2, 3e+2, ...
 */
const EXACT_LABEL = "format(datum.value, '.4~g')";

/** Axis for a heatmap: the domain is exactly the cells' extent, with a tick at every grid value when few. */
function gridAxis(field: string, title: string, edges: Edges, log: boolean | undefined) {
  const grid = [...edges.keys()];
  const domain = [edges.get(grid[0])![0], edges.get(grid[grid.length - 1])![1]];
  return {
    field,
    type: 'quantitative' as const,
    title,
    scale: log ? { type: 'log' as const, domain, nice: false } : { domain, nice: false, zero: false },
    axis: grid.length <= MAX_EXPLICIT_TICKS ? { values: grid, labelExpr: EXACT_LABEL } : { format: '~g' },
  };
}

/** Axis for a scatter of grid points: padded so edge markers are not cut, ticks at grid values when few. */
function pointAxis(field: string, title: string, values: number[], log: boolean | undefined) {
  const grid = [...new Set(values)].sort((a, b) => a - b);
  return {
    field,
    type: 'quantitative' as const,
    title,
    scale: log ? { type: 'log' as const, nice: false, padding: 18 } : { zero: false, nice: false, padding: 18 },
    axis: grid.length <= MAX_EXPLICIT_TICKS ? { values: grid, labelExpr: EXACT_LABEL } : { format: '~g' },
  };
}
