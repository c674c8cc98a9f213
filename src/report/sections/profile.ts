import { type Block, code, section } from '../doc/model';
import type { ProfileInfo } from '../model';
import { SECTIONS } from './headings';

/** The constants profile the run was scored with, printed in full. */
export function profileBlocks(profile: ProfileInfo): Block[] {
  const out: Block[] = [section(SECTIONS.profile)];
  if (!profile) return [...out, { k: 'p', body: 'The summary has no constants profile.' }];
  out.push({ k: 'p', body: ['Profile ', code(profile.name), ' from ', code(profile.file), '. Values are printed in full.'] });
  out.push({
    k: 'table',
    head: ['Setting', 'Value'],
    align: ['l', 'r'],
    rows: Object.entries(profile.settings ?? {}).map(([k, v]) => [code(k), String(v)]),
  });
  const rows = Object.entries(profile.claims ?? {}).flatMap(([claim, cs]) => Object.entries(cs).map(([k, v]) => [code(claim), code(k), String(v)]));
  out.push(rows.length ? { k: 'table', head: ['Claim', 'Constant', 'Value'], align: ['l', 'l', 'r'], rows } : { k: 'p', body: 'No claim constants in this profile.' });
  return out;
}
