import * as path from 'path';
import { findClaim } from '../claims/registry';
import { cores, defaultWorkers } from '../engine/pool';
import { resolveRunDir, type RunMeta } from '../engine/runDir';
import { openRunSession } from '../engine/runSession';
import type { SweepPoint } from '../report/model';
import { atomicWriteJson } from '../util/atomicWrite';
import { parseAxis } from '../sweep/axes';
import { DesignPoint, gridDesign, randomDesign } from '../sweep/design';
import { parseShard, inShard, Shard, shardLabel } from '../engine/shard';
import { pointToSettings } from '../sweep/axes';
import { ConfigError, resolveConfig, type TrainConfig } from '../training/config';
import { inProcessPays, IN_PROCESS_SECONDS } from '../training/batched/plan';
import { checkModelRange, checkResources, parseAllow, Allowable, ResourceError } from '../training/limits';
import { chooseEngine } from '../training/engineChoice';
import { describeError, RunError } from '../util/errors';
import { METRICS, runSweep, SweepSpec } from '../sweep/run';
import type { SweepRunMeta } from '../sweep/summarize';
import { parseAlgo } from '../training/config';
import { gitRevisionAsync } from '../report/runInfo';
import { FlagSpec, parseArgs, type ParsedFlags, reproduceCommand, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, loadClaimsFrom, profileFromFlag, reportsBase, TIER_FLAGS, tiersFromFlags } from './common';
import { configFromFlags } from './trainCommand';
import { registerBuiltinPapers } from './main';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  preset: { kind: 'string', help: 'base setting (a preset: claimcheck presets lists them)' },
  set: { kind: 'list', help: 'key=value override of the base, repeatable' },
  axis: { kind: 'list', help: 'name=lo..hi[:log], repeatable (training keys or snr)' },
  metric: { kind: 'string', help: `training metric to map (${METRICS.join(', ')})` },
  algo: { kind: 'string', help: 'comma-separated algorithms for a metric sweep (default gd,lngd)' },
  claim: { kind: 'string', help: 'map a claim\'s verdict instead of a metric' },
  replicates: { kind: 'int', help: 'claim sweeps: replicate seeds per point (default: the profile\'s replicates)' },
  ...TIER_FLAGS,
  grid: { kind: 'int', help: 'grid with this many points per axis (default 5)' },
  random: { kind: 'int', help: 'random design with this many points instead of a grid' },
  seed: { kind: 'int', help: 'design seed: order of evaluation and random points (default 1)' },
  shard: { kind: 'string', help: 'i/N: evaluate only design points with index % N == i; /N: i from JOB_COMPLETION_INDEX (default: CLAIMCHECK_SHARD, else all)' },
  allow: { kind: 'list', help: 'run settings outside the papers\' model: tau (tauPlus or tauMinus >= 1/2)' },
  timeout: { kind: 'number', help: 'seconds one evaluation may take before it is stopped and recorded as error (default CLAIMCHECK_TIMEOUT, else 1800; 0 = none)' },
  out: { kind: 'string', help: 'results folder (default reports/sweep-<time>)' },
  resume: { kind: 'boolean', help: 'continue the sweep in --out (or the latest sweep)' },
  json: { kind: 'boolean', help: 'print the summary as JSON' },
};

