/**
 * The pieces behind test/faults.test.ts, in process: shard resolution and coverage, the request
 * comparison of --resume, the reproduce command, memory estimates, divergence, the lock, the pool.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { coverageWarning, mergeStores, parseShard, shardCoverage } from '../src/engine/shard';
import { acquireLock, newRunId, prepareRunDir, releaseLock, requestDifference } from '../src/engine/runDir';
import { reproduceCommand, parseArgs } from '../src/cli/args';
import { checkModelRange, checkResources, estimateMemory, parseAllow, WASM_HEAP_MAX } from '../src/training/limits';
import { divergence } from '../src/training/train';
import { DEFAULT_CONFIG, parseAlgo, resolveConfig } from '../src/training/config';
import { openStore } from '../src/engine/store';
import { createPool } from '../src/engine/pool';
import { describeError, exitCodeOf, oneLine } from '../src/util/errors';
import { checkWritableFile } from '../src/util/atomicWrite';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cc-units-'));

describe('shards', () => {
  it('come from --shard, --shard /N with JOB_COMPLETION_INDEX, or CLAIMCHECK_SHARD', () => {
    expect(parseShard(undefined, {})).toEqual({ index: 0, count: 1 });
    expect(parseShard('1/3', {})).toEqual({ index: 1, count: 3 });
    expect(parseShard('/4', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 4, from: 'JOB_COMPLETION_INDEX=2' });
    expect(parseShard(undefined, { CLAIMCHECK_SHARD: '0/2' })).toEqual({ index: 0, count: 2, from: 'CLAIMCHECK_SHARD' });
    expect(parseShard(undefined, { CLAIMCHECK_SHARD: '/2', JOB_COMPLETION_INDEX: '1' })).toMatchObject({ index: 1, count: 2 });
    // an explicit --shard wins over the environment
    expect(parseShard('0/5', { CLAIMCHECK_SHARD: '3/4', JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 0, count: 5 });
    expect(() => parseShard('/4', {})).toThrow(/JOB_COMPLETION_INDEX .*not set/);
    expect(() => parseShard('/4', { JOB_COMPLETION_INDEX: '4' })).toThrow(/not below 4/);
    expect(() => parseShard('4/4', {})).toThrow(/0 <= i < N/);
  });

  it('coverage names the design indices no shard takes', () => {
    expect(shardCoverage(['0/2', '1/2'], 10).missing).toEqual([]);
    expect(shardCoverage(['all'], 5).missing).toEqual([]);
    expect(shardCoverage(['0/2', '1/3'], 9).missing).toEqual([3, 5]);
    expect(shardCoverage(['0/3'], 4).missing).toEqual([1, 2]);
    expect(coverageWarning(['0/2', '1/2'], 7)).toBeNull();
    expect(coverageWarning(['1/2'], 4)).toMatch(/2 of 4 design points are in no shard \(indices 0, 2\)/);
  });

  it('mergeStores is the union by key, first record wins', () => {
    const [a, b, t] = [tmp(), tmp(), tmp()];
    const sa = openStore(path.join(a, 'results.jsonl'));
    sa.append({ key: 'k1', v: 1 });
    sa.append({ key: 'k2', v: 2 });
    sa.close();
    const sb = openStore(path.join(b, 'results.jsonl'));
    sb.append({ key: 'k2', v: 99 });
    sb.append({ key: 'k3', v: 3 });
    sb.close();
    expect(mergeStores(t, [a, b])).toBe(3);
    expect(mergeStores(t, [a, b])).toBe(0);
    const recs = openStore(path.join(t, 'results.jsonl')).latest();
    expect(recs.map((r) => [r.key, r.v])).toEqual([['k1', 1], ['k2', 2], ['k3', 3]]);
  });
});

describe('run folders', () => {
  it('ids are unique within the same millisecond', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 200 }, () => newRunId('check', now)));
    expect(ids.size).toBe(200);
    expect([...ids][0]).toMatch(/^check-\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/);
  });

  it('requestDifference names the first differing leaf, ignoring how the run went', () => {
    const a = { kind: 'sweep', argv: ['x'], startedAt: '1', spec: { base: { eta: 1, m: 2 }, axes: [1] }, shards: ['all'] };
    expect(requestDifference(a, { ...a, argv: ['y'], startedAt: '2', seconds: 4 })).toBeNull();
    expect(requestDifference(a, { ...a, spec: { base: { eta: 2, m: 2 }, axes: [1] } })).toBe('spec.base.eta: was 1, now 2');
    expect(requestDifference(a, { ...a, shards: ['0/2'] })).toBe('shards: was ["all"], now ["0/2"]');
    expect(requestDifference({ kind: 'check', seed: 1 }, { kind: 'check' })).toBe('seed: was 1, now (none)');
  });

  it('a lock is exclusive while its process lives, and stale once it is gone', () => {
    const dir = tmp();
    const lock = acquireLock(dir);
    expect(() => acquireLock(dir)).toThrow(/another run is writing this folder/); // two writers, even in one process
    releaseLock(lock);
    // a lock of a live process (this one's parent) is refused
    fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: 'then' }));
    expect(() => acquireLock(dir)).toThrow(/another run is writing this folder \(process \d+, started then\)/);
    // a lock of a process that is gone is taken over
    fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), startedAt: 'then' }));
    const again = acquireLock(dir);
    expect(JSON.parse(fs.readFileSync(again, 'utf8')).pid).toBe(process.pid);
    releaseLock(again);
    expect(fs.existsSync(again)).toBe(false);
  });

  it('prepareRunDir refuses a non-empty folder, a different request on resume, and a file', () => {
    const dir = path.join(tmp(), 'run');
    const meta = { kind: 'check', argv: [], startedAt: 'now', seed: 1 };
    prepareRunDir(dir, meta, false);
    releaseLock(path.join(dir, '.lock'));
    expect(() => prepareRunDir(dir, meta, false)).toThrow(/is the folder of an earlier check run; add --resume/);
    expect(() => prepareRunDir(dir, { ...meta, seed: 2 }, true)).toThrow(/different request \(seed: was 1, now 2\)/);
    expect(() => prepareRunDir(dir, { ...meta, kind: 'sweep' }, true)).toThrow(/is a "check" run, not sweep/);
    prepareRunDir(dir, { ...meta, startedAt: 'later', argv: ['--resume'] }, true);
    releaseLock(path.join(dir, '.lock'));
    const file = path.join(tmp(), 'f');
    fs.writeFileSync(file, 'x');
    expect(() => prepareRunDir(file, meta, false)).toThrow(/is a file; name a folder/);
  });
});

describe('arguments', () => {
  it('the reproduce command keeps what defines the result, quoted, and drops where and how it runs', () => {
    const spec = { out: { kind: 'string', help: '' }, shard: { kind: 'string', help: '' }, quiet: { kind: 'boolean', help: '' }, set: { kind: 'list', help: '' }, workers: { kind: 'int', help: '' }, axis: { kind: 'list', help: '' } } as const;
    const cmd = reproduceCommand('sweep', ['--out', 'DIR', '--quiet', '--shard', '0/2', '--set', "name=it's", '--axis=m=1..4', '--workers', '2'], spec);
    expect(cmd).toBe(`npx claimcheck sweep --set 'name=it'\\''s' --axis=m=1..4`);
  });

  it('-h is help, ranges are checked by flag name, stray positionals are refused', () => {
    const spec = { help: { kind: 'boolean', help: '' }, seed: { kind: 'int', help: '' }, workers: { kind: 'int', help: '' } } as const;
    expect(parseArgs(['-h'], spec, 'train').flags.help).toBe(true);
    expect(() => parseArgs(['--seed', '4294967296'], spec, 'train')).toThrow(/--seed must be an integer from 0 to 2147483647/);
    expect(() => parseArgs(['--workers', '-1'], spec, 'train')).toThrow(/--workers must be an integer from 0/);
    expect(() => parseArgs(['extra'], spec, 'list')).toThrow(/unexpected argument "extra"/);
    expect(parseArgs(['A.asm'], spec, 'check').positional).toEqual(['A.asm']);
  });

  it('algorithm parameters: empty is an error, never 0', () => {
    expect(parseAlgo('lngd-gauss:1,2')).toEqual({ algo: 'lngd-gauss', a: 1, b: 2 });
    expect(() => parseAlgo('lngd-gauss:1,')).toThrow(/parameter 2 .* is empty/);
    expect(() => parseAlgo('smoothing:')).toThrow(/parameter 1 .* is empty/);
    expect(() => parseAlgo('lngd: ')).toThrow(/is empty/);
  });
});

describe('limits', () => {
  it('memory grows with the sizes per engine, and is refused with the numbers', () => {
    const c = resolveConfig(DEFAULT_CONFIG, {});
    const small = estimateMemory(c, 'coefficient');
    const big = estimateMemory({ ...c, n: 20000 }, 'coefficient');
    expect(big.tensorBytes).toBeGreaterThan(20000 * 20000 * 4);
    expect(small.totalBytes).toBeLessThan(big.totalBytes);
    expect(() => checkResources({ ...c, n: 40000 }, 'coefficient', { backend: 'wasm' })).toThrow(/coefficient engine needs about \d.* GiB of tensors, beyond wasm's 4 GB heap/);
    expect(estimateMemory({ ...c, n: 40000 }, 'coefficient').tensorBytes).toBeGreaterThan(WASM_HEAP_MAX);
    expect(() => checkResources({ ...c, d: 1000000 }, 'reference', { totalmem: 2 ** 30 })).toThrow(/reference engine needs about .* beyond this machine's 1.00 GiB of memory/);
    expect(() => checkResources(c, 'weight', { totalmem: 2 ** 32, concurrent: 8 })).not.toThrow();
    expect(() => checkResources({ ...c, d: 20000 }, 'weight', { backend: 'cpu', totalmem: 2 ** 30, concurrent: 8 })).toThrow(/per run x 8 workers; try fewer --workers/);
  });

  it('tau >= 1/2 needs --allow tau', () => {
    expect(() => checkModelRange({ tauPlus: 0.5, tauMinus: 0 }, parseAllow(undefined))).toThrow(/tauPlus: 0.5 >= 1\/2/);
    expect(() => checkModelRange({ tauPlus: 0.5, tauMinus: 0.9 }, parseAllow(['tau']))).not.toThrow();
    expect(() => parseAllow(['tau,bogus'])).toThrow(/--allow "bogus": unknown/);
  });

  it('divergence: a non-finite state diverges even when the loss looks fine', () => {
    expect(divergence(3, Math.LN2, 1e4, null)).toBeNull();
    expect(divergence(3, Math.LN2, 1e4, { part: 'rho', value: NaN })).toEqual({ step: 3, loss: Math.LN2, reason: 'nan', where: 'rho' });
    expect(divergence(3, Math.LN2, 1e4, { part: 'W', value: -Infinity })).toMatchObject({ reason: 'inf', where: 'W' });
    expect(divergence(3, NaN, 1e4, null)).toMatchObject({ reason: 'nan', where: 'loss' });
    expect(divergence(3, 2e4, 1e4, null)).toMatchObject({ reason: 'exploding' });
  });
});

describe('errors', () => {
  it('system errors read as one line naming the path; classes map to exit codes', () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/x/y'"), { code: 'EACCES', path: '/x/y', syscall: 'open' });
    expect(describeError(e)).toBe('/x/y: permission denied (open)');
    expect(oneLine('a\n   b\nc')).toBe('a b c');
    expect(exitCodeOf(Object.assign(new Error('x'), { name: 'UsageError' }))).toBe(2);
    expect(exitCodeOf(new TypeError('x'))).toBe(3);
    const dir = tmp();
    expect(() => checkWritableFile(dir, '--out')).toThrow(/--out .*: is a folder/);
    expect(() => checkWritableFile(path.join(dir, 'x'.repeat(300)), '--out')).toThrow(/name too long/);
  });
});

describe('the pool', () => {
  const job = () => ({ config: resolveConfig(DEFAULT_CONFIG, { steps: 4, evalEvery: 2, nTest: 20 }), engine: 'reference' as const, perSample: false });
  const withEnv = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
    const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  };

  it('a worker that cannot start fails the run with its error', async () => {
    await withEnv({ CLAIMCHECK_BACKEND: 'tensorflow' }, async () => {
      const pool = createPool(1, undefined, { note: () => {} });
      const claimJob = { claimId: 'A.asm', regime: {}, tier: 'working', engine: 'auto', constants: {}, all: {}, settings: {} } as never;
      try {
        await expect(pool.evaluate(claimJob)).rejects.toThrow(/could not start: backend: tensorflow is not available here/);
      } finally {
        await pool.close();
      }
    });
  }, 60_000);

  it('a claim module a worker cannot load fails the run at the first claim job (training jobs never load it)', async () => {
    const missing = path.join(os.tmpdir(), `claimcheck-no-such-claims-${process.pid}.js`);
    const pool = createPool(1, undefined, { note: () => {}, modules: [{ file: missing, builtin: false }] });
    try {
      expect((await pool.train(job())).final.step).toBe(4);
      const claimJob = { claimId: 'A.asm', regime: {}, tier: 'working', engine: 'auto', constants: {}, all: {}, settings: {} } as never;
      await expect(pool.evaluate(claimJob)).rejects.toThrow(/could not start: claim module .*no-such-claims.*: no such file/);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a job over the time limit is stopped; the pool goes on with a new worker', async () => {
    await withEnv({ CLAIMCHECK_TEST_FAULT: 'hang' }, async () => {
      const notes: string[] = [];
      const pool = createPool(1, undefined, { timeoutMs: 1500, note: (l) => notes.push(l) });
      try {
        await expect(pool.train(job())).rejects.toThrow(/stopped after the time limit of 1.5 s/);
      } finally {
        await pool.close();
      }
    });
  }, 60_000);

  it('more workers than cores are capped with a note; a negative count is refused', async () => {
    const notes: string[] = [];
    const pool = createPool(os.availableParallelism() + 3, undefined, { note: (l) => notes.push(l) });
    expect(pool.size).toBe(os.availableParallelism());
    expect(notes[0]).toMatch(/is more than the \d+ cores here; using \d+/);
    await pool.close();
    expect(() => createPool(-1)).toThrow(/--workers must be a whole number >= 0/);
  });
});
