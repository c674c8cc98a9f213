import * as path from 'path';
import { CLAIMS, selectClaims } from '../claims/registry';
import { calibrateClaim, calibratedConstants, ClaimCalibration, writeCalibratedProfile } from '../engine/calibrate';
import { createPool, defaultWorkers } from '../engine/pool';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, loadClaimsFrom, profileFromFlag } from './common';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  out: { kind: 'string', help: 'the profile to write (default ./calibrated.json)' },
  seed: { kind: 'int', help: 'fast-check seed of the calibration draws (default 1)' },
  budget: { kind: 'number', help: 'scale the calibration work (default 1)' },
  json: { kind: 'boolean', help: 'print the calibration as JSON' },
};

/**
 * `claimcheck calibrate <id...|all>`: re-derive the calibrated constants of the named claims on the
 * calibration seed stream (disjoint from the scoring stream) and write a constants profile that
 * `--constants FILE` then scores with.
 */
export async function calibrateCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 'calibrate');
  if (flags.help) {
    process.stdout.write(usage('calibrate', '<id...|all> [--out FILE] [flags]', FLAGS));
    return 0;
  }
  await loadClaimsFrom(flags['claims-from']);
  const named = selectClaims(positional);
  const claims = positional.includes('all') ? CLAIMS.filter((c) => calibratedConstants(c).length > 0) : named;
  const budget = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(budget > 0)) throw new UsageError('--budget must be > 0');
  const profile = profileFromFlag(flags.constants);
  const out = path.resolve(typeof flags.out === 'string' ? flags.out : 'calibrated.json');
  if (!out.endsWith('.json')) throw new UsageError(`--out must name a .json file (got ${JSON.stringify(flags.out)})`);
  const engine = engineFromFlag(flags.engine);
  const pool = createPool(typeof flags.workers === 'number' ? flags.workers : defaultWorkers());
  const results: ClaimCalibration[] = [];
  try {
    for (const claim of claims) {
      results.push(await calibrateClaim(claim, profile, {
        engine, pool, budget, seed: typeof flags.seed === 'number' ? flags.seed : 1,
        progress: flags.quiet ? undefined : (done, total, what) => process.stderr.write(`\rcalibrate ${claim.id}: ${done}/${total} ${what}`.padEnd(70)),
      }));
      if (!flags.quiet) process.stderr.write('\n');
    }
  } finally {
    await pool.close();
  }
  writeCalibratedProfile(profile, results, out, path.basename(out, '.json'));
  if (flags.json) process.stdout.write(JSON.stringify({ profile: out, calibrations: results }) + '\n');
  else {
    for (const r of results) {
      for (const [k, v] of Object.entries(r.constants)) process.stdout.write(`${r.claim} ${k}: ${r.before[k]} -> ${v}  (${r.method[k] ?? ''})\n`);
      process.stdout.write(`  on ${r.seeds.length} calibration seeds (${Math.min(...r.seeds)}..${Math.max(...r.seeds)})\n`);
    }
    process.stdout.write(`wrote ${out}  (score with: npx claimcheck check <id> --constants ${out})\n`);
  }
  return 0;
}
