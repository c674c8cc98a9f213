import { type Block, alert, code, heading, section } from '../doc/model';
import { fmtNum } from '../format';
import type { AuditEntry } from '../model';
import { SECTIONS } from './headings';

/** The claims' hypotheses evaluated clause by clause at the papers' own settings. */
export function auditBlocks(audits: readonly AuditEntry[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.audit),
    { k: 'p', body: "The claims' hypotheses evaluated, clause by clause, at the papers' own settings (presets)." },
  ];
  if (!audits.length) return [...out, { k: 'p', body: 'No preset was audited in this run.' }];
  for (const a of audits) {
    out.push(heading(3, `Preset ${a.preset}`));
    out.push({ k: 'p', body: [a.description ? `${a.description}. ` : '', `SNR = ${fmtNum(a.snr)}, n·SNR² = ${fmtNum(a.nSnr2)}.`] });
    if (!a.audits.length) {
      out.push({ k: 'p', body: 'No claim was audited at this preset.' });
      continue;
    }
    out.push({
      k: 'list',
      items: a.audits.map((c) => [
        code(c.claim), ` ${c.title}: `,
        ...(c.holds ? ['all hypotheses hold'] : [alert('FAIL'), ' (violated: ', ...c.violated.flatMap((v, i) => [...(i ? [', '] : []), code(v)]), ')']),
      ]),
    });
    out.push({
      k: 'table',
      head: ['Claim', 'Clause', 'Condition', 'lhs', 'rhs', 'Status'],
      align: ['l', 'l', 'l', 'r', 'r', 'l'],
      rows: a.audits.flatMap((c) =>
        c.clauses.map((cl) => [code(c.claim), code(cl.id), cl.text, fmtNum(cl.lhs), fmtNum(cl.rhs), cl.holds ? 'ok' : alert('FAIL')]),
      ),
    });
  }
  return out;
}
