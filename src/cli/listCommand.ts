import { CLAIMS } from '../claims/registry';
import { COMMON_FLAGS, loadClaimsFrom } from './common';
import { claimListing } from '../claims/listing';
import { parseArgs, usage } from './args';

export async function listCommand(argv: string[]): Promise<number> {
  const spec = { json: { kind: 'boolean', help: 'print JSON' }, 'claims-from': COMMON_FLAGS['claims-from'], help: { kind: 'boolean', help: 'this help' } } as const;
  const { flags } = parseArgs(argv, spec, 'list');
  if (flags.help) {
    process.stdout.write(usage('list', '[--json]', spec));
    return 0;
  }
  await loadClaimsFrom(flags['claims-from']);
  const rows = CLAIMS.map(claimListing);
  if (flags.json) process.stdout.write(JSON.stringify(rows) + '\n');
  else for (const r of rows) process.stdout.write(`${r.id.padEnd(20)}${r.source.paper}  ${r.source.result}\n${' '.repeat(23)}${r.title}\n${' '.repeat(23)}tiers: ${r.tiers.join(', ')}${r.calibrated.length ? `; calibrated: ${r.calibrated.join(', ')}` : ''}\n`);
  return 0;
}
