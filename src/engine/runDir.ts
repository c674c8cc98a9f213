import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { atomicWriteJson, checkWritableDir, makeDirs } from '../util/atomicWrite';
import { InputError } from '../claims/constants';
import { canonicalJson } from '../util/canonical';
import { describeError, PathError, reasonOf, showPath } from '../util/errors';

/**
 * Output folders of runs: reports/<kind>-<UTC time to the millisecond>-<random>/ with run.json
 * (what was asked) and results.jsonl (the append-only store). Run folders cannot collide:
 * - a new folder is created exclusively (mkdir fails if it exists; a fresh id is drawn then);
 * - while a run writes, the folder holds a lock file `.lock` (pid, host, start), renewed every 30 s;
 *   a second writer is refused; a lock whose process is gone (same host, pid not running) or, from
 *   another host (a shared volume), not renewed for 10 minutes, is stale and taken over;
 * - `--resume` reuses a folder only for the same request: run.json is compared field by field.
 */
export function newRunId(kind: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19);
  return `${kind}-${t}-${randomBytes(3).toString('hex')}`;
}

export function latestRunDir(base: string, kind: string): string | null {
  if (!fs.existsSync(base)) return null;
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch (e) {
    throw new PathError(`${showPath(base)}: cannot be listed (${reasonOf(e, base)})`);
  }
  const dirs = names.filter((d) => d.startsWith(`${kind}-`) && fs.existsSync(path.join(base, d, 'run.json'))).sort();
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

/** Fields of run.json that describe how a run went, not what was asked: never compared on resume. */
const VOLATILE = new Set(['argv', 'startedAt', 'finishedAt', 'seconds', 'gitRevision', 'command', 'resumedAt', 'workers', 'batches', 'backend', 'backends', 'versions']);

/**
 * The first difference between two recorded requests (run.json), as `field: was X, now Y`, or null.
 * Nested objects are compared down to the differing leaf (e.g. `spec.base.eta`).
 */
export function requestDifference(before: Record<string, unknown>, now: Record<string, unknown>, prefix = ''): string | null {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((k) => prefix !== '' || !VOLATILE.has(k)).sort();
  for (const k of keys) {
    const a = before[k];
    const b = now[k];
    if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) continue;
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(a) && isObj(b)) return requestDifference(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${k}.`);
    const show = (v: unknown) => {
      const s = v === undefined ? '(none)' : JSON.stringify(v);
      return s.length > 80 ? s.slice(0, 77) + '...' : s;
    };
    return `${prefix}${k}: was ${show(a)}, now ${show(b)}`;
  }
  return null;
}

/** A folder another live process is writing. */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  argv?: string[];
}

/** A live run renews its lock's time every HEARTBEAT_MS; one on another host not renewed for STALE_MS is stale. */
const HEARTBEAT_MS = 30_000;
export const STALE_MS = 10 * 60_000;
const held = new Map<string, NodeJS.Timeout>();
let exitHookInstalled = false;

function releaseAll(): void {
  for (const [f, beat] of held) {
    clearInterval(beat);
    try {
      fs.unlinkSync(f);
    } catch {
      // already gone
    }
  }
  held.clear();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/.lock` for this process (released at exit; a lock left by a killed run is stale
 * when its pid is not running on this host, and is taken over). Throws LockError when a live
 * process holds it.
 */
export function acquireLock(dir: string): string {
  const file = path.join(dir, '.lock');
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), argv: process.argv.slice(2) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx' });
      const beat = setInterval(() => {
        try {
          const now = new Date();
          fs.utimesSync(file, now, now);
        } catch {
          // the folder went away: nothing to renew
        }
      }, HEARTBEAT_MS);
      beat.unref();
      held.set(file, beat);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', releaseAll);
      }
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new PathError(`${showPath(dir)}: cannot take the run lock (${reasonOf(e)})`);
    }
    let other: Partial<LockInfo> = {};
    try {
      other = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // a lock being written right now, or garbage: treated as held unless old
    }
    const ageMs = (() => {
      try {
        return Date.now() - fs.statSync(file).mtimeMs;
      } catch {
        return 0;
      }
    })();
    const sameHost = other.host === os.hostname();
    // on this host the pid says whether the writer lives; elsewhere (a shared volume) the heartbeat does
    const stale = sameHost && typeof other.pid === 'number' ? other.pid !== process.pid && !processAlive(other.pid) : ageMs > STALE_MS;
    if (!stale) {
      const who = typeof other.pid === 'number' ? `process ${other.pid}${sameHost ? '' : ' on ' + other.host}, started ${other.startedAt}` : 'another process';
      throw new LockError(`${showPath(dir)}: another run is writing this folder (${who}); wait for it or choose another --out${sameHost ? '' : ` (a lock not renewed for ${STALE_MS / 60_000} minutes is taken over; if that run is gone, delete ${file})`}`);
    }
    try {
      fs.unlinkSync(file);
    } catch {
      // someone else took it over first: try again
    }
  }
  throw new LockError(`${showPath(dir)}: could not take the run lock (another run keeps taking it)`);
}

