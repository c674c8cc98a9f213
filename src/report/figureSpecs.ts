import type { TopLevelSpec } from 'vega-lite';

/**
 * Pure builders of Vega-Lite specs for report figures. Every spec has titled axes, a title unless the
 * report's heading already says it, a legend when colour or shape encodes something, and tooltips
 * (read in the HTML report's live figures). Fonts, sizes and the background are applied at render
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
  /** Omitted when the report's heading says it. */
  title?: string;
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
    ...titled(opts.title),
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    // drag to pan, scroll to zoom (the live figure in the HTML report)
    params: [ZOOM],
    // invisible points at the data: the tooltip reads the point under the pointer
    mark: { type: 'line', strokeWidth: 2, clip: true, point: { filled: true, opacity: 0, size: 60 } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xLabel, scale: continuousScale(opts.logX) },
      y: { field: 'y', type: 'quantitative', title: opts.yLabel, scale: continuousScale(opts.logY) },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: opts.series.map((s) => s.name) },
        legend: { title: opts.legendTitle ?? null, symbolType: 'stroke', symbolStrokeWidth: 3 },
      },
      tooltip: [
        { field: 'series', type: 'nominal', title: opts.legendTitle ?? 'series' },
        { field: 'x', type: 'quantitative', title: opts.xLabel, format: '.4~g' },
        { field: 'y', type: 'quantitative', title: opts.yLabel, format: '.4~g' },
      ],
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
  /** Extra lines of the cell's tooltip (e.g. the two values a difference is taken of). */
  tooltip?: Record<string, string | number | null>;
}