export async function sweepCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'sweep');
  if (flags.help) {
    process.stdout.write(usage('sweep', '--preset NAME --axis k=lo..hi[:log] ... (--metric M --algo a,b | --claim ID)', FLAGS));
    return 0;
  }
  if (flags.claim === undefined && (flags.tier !== undefined || flags.mode !== undefined)) throw new UsageError('--tier/--mode apply to --claim sweeps');
  if (flags.claim !== undefined && flags.algo !== undefined) throw new UsageError('--algo applies to --metric sweeps; a --claim sweep trains what the claim needs');
  const axes = ((flags.axis as string[] | undefined) ?? []).map(parseAxis);
  if (axes.length === 0) throw new UsageError('name at least one --axis');
  if (new Set(axes.map((a) => a.name)).size !== axes.length) throw new UsageError('--axis: each axis name once');
  if (flags.metric !== undefined && flags.claim !== undefined) throw new UsageError('--metric and --claim exclude each other');
  const base = configFromFlags({ preset: flags.preset, set: flags.set });
  // main registered the papers' presets only: the claims are loaded for a claim sweep, and for a
  // constants profile (checked against the claims even when a metric sweep does not use it)
  if (flags.claim !== undefined || flags.constants !== undefined) await registerBuiltinPapers();
  let target: SweepSpec['target'];
  if (typeof flags.claim === 'string') {
    await loadClaimsFrom(flags['claims-from']);
    const claim = findClaim(flags.claim);
    if (flags.replicates !== undefined && !(Number.isInteger(flags.replicates) && (flags.replicates as number) >= 1)) throw new UsageError(`--replicates must be a positive integer (got ${JSON.stringify(flags.replicates)})`);
    target = { kind: 'claim', claim: claim.id, mode: tiersFromFlags(flags, ['robustness'])[0], ...(typeof flags.replicates === 'number' ? { replicates: flags.replicates } : {}) };
  } else {
    const metric = typeof flags.metric === 'string' ? flags.metric : 'testError';
    if (!(METRICS as readonly string[]).includes(metric)) throw new UsageError(`--metric ${metric}: unknown (use one of ${METRICS.join(', ')})`);
    const algos = String(flags.algo ?? 'gd,lngd').split(',').map((a) => a.trim());
    for (const a of algos) parseAlgo(a);
    target = { kind: 'metric', metric, algos };
  }
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const random = typeof flags.random === 'number' ? flags.random : undefined;
  const perAxis = typeof flags.grid === 'number' ? flags.grid : 5;
  if ((random !== undefined && random < 1) || perAxis < 1) throw new UsageError('--grid and --random need a positive count');
  const design = random !== undefined ? randomDesign(axes, random, seed) : gridDesign(axes, perAxis, seed);
  const shard = parseShard(flags.shard as string | undefined);
  if (shard.from) process.stderr.write(`claimcheck sweep: shard ${shard.index}/${shard.count} (from ${shard.from})\n`);
  const spec: SweepSpec = {
    preset: typeof flags.preset === 'string' ? flags.preset : '(defaults)',
    base, axes, target,
    design: { kind: random !== undefined ? 'random' : 'grid', points: design.length, seed, ...(random === undefined ? { perAxis } : {}) },
    engine: engineFromFlag(flags.engine),
    profile: typeof flags.constants === 'string' ? flags.constants : 'default',
  };
  const profile = profileFromFlag(flags.constants);
  // every point is checked before a folder is made: a bad axis range is one line, not a half-made run
  const { jobs, configs } = validateDesign(spec, design, shard, parseAllow(flags.allow));
  const workers = chooseWorkers(flags, spec, configs);
  if (workers > 1) checkConcurrentMemory(spec, configs, Math.min(workers, cores(), jobs));
  const resume = Boolean(flags.resume);
  const dir = resolveRunDir(reportsBase(), 'sweep', flags.out as string | undefined, resume);
  const command = reproduceCommand('sweep', argv, FLAGS);
  const meta: SweepRunMeta = { kind: 'sweep', argv: ['claimcheck', 'sweep', ...argv], startedAt: new Date().toISOString(), spec, command, shards: [shardLabel(shard)] };
  // a fresh run that fails before storing anything leaves no folder behind (runSession)
  const session = openRunSession<SweepPoint>({
    dir, meta: meta as unknown as RunMeta, resume, label: 'sweep', total: jobs, quiet: Boolean(flags.quiet), workers,
    // a fresh run has every job to do: its workers start now, while this process loads the rest
    poolOptions: { ...(typeof flags.timeout === 'number' ? { timeoutMs: flags.timeout * 1000 } : {}), prestart: resume ? 0 : jobs },
  });
  const { store } = session;
  const t0 = Date.now();
  // asked while the workers train (two git commands, ~25 ms)
  const revision = gitRevisionAsync();
  let stats;
  try {
    stats = await runSweep(spec, design, shard, session.pool, store, profile, session.progress);
  } catch (e) {
    await session.abandon();
    throw e;
  }
  // the workers exit while the report is written: one turn of the event loop sends them the
  // disconnect (the writing below is synchronous)
  const closed = session.close();
  await new Promise((r) => setImmediate(r));
  const metaDone: SweepRunMeta = { ...meta, seconds: (Date.now() - t0) / 1000, workers, ...stats, finishedAt: new Date().toISOString(), gitRevision: await revision };
  let summary;
  try {
    atomicWriteJson(path.join(dir, 'run.json'), metaDone);
    // loaded here, not at start-up: the report's modules (vega and resvg only if it has figures)
    summary = (await import('../sweep/summarize')).summarizeSweep(dir);
    atomicWriteJson(path.join(dir, 'summary.json'), summary);
    await (await import('../report/render')).renderReport(dir);
  } catch (e) {
    throw new RunError(`the sweep's ${store.records().length} results are in ${path.join(dir, 'results.jsonl')}, but its report could not be written: ${describeError(e)} (rerun \`claimcheck report --from ${dir}\` once fixed)`);
  } finally {
    await closed;
  }
  if (flags.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(`sweep: ${summary.points.length} points evaluated; report: ${path.join(dir, 'report.md')}\n`);
  return 0;
}

