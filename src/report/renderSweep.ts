import type { Verdict } from '../claims/types';
import type { SweepPoint, SweepSummary } from './model';
import {
  type Align, type Block, type Span, code, contents, FigureWriter, fmtDuration, fmtNum, fmtRegime, phaseBlocks, runInfoItems,
  section, verdict, writeDocuments,
} from './renderVerify';

/**
 * Renders a sweep run (SweepSummary) into `report.md`, `report.html` and `figures/` (the phase
 * diagrams of `summary.phases`, none when it is empty), with the same document model, formatting
 * and guarantees as renderVerify.ts (deterministic, atomic, figures before the documents).
 */

const SECTIONS = {
  sweep: 'Sweep',
  phases: 'Phase diagrams',
  series: 'Summary by series',
  points: 'Points',
  shards: 'Merged shards',
} as const;

const VERDICT_ORDER: readonly Verdict[] = ['holds', 'breaks', 'inconclusive', 'vacuous', 'diverged', 'budget'];

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Points sorted by series, then by each axis in order (points lacking an axis value last), then by design index. */
export function sortPoints(points: readonly SweepPoint[], axes: readonly string[]): SweepPoint[] {
  return [...points].sort((a, b) => {
    const bySeries = cmp(a.series, b.series);
    if (bySeries) return bySeries;
    for (const ax of axes) {
      const va = a.point?.[ax];
      const vb = b.point?.[ax];
      const fa = typeof va === 'number' && !Number.isNaN(va);
      const fb = typeof vb === 'number' && !Number.isNaN(vb);
      if (fa !== fb) return fa ? -1 : 1;
      if (fa && fb && va !== vb) return va - vb;
    }
    return a.index - b.index;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function targetText(t: SweepSummary['target']): (string | Span)[] {
  return t.kind === 'metric'
    ? ['metric ', code(t.metric), ' of ', ...t.algos.flatMap((a, i) => [...(i ? [', '] : []), code(a)])]
    : ['claim ', code(t.claim), ` (${t.mode})`];
}

function seriesBlocks(s: SweepSummary): Block[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of sortPoints(s.points, [])) groups.set(p.series, [...(groups.get(p.series) ?? []), p]);
  const claim = s.target.kind === 'claim';
  const valueName = s.target.kind === 'metric' ? s.target.metric : 'value';
  return [
    section(SECTIONS.series),
    {
      k: 'table',
      head: ['Series', 'Points', `With ${valueName}`, 'Min', 'Median', 'Max', ...(claim ? ['Verdicts'] : []), 'Time'],
      align: ['l', 'r', 'r', 'r', 'r', 'r', ...(claim ? (['l'] as Align[]) : []), 'r'],
      rows: [...groups].map(([series, pts]) => {
        const vals = pts.flatMap((p) => (typeof p.value === 'number' && Number.isFinite(p.value) ? [p.value] : []));
        const verdicts = VERDICT_ORDER.map((v) => [v, pts.filter((p) => p.verdict === v).length] as const).filter(([, n]) => n > 0);
        return [
          code(series), fmtNum(pts.length), fmtNum(vals.length),
          vals.length ? fmtNum(Math.min(...vals)) : '—', vals.length ? fmtNum(median(vals)) : '—', vals.length ? fmtNum(Math.max(...vals)) : '—',
          ...(claim ? [verdicts.length ? verdicts.map(([v, n]) => `${n} ${v}`).join(', ') : '—'] : []),
          fmtDuration(pts.reduce((t, p) => t + (Number.isFinite(p.seconds) ? p.seconds : 0), 0)),
        ];
      }),
    },
  ];
}

function pointBlocks(s: SweepSummary): Block[] {
  const axes = s.axes.map((a) => a.name);
  const hasVerdict = s.points.some((p) => p.verdict !== undefined);
  const hasMargin = s.points.some((p) => p.margin !== undefined);
  const valueName = s.target.kind === 'metric' ? s.target.metric : 'value';
  return [
    section(SECTIONS.points),
    { k: 'p', body: `${s.points.length} points, sorted by series and then by ${axes.join(', ') || 'design index'}; # is the index in the design.` },
    {
      k: 'table',
      head: ['Series', ...axes, valueName, ...(hasVerdict ? ['Verdict'] : []), ...(hasMargin ? ['Margin'] : []), 'Time', 'Backend', '#'],
      align: ['l', ...axes.map((): Align => 'r'), 'r', ...(hasVerdict ? (['l'] as Align[]) : []), ...(hasMargin ? (['r'] as Align[]) : []), 'r', 'l', 'r'],
      rows: sortPoints(s.points, axes).map((p) => [
        code(p.series), ...axes.map((a) => fmtNum(p.point?.[a])), fmtNum(p.value),
        ...(hasVerdict ? [p.verdict ? verdict(p.verdict) : '—'] : []), ...(hasMargin ? [fmtNum(p.margin)] : []),
        fmtDuration(p.seconds), p.backend ?? '—', fmtNum(p.index),
      ]),
    },
  ];
}

/** Renders a sweep run into `dir/report.md`, `dir/report.html` and `dir/figures/`. Returns every file written. */
export async function renderSweepReport(dir: string, summary: SweepSummary): Promise<{ files: string[] }> {
  const figures = new FigureWriter(dir);
  const run = summary.run;
  const title = `claimcheck sweep report: ${run.runId}`;
  const blocks: Block[] = [
    { k: 'h', level: 1, text: title },
    { k: 'list', items: runInfoItems(run) },
    contents(Object.values(SECTIONS)),
    section(SECTIONS.sweep),
    {
      k: 'list',
      items: [
        ['Preset: ', code(summary.preset)],
        ['Target: ', ...targetText(summary.target)],
        ['Design: ', `${summary.design.kind}, ${fmtNum(summary.design.points)} points, seed `, code(String(summary.design.seed))],
        ['Base regime: ', code(fmtRegime(summary.base))],
      ],
    },
    {
      k: 'table',
      head: ['Axis', 'From', 'To', 'Scale', 'Values'],
      align: ['l', 'r', 'r', 'l', 'l'],
      rows: summary.axes.map((a) => [code(a.name), fmtNum(a.lo), fmtNum(a.hi), a.scale, a.integer ? 'integer' : 'real']),
    },
    section(SECTIONS.phases),
    ...(summary.phases.length ? await phaseBlocks(summary.phases, figures) : [{ k: 'p' as const, body: 'No phase diagram in this sweep.' }]),
    ...seriesBlocks(summary),
    ...pointBlocks(summary),
    section(SECTIONS.shards),
    summary.shards.length
      ? { k: 'list', items: summary.shards.map((s) => code(s)) }
      : { k: 'p', body: 'No shard was merged: the sweep ran in one piece.' },
  ];
  return writeDocuments(dir, title, blocks, figures);
}
