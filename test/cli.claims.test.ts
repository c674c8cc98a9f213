import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readStore } from '../src/engine/store';
import { defaultProfileJson } from '../src/claims/defaultProfile';
import { createPool } from '../src/engine/pool';
import { loadProfile } from '../src/claims/constants';
import { CLAIMS, findClaim } from '../src/claims/registry';
import { claimContext } from '../src/claims/context';
import { regimeAt } from '../src/engine/generate';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'claimcheck.js');
const env = (reports: string) => ({ ...process.env, CLAIMCHECK_REPORTS: reports });
function cli(args: string[], reports = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-cli-'))) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(reports) });
}

describe('claims CLI', () => {
  it('list --json lists every claim with its source', () => {
    const r = cli(['list', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const claims = JSON.parse(r.stdout);
    expect(claims.map((c: { id: string }) => c.id)).toEqual([
      'A.asm', 'A.gd-overfits', 'A.lngd-generalizes', 'A.noise-bounded', 'A.stage1', 'A.separation', 'A.time-ratio', 'A.chain',
      'B.stage1', 'B.stage2', 'B.early-stop', 'B.log2', 'B.noiseless', 'B.chain', 'C.boundary',
    ]);
    for (const c of claims) expect(c.source.result.length).toBeGreaterThan(3);
  });

  it('assumptions --preset paper-a-main reports the violated clauses of A.asm, d >= n^2 among them', () => {
    const r = cli(['assumptions', '--preset', 'paper-a-main', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const asm = out.audits.find((a: { claim: string }) => a.claim === 'A.asm');
    expect(asm.holds).toBe(false);
    expect(asm.violated).toContain('A.asm(i)');
    const dim = asm.clauses.find((c: { id: string }) => c.id === 'A.asm(i)');
    expect(dim.lhs).toBe(2000);
    expect(dim.rhs).toBeGreaterThan(200 * 200);
  });

  it('bad claim ids, flags and constants files are errors naming them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bad-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ settings: { alpha: 2 } }));
    const typo = path.join(dir, 'typo.json');
    fs.writeFileSync(typo, JSON.stringify({ claims: { 'A.separation': { minGapp: 0.1 } } }));
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"settings": ');
    for (const [args, msg] of [
      [['check', 'A.nope'], /unknown claim id "A.nope"/],
      [['check', 'A.asm', '--runz', '3'], /unknown flag --runz/],
      [['check', 'A.asm', '--constants', bad], /settings\.alpha: must be <= 1/],
      [['check', 'A.asm', '--constants', typo], /claims\.A\.separation\.minGapp: unknown constant/],
      [['check', 'A.asm', '--constants', broken], /not valid JSON/],
      [['replay', 'A.asm', '--seed', '1', '--path', 'x'], /--path must look like/],
    ] as const) {
      const r = cli([...args]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('the committed default constants profile lists every declared constant', () => {
    const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures', 'constants', 'default.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(defaultProfileJson())));
    expect(() => loadProfile('default', CLAIMS)).not.toThrow();
  });

  it('worker processes evaluate exactly what the in-process evaluator does', async () => {
    const profile = loadProfile('default', CLAIMS);
    const claim = findClaim('A.asm');
    const ctx = claimContext(claim, profile);
    const regimes = [0, 1, 2, 3].map((i) => regimeAt(claim.regimes('robustness', ctx), 4, String(i)));
    const job = (regime: Record<string, number | string>) => ({ claimId: claim.id, regime, tier: 'robustness' as const, engine: 'auto' as const, ...ctx });
    const workers = createPool(2);
    const here = createPool(0);
    try {
      const a = await Promise.all(regimes.map((r) => workers.evaluate(job(r))));
      const b = await Promise.all(regimes.map((r) => here.evaluate(job(r))));
      expect(a.map((x) => x.evaluation)).toEqual(b.map((x) => x.evaluation));
      const t = await workers.train({ config: { ...(await import('../src/training/presets')).loadPreset('small').config, steps: 10, evalEvery: 5 }, engine: 'coefficient', perSample: false });
      expect(t.trajectory).toHaveLength(3);
    } finally {
      await workers.close();
    }
  });

  it('SIGKILL during check loses at most the regimes in flight; --resume finishes without redoing any', async () => {
    const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-kill-'));
    const out = path.join(reports, 'run');
    const args = ['check', 'A.stage1', '--tier', 'working', '--runs', '6', '--seed', '3', '--workers', '1', '--no-shrink', '--out', out, '--quiet'];
    const child = spawn(process.execPath, [BIN, ...args], { env: env(reports), stdio: 'ignore', detached: true });
    const results = path.join(out, 'results.jsonl');
    // wait for the first two results, then kill the whole process group (CLI and worker)
    for (let i = 0; i < 600; i++) {
      if (fs.existsSync(results) && fs.readFileSync(results, 'utf8').split('\n').filter(Boolean).length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = readStore(results).records();
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(6);
    const fresh = cli(args, reports);
    expect(fresh.status).toBe(2);
    expect(fresh.stderr).toMatch(/already holds results; add --resume/);
    const resumed = cli([...args, '--resume', '--json'], reports);
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = readStore(results).records();
    expect(after).toHaveLength(6);
    // the records written before the kill are untouched, byte for byte
    expect(after.slice(0, before.length)).toEqual(before);
    expect(JSON.parse(resumed.stdout).runs).toBe(6);
  });
});
