import { type Block, type Rich, alert, code, heading, section, strong } from '../doc/model';
import { fmtNum } from '../format';
import type { ClaimDeclaration } from '../model';
import { regionHeading, SECTIONS } from './headings';

/** Each claim's working-region bounds with their provenance (paper clause or chosen, calibrated or not). */
export function regionBlocks(decls: readonly ClaimDeclaration[]): Block[] {
  const out: Block[] = [
    section(SECTIONS.regions),
    {
      k: 'p',
      body:
        "The working tier draws from regions the suite chose where the papers' literal hypotheses are unaffordable. They are not the " +
        "papers' hypotheses. Each bound says where it comes from: paper (the clause it reads) or chosen (why); a chosen bound picked by " +
        'looking at results is also marked calibrated (fitted on the calibration seed stream, never on the seeds scored here). A claim ' +
        'that holds only inside bounds we tuned is reported as exactly that.',
    },
  ];
  for (const d of decls) {
    const notes: Rich[] = [['Tiers: ', d.tiers.join(', ')]];
    if (d.paperNote) notes.push(['Paper tier: ', d.paperNote]);
    if (d.links) notes.push(['Links (checked on the same runs): ', d.links.join(' -> ')]);
    if (d.derivedFrom) notes.push(['Derived from ', code(d.derivedFrom), ': reported, not counted as independent evidence']);
    if (d.undeclared.length) notes.push([alert('Constants without a declared provenance: '), d.undeclared.join(', ')]);
    if (!d.region.length && notes.length === 1 && !d.undeclared.length) continue;
    out.push(heading(3, regionHeading(d.id)));
    out.push({ k: 'list', items: notes });
    if (d.region.length) {
      out.push({
        k: 'table',
        head: ['Bound', 'Value', 'Provenance', 'Calibrated', 'Source or reason'],
        align: ['l', 'r', 'l', 'l', 'l'],
        rows: d.region.map((b) => [code(b.name), fmtNum(b.value), b.provenance ?? alert('undeclared'), b.calibrated ? strong('calibrated') : 'no', b.source ?? '—']),
      });
    }
  }
  return out;
}
