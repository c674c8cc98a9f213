import * as fs from 'fs';
import * as path from 'path';
import { createPool, type EvaluatorPool, type PoolOptions } from './pool';
import { discardRunDir, latestRunDir, prepareRunDir, requestDifference, resolveRunDir, type RunMeta } from './runDir';
import { openStore, type Keyed, type Store } from './store';
import { createProgress, type Progress } from '../util/progress';

/**
 * The set-up every long command shares (sweep, verify, review): the run folder (made or resumed,
 * locked, request recorded), its append-only store, a progress line and the worker pool, and their
 * orderly close. A fresh run that fails before storing anything leaves no folder behind.
 */
export interface RunSession<R extends Keyed> {
  dir: string;
  store: Store<R>;
  progress: Progress;
  pool: EvaluatorPool;
  /** the run continues an earlier folder */
  resumed: boolean;
  /** progress done, pool and store closed */
  close(): Promise<void>;
  /** close after a failure: a fresh run that stored nothing removes its folder */
  abandon(): Promise<void>;
}

export interface SessionOptions {
  dir: string;
  /** the request to record; absent: the caller prepared the folder (e.g. the target of a merge) */
  meta?: RunMeta;
  resume: boolean;
  label: string;
  total: number;
  quiet: boolean;
  workers: number;
  poolOptions?: PoolOptions;
}

export function openRunSession<R extends Keyed>(o: SessionOptions): RunSession<R> {
  if (o.meta) prepareRunDir(o.dir, o.meta, o.resume);
  const store = openStore<R>(path.join(o.dir, 'results.jsonl'));
  const progress = createProgress({ total: o.total, label: o.label, quiet: o.quiet });
  let pool: EvaluatorPool;
  try {
    pool = createPool(o.workers, undefined, o.poolOptions ?? {});
  } catch (e) {
    progress.done();
    store.close();
    if (!o.resume && o.meta) discardRunDir(o.dir);
    throw e;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    progress.done();
    try {
      await pool.close();
    } finally {
      store.close();
    }
  };
  return {
    dir: o.dir, store, progress, pool, resumed: o.resume, close,
    async abandon() {
      const empty = store.records().length === 0;
      await close();
      if (!o.resume && o.meta && empty) discardRunDir(o.dir);
    },
  };
}

/**
 * The folder of a run and whether it resumes: --out (resumed when it already holds a run), --resume
 * (the latest of this kind), else the latest interrupted run of this kind (run.json but no
 * summary.json) when it was made by the same request and --fresh is not given, else a new folder.
 */
export function chooseRunDir(base: string, kind: string, o: { out?: string; resume?: boolean; fresh?: boolean; request?: Record<string, unknown> }): { dir: string; resume: boolean } {
  if (o.out) {
    const dir = path.resolve(o.out);
    return { dir, resume: Boolean(o.resume) || fs.existsSync(path.join(dir, 'run.json')) };
  }
  if (o.resume) return { dir: resolveRunDir(base, kind, undefined, true), resume: true };
  const latest = o.fresh ? null : latestRunDir(base, kind);
  if (latest && !fs.existsSync(path.join(latest, 'summary.json'))) {
    let same = o.request === undefined;
    if (o.request) {
      try {
        same = requestDifference(JSON.parse(fs.readFileSync(path.join(latest, 'run.json'), 'utf8')), o.request) === null;
      } catch {
        same = false;
      }
    }
    if (same) return { dir: latest, resume: true };
  }
  return { dir: resolveRunDir(base, kind, undefined, false), resume: false };
}
