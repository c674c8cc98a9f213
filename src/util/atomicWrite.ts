import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, PathError, reasonOf, showPath } from './errors';

/**
 * mkdir -p one component at a time (Node's recursive mkdirSync can spin forever on some file
 * systems, e.g. under /proc): the first failure is thrown with its path.
 */
export function makeDirs(dir: string): string[] {
  const abs = resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const st = statSync(cur);
      if (!st.isDirectory()) {
        const e = new Error(`${cur}: not a folder`) as NodeJS.ErrnoException;
        Object.assign(e, { code: 'ENOTDIR', path: cur, syscall: 'mkdir' });
        throw e;
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(cur);
      const up = dirname(cur);
      if (up === cur) break;
      cur = up;
    }
  }
  const made: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      made.push(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        removeDirs(made);
        throw e;
      }
    }
  }
  return made;
}

/** Removes folders made by makeDirs (deepest first), where still empty. */
function removeDirs(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty or already gone: leave it
    }
  }
}

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Checks, before any work, that `atomicWriteFile(path)` will succeed: `path` is not a folder, its
 * folder exists or can be created, and a file can be created there (with the temp name the write
 * uses, so an over-long name fails here). Throws a one-line PathError naming `what` (e.g. "--out")
 * and the path. Creates the missing parent folders.
 */
export function checkWritableFile(path: string, what: string): void {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    // missing, or not reachable (a file in the way, a name too long): the probe below says which
  }
  if (st?.isDirectory()) throw new PathError(`${what} ${showPath(path)}: is a folder (name a file)`);
  let made: string[] = [];
  try {
    made = makeDirs(dirname(abs));
    const probe = tempName(abs);
    closeSync(openSync(probe, 'wx', 0o644));
    unlinkSync(probe);
  } catch (e) {
    removeDirs(made);
    throw new PathError(`${what} ${showPath(path)}: cannot be written (${reasonOf(e, path)})`);
  }
}

/** Checks, before any work, that files can be created in folder `dir` (created if missing). */
export function checkWritableDir(dir: string, what: string): void {
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PathError(`${what} ${showPath(dir)}: ${describeError(e)}`);
  }
  if (st && !st.isDirectory()) throw new PathError(`${what} ${showPath(dir)}: is a file, not a folder`);
  let made: string[] = [];
  try {
    made = makeDirs(abs);
    // as long as the longest name a run writes there (figures/<id>.svg's temp file)
    const probe = join(abs, `.claimcheck-probe.${process.pid}.${randomBytes(6).toString('hex')}.${'x'.repeat(40)}.tmp`);
    closeSync(openSync(probe, 'wx', 0o644));
    unlinkSync(probe);
  } catch (e) {
    removeDirs(made);
    throw new PathError(`${what} ${showPath(dir)}: cannot be written (${reasonOf(e, dir)})`);
  }
}

/**
 * Writes `data` to `path` so that no reader ever sees a half-written file: the bytes go to a temp
 * file in the same directory, which is fsynced and then renamed over `path` (rename is atomic
 * within one file system). Parent directories are created. On failure the temp file is removed
 * and any previous file at `path` is left untouched.
 */
export function atomicWriteFile(path: string, data: string | Buffer): void {
  const dir = dirname(path);
  makeDirs(dir);
  const tmp = tempName(path);
  let fd: number | undefined = openSync(tmp, 'wx', 0o644);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // The temp file is already gone; the original error is what matters.
    }
    throw err;
  }
  syncDirectory(dir);
}

/** Atomically writes `value` as pretty-printed JSON (2-space indent, trailing newline). */
export function atomicWriteJson(path: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new TypeError(`atomicWriteJson: value is not JSON-serialisable (${typeof value})`);
  atomicWriteFile(path, text + '\n');
}

/** Makes the rename durable by fsyncing the directory; best effort, as not every platform allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Directory fsync is unsupported here (e.g. Windows); the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
