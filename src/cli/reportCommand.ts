import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../claims/constants';
import { coverageWarning, mergeStores } from '../engine/shard';
import type { SweepPoint } from '../report/model';
import { atomicWriteJson, checkWritableDir } from '../util/atomicWrite';
import { showPath } from '../util/errors';
import { canonicalJson } from '../util/canonical';
import { readRunMeta, summarizeSweep, SweepRunMeta } from '../sweep/summarize';
import { FlagSpec, parseArgs, UsageError, usage } from './args';

const FLAGS: Record<string, FlagSpec> = {
  from: { kind: 'string', help: 'results folder to render (a verify or sweep run)' },
  merge: { kind: 'list', help: 'sweep or verify folders (shards) to merge into --from (or --out), repeatable' },
  out: { kind: 'string', help: 'write the merged results and report here instead of into --from' },
  workers: { kind: 'int', help: 'worker processes for what a verify merge still has to compute (default: one per core)' },
  help: { kind: 'boolean', help: 'this help' },
};

/** The first top-level field where two sweep specs differ (shards of one sweep must agree). */
function specDifference(a: SweepRunMeta['spec'], b: SweepRunMeta['spec']): string | null {
  for (const k of Object.keys(a) as (keyof typeof a)[]) if (canonicalJson(a[k]) !== canonicalJson(b[k])) return k;
  return null;
}

/** Merge shard folders into `target`: the union of their records, by key (append-only). */
export function mergeSweeps(from: string, merges: string[], target: string): void {
  const meta = readRunMeta<SweepRunMeta>(from);
  if (meta.kind !== 'sweep') throw new InputError(`--merge applies to sweep folders; ${from} is a ${meta.kind} run`);
  const others = merges.map((d) => ({ dir: d, meta: readRunMeta<SweepRunMeta>(d) }));
  for (const o of others) {
    if (o.meta.kind !== 'sweep') throw new InputError(`--merge ${o.dir}: not a sweep run`);
    const diff = specDifference(meta.spec, o.meta.spec);
    if (diff) throw new InputError(`--merge ${o.dir}: a different sweep (spec field "${diff}" differs from ${from})`);
  }
  const targetMeta = path.join(target, 'run.json');
  if (![from, ...merges].some((d) => path.resolve(d) === path.resolve(target)) && fs.existsSync(target) && fs.readdirSync(target).some((f) => !f.startsWith('.'))) {
    if (!fs.existsSync(targetMeta)) throw new InputError(`--out ${target}: exists and is not empty; choose a new or empty folder for the merged sweep`);
    const t = readRunMeta<SweepRunMeta>(target);
    const diff = t.kind === 'sweep' ? specDifference(meta.spec, t.spec) : 'kind';
    if (diff) throw new InputError(`--out ${target}: holds a different run (${diff === 'kind' ? `a ${t.kind} run` : `spec field "${diff}" differs`}); choose a new or empty folder`);
  }
  mergeStores<SweepPoint>(target, [from, ...merges]);
  const metas = [meta, ...others.map((o) => o.meta)];
  const shards = [...new Set(metas.flatMap((m) => m.shards))].sort();
  const warning = coverageWarning(shards, meta.spec.design.points);
  if (warning) process.stderr.write(`claimcheck report: warning: ${warning}\n`);
  const seconds = metas.reduce((a, m) => a + (m.seconds ?? 0), 0);
  const finished = metas.map((m) => m.finishedAt).filter((f): f is string => typeof f === 'string').sort();
  atomicWriteJson(path.join(target, 'run.json'), { ...meta, shards, seconds, ...(finished.length ? { finishedAt: finished[finished.length - 1] } : {}) });
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'report');
  if (flags.help) {
    process.stdout.write(usage('report', '--from DIR [--merge DIR ...] [--out DIR]', FLAGS));
    return 0;
  }
  if (typeof flags.from !== 'string') throw new UsageError('--from DIR is required');
  const from = path.resolve(flags.from);
  const merges = ((flags.merge as string[] | undefined) ?? []).map((d) => path.resolve(d));
  const target = typeof flags.out === 'string' ? path.resolve(flags.out) : from;
  for (const d of [from, ...merges]) checkRunFolder(d);
  const meta = readRunMeta<{ kind: string }>(from);
  if (meta.kind !== 'sweep' && meta.kind !== 'verify') {
    throw new InputError(`--from ${flags.from}: is a ${meta.kind} run; report renders verify and sweep folders (a ${meta.kind} run's results are in its results.jsonl and summary.json${meta.kind === 'check' ? ', and `claimcheck check ... --resume --out DIR` prints them again' : ''})`);
  }
  if (meta.kind === 'sweep') {
    if (target !== from) checkWritableDir(target, '--out');
    if (merges.length > 0 || target !== from) mergeSweeps(from, merges, target);
    const summary = summarizeSweep(target);
    if (summary.points.length === 0) throw new InputError(`--from ${flags.from}: the sweep has no results yet (results.jsonl is empty); nothing to render`);
    atomicWriteJson(path.join(target, 'summary.json'), summary);
  } else if (merges.length > 0 || target !== from || !fs.existsSync(path.join(from, 'summary.json'))) {
    // verify shards (or an interrupted verify): re-judge over the merged store
    if (target !== from) checkWritableDir(target, '--out');
    await (await import('./verifyCommand')).mergeVerify(from, merges, target, typeof flags.workers === 'number' ? flags.workers : undefined);
  }
  // vega and resvg load only when there is something to render
  const { files } = await (await import('../report/render')).renderReport(target);
  process.stdout.write(`report: ${files.filter((f) => /report\.(md|html)$/.test(f)).join(', ')}\n`);
  return 0;
}

/** A folder `report` can read: it exists, is a folder, and is not empty. */
function checkRunFolder(dir: string): void {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new InputError(`${showPath(dir)}: is a file; name a run folder (a verify or sweep run)`);
    entries = fs.readdirSync(dir);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${showPath(dir)}: ${code === 'ENOENT' ? 'no such folder' : `cannot be read (${code})`}`);
  }
  if (entries.filter((f) => !f.startsWith('.')).length === 0) throw new InputError(`${showPath(dir)}: is empty, not a run folder (report renders the folders of verify and sweep runs)`);
}