export interface HeatmapOptions {
  /** Omitted when the report's heading says it. */
  title?: string;
  xLabel: string;
  yLabel: string;
  /** Title of the colour legend, e.g. "test error". */
  colorLabel: string;
  cells: HeatmapCell[];
  xLog?: boolean;
  yLog?: boolean;
  /** Colour scale [min, max]; values outside are clamped. Defaults to the extent of the values ([0, 1] if none). */
  colorDomain?: [number, number];
  /** A signed quantity (e.g. a difference): a red-blue scale centred on 0, symmetric unless colorDomain is given. */
  diverging?: boolean;
  /** [width, height] of the plot area (default 520 x 320); smaller for figures shown side by side. */
  size?: [number, number];
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
  const extent = Math.max(1e-12, ...finite.map(Math.abs));
  const [lo, hi] = opts.colorDomain ?? (opts.diverging ? [-extent, extent] : finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  const tipKeys = [...new Set(opts.cells.flatMap((c) => Object.keys(c.tooltip ?? {})))];
  const rows = opts.cells.map((c) => {
    const [x0, x1] = edgesOf(xEdges, c.x);
    const [y0, y1] = edgesOf(yEdges, c.y);
    const value = c.value !== null && Number.isFinite(c.value) ? c.value : null;
    // Viridis is dark at the low end: white text there, black text on the light high end and on grey.
    // The red-blue scale is dark at both ends and light in the middle.
    const t = value === null || hi === lo ? 1 : (value - lo) / (hi - lo);
    const dark = opts.diverging ? value !== null && (t < 0.2 || t > 0.8) : t < 0.5;
    return {
      x0, x1, y0, y1, xv: c.x, yv: c.y,
      ...Object.fromEntries(tipKeys.map((k, i) => [`tip${i}`, c.tooltip?.[k] ?? null])),
      xc: centre(x0, x1, opts.xLog),
      yc: centre(y0, y1, opts.yLog),
      value,
      status: value === null ? NO_DATA : 'ok',
      label: c.label ?? '',
      textColor: dark ? 'white' : 'black',
    };
  });
  const x = gridAxis('x0', opts.xLabel, xEdges, opts.xLog);
  const y = gridAxis('y0', opts.yLabel, yEdges, opts.yLog);
  const hasNoData = rows.some((r) => r.status === NO_DATA);
  const hasLabels = rows.some((r) => r.label !== '');
  const tooltip = [
    { field: 'xv', type: 'quantitative' as const, title: opts.xLabel, format: '.4~g' },
    { field: 'yv', type: 'quantitative' as const, title: opts.yLabel, format: '.4~g' },
    { field: 'value', type: 'quantitative' as const, title: opts.colorLabel, format: '.4~g' },
    ...tipKeys.map((k, i) => ({ field: `tip${i}`, type: 'nominal' as const, title: k })),
  ];
  return {
    ...titled(opts.title),
    width: opts.size?.[0] ?? WIDTH,
    height: opts.size?.[1] ?? HEIGHT,
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
            scale: opts.diverging ? { scheme: 'redblue', domain: [lo, 0, hi], clamp: true, reverse: true } : { scheme: 'viridis', domain: [lo, hi], clamp: true },
          },
          tooltip,
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
              tooltip: tooltip.slice(0, 2),
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
  /** what the tooltip tells besides x, y and the verdict */
  margin?: number | null;
  seed?: number | string;
  regime?: string;
}

export interface VerdictMapOptions {
  /** Omitted when the report's heading says it. */
  title?: string;
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
  const has = (k: 'margin' | 'seed' | 'regime') => opts.points.some((p) => p[k] !== undefined);
  const extra = (['margin', 'seed', 'regime'] as const).filter(has);
  return {
    ...titled(opts.title),
    width: WIDTH,
    height: HEIGHT,
    data: { values: opts.points.map((p) => ({ x: p.x, y: p.y, verdict: p.verdict, ...Object.fromEntries(extra.map((k) => [k, p[k] ?? null])) })) },
    params: [ZOOM],
    mark: { type: 'point', filled: true, size: 140, opacity: 1, stroke: '#333333', strokeWidth: 0.7, clip: true },
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
      tooltip: [
        { field: 'x', type: 'quantitative', title: opts.xLabel, format: '.4~g' },
        { field: 'y', type: 'quantitative', title: opts.yLabel, format: '.4~g' },
        { field: 'verdict', type: 'nominal', title: 'verdict' },
        ...extra.map((k) => (k === 'margin' ? { field: k, type: 'quantitative' as const, title: k, format: '.4~g' } : { field: k, type: 'nominal' as const, title: k })),
      ],
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
  /** Omitted when the report's heading says it. */
  title?: string;
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
    ...titled(opts.title),
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

export interface MorrisPoint {
  factor: string;
  muStar: number;
  sigma: number;
  mu: number;
  /** the effects each statistic rests on (trajectories with a margin at both ends of the step) */
  n: number;
  lo?: number;
  hi?: number;
}

export interface MorrisPlotOptions {
  /** Omitted when the report's heading says it. */
  title?: string;
  points: MorrisPoint[];
}

/**
 * A Morris screen read the standard way (Morris 1991; Campolongo et al. 2007; SALib's
 * horizontal_bar_plot / covariance_plot): mu* (importance) against sigma (non-linearity or
 * interaction), every factor labelled, its mu* interval as a horizontal bar, and the line
 * sigma = mu* above which a factor's effect depends more on where it is taken than on its mean.
 */
export function morrisPlotSpec(opts: MorrisPlotOptions): TopLevelSpec {
  const pts = opts.points.filter((p) => Number.isFinite(p.muStar) && Number.isFinite(p.sigma));
  if (!pts.length) throw new RangeError('no factor has both mu* and sigma (sigma needs at least two effects)');
  const top = Math.max(1e-12, ...pts.flatMap((p) => [p.muStar, p.sigma, ...(p.hi !== undefined && Number.isFinite(p.hi) ? [p.hi] : [])]));
  const values = pts.map((p) => ({
    factor: p.factor, muStar: p.muStar, sigma: p.sigma, mu: p.mu, n: p.n,
    lo: p.lo !== undefined && Number.isFinite(p.lo) ? p.lo : null, hi: p.hi !== undefined && Number.isFinite(p.hi) ? p.hi : null,
  }));
  // factors at (nearly) the same place share one label, "a, b", so no label is drawn over another
  const near = top * 0.025;
  const labels: { muStar: number; sigma: number; factor: string }[] = [];
  for (const p of [...pts].sort((a, b) => b.muStar - a.muStar || a.factor.localeCompare(b.factor))) {
    const l = labels.find((q) => Math.abs(q.muStar - p.muStar) <= near && Math.abs(q.sigma - p.sigma) <= near);
    if (l) l.factor += `, ${p.factor}`;
    else labels.push({ muStar: p.muStar, sigma: p.sigma, factor: p.factor });
  }
  const x = { field: 'muStar', type: 'quantitative' as const, title: 'μ* (mean |elementary effect|)', scale: { domain: [0, top * 1.08], nice: false } };
  const y = { field: 'sigma', type: 'quantitative' as const, title: 'σ (spread of the effects)', scale: { domain: [0, top * 1.08], nice: false } };
  const tooltip = [
    { field: 'factor', type: 'nominal' as const, title: 'factor' },
    { field: 'muStar', type: 'quantitative' as const, title: 'μ*', format: '.4~g' },
    { field: 'mu', type: 'quantitative' as const, title: 'μ', format: '.4~g' },
    { field: 'sigma', type: 'quantitative' as const, title: 'σ', format: '.4~g' },
    { field: 'lo', type: 'quantitative' as const, title: 'μ* CI low', format: '.4~g' },
    { field: 'hi', type: 'quantitative' as const, title: 'μ* CI high', format: '.4~g' },
    { field: 'n', type: 'quantitative' as const, title: 'effects' },
  ];
  return {
    ...titled(opts.title),
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ a: 0, b: 0 }, { a: top * 1.08, b: top * 1.08 }] },
        mark: { type: 'line', strokeDash: [5, 4], color: '#999999', strokeWidth: 1 },
        encoding: { x: { field: 'a', type: 'quantitative', scale: x.scale, title: x.title }, y: { field: 'b', type: 'quantitative', scale: y.scale, title: y.title } },
      },
      {
        data: { values },
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'rule', color: '#4c78a8', strokeWidth: 1.5 },
        encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y },
      },
      {
        data: { values },
        params: [ZOOM],
        mark: { type: 'point', filled: true, size: 80, color: '#4c78a8', clip: true },
        encoding: { x, y, tooltip },
      },
      {
        data: { values: labels },
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11, clip: true },
        encoding: { x, y, text: { field: 'factor' } },
      },
    ],
  };
}

/** Drag to pan, scroll to zoom (bound to the scales; the static SVG is the initial view). */
const ZOOM = { name: 'zoom', select: 'interval' as const, bind: 'scales' as const };

function titled(title: string | undefined): { title?: string } {
  return title ? { title } : {};
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
