import { auditSetting } from '../claims/audit';
import type { Clause } from '../claims/types';
import { loadPreset } from '../training/presets';
import { snr } from '../training/config';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, loadClaimsFrom, profileFromFlag } from './common';
import { parseSets } from './trainCommand';
import { resolveConfig } from '../training/config';

const FLAGS: Record<string, FlagSpec> = {
  constants: COMMON_FLAGS.constants,
  help: COMMON_FLAGS.help,
  preset: { kind: 'string', help: 'the setting to audit (a preset: claimcheck presets lists them)' },
  set: { kind: 'list', help: 'key=value override of the preset, repeatable' },
  json: { kind: 'boolean', help: 'print JSON' },
  'claims-from': COMMON_FLAGS['claims-from'],
};

/** The audit itself lives with the claims (src/claims/audit.ts); re-exported for existing importers. */
export { auditSetting };

function fmt(c: Clause): string {
  const sides = c.lhs !== undefined && c.rhs !== undefined ? `  (${c.lhs.toPrecision(4)} vs ${c.rhs.toPrecision(4)})` : '';
  return `  ${c.holds ? 'ok  ' : 'FAIL'} ${c.id.padEnd(14)} ${c.text}${sides}`;
}

export async function assumptionsCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'assumptions');
  if (flags.help) {
    process.stdout.write(usage('assumptions', '--preset NAME [--set k=v] [--json]', FLAGS));
    return 0;
  }
  if (typeof flags.preset !== 'string') throw new UsageError('--preset is required (claimcheck presets lists them)');
  const config = resolveConfig(loadPreset(flags.preset).config, parseSets((flags.set as string[] | undefined) ?? []));
  await loadClaimsFrom(flags['claims-from']);
  const audits = auditSetting(config as unknown as Record<string, number | string>, profileFromFlag(flags.constants));
  const nSnr2 = config.n * snr(config) ** 2;
  if (flags.json) {
    process.stdout.write(JSON.stringify({ preset: flags.preset, config, snr: snr(config), nSnr2, audits }) + '\n');
    return 0;
  }
  process.stdout.write(`${flags.preset}: SNR ${snr(config).toPrecision(4)}, n SNR^2 ${nSnr2.toPrecision(4)}\n`);
  for (const a of audits) {
    process.stdout.write(`\n${a.claim} (${a.title}): ${a.holds ? 'all clauses hold' : `violates ${a.violated.join(', ')}`}\n`);
    for (const c of a.clauses) process.stdout.write(fmt(c) + '\n');
  }
  return 0;
}
