import * as path from 'path';
import { findClaim } from '../claims/registry';
import { createPool, defaultWorkers } from '../engine/pool';
import { prepareRunDir, resolveRunDir } from '../engine/runDir';
import { openStore } from '../engine/store';
import type { SweepPoint } from '../report/model';
import { renderReport } from '../report/render';
import { atomicWriteJson } from '../util/atomicWrite';
import { createProgress } from '../util/progress';
import { parseAxis } from '../sweep/axes';
import { gridDesign, parseShard, randomDesign } from '../sweep/design';
import { METRICS, runSweep, SweepSpec } from '../sweep/run';
import { summarizeSweep, SweepRunMeta } from '../sweep/summarize';
import { parseAlgo } from '../training/config';
import { gitRevision } from '../report/runInfo';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, modesFromFlag, profileFromFlag, reportsBase } from './common';
import { configFromFlags } from './trainCommand';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  preset: { kind: 'string', help: 'base setting (fixtures/presets/NAME.json)' },
  set: { kind: 'list', help: 'key=value override of the base, repeatable' },
  axis: { kind: 'list', help: 'name=lo..hi[:log], repeatable (training keys or snr)' },
  metric: { kind: 'string', help: `training metric to map (${METRICS.join(', ')})` },
  algo: { kind: 'string', help: 'comma-separated algorithms for a metric sweep (default gd,lngd)' },
  claim: { kind: 'string', help: 'map a claim\'s verdict instead of a metric' },
  mode: { kind: 'string', help: 'claim mode (default robustness)' },
  grid: { kind: 'int', help: 'grid with this many points per axis (default 5)' },
  random: { kind: 'int', help: 'random design with this many points instead of a grid' },
  seed: { kind: 'int', help: 'design seed: order of evaluation and random points (default 1)' },
  shard: { kind: 'string', help: 'i/N: evaluate only design points with index % N == i' },
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
  const axes = ((flags.axis as string[] | undefined) ?? []).map(parseAxis);
  if (axes.length === 0) throw new UsageError('name at least one --axis');
  if (new Set(axes.map((a) => a.name)).size !== axes.length) throw new UsageError('--axis: each axis name once');
  if (flags.metric !== undefined && flags.claim !== undefined) throw new UsageError('--metric and --claim exclude each other');
  const base = configFromFlags({ preset: flags.preset, set: flags.set });
  let target: SweepSpec['target'];
  if (typeof flags.claim === 'string') {
    const claim = findClaim(flags.claim);
    target = { kind: 'claim', claim: claim.id, mode: modesFromFlag(flags.mode, ['robustness'])[0] };
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
  const spec: SweepSpec = {
    preset: typeof flags.preset === 'string' ? flags.preset : '(defaults)',
    base, axes, target,
    design: { kind: random !== undefined ? 'random' : 'grid', points: design.length, seed, ...(random === undefined ? { perAxis } : {}) },
    engine: engineFromFlag(flags.engine),
    profile: typeof flags.constants === 'string' ? flags.constants : 'default',
  };
  const profile = profileFromFlag(flags.constants);
  const resume = Boolean(flags.resume);
  const dir = resolveRunDir(reportsBase(), 'sweep', flags.out as string | undefined, resume);
  const command = `npx claimcheck sweep ${argv.filter((a) => !a.startsWith('--out') && !a.startsWith('--shard')).join(' ')}`.replace(/\s+--shard\s+\S+/, '');
  const meta: SweepRunMeta = { kind: 'sweep', argv: ['claimcheck', 'sweep', ...argv], startedAt: new Date().toISOString(), spec, command, shards: [shard.count > 1 ? `${shard.index}/${shard.count}` : 'all'] };
  prepareRunDir(dir, meta as unknown as Parameters<typeof prepareRunDir>[1], resume);
  const store = openStore<SweepPoint>(path.join(dir, 'results.jsonl'));
  const progress = createProgress({ total: design.length, label: 'sweep', quiet: Boolean(flags.quiet) });
  const pool = createPool(typeof flags.workers === 'number' ? flags.workers : defaultWorkers());
  const t0 = Date.now();
  try {
    await runSweep(spec, design, shard, pool, store, profile, progress);
  } finally {
    progress.done();
    await pool.close();
    store.close();
  }
  const metaDone: SweepRunMeta = { ...meta, seconds: (Date.now() - t0) / 1000, finishedAt: new Date().toISOString(), gitRevision: gitRevision() };
  atomicWriteJson(path.join(dir, 'run.json'), metaDone);
  const summary = summarizeSweep(dir);
  atomicWriteJson(path.join(dir, 'summary.json'), summary);
  await renderReport(dir);
  if (flags.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(`sweep: ${summary.points.length} points evaluated; report: ${path.join(dir, 'report.md')}\n`);
  return 0;
}
