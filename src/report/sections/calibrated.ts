import { type Block, type Rich, code, section } from '../doc/model';
import { fmtNum } from '../format';
import type { ClaimDeclaration } from '../model';
import { SECTIONS } from './headings';

/** Constants chosen by looking at results, with the values the verdicts were scored with. */
export function calibratedBlocks(decls: readonly ClaimDeclaration[]): Block[] {
  const rows = decls.flatMap((d) => d.calibrated.map((c) => [code(d.id), code(c.name), fmtNum(c.value), c.source ?? '—'] as Rich[]));
  return [
    section(SECTIONS.calibrated),
    {
      k: 'p',
      body: [
        'Constants chosen by looking at results. ', code('claimcheck calibrate <id>'), ' re-derives them on the calibration seed stream ',
        '(seeds above 2^30, never used to score) and writes a profile; the verdicts above were scored with the values below.',
      ],
    },
    rows.length ? { k: 'table', head: ['Claim', 'Constant', 'Value used', 'How it was chosen'], align: ['l', 'l', 'r', 'l'], rows } : { k: 'p', body: 'No claim in this run declares a calibrated constant.' },
  ];
}
