import * as fs from 'fs';
import * as path from 'path';
import { atomicWriteJson } from '../util/atomicWrite';
import { InputError } from '../claims/constants';

/**
 * Output folders of runs: reports/<kind>-<UTC timestamp>/ with run.json (what was asked) and
 * results.jsonl (the append-only store). `--resume` reuses a folder: the store's keys say what is
 * already done.
 */
export function newRunId(kind: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${kind}-${t}`;
}

export function latestRunDir(base: string, kind: string): string | null {
  if (!fs.existsSync(base)) return null;
  const dirs = fs
    .readdirSync(base)
    .filter((d) => d.startsWith(`${kind}-`) && fs.existsSync(path.join(base, d, 'run.json')))
    .sort();
  return dirs.length ? path.join(base, dirs[dirs.length - 1]) : null;
}

/** The run folder: --out, else the latest of this kind when resuming, else a new one. */
export function resolveRunDir(base: string, kind: string, out: string | undefined, resume: boolean): string {
  if (out) return path.resolve(out);
  if (resume) {
    const latest = latestRunDir(base, kind);
    if (!latest) throw new InputError(`--resume: no earlier ${kind} run under ${base} (name one with --out)`);
    return latest;
  }
  return path.resolve(base, newRunId(kind));
}

export interface RunMeta {
  kind: string;
  argv: string[];
  startedAt: string;
  [k: string]: unknown;
}

/** Create the folder and record the request; refuse to mix a fresh run into an existing store. */
export function prepareRunDir(dir: string, meta: RunMeta, resume: boolean): void {
  const results = path.join(dir, 'results.jsonl');
  if (!resume && fs.existsSync(results) && fs.statSync(results).size > 0) {
    throw new InputError(`--out ${dir}: already holds results; add --resume to continue it, or choose another folder`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const metaFile = path.join(dir, 'run.json');
  if (!(resume && fs.existsSync(metaFile))) atomicWriteJson(metaFile, meta);
}
