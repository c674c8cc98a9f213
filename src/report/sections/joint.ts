import type { ClaimSummary } from '../../engine/summary';
import { type Block, type Rich, code, heading, section, strong, verdict } from '../doc/model';
import { fmtCi, fmtNum, fmtPct } from '../format';
import { jointHeading, SECTIONS } from './headings';
import { otherVerdicts } from './verdicts';

/** A paper's chain of results checked on the same runs: a verdict per link and for the chain. */
export function jointBlocks(claims: readonly ClaimSummary[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.joint),
    { k: 'p', body: "A paper's chain of results checked on the same runs: each link at its own time point, a verdict per link and for the chain (a unit holds when every link holds on it)." },
  ];
  const joint = claims.filter((c) => c.links && Object.keys(c.links).length);
  if (!joint.length) return [...out, { k: 'p', body: 'No joint claim was checked in this run.' }];
  for (const c of joint) {
    out.push(heading(3, jointHeading(c.id, c.tier)));
    out.push({
      k: 'table',
      head: ['Link', 'Verdict', 'Hold rate', 'Units', 'Other'],
      align: ['l', 'l', 'l', 'r', 'l'],
      rows: [
        ...Object.entries(c.links ?? {}).map(([id, l]) => [code(id), verdict(l.claimVerdict), l.rate === null ? '—' : `${fmtPct(l.rate)} ${fmtCi(l.ci)}`, fmtNum(l.decisive), Object.entries(l.counts).filter(([v, n]) => n > 0 && v !== 'holds' && v !== 'breaks').map(([v, n]) => `${n} ${v}`).join(', ') || '—'] as Rich[]),
        [strong('chain'), verdict(c.verdict), c.holdRate === null ? '—' : `${fmtPct(c.holdRate)} ${fmtCi(c.ci)}`, fmtNum(c.decisive), otherVerdicts(c)],
      ],
    });
  }
  return out;
}
