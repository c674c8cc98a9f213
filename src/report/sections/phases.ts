import { type Align, type Block, type FigureBlock, type Rich, heading, strong, verdict } from '../doc/model';
import { heatmapSpec, verdictMapSpec } from '../figures';
import type { FigureWriter } from '../figureWriter';
import { commandLines, fmtNum } from '../format';
import type { PhaseCell, PhaseDiagram } from '../model';

/** Phase diagrams (verify and sweep reports): heatmaps and verdict maps, their values as a table and the command that redraws them. */

/** Rows (y, descending, as in the picture) by columns (x) of a phase diagram's values, when it is a small full grid. */
function phaseGridTable(p: PhaseDiagram): Block[] {
  const xs = [...new Set(p.cells.map((c) => c.x))].sort((a, b) => a - b);
  const ys = [...new Set(p.cells.map((c) => c.y))].sort((a, b) => b - a);
  const at = new Map<string, PhaseCell>();
  for (const c of p.cells) {
    const k = `${c.x}|${c.y}`;
    if (at.has(k)) return [];
    at.set(k, c);
  }
  if (xs.length === 0 || xs.length > 10 || ys.length > 16) return [];
  const cell = (c: PhaseCell | undefined): Rich => (!c ? '' : p.kind === 'verdict' ? (c.verdict ? verdict(c.verdict) : '—') : fmtNum(c.value));
  return [
    { k: 'p', body: `${p.kind === 'verdict' ? 'Verdicts' : `Values (${p.colorLabel})`} as plotted: rows are ${p.yLabel}, columns ${p.xLabel}.` },
    {
      k: 'table',
      head: [`${p.yLabel} \\ ${p.xLabel}`, ...xs.map((x) => fmtNum(x))],
      align: ['r', ...xs.map((): Align => 'r')],
      rows: ys.map((y) => [strong(fmtNum(y)), ...xs.map((x) => cell(at.get(`${x}|${y}`)))]),
    },
  ];
}

async function phaseFigure(p: PhaseDiagram, figures: FigureWriter, side?: { size: [number, number]; title: string }): Promise<FigureBlock | Block> {
  if (p.kind === 'verdict') {
    const points = p.cells.flatMap((c) => (c.verdict ? [{ x: c.x, y: c.y, verdict: c.verdict }] : []));
    if (!points.length) return { k: 'p', body: 'No cell of this diagram has a verdict; nothing to draw.' };
    return figures.figureBlock('phase', p.id, p.title, () => verdictMapSpec({ xLabel: p.xLabel, yLabel: p.yLabel, points, xLog: p.xLog, yLog: p.yLog }));
  }
  if (!p.cells.length) return { k: 'p', body: 'This diagram has no cells; nothing to draw.' };
  return figures.figureBlock('phase', p.id, p.title, () =>
    heatmapSpec({
      xLabel: p.xLabel, yLabel: p.yLabel, colorLabel: p.colorLabel,
      cells: p.cells.map((c) => ({ x: c.x, y: c.y, value: c.value, ...(c.label !== undefined ? { label: c.label } : {}) })),
      xLog: p.xLog, yLog: p.yLog, ...(p.colorDomain ? { colorDomain: p.colorDomain } : {}), ...(side ?? {}),
    }),
  );
}

/** The notes, value table and command of one diagram. */
function phaseText(p: PhaseDiagram): Block[] {
  const out: Block[] = [];
  if (p.kind === 'verdict') {
    const missing = p.cells.filter((c) => !c.verdict).length;
    if (missing > 0 && missing < p.cells.length) out.push({ k: 'p', body: `${missing} cell(s) without a verdict are not drawn.` });
  }
  if (p.note) out.push({ k: 'p', body: p.note });
  out.push(...phaseGridTable(p));
  out.push({ k: 'p', body: 'Reproduce:' }, { k: 'code', text: commandLines(p.command), lang: 'sh' });
  return out;
}

/** A metric heatmap's id and title name its series (sweep-<metric>-<series>; "<metric> of <series> over ..."). */
const SERIES_ID = /^sweep-(.+)-(gd|lngd)$/;

/**
 * The GD and label-noise GD heatmaps of one metric over the same grid, when both are there: the
 * reviewer's question is where label noise changes the metric, which their difference answers.
 */
