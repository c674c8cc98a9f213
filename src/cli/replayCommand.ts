import { findClaim } from '../claims/registry';
import { replay } from '../engine/check';
import { createPool } from '../engine/pool';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, modesFromFlag, profileFromFlag } from './common';

const FLAGS: Record<string, FlagSpec> = {
  constants: COMMON_FLAGS.constants,
  engine: COMMON_FLAGS.engine,
  help: COMMON_FLAGS.help,
  mode: { kind: 'string', help: 'in-regime | robustness (as printed with the result)' },
  seed: { kind: 'int', help: 'the fast-check seed of the result' },
  path: { kind: 'string', help: 'the fast-check path of the result, e.g. 7 or 7:0:1' },
  json: { kind: 'boolean', help: 'print JSON' },
};

export async function replayCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 'replay');
  if (flags.help) {
    process.stdout.write(usage('replay', '<id> --seed S --path P [--mode M]', FLAGS));
    return 0;
  }
  if (positional.length !== 1) throw new UsageError('name exactly one claim id');
  if (typeof flags.seed !== 'number') throw new UsageError('--seed is required');
  if (typeof flags.path !== 'string' || !/^\d+(:\d+)*$/.test(flags.path)) throw new UsageError(`--path must look like 7 or 7:0:1 (got ${JSON.stringify(flags.path)})`);
  const claim = findClaim(positional[0]);
  const [mode] = modesFromFlag(flags.mode, ['in-regime']);
  const profile = profileFromFlag(flags.constants);
  const pool = createPool(0);
  const r = await replay(claim, mode, flags.seed, flags.path, profile, engineFromFlag(flags.engine), pool);
  const out = { id: claim.id, mode, seed: flags.seed, path: flags.path, regime: r.regime, verdict: r.evaluation.verdict, margin: r.evaluation.margin, note: r.evaluation.note, hypotheses: r.evaluation.hypotheses, measurements: r.evaluation.measurements, backend: r.backend, seconds: r.seconds };
  if (flags.json) process.stdout.write(JSON.stringify(out) + '\n');
  else process.stdout.write(`${claim.id} ${mode} seed ${flags.seed} path ${flags.path}\nregime ${JSON.stringify(r.regime)}\nverdict ${out.verdict.toUpperCase()}  margin ${out.margin}${out.note ? `\nnote ${out.note}` : ''}\n`);
  return 0;
}
