import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../claims/constants';
import { UsageError } from '../util/errors';
import { makeDirs } from '../util/atomicWrite';
import { openStore, readStore, Keyed } from './store';

/**
 * Shards of a run's design, shared by `sweep --shard` and `verify --shard`: shard i/N takes the
 * design points (work units) whose index is i mod N. Where the shard comes from:
 *   --shard i/N                      explicit
 *   --shard /N                       N shards, this one's index from JOB_COMPLETION_INDEX (a Kubernetes
 *                                    Indexed Job sets it in every pod)
 *   CLAIMCHECK_SHARD=i/N or =/N      the same, when --shard is not given (one image, one command line
 *                                    for every pod or CI matrix job)
 * A shard taken from the environment is announced on stderr. Merging (report --merge) is the union of
 * the shards' records by key; `shardCoverage` says which design indices no shard covered.
 */
export interface Shard {
  index: number;
  count: number;
}

export const MAX_SHARDS = 10000;

export interface ResolvedShard extends Shard {
  /** where the index came from, when not from an explicit --shard i/N (for a note on stderr) */
  from?: string;
}

function parseIndex(raw: string, what: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${what} must be a whole number (got ${JSON.stringify(raw)})`);
  return Number(raw.trim());
}

/**
 * The shard of this process from `--shard` (else CLAIMCHECK_SHARD), with `/N` taking the index from
 * JOB_COMPLETION_INDEX. No shard given: the whole design ({index 0, count 1}).
 */
export function parseShard(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedShard {
  let flag = '--shard';
  if (spec === undefined && env.CLAIMCHECK_SHARD !== undefined && env.CLAIMCHECK_SHARD !== '') {
    spec = env.CLAIMCHECK_SHARD;
    flag = 'CLAIMCHECK_SHARD';
  }
  if (spec === undefined) return { index: 0, count: 1 };
  const m = /^\s*(\d*)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new UsageError(`${flag} must look like i/N, or /N with the index in JOB_COMPLETION_INDEX (got ${JSON.stringify(spec)})`);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`${flag} ${spec}: N must be from 1 to ${MAX_SHARDS}`);
  let index: number;
  let from: string | undefined = flag === '--shard' ? undefined : flag;
  if (m[1] === '') {
    const jci = env.JOB_COMPLETION_INDEX;
    if (jci === undefined || jci === '') throw new UsageError(`${flag} ${spec}: the shard index comes from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set; write ${flag === '--shard' ? '--shard' : 'CLAIMCHECK_SHARD='}i/${count}`);
    index = parseIndex(jci, 'JOB_COMPLETION_INDEX');
    from = `${from ? from + ' and ' : ''}JOB_COMPLETION_INDEX=${jci}`;
    if (index >= count) throw new UsageError(`${flag} ${spec}: JOB_COMPLETION_INDEX=${jci} is not below ${count} (set the Job's completions to ${count})`);
  } else {
    index = Number(m[1]);
    if (index >= count) throw new UsageError(`${flag} ${spec}: need 0 <= i < N`);
  }
  return { index, count, ...(from ? { from } : {}) };
}

export function inShard(index: number, shard: Shard): boolean {
  return index % shard.count === shard.index;
}

/** The label stored in run.json: "i/N", or "all" for an unsharded run. */
export function shardLabel(shard: Shard): string {
  return shard.count > 1 ? `${shard.index}/${shard.count}` : 'all';
}

/**
 * Which of `total` design indices the shards (labels "i/N" or "all") leave uncovered, e.g. shards
 * 0/2 and 1/3 leave out every index that is odd and not 1 mod 3.
 */
export function shardCoverage(labels: readonly string[], total: number): { missing: number[] } {
  const shards = labels.map((l) => {
    if (l === 'all') return { index: 0, count: 1 };
    const m = /^(\d+)\/(\d+)$/.exec(l);
    if (!m) throw new InputError(`unknown shard label ${JSON.stringify(l)} in run.json (expected "i/N" or "all")`);
    return { index: Number(m[1]), count: Number(m[2]) };
  });
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!shards.some((s) => inShard(i, s))) missing.push(i);
  return { missing };
}

/** A warning line when merged shards do not cover the design, or null when they do. */
export function coverageWarning(labels: readonly string[], total: number, what = 'design points'): string | null {
  const { missing } = shardCoverage(labels, total);
  if (missing.length === 0) return null;
  const shown = missing.slice(0, 8).join(', ') + (missing.length > 8 ? ', ...' : '');
  return `the merged shards (${[...new Set(labels)].join(', ')}) do not cover the design: ${missing.length} of ${total} ${what} are in no shard (indices ${shown}); run the missing shards and merge again`;
}

/**
 * Merge the results stores of shard folders into `target`'s store: the union of their latest
 * records by key (records already in the target win; append-only). Returns how many were added.
 */
export function mergeStores<R extends Keyed>(target: string, dirs: readonly string[]): number {
  makeDirs(target);
  const store = openStore<R>(path.join(target, 'results.jsonl'));
  let added = 0;
  try {
    for (const dir of dirs) {
      if (path.resolve(dir) === path.resolve(target)) continue;
      const file = path.join(dir, 'results.jsonl');
      if (!fs.existsSync(file)) continue;
      for (const r of readStore<R>(file).latest()) {
        if (!store.has(r.key)) {
          store.append(r);
          added++;
        }
      }
    }
  } finally {
    store.close();
  }
  return added;
}
