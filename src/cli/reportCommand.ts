import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../claims/constants';
import { openStore, readStore } from '../engine/store';
import type { SweepPoint } from '../report/model';
import { renderReport } from '../report/render';
import { atomicWriteJson } from '../util/atomicWrite';
import { canonicalJson } from '../util/canonical';
import { readRunMeta, summarizeSweep, SweepRunMeta } from '../sweep/summarize';
import { FlagSpec, parseArgs, UsageError, usage } from './args';

const FLAGS: Record<string, FlagSpec> = {
  from: { kind: 'string', help: 'results folder to render (a verify or sweep run)' },
  merge: { kind: 'list', help: 'sweep folders (shards) to merge into --from (or --out), repeatable' },
  out: { kind: 'string', help: 'write the merged results and report here instead of into --from' },
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
  fs.mkdirSync(target, { recursive: true });
  const store = openStore<SweepPoint>(path.join(target, 'results.jsonl'));
  try {
    for (const dir of [from, ...merges]) {
      if (path.resolve(dir) === path.resolve(target)) continue;
      for (const r of readStore<SweepPoint>(path.join(dir, 'results.jsonl')).latest()) if (!store.has(r.key)) store.append(r);
    }
  } finally {
    store.close();
  }
  const metas = [meta, ...others.map((o) => o.meta)];
  const shards = [...new Set(metas.flatMap((m) => m.shards))].sort();
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
  const meta = readRunMeta<{ kind: string }>(from);
  if (meta.kind === 'sweep') {
    if (merges.length > 0 || target !== from) mergeSweeps(from, merges, target);
    atomicWriteJson(path.join(target, 'summary.json'), summarizeSweep(target));
  } else if (merges.length > 0) {
    throw new InputError(`--merge applies to sweep folders; ${from} is a ${meta.kind} run`);
  } else if (target !== from) {
    throw new InputError('--out applies to merged sweep folders');
  }
  const { files } = await renderReport(target);
  process.stdout.write(`report: ${files.filter((f) => /report\.(md|html)$/.test(f)).join(', ')}\n`);
  return 0;
}
