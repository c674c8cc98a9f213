import * as fs from 'fs';
import * as path from 'path';
import { defaultWorkers, EvaluatorPool } from '../engine/pool';
import { latestRunDir, prepareRunDir, requestDifference, resolveRunDir } from '../engine/runDir';
import type { StoreRecord } from '../engine/store';
import { openRunSession } from '../engine/runSession';
import { mergeStores, parseShard, Shard, shardLabel } from '../engine/shard';
import { InputError } from '../claims/constants';
import type { VerifySummary } from '../report/model';
import { renderReport } from '../report/render';
import { readRunMeta } from '../sweep/summarize';
import { atomicWriteJson } from '../util/atomicWrite';
import { DEFAULT_PLAN, scalePlan } from '../verify/plan';
import { morrisBases, plannedUnits, pointLatest, runVerify } from '../verify/verify';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, loadClaimsFrom, profileFromFlag, reportsBase } from './common';
import { exitForBreaks, failTiers, summaryLine } from './checkCommand';
import { selectClaims } from '../claims/registry';
import type { EngineChoice } from '../training/config';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  claims: { kind: 'string', help: 'comma-separated claim ids to check (default all; the figures are always made)' },
  budget: { kind: 'number', help: 'scale the default budget by this factor (default 1: under 6 minutes on 2 cores)' },
  'fail-on': { kind: 'string', help: 'never (default: the report is the job) | breaks (exit 1 when a claim breaks in the literal or paper tier)' },
  seed: { kind: 'int', help: 'fast-check and design seed (default 1)' },
  out: { kind: 'string', help: 'run folder (default reports/verify-<time>)' },
  resume: { kind: 'boolean', help: 'continue --out, or the latest verify run' },
  fresh: { kind: 'boolean', help: 'start a new run even if the latest one was interrupted' },
  figures: { kind: 'string', help: 'all (default) | none: the claims only, without phase diagrams, Morris screens and dynamics figures' },
  shard: { kind: 'string', help: 'i/N: evaluate the work units whose index is i mod N (or /N with JOB_COMPLETION_INDEX); merge with report --from A --merge B ...' },
};

/** What a verify run was asked (run.json), enough to redo it over a merged store. */
interface VerifyRequest {
  kind: 'verify';
  argv: string[];
  startedAt: string;
  seed: number;
  budget: number;
  profile: string;
  claims: string[];
  engine?: EngineChoice;
  shard?: string;
  figures?: boolean;
  /** --claims-from modules (absolute paths): loaded again by a resume or a merge */
  claimsFrom?: string[];
}

/** A pool that counts the claim evaluations it had to make (a merge of complete shards makes none). */
function countingPool(pool: EvaluatorPool): EvaluatorPool & { evaluations: () => number } {
  let n = 0;
  const counted = Object.create(pool) as EvaluatorPool & { evaluations: () => number };
  counted.evaluate = (job) => {
    n++;
    return pool.evaluate(job);
  };
  counted.evaluations = () => n;
  return counted;
}

async function executeVerify(dir: string, req: VerifyRequest, opts: { shard: Shard; workers?: number; quiet: boolean }) {
  await loadClaimsFrom(req.claimsFrom);
  const profile = profileFromFlag(req.profile);
  const plan = { ...scalePlan(DEFAULT_PLAN, req.budget), figures: req.figures !== false };
  const claims = selectClaims(req.claims);
  const engine = req.engine ?? 'auto';
  const morrisPoints = morrisBases(profile, req.seed, plan, claims).reduce((a, b) => a + b.trajectories * (b.k + 1), 0);
  // the folder was prepared by verifyCommand (or is a merge's target): store, progress and pool only
  const session = openRunSession<StoreRecord>({
    dir, resume: true, label: `verify${opts.shard.count > 1 ? ` ${shardLabel(opts.shard)}` : ''}`, quiet: opts.quiet,
    total: Math.ceil(plannedUnits(plan, morrisPoints, claims) / opts.shard.count), workers: opts.workers ?? defaultWorkers(),
  });
  const { store, progress } = session;
  const pool = countingPool(session.pool);
  let summary: VerifySummary;
  try {
    summary = await runVerify({ dir, claims, plan, budget: req.budget, seed: req.seed, profile, engine, pool, store, progress, argv: ['claimcheck', 'verify', ...req.argv], startedAt: req.startedAt, shard: opts.shard });
  } finally {
    await session.close();
  }
  return { summary, evaluations: pool.evaluations() };
}

function figuresFlag(v: unknown): boolean {
  if (v === undefined || v === 'all') return true;
  if (v === 'none') return false;
  throw new UsageError(`--figures must be all or none (got ${JSON.stringify(v)})`);
}