/**
 * Check every design point of this shard before any work: each resolves to a valid configuration
 * (an axis range like m=0..10 names the point that fails), flip rates stay below 1/2 unless
 * `--allow tau`, and the largest point fits in memory with `workers` of them at once. Returns the
 * number of jobs (points times series) of this shard.
 */
function validateDesign(spec: SweepSpec, design: DesignPoint[], shard: Shard, allow: Set<Allowable>): { jobs: number; configs: TrainConfig[] } {
  const points = design.filter((dp) => inShard(dp.index, shard));
  const series = spec.target.kind === 'metric' ? spec.target.algos : [null];
  const axisNames = spec.axes.map((a) => a.name).join(', ');
  const configs: TrainConfig[] = [];
  for (const dp of points) {
    const where = `--axis ${axisNames}: at the point ${Object.entries(dp.point).map(([k, v]) => `${k}=${v}`).join(' ')}: `;
    for (const algo of series) {
      let config;
      try {
        config = resolveConfig(spec.base, pointToSettings(dp.point, spec.base), algo ? { algo } : {});
      } catch (e) {
        if (e instanceof ConfigError) throw new UsageError(`${where}${e.message}`);
        throw e;
      }
      checkModelRange(config, allow, where);
      if (spec.target.kind !== 'metric') continue;
      try {
        checkResources(config, chooseEngine(config, spec.engine));
      } catch (e) {
        if (e instanceof ResourceError) throw new ResourceError(`${where}${e.message}`);
        throw e;
      }
      configs.push(config);
    }
  }
  return { jobs: points.length * series.length, configs };
}

/** The largest point of a metric sweep must fit in memory `concurrent` times at once. */
function checkConcurrentMemory(spec: SweepSpec, configs: TrainConfig[], concurrent: number): void {
  let largest: { bytes: number; config: TrainConfig } | null = null;
  for (const config of configs) {
    const bytes = checkResources(config, chooseEngine(config, spec.engine)).totalBytes;
    if (!largest || bytes > largest.bytes) largest = { bytes, config };
  }
  if (largest) checkResources(largest.config, chooseEngine(largest.config, spec.engine), { concurrent });
}

/**
 * --workers, else CLAIMCHECK_WORKERS, else one worker per core, except for a metric sweep so small
 * that its runs train faster in this process than on workers started for them (plan.ts
 * inProcessPays: under ~1 s of estimated training).
 */
function chooseWorkers(flags: ParsedFlags, spec: SweepSpec, configs: TrainConfig[]): number {
  if (typeof flags.workers === 'number') return flags.workers;
  const env = process.env.CLAIMCHECK_WORKERS;
  if ((env === undefined || env === '') && spec.target.kind === 'metric' && configs.length > 0 && inProcessPays(configs, spec.engine)) {
    if (!flags.quiet) process.stderr.write(`claimcheck sweep: ${configs.length} runs, under ${IN_PROCESS_SECONDS} s of training by estimate: trained in this process (workers would cost more to start than they save; --workers N to use them)\n`);
    return 0;
  }
  return defaultWorkers();
}
