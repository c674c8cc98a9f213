import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, readStore, StoreCorruptError } from '../src/engine/store';
import { canonicalJson, encodeNonFinite, regimeHash, stableHash } from '../src/util/canonical';

describe('canonicalJson', () => {
  it('sorts keys recursively and formats like JSON', () => {
    const a = { b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'é\n' }, u: undefined };
    const b = { a: { c: 'é\n', d: [3, { x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é\\n","d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson([undefined, 1e21, 0.1, -0, null, true])).toBe('[null,1e+21,0.1,0,null,true]');
    expect(canonicalJson({ t: new Date(0) })).toBe('{"t":"1970-01-01T00:00:00.000Z"}');
  });

  it('rejects non-finite numbers unless encoded', () => {
    expect(() => canonicalJson({ m: { loss: NaN } })).toThrow(/non-finite number NaN at \$\.m\.loss.*encodeNonFinite/);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity at \$\[0\]/);
    expect(canonicalJson({ a: NaN, b: [Infinity, -Infinity], c: 1 }, encodeNonFinite)).toBe(
      '{"a":"NaN","b":["Infinity","-Infinity"],"c":1}',
    );
  });

  it('rejects values JSON would mangle', () => {
    expect(() => canonicalJson({ m: new Map() })).toThrow(/unsupported Map at \$\.m/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/unsupported bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/unsupported function/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalJson(cyc)).toThrow(/circular reference at \$\.self/);
    expect(() => canonicalJson(undefined)).toThrow(/top-level/);
    // A repeated (non-circular) reference is fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('gives stable hashes', () => {
    const h = stableHash({ n: 100, d: 50, noise: 0.1 });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(stableHash({ noise: 0.1, d: 50, n: 100 })).toBe(h);
    expect(stableHash({ noise: 0.1, d: 50, n: 101 })).not.toBe(h);
    // Pinned so an accidental format change (which would orphan stored results) is caught.
    expect(stableHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(regimeHash({ d: 50, n: 100, noise: 0.1 })).toBe(h.slice(0, 16));
    expect(stableHash({ z: -0 })).toBe(stableHash({ z: 0 }));
  });
});

describe('results store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-store-'));
    file = path.join(dir, 'sub', 'results.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends and reopens', () => {
    const s = openStore(file);
    expect(s.recovered).toBeNull();
    s.append({ key: 'a', v: 1 });
    s.append({ key: 'b', v: NaN, z: { y: 2, x: 1 } });
    s.append({ key: 'a', v: 3 });
    expect(s.get('b')).toEqual({ key: 'b', v: 'NaN', z: { x: 1, y: 2 } });
    s.close();
    s.close();
    expect(() => s.append({ key: 'c' })).toThrow(/closed/);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '{"key":"a","v":1}\n{"key":"b","v":"NaN","z":{"x":1,"y":2}}\n{"key":"a","v":3}\n',
    );

    const r = openStore(file);
    expect(r.recovered).toBeNull();
    expect(r.records().map((x) => x.v)).toEqual([1, 'NaN', 3]);
    expect(r.has('a') && r.has('b') && !r.has('c')).toBe(true);
    expect(r.get('a')?.v).toBe(3);
    expect(r.latest()).toEqual([
      { key: 'b', v: 'NaN', z: { x: 1, y: 2 } },
      { key: 'a', v: 3 },
    ]);
    r.append({ key: 'c' });
    r.close();
    expect(readStore(file).records().map((x) => x.key)).toEqual(['a', 'b', 'a', 'c']);
  });

  it('refuses records without a string key, writing nothing', () => {
    const s = openStore(file);
    expect(() => s.append({ v: 1 } as never)).toThrow(/"key"/);
    expect(() => s.append({ key: 'k', m: new Set() })).toThrow(/unsupported Set/);
    s.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  for (const [name, tail] of [
    ['half a line', '{"key":"c","v":'],
    ['a line cut just before its newline', '{"key":"c","v":3}'],
    ['an unparseable newline-terminated last line', '\0\0\0\0\0\n'],
  ] as const) {
    it(`drops a partial last line (${name}) and continues cleanly`, () => {
      const s = openStore(file);
      s.append({ key: 'a', v: 1 });
      s.append({ key: 'b', v: 2 });
      s.close();
      const good = fs.readFileSync(file);
      fs.appendFileSync(file, tail);

      const snap = readStore(file);
      expect(snap.records().map((r) => r.key)).toEqual(['a', 'b']);
      expect(snap.partialTailBytes).toBe(Buffer.byteLength(tail));
      expect(fs.readFileSync(file).length).toBe(good.length + Buffer.byteLength(tail)); // readStore never writes

      const r = openStore(file);
      expect(r.recovered).toEqual({ droppedBytes: Buffer.byteLength(tail) });
      expect(fs.readFileSync(file).equals(good)).toBe(true);
      r.append({ key: 'c', v: 3 });
      r.close();
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l).key)).toEqual(['a', 'b', 'c']);
      expect(openStore(file).recovered).toBeNull();
    });
  }

  it('throws StoreCorruptError for a corrupt middle line and leaves the file byte-identical', () => {
    const content = '{"key":"a"}\n{"key":"b",oops}\n{"key":"c"}\n{"key":"d"';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    const before = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;

    for (const open of [openStore, readStore]) {
      let err: unknown;
      try {
        open(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreCorruptError);
      const e = err as StoreCorruptError;
      expect(e.line).toBe(2);
      expect(e.file).toBe(file);
      expect(e.message).toContain(file);
      expect(e.message).toMatch(/line 2: invalid JSON \(.+\)/);
      expect(e.message).toContain('oops');
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  it('rejects a parsed record without a key, naming field and line', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"key":"a"}\n{"id":"b"}\n');
    expect(() => openStore(file)).toThrow(StoreCorruptError);
    expect(() => openStore(file)).toThrow(/line 2: record has no string "key" field/);
    fs.writeFileSync(file, '{"key":"a"}\n[1,2]\n{"key":"c"}\n');
    expect(() => readStore(file)).toThrow(/line 2: expected a JSON object/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"key":"a"}\n[1,2]\n{"key":"c"}\n');
  });

  it('survives SIGKILL mid-run: every line parses and acknowledged appends are kept', async () => {
    const storePath = path.resolve(__dirname, '../src/engine/store');
    // Child: append ever-growing records forever, acknowledging each append on stdout after it returns.
    const script = `
      const { openStore } = require(${JSON.stringify(storePath)});
      const s = openStore(process.argv[1]);
      const round = Number(process.argv[2]);
      for (let i = 0; ; i++) {
        s.append({ key: 'r' + round + '-' + i, round, i, pad: 'x'.repeat((i * 7919) % 200000) });
        process.stdout.write(i + '\\n');
      }`;
    let total = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, file, String(round)], {
        cwd: path.resolve(__dirname, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let acked = -1;
      let buf = '';
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited: ${code}`))));
        child.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          if (lines.length) acked = Number(lines[lines.length - 1]);
          if (acked >= 40 + 20 * round) child.kill('SIGKILL');
        });
      });

      const s = openStore(file);
      const mine = s.records().filter((r) => r.round === round);
      expect(mine.length).toBeGreaterThanOrEqual(acked + 1);
      expect(mine.map((r) => r.i)).toEqual(mine.map((_, i) => i)); // contiguous, nothing lost or repeated
      expect(s.records().length).toBe(total + mine.length);
      total += mine.length;
      s.close();
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    }
  });
});
