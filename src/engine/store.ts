/**
 * Append-only JSONL results store: one canonical-JSON record per line, each with a string `key`.
 *
 * Every append is a single `writeSync` of the whole line (newline included) followed by `fsyncSync`,
 * so a killed process leaves at most one partial last line. `openStore` drops such a line on open;
 * any other damage is reported as a `StoreCorruptError` and the file is left untouched.
 * One writer per file: concurrent writers are not coordinated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson, encodeNonFinite } from '../util/canonical';
import { makeDirs } from '../util/atomicWrite';
import { describeError, PathError, reasonOf, RunError } from '../util/errors';

/** What every stored record has; record types (interfaces included) need only extend this. */
export interface Keyed {
  key: string;
}

/** Default, loosely typed record. Records read back are only checked for a string `key`. */
export interface StoreRecord extends Keyed {
  [field: string]: unknown;
}

/** Read-only view of a store's records. */
export interface StoreView<R extends Keyed = StoreRecord> {
  readonly path: string;
  /** True if some record has this key. */
  has(key: string): boolean;
  /** The last record with this key (later records win). */
  get(key: string): R | undefined;
  /** All records in file order, duplicates included. */
  records(): readonly R[];
  /** One record per key (the last one), in file order of those records. */
  latest(): R[];
}

/** A store opened for appending. */
export interface Store<R extends Keyed = StoreRecord> extends StoreView<R> {
  /** Set when open found and removed a partial last line left by a killed write. */
  readonly recovered: { droppedBytes: number } | null;
  /**
   * Durably appends one record (written as canonical JSON; NaN/±Infinity are stored as the strings
   * "NaN"/"Infinity"/"-Infinity"). The in-memory copy is the record as re-read from that line.
   */
  append(record: R): void;
  /** Closes the file; further appends throw. Idempotent. A failed append also closes the store. */
  close(): void;
}

/** A read-only snapshot from `readStore`. */
export interface StoreSnapshot<R extends Keyed = StoreRecord> extends StoreView<R> {
  /** Size of an ignored partial last line (0 if none). */
  readonly partialTailBytes: number;
}

/** The store file is damaged somewhere other than its last line; nothing was modified. */
export class StoreCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`corrupt results store ${file}, line ${line}: ${reason} (file left unmodified)`);
    this.name = 'StoreCorruptError';
  }
}

/** Opens (creating if needed) a store for appending, first dropping a partial last line if present. */
export function openStore<R extends Keyed = StoreRecord>(file: string): Store<R> {
  let content: Buffer;
  let fd: number | null;
  let parsed: { records: R[]; validBytes: number };
  try {
    makeDirs(path.dirname(file));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new PathError(`results store ${file}: is a folder, not a file`);
    content = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
    parsed = parseContent<R>(content, file);
    // opened for appending before anything is changed: a read-only store fails here, untouched
    fd = fs.openSync(file, 'a');
    if (parsed.validBytes < content.length) fs.ftruncateSync(fd, parsed.validBytes);
  } catch (e) {
    if (e instanceof StoreCorruptError || e instanceof PathError) throw e;
    throw new PathError(`results store ${file}: cannot be opened for writing (${reasonOf(e, file)})`);
  }
  const index = new RecordIndex<R>(parsed.records);
  let size = parsed.validBytes;
  const close = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
  };

  return {
    path: file,
    recovered: parsed.validBytes < content.length ? { droppedBytes: content.length - parsed.validBytes } : null,
    has: (key) => index.has(key),
    get: (key) => index.get(key),
    records: () => index.records(),
    latest: () => index.latest(),
    append(record) {
      if (fd === null) throw new Error(`results store ${file} is closed`);
      if (typeof record?.key !== 'string') throw new TypeError(`results store ${file}: record needs a string "key" field`);
      const line = Buffer.from(canonicalJson(record, encodeNonFinite) + '\n', 'utf8');
      try {
        const written = fs.writeSync(fd, line);
        if (written !== line.length) throw new Error(`short write (${written} of ${line.length} bytes)`);
        fs.fsyncSync(fd);
      } catch (err) {
        // Roll back whatever part of the line landed and stop: no append may follow a partial line.
        let rollback = '';
        try {
          fs.ftruncateSync(fd, size);
        } catch (e) {
          rollback = `; rollback failed: ${(e as Error).message}`;
        }
        close();
        throw new RunError(`results store ${file}: append failed: ${describeError(err)}${rollback}; store closed`, {
          cause: err,
        });
      }
      size += line.length;
      index.add(JSON.parse(line.toString('utf8')) as R);
    },
    close,
  };
}

/** Reads a store without ever writing to it; a partial last line is ignored. */
export function readStore<R extends Keyed = StoreRecord>(file: string): StoreSnapshot<R> {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (e) {
    throw new PathError(`results store ${file}: cannot be read (${reasonOf(e, file)})`);
  }
  const parsed = parseContent<R>(content, file);
  const index = new RecordIndex<R>(parsed.records);
  return {
    path: file,
    partialTailBytes: content.length - parsed.validBytes,
    has: (key) => index.has(key),
    get: (key) => index.get(key),
    records: () => index.records(),
    latest: () => index.latest(),
  };
}

/**
 * Validates file content. Returns the records and the byte length of the valid prefix: everything
 * but a final line that lacks its newline or does not parse (a killed write). Throws
 * StoreCorruptError for a bad line before that, or for a parsed line that is not a keyed record.
 */
function parseContent<R extends Keyed>(content: Buffer, file: string): { records: R[]; validBytes: number } {
  const records: R[] = [];
  let start = 0;
  for (let lineNo = 1; start < content.length; lineNo++) {
    const nl = content.indexOf(0x0a, start);
    if (nl === -1) break; // unterminated final line: a killed write
    const text = content.toString('utf8', start, nl);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (nl + 1 === content.length) break; // unparseable final line: a killed write
      throw new StoreCorruptError(file, lineNo, `invalid JSON (${(err as Error).message}) in ${preview(text)}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new StoreCorruptError(file, lineNo, `expected a JSON object, got ${preview(text)}`);
    }
    if (typeof (value as { key?: unknown }).key !== 'string') {
      throw new StoreCorruptError(file, lineNo, `record has no string "key" field: ${preview(text)}`);
    }
    records.push(value as R);
    start = nl + 1;
  }
  return { records, validBytes: start };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** Records in file order plus a key -> index-of-last-record map. */
class RecordIndex<R extends Keyed> {
  private readonly all: R[] = [];
  private readonly last = new Map<string, number>();

  constructor(initial: R[]) {
    for (const r of initial) this.add(r);
  }

  add(record: R): void {
    this.last.set(record.key, this.all.length);
    this.all.push(record);
  }

  has(key: string): boolean {
    return this.last.has(key);
  }

  get(key: string): R | undefined {
    const i = this.last.get(key);
    return i === undefined ? undefined : this.all[i];
  }

  records(): readonly R[] {
    return this.all;
  }

  latest(): R[] {
    return this.all.filter((r, i) => this.last.get(r.key) === i);
  }
}
