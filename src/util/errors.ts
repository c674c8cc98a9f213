import { resolve } from 'path';
/**
 * Errors the CLI reports in one line, and the exit code each kind gets:
 *   2  bad input (a flag, a field, a path, a file's content): nothing was run
 *   3  a run that failed (workers cannot start, a worker keeps dying, a write failed mid-run)
 * (1 is a claim break, 0 done.) `main` prints `claimcheck <cmd>: <message>` and no stack trace
 * unless CLAIMCHECK_DEBUG=1.
 */

/** A run that started and failed (exit 3). */
export class RunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
  }
}

/** A path that cannot be used as asked (not writable, a folder where a file is needed, ...): bad input, exit 2. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** A flag or argument that is wrong (exit 2): thrown by the CLI's parser and by anything that reads flags. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Names of the error classes that are bad input (exit 2); compared by name, so no import cycle. */
export const INPUT_ERRORS = ['UsageError', 'ConfigError', 'InputError', 'StoreCorruptError', 'ResourceError', 'PathError', 'LockError'];

const CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  EBUSY: 'busy',
  EIO: 'input/output error',
};

/** A path for a one-line message: over-long ones keep their start and end. */
export function showPath(p: string): string {
  return p.length > 120 ? `${p.slice(0, 50)}...(${p.length} characters)...${p.slice(-50)}` : p;
}

/** A Node system error (fs) as `<path>: <what> (<syscall>)`; anything else as its message. */
export function describeError(e: unknown): string {
  if (e === null || typeof e !== 'object') return String(e);
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (typeof err.code === 'string' && typeof err.path === 'string' && err.syscall) {
    const what = CODES[err.code] ?? err.code;
    return `${showPath(err.path)}: ${what} (${err.syscall}${err.dest ? ' to ' + showPath(err.dest) : ''})`;
  }
  return typeof err.message === 'string' && err.message ? err.message : String(e);
}

/** What went wrong with a system error, without its path (for messages that already name it). */
export function reasonOf(e: unknown, named?: string): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.syscall) {
    const same = err.path !== undefined && named !== undefined && resolve(err.path) === resolve(named);
    return `${CODES[err.code] ?? err.code}: ${err.syscall}${err.path && !same ? ' ' + showPath(err.path) : ''}`;
  }
  return describeError(e);
}

/** One line: newlines folded, so stderr stays one line per error. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The exit code of an error: 2 for bad input, 3 for everything else. */
export function exitCodeOf(e: unknown): 2 | 3 {
  const name = (e as Error | undefined)?.name;
  return typeof name === 'string' && INPUT_ERRORS.includes(name) ? 2 : 3;
}
