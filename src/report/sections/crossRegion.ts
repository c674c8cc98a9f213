import type { Verdict } from '../../claims/types';
import { type Align, type Block, type Rich, code, heading, section, verdict } from '../doc/model';
import { fmtPct } from '../format';
import type { CrossRegionMatrix } from '../model';
import { SECTIONS } from './headings';

/** Each claim's predicate evaluated in every other claim's working region, per paper. */
export function crossBlocks(matrices: readonly CrossRegionMatrix[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.cross),
    {
      k: 'p',
      body:
        "Each row's predicate evaluated on regimes drawn from the column claim's working region (the row claim's hypotheses reported, " +
        'not enforced). The diagonal is the claim\'s own working tier (corrected for multiplicity); off-diagonal cells are descriptive ' +
        '(uncorrected 1 - alpha intervals). Links of a chain that hold on the diagonal but break off it hold in disjoint regions at these sizes.',
    },
  ];
  if (!matrices.length) return [...out, { k: 'p', body: 'No cross-region matrix in this run.' }];
  for (const m of matrices) {
    out.push(heading(3, `Cross-region matrix of paper ${m.paper}`));
    out.push({
      k: 'table',
      head: ['Predicate (row) in the region of (column)', ...m.claims],
      align: ['l', ...m.claims.map(() => 'l' as Align)],
      rows: m.claims.map((x) => [code(x), ...m.claims.map((y) => {
        const c = m.cells.find((q) => q.claim === x && q.region === y);
        if (!c || c.verdict === 'not run') return '—';
        const rate = c.holdRate === null ? '' : ` ${fmtPct(c.holdRate)} (${(c.counts.holds ?? 0)}/${(c.counts.holds ?? 0) + (c.counts.breaks ?? 0) + (c.counts['not-reached'] ?? 0)})`;
        return [verdict(c.verdict as Verdict), rate] as Rich;
      })]),
    });
    const disjoint = m.claims.flatMap((x) => m.claims.filter((y) => y !== x).map((y) => [x, y] as const)).filter(([x, y]) => {
      const own = m.cells.find((q) => q.claim === x && q.region === x);
      const other = m.cells.find((q) => q.claim === x && q.region === y);
      return own?.verdict === 'holds' && other && (other.counts.breaks ?? 0) + (other.counts['not-reached'] ?? 0) > 0;
    });
    if (disjoint.length) {
      out.push({ k: 'p', body: ['Finding: ', ...disjoint.flatMap(([x, y], i) => [...(i ? ['; '] : []), code(x), ' holds in its own region but breaks in ', code(y), "'s"]), '.'] });
    }
  }
  return out;
}