/** Releases a lock taken by acquireLock (also done at exit). */
export function releaseLock(file: string): void {
  const beat = held.get(file);
  if (!beat) return;
  clearInterval(beat);
  held.delete(file);
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Create the folder (exclusively, unless resuming or given an empty one), take its lock, check
 * that the store and folder are writable, and record the request. Refuses to mix a fresh run into
 * an existing one, and to resume a folder made by a different request. Returns the folder.
 */
export function prepareRunDir(dir: string, meta: RunMeta, resume: boolean): string {
  const metaFile = path.join(dir, 'run.json');
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    // missing, or not reachable (a file in the way, a name too long): creating it says which
    if (!['ENOENT', 'ENOTDIR', 'ENAMETOOLONG'].includes((e as NodeJS.ErrnoException).code ?? '')) throw new PathError(`--out ${showPath(dir)}: ${describeError(e)}`);
  }
  if (st && !st.isDirectory()) throw new PathError(`--out ${showPath(dir)}: is a file; name a folder for the run`);
  if (!st) {
    try {
      makeDirs(path.dirname(dir));
    } catch (e) {
      throw new PathError(`--out ${showPath(dir)}: cannot be created (${reasonOf(e, dir)})`);
    }
    try {
      fs.mkdirSync(dir); // exclusive: a folder made meanwhile by another run fails here
    } catch (e) {
      // EEXIST: made meanwhile by another run; the lock and the checks below decide
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new PathError(`--out ${showPath(dir)}: cannot be created (${reasonOf(e, dir)})`);
    }
  }
  checkWritableDir(dir, '--out');
  // checked before taking the lock (a clear answer without waiting on another run) and again under it
  checkRequest(dir, meta, resume);
  const lock = acquireLock(dir);
  try {
    checkRequest(dir, meta, resume);
    if (!(resume && fs.existsSync(metaFile))) atomicWriteJson(metaFile, meta);
  } catch (e) {
    releaseLock(lock);
    throw e;
  }
  return dir;
}

/** The store is usable, and the folder fits the request: new or empty, or (--resume) the same request. */
function checkRequest(dir: string, meta: RunMeta, resume: boolean): void {
  const results = path.join(dir, 'results.jsonl');
  const metaFile = path.join(dir, 'run.json');
  let rst: fs.Stats | undefined;
  try {
    rst = fs.statSync(results);
  } catch {
    rst = undefined;
  }
  if (rst?.isDirectory()) throw new PathError(`${showPath(results)}: is a folder, not a results file`);
  if (rst) {
    try {
      fs.accessSync(results, fs.constants.R_OK | fs.constants.W_OK);
    } catch (e) {
      throw new PathError(`${showPath(results)}: cannot be appended to (${reasonOf(e, results)})`);
    }
  }
  const entries = fs.readdirSync(dir).filter((f) => f !== '.lock' && !f.startsWith('.claimcheck-probe'));
  if (!resume) {
    if (rst && rst.size > 0) throw new InputError(`--out ${dir}: already holds results; add --resume to continue it, or choose another folder`);
    if (fs.existsSync(metaFile)) throw new InputError(`--out ${dir}: is the folder of an earlier ${readKind(metaFile)} run; add --resume to continue it, or choose another folder`);
    if (entries.length > 0) throw new InputError(`--out ${dir}: exists and is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); choose a new or empty folder`);
  } else if (fs.existsSync(metaFile)) {
    const before = readMeta(metaFile);
    if (before.kind !== meta.kind) throw new InputError(`--resume ${dir}: is a ${JSON.stringify(before.kind)} run, not ${meta.kind}`);
    const diff = requestDifference(before, meta);
    if (diff) throw new InputError(`--resume ${dir}: was made by a different request (${diff}); resume it with the same flags, or start a new run`);
  } else if (rst && rst.size > 0) {
    throw new InputError(`--resume ${dir}: holds results but no run.json, so the request cannot be checked; choose another folder`);
  } else if (entries.length > 0) {
    throw new InputError(`--resume ${dir}: is not a claimcheck run folder (no run.json); choose another folder`);
  }
}

function readMeta(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message}); cannot check the request to resume`);
  }
  throw new InputError(`${file}: not a JSON object; cannot check the request to resume`);
}

function readKind(file: string): string {
  try {
    return String(JSON.parse(fs.readFileSync(file, 'utf8')).kind ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/**
 * Removes a run folder that a failed fresh run made but never stored anything in (run.json, an
 * empty results.jsonl, the lock): a run that failed before its first result leaves nothing behind.
 * Anything else in the folder keeps it.
 */
export function discardRunDir(dir: string): void {
  try {
    const results = path.join(dir, 'results.jsonl');
    if (fs.existsSync(results) && fs.statSync(results).size > 0) return;
    for (const f of ['results.jsonl', 'run.json']) fs.rmSync(path.join(dir, f), { force: true });
    releaseLock(path.join(dir, '.lock'));
    fs.rmSync(path.join(dir, '.lock'), { force: true });
    fs.rmdirSync(dir);
  } catch {
    // not empty, or already gone: leave it
  }
}