export function differencePairs(phases: readonly PhaseDiagram[]): { gd: PhaseDiagram; lngd: PhaseDiagram; metric: string }[] {
  const heat = phases.filter((p) => p.kind === 'heatmap' && SERIES_ID.test(p.id));
  return heat.flatMap((gd) => {
    const [, metric, series] = SERIES_ID.exec(gd.id) as RegExpExecArray;
    if (series !== 'gd') return [];
    const lngd = heat.find((q) => q.id === `sweep-${metric}-lngd` && q.xLabel === gd.xLabel && q.yLabel === gd.yLabel);
    return lngd ? [{ gd, lngd, metric }] : [];
  });
}

/** Cell by cell, GD minus label-noise GD (null where either is missing); positive: label noise lowers the metric. */
export function differenceDiagram(gd: PhaseDiagram, lngd: PhaseDiagram, metric: string): PhaseDiagram & { tips: Record<string, string>[] } {
  const other = new Map(lngd.cells.map((c) => [`${c.x}|${c.y}`, c]));
  const cells = gd.cells.filter((c) => other.has(`${c.x}|${c.y}`)).map((c) => {
    const l = other.get(`${c.x}|${c.y}`) as PhaseCell;
    const value = c.value !== null && l.value !== null && Number.isFinite(c.value) && Number.isFinite(l.value) ? c.value - l.value : null;
    return { x: c.x, y: c.y, value, label: value === null ? '' : fmtNum(value, 2) };
  });
  return {
    id: `${gd.id}-minus-lngd`, title: `${metric}: GD minus label-noise GD`, xLabel: gd.xLabel, yLabel: gd.yLabel, xLog: gd.xLog, yLog: gd.yLog,
    kind: 'heatmap', colorLabel: `${metric} (GD − LNGD)`, cells,
    note: `Each cell is the GD heatmap's value minus the label-noise GD heatmap's at the same point (same seeds). Above 0 (red): label noise lowers ${metric} there; below 0 (blue): it raises it.`,
    command: gd.command,
    tips: gd.cells.filter((c) => other.has(`${c.x}|${c.y}`)).map((c) => ({ GD: fmtNum(c.value), 'label-noise GD': fmtNum((other.get(`${c.x}|${c.y}`) as PhaseCell).value) })),
  };
}

/** Side by side: GD, label-noise GD and their difference; then each heatmap's values and command, and the difference's values. */
const SIDE: [number, number] = [230, 200];

async function differenceBlocks(gd: PhaseDiagram, lngd: PhaseDiagram, metric: string, figures: FigureWriter): Promise<Block[]> {
  const d = differenceDiagram(gd, lngd, metric);
  const figs = [
    await phaseFigure(gd, figures, { size: SIDE, title: 'GD' }),
    await phaseFigure(lngd, figures, { size: SIDE, title: 'label-noise GD' }),
    await figures.figureBlock('phase', d.id, d.title, () =>
      heatmapSpec({
        title: 'GD minus label-noise GD', xLabel: d.xLabel, yLabel: d.yLabel, colorLabel: d.colorLabel, diverging: true, xLog: d.xLog, yLog: d.yLog, size: SIDE,
        cells: d.cells.map((c, i) => ({ x: c.x, y: c.y, value: c.value, label: c.label, tooltip: d.tips[i] })),
      }),
    ),
  ];
  const out: Block[] = [heading(3, `${metric}: GD, label-noise GD and their difference`)];
  const drawn = figs.filter((f): f is FigureBlock => f.k === 'figure');
  if (drawn.length) out.push({ k: 'figures', items: drawn });
  out.push(...figs.filter((f) => f.k !== 'figure'));
  out.push(heading(4, gd.title), ...phaseText(gd));
  out.push(heading(4, lngd.title), ...phaseText(lngd));
  out.push(heading(4, d.title), { k: 'p', body: d.note }, ...phaseGridTable(d));
  return out;
}

export async function phaseBlocks(phases: readonly PhaseDiagram[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [];
  const pairs = differencePairs(phases);
  for (const p of phases) {
    const pair = pairs.find((q) => q.gd === p || q.lngd === p);
    if (pair) {
      // the pair is drawn together where its first heatmap is
      if (p === (phases.indexOf(pair.gd) < phases.indexOf(pair.lngd) ? pair.gd : pair.lngd)) out.push(...(await differenceBlocks(pair.gd, pair.lngd, pair.metric, figures)));
      continue;
    }
    out.push(heading(3, p.title), await phaseFigure(p, figures), ...phaseText(p));
  }
  return out;
}
