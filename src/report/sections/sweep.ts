import { median } from '../../stats/quantile';
import { VERDICTS } from '../../claims/types';
import { type Align, type Block, type Span, code, section, verdict } from '../doc/model';
import { fmtDuration, fmtNum } from '../format';
import type { SweepPoint, SweepSummary } from '../model';

/** The sections of a sweep report: its series summarised, and every point sorted by series and axes. */

export const SWEEP_SECTIONS = {
  sweep: 'Sweep',
  phases: 'Phase diagrams',
  series: 'Summary by series',
  points: 'Points',
  shards: 'Merged shards',
} as const;

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

/** A point's CPU time when recorded, else its time inside the worker (one evaluation at a time per worker). */
const pointTime = (p: SweepPoint) => p.cpuSeconds ?? p.seconds;

/** "CPU time" when every point recorded it, else "Worker time" (what `seconds` is), so the column says what it shows. */
export function timeHeader(points: readonly SweepPoint[]): string {
  return points.length && points.every((p) => typeof p.cpuSeconds === 'number') ? 'CPU time' : 'Worker time';
}

export function targetText(t: SweepSummary['target']): (string | Span)[] {
  return t.kind === 'metric'
    ? ['metric ', code(t.metric), ' of ', ...t.algos.flatMap((a, i) => [...(i ? [', '] : []), code(a)])]
    : ['claim ', code(t.claim), ` (${t.mode})`];
}

export function seriesBlocks(s: SweepSummary): Block[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of sortPoints(s.points, [])) groups.set(p.series, [...(groups.get(p.series) ?? []), p]);
  const claim = s.target.kind === 'claim';
  const valueName = s.target.kind === 'metric' ? s.target.metric : 'value';
  return [
    section(SWEEP_SECTIONS.series),
    {
      k: 'table',
      head: ['Series', 'Points', `With ${valueName}`, 'Min', 'Median', 'Max', ...(claim ? ['Verdicts'] : []), timeHeader(s.points)],
      align: ['l', 'r', 'r', 'r', 'r', 'r', ...(claim ? (['l'] as Align[]) : []), 'r'],
      rows: [...groups].map(([series, pts]) => {
        const vals = pts.flatMap((p) => (typeof p.value === 'number' && Number.isFinite(p.value) ? [p.value] : []));
        const verdicts = VERDICTS.map((v) => [v, pts.filter((p) => p.verdict === v).length] as const).filter(([, n]) => n > 0);
        return [
          code(series), fmtNum(pts.length), fmtNum(vals.length),
          vals.length ? fmtNum(Math.min(...vals)) : '—', vals.length ? fmtNum(median(vals)) : '—', vals.length ? fmtNum(Math.max(...vals)) : '—',
          ...(claim ? [verdicts.length ? verdicts.map(([v, n]) => `${n} ${v}`).join(', ') : '—'] : []),
          fmtDuration(pts.reduce((t, p) => t + (Number.isFinite(pointTime(p)) ? pointTime(p) : 0), 0)),
        ];
      }),
    },
  ];
}

export function pointBlocks(s: SweepSummary): Block[] {
  const axes = s.axes.map((a) => a.name);
  const hasVerdict = s.points.some((p) => p.verdict !== undefined);
  const hasMargin = s.points.some((p) => p.margin !== undefined);
  const valueName = s.target.kind === 'metric' ? s.target.metric : 'value';
  return [
    section(SWEEP_SECTIONS.points),
    { k: 'p', body: `${s.points.length} points, sorted by series and then by ${axes.join(', ') || 'design index'}; # is the index in the design. ${timeHeader(s.points)}: the point's ${timeHeader(s.points) === 'CPU time' ? 'CPU time in its worker' : 'evaluation time inside its worker (one evaluation at a time per worker; wall time, so longer than CPU time on a busy machine)'}.` },
    {
      k: 'table',
      head: ['Series', ...axes, valueName, ...(hasVerdict ? ['Verdict'] : []), ...(hasMargin ? ['Margin'] : []), timeHeader(s.points), 'Backend', '#'],
      align: ['l', ...axes.map((): Align => 'r'), 'r', ...(hasVerdict ? (['l'] as Align[]) : []), ...(hasMargin ? (['r'] as Align[]) : []), 'r', 'l', 'r'],
      rows: sortPoints(s.points, axes).map((p) => [
        code(p.series), ...axes.map((a) => fmtNum(p.point?.[a])), fmtNum(p.value),
        ...(hasVerdict ? [p.verdict ? verdict(p.verdict) : '—'] : []), ...(hasMargin ? [fmtNum(p.margin)] : []),
        fmtDuration(pointTime(p)), p.backend ?? '—', fmtNum(p.index),
      ]),
    },
  ];
}

