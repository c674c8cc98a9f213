import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that no reader ever sees a half-written file: the bytes go to a temp
 * file in the same directory, which is fsynced and then renamed over `path` (rename is atomic
 * within one file system). Parent directories are created. On failure the temp file is removed
 * and any previous file at `path` is left untouched.
 */
export function atomicWriteFile(path: string, data: string | Buffer): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
