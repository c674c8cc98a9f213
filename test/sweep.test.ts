import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { parseAxis } from '../src/sweep/axes';
import { gridDesign, inShard, parseShard, randomDesign } from '../src/sweep/design';

const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}
const strip = (p: { key: string; index: number; point: unknown; series: string; value: unknown; verdict?: unknown }) =>
  ({ key: p.key, index: p.index, point: p.point, series: p.series, value: p.value, verdict: p.verdict });

describe('sweep designs', () => {
  it('axes parse, with errors naming the axis', () => {
    expect(parseAxis('m=1..40:log')).toEqual({ name: 'm', lo: 1, hi: 40, scale: 'log', integer: true });
    expect(parseAxis('eta=0.001..1:log')).toMatchObject({ name: 'eta', lo: 0.001, hi: 1, integer: false });
    expect(parseAxis('snr=0.03..0.10')).toMatchObject({ name: 'snr', scale: 'linear' });
    expect(() => parseAxis('width=1..4')).toThrow(/--axis width: not a numeric training key/);
    expect(() => parseAxis('m=4..1')).toThrow(/need lo < hi/);
    expect(() => parseAxis('eta=0..1:log')).toThrow(/log axis needs lo > 0/);
    expect(() => parseAxis('m:1-4')).toThrow(/expected name=lo..hi/);
  });

  it('grids cover every combination in a seeded random order; shards partition the design', () => {
    const axes = [parseAxis('m=1..8:log'), parseAxis('eta=0.1..1:log')];
    const g = gridDesign(axes, 4, 7);
    expect(g).toHaveLength(16);
    expect(new Set(g.map((p) => `${p.point.m},${p.point.eta}`)).size).toBe(16);
    expect(gridDesign(axes, 4, 7)).toEqual(g);
    expect(gridDesign(axes, 4, 8).map((p) => p.point)).not.toEqual(g.map((p) => p.point));
    const shards = [0, 1, 2].map((i) => g.filter((p) => inShard(p.index, parseShard(`${i}/3`))));
    expect(shards.flat().map((p) => p.index).sort((a, b) => a - b)).toEqual(g.map((p) => p.index).sort((a, b) => a - b));
    expect(randomDesign(axes, 5, 1)).toHaveLength(5);
    expect(() => parseShard('2/2')).toThrow(/0 <= i < N/);
  });
});

describe('claimcheck sweep and report', () => {
  it('a sweep under ~1 s of training trains in its own process unless told otherwise; run.json says where', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-sweep-'));
    const args = ['sweep', '--preset', 'small', '--set', 'steps=30', '--set', 'evalEvery=10', '--set', 'nTest=100', '--axis', 'seed=1..3', '--grid', '3', '--algo', 'gd,lngd'];
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CLAIMCHECK_WORKERS;
    const run = (dir: string, extra: string[], e = env) => {
      const r = spawnSync(process.execPath, [BIN, ...args, ...extra, '--out', path.join(tmp, dir)], { encoding: 'utf8', env: e });
      expect(r.status, r.stderr).toBe(0);
      const meta = JSON.parse(fs.readFileSync(path.join(tmp, dir, 'run.json'), 'utf8'));
      const points = JSON.parse(fs.readFileSync(path.join(tmp, dir, 'summary.json'), 'utf8')).points.map(strip);
      return { stderr: r.stderr, workers: meta.workers, batches: meta.batches, points };
    };
    const auto = run('auto', []);
    expect(auto.workers).toBe(0);
    expect(auto.stderr).toMatch(/6 runs, under 1 s of training by estimate: trained in this process/);
    const forced = run('forced', ['--workers', '2']);
    expect(forced.workers).toBe(2);
    // and how the runs were batched: 3 seeds' gd and lngd, too little work for more batches than
    // workers, each seed's two runs together
    expect(auto.batches).toEqual([6]);
    expect(forced.batches).toEqual([4, 2]);
    expect(forced.stderr).not.toMatch(/in this process/);
    expect(run('env', [], { ...env, CLAIMCHECK_WORKERS: '1' }).workers).toBe(1);
    expect(run('quiet', ['--quiet']).stderr).toBe('');
    // the same values wherever they were trained
    expect(forced.points).toEqual(auto.points);
  }, 120_000);

  it('two shards merged with report --merge equal the unsharded run, and report --from re-renders', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-sweep-'));
    const args = ['sweep', '--preset', 'small', '--set', 'steps=30', '--set', 'evalEvery=10', '--set', 'nTest=100',
      '--axis', 'm=1..8:log', '--axis', 'eta=0.1..1:log', '--grid', '3', '--metric', 'testError', '--algo', 'gd,lngd', '--workers', '1', '--quiet'];
    const full = cli([...args, '--out', path.join(tmp, 'full')]);
    expect(full.status, full.stderr).toBe(0);
    for (const s of ['0/2', '1/2']) {
      const r = cli([...args, '--shard', s, '--out', path.join(tmp, `shard${s[0]}`)]);
      expect(r.status, r.stderr).toBe(0);
    }
    const merged = cli(['report', '--from', path.join(tmp, 'shard0'), '--merge', path.join(tmp, 'shard1'), '--out', path.join(tmp, 'merged')]);
    expect(merged.status, merged.stderr).toBe(0);
    const read = (d: string) => JSON.parse(fs.readFileSync(path.join(tmp, d, 'summary.json'), 'utf8'));
    const a = read('full');
    const b = read('merged');
    expect(a.points).toHaveLength(18);
    expect(b.points.map(strip)).toEqual(a.points.map(strip));
    expect(b.shards).toEqual(['0/2', '1/2']);
    // the phase diagram: one heatmap per algorithm, with every cell
    expect(a.phases.map((p: { id: string }) => p.id)).toEqual(['sweep-testError-gd', 'sweep-testError-lngd']);
    expect(a.phases[0].cells).toHaveLength(9);
    for (const f of ['report.md', 'report.html', 'figures']) expect(fs.existsSync(path.join(tmp, 'merged', f))).toBe(true);
    // re-rendering from the folder alone
    const md = fs.readFileSync(path.join(tmp, 'full', 'report.md'), 'utf8');
    fs.rmSync(path.join(tmp, 'full', 'report.md'));
    const again = cli(['report', '--from', path.join(tmp, 'full')]);
    expect(again.status, again.stderr).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'full', 'report.md'), 'utf8').replace(/finished[^\n]*/gi, '')).toEqual(md.replace(/finished[^\n]*/gi, ''));
    // shards of different sweeps do not merge
    const other = cli([...args.map((x) => (x === 'steps=30' ? 'steps=31' : x)), '--shard', '1/2', '--out', path.join(tmp, 'other')]);
    expect(other.status).toBe(0);
    const bad = cli(['report', '--from', path.join(tmp, 'shard0'), '--merge', path.join(tmp, 'other'), '--out', path.join(tmp, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/a different sweep \(spec field "base" differs/);
  });
});