export async function verifyCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'verify');
  if (flags.help) {
    process.stdout.write(usage('verify', '[--budget F] [--seed S] [--out DIR] [--resume] [--shard i/N]', FLAGS));
    return 0;
  }
  const budget = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(budget > 0)) throw new UsageError('--budget must be > 0');
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const failOn = failTiers(flags['fail-on'], 'never');
  const shard = parseShard(typeof flags.shard === 'string' ? flags.shard : undefined);
  if (shard.from) process.stderr.write(`verify: shard ${shardLabel(shard)} (from ${shard.from})\n`);
  await loadClaimsFrom(flags['claims-from']);
  profileFromFlag(flags.constants); // validated before any work
  const engine = engineFromFlag(flags.engine);
  const base = reportsBase();
  // An interrupted verify (run.json but no summary.json) is resumed unless --fresh, --out or a shard says otherwise.
  const interrupted = shard.count > 1 ? null : latestRunDir(base, 'verify');
  const autoResume = !flags.fresh && !flags.out && interrupted !== null && !fs.existsSync(path.join(interrupted, 'summary.json'));
  const resume = Boolean(flags.resume) || autoResume;
  const dir = autoResume ? (interrupted as string) : resolveRunDir(base, 'verify', flags.out as string | undefined, resume);
  const claims = selectClaims(typeof flags.claims === 'string' ? flags.claims.split(',').map((x) => x.trim()) : ['all']);
  const req: VerifyRequest = {
    kind: 'verify', argv, startedAt: new Date().toISOString(), seed, budget, profile: typeof flags.constants === 'string' ? flags.constants : 'default',
    claims: claims.map((c) => c.id), engine, shard: shardLabel(shard), figures: figuresFlag(flags.figures),
    ...(Array.isArray(flags['claims-from']) ? { claimsFrom: (flags['claims-from'] as string[]).map((f) => path.resolve(f)) } : {}),
  };
  prepareRunDir(dir, { ...req, plan: { ...scalePlan(DEFAULT_PLAN, budget), figures: req.figures } } as unknown as Parameters<typeof prepareRunDir>[1], resume);
  if (resume) process.stderr.write(`verify: resuming ${dir}\n`);
  const { summary } = await executeVerify(dir, req, { shard, workers: flags.workers as number | undefined, quiet: Boolean(flags.quiet) });
  if (shard.count > 1) {
    // a shard's verdicts are partial: it keeps its results and leaves the summary and report to the merge
    process.stdout.write(`verify shard ${shardLabel(shard)}: results in ${dir}\nmerge the shards with: npx claimcheck report --from <shard 0 folder> --merge <shard 1 folder> ... [--out DIR]\n`);
    return 0;
  }
  atomicWriteJson(path.join(dir, 'summary.json'), summary);
  await renderReport(dir);
  // a run with --out is the user's folder: reports/latest keeps pointing at the last default run
  if (!flags.out) pointLatest(base, dir);
  for (const s of summary.claims) process.stdout.write(summaryLine(s) + '\n');
  process.stdout.write(`report: ${path.join(dir, 'report.md')}${flags.out ? '' : ' (reports/latest)'}\n`);
  return exitForBreaks(summary.claims, failOn);
}

/**
 * `report --from A --merge B ...` of verify shards: the union of their stores in `target`, then the
 * verify run again over it (every evaluation found in the store; the dynamics figures, which are not
 * stored, are trained here). Warns when the shards do not cover the run (evaluations had to be made).
 */
export async function mergeVerify(from: string, merges: readonly string[], target: string, workers?: number): Promise<void> {
  const meta = readRunMeta<VerifyRequest>(from);
  const shards = [meta, ...merges.map((d) => {
    const m = readRunMeta<VerifyRequest>(d);
    if (m.kind !== 'verify') throw new InputError(`--merge ${d}: not a verify run (a ${m.kind} run)`);
    const strip = (x: VerifyRequest) => ({ seed: x.seed, budget: x.budget, profile: x.profile, claims: x.claims, engine: x.engine ?? 'auto', figures: x.figures !== false });
    const diff = requestDifference(strip(meta), strip(m));
    if (diff) throw new InputError(`--merge ${d}: a different verify run (${diff})`);
    return m;
  })];
  mergeStores(target, [from, ...merges]);
  const req: VerifyRequest = { ...meta, shard: 'all', argv: meta.argv.filter((a, i, all) => a !== '--shard' && all[i - 1] !== '--shard') };
  if (path.resolve(target) !== path.resolve(from)) atomicWriteJson(path.join(target, 'run.json'), { ...readRunMeta<Record<string, unknown>>(from), shard: 'all', shards: shards.map((s) => s.shard ?? 'all') });
  const { summary, evaluations } = await executeVerify(target, req, { shard: { index: 0, count: 1 }, workers, quiet: true });
  if (evaluations > 0) {
    process.stderr.write(`claimcheck report: warning: the merged shards (${shards.map((s) => s.shard ?? 'all').join(', ')}) did not cover the run: ${evaluations} evaluation(s) were made during the merge\n`);
  }
  atomicWriteJson(path.join(target, 'summary.json'), summary);
}
