import { findClaim } from '../claims/registry';
import { replay } from '../engine/check';
import { createPool } from '../engine/pool';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, loadClaimsFrom, profileFromFlag, TIER_FLAGS, tiersFromFlags } from './common';

const FLAGS: Record<string, FlagSpec> = {
  constants: COMMON_FLAGS.constants,
  engine: COMMON_FLAGS.engine,
  help: COMMON_FLAGS.help,
  'claims-from': COMMON_FLAGS['claims-from'],
  ...TIER_FLAGS,
  seed: { kind: 'int', help: 'the fast-check seed of the result' },
  path: { kind: 'string', help: 'the fast-check path of the result, e.g. 7 or 7:0:1' },
  json: { kind: 'boolean', help: 'print JSON' },
};

export async function replayCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 'replay');
  if (flags.help) {
    process.stdout.write(usage('replay', '<id> --tier T --seed S --path P', FLAGS));
    return 0;
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name the claim id (claimcheck list shows them)' : `name exactly one claim id (got ${positional.length}: ${positional.join(' ')})`);
  if (typeof flags.seed !== 'number') throw new UsageError('--seed is required');
  if (flags.path === undefined) throw new UsageError('--path is required (the fast-check path printed with the result, e.g. --path 7 or --path 7:0:1)');
  if (typeof flags.path !== 'string' || !/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`--path must look like 7 or 7:0:1 (got ${JSON.stringify(flags.path)})`);
  if (flags.path.split(':').some((x) => Number(x) >= 1_000_000) || flags.path.split(':').length > 10_000) throw new UsageError(`--path ${flags.path.length > 40 ? flags.path.slice(0, 40) + '...' : flags.path}: each step must be below 1000000 (runs are at most 1000000), at most 10000 steps`);
  await loadClaimsFrom(flags['claims-from']);
  const claim = findClaim(positional[0]);
  const tiers = tiersFromFlags(flags, ['working']);
  if (tiers.length !== 1) throw new UsageError('--tier: name exactly one tier (as printed with the result)');
  const [tier] = tiers;
  const profile = profileFromFlag(flags.constants);
  const pool = createPool(0);
  const r = await replay(claim, tier, flags.seed, flags.path, profile, engineFromFlag(flags.engine), pool);
  const out = { id: claim.id, tier, seed: flags.seed, path: flags.path, regime: r.regime, verdict: r.evaluation.verdict, margin: r.evaluation.margin, note: r.evaluation.note, hypotheses: r.evaluation.hypotheses, measurements: r.evaluation.measurements, units: r.evaluation.units, backend: r.backend, seconds: r.seconds };
  if (flags.json) process.stdout.write(JSON.stringify(out) + '\n');
  else process.stdout.write(`${claim.id} ${tier} seed ${flags.seed} path ${flags.path}\nregime ${JSON.stringify(r.regime)}\nverdict ${out.verdict.toUpperCase()}  margin ${out.margin}${out.note ? `\nnote ${out.note}` : ''}\n`);
  return 0;
}
