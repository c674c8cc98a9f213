import * as fs from 'fs';
import * as path from 'path';
import { createPool, defaultWorkers } from '../engine/pool';
import { latestRunDir, prepareRunDir, resolveRunDir } from '../engine/runDir';
import { openStore, StoreRecord } from '../engine/store';
import { renderReport } from '../report/render';
import { atomicWriteJson } from '../util/atomicWrite';
import { createProgress } from '../util/progress';
import { DEFAULT_PLAN, scalePlan } from '../verify/plan';
import { morrisBases, plannedUnits, pointLatest, runVerify } from '../verify/verify';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, profileFromFlag, reportsBase } from './common';
import { summaryLine } from './checkCommand';
import { selectClaims } from '../claims/registry';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  claims: { kind: 'string', help: 'comma-separated claim ids to check (default all; the figures are always made)' },
  budget: { kind: 'number', help: 'scale the default budget by this factor (default 1: about 10 minutes on 2 cores)' },
  seed: { kind: 'int', help: 'fast-check and design seed (default 1)' },
  out: { kind: 'string', help: 'run folder (default reports/verify-<time>)' },
  resume: { kind: 'boolean', help: 'continue --out, or the latest verify run' },
  fresh: { kind: 'boolean', help: 'start a new run even if the latest one was interrupted' },
};

export async function verifyCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'verify');
  if (flags.help) {
    process.stdout.write(usage('verify', '[--budget F] [--seed S] [--out DIR] [--resume]', FLAGS));
    return 0;
  }
  const budget = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(budget > 0)) throw new UsageError('--budget must be > 0');
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const profile = profileFromFlag(flags.constants);
  const engine = engineFromFlag(flags.engine);
  const base = reportsBase();
  // An interrupted verify (run.json but no summary.json) is resumed unless --fresh or --out says otherwise.
  const interrupted = latestRunDir(base, 'verify');
  const autoResume = !flags.fresh && !flags.out && interrupted !== null && !fs.existsSync(path.join(interrupted, 'summary.json'));
  const resume = Boolean(flags.resume) || autoResume;
  const dir = autoResume ? (interrupted as string) : resolveRunDir(base, 'verify', flags.out as string | undefined, resume);
  const plan = scalePlan(DEFAULT_PLAN, budget);
  const claims = selectClaims(typeof flags.claims === 'string' ? flags.claims.split(',').map((x) => x.trim()) : ['all']);
  const startedAt = new Date().toISOString();
  prepareRunDir(dir, { kind: 'verify', argv, startedAt, seed, budget, plan, profile: profile.name, claims: claims.map((c) => c.id) }, resume);
  if (resume) process.stderr.write(`verify: resuming ${dir}\n`);
  const store = openStore<StoreRecord>(path.join(dir, 'results.jsonl'));
  const morrisPoints = morrisBases(profile, seed, plan, claims).reduce((a, b) => a + b.trajectories * (b.k + 1), 0);
  const progress = createProgress({ total: plannedUnits(plan, morrisPoints, claims), label: 'verify', quiet: Boolean(flags.quiet) });
  const pool = createPool(typeof flags.workers === 'number' ? flags.workers : defaultWorkers());
  let summary;
  try {
    summary = await runVerify({ dir, claims, plan, budget, seed, profile, engine, pool, store, progress, argv: ['claimcheck', 'verify', ...argv], startedAt });
  } finally {
    progress.done();
    await pool.close();
    store.close();
  }
  atomicWriteJson(path.join(dir, 'summary.json'), summary);
  await renderReport(dir);
  pointLatest(base, dir);
  for (const s of summary.claims) process.stdout.write(summaryLine(s) + '\n');
  process.stdout.write(`report: ${path.join(dir, 'report.md')} (reports/latest)\n`);
  return 0;
}
