import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { exitForBreaks, failTiers } from '../src/cli/checkCommand';
import type { ClaimSummary } from '../src/engine/summary';

/**
 * Issue 7's "done when", through the compiled CLI: tiers, units, per-link verdicts of the joint
 * claims, the paper tier's presets, calibration and exit codes.
 */
const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'claimcheck.js');
function cli(args: string[]) {
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-tiers-'));
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CLAIMCHECK_REPORTS: reports } });
}
const lines = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('tiers through the CLI', () => {
  it('check A.separation --tier working --runs 2 does not say holds, and says how many more decisive units would settle it', () => {
    const r = cli(['check', 'A.separation', '--tier', 'working', '--runs', '2', '--seed', '1', '--json', '--quiet']);
    expect(r.status, r.stderr).toBe(0); // a working-tier break does not fail check by default
    const [s] = lines(r.stdout);
    expect(s.tier).toBe('working');
    expect(s.verdict).not.toBe('holds');
    expect(s.units).toBe(24); // 2 regimes x 12 replicate seeds
    if (s.verdict === 'inconclusive') expect(s.unitsToSettle).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(s.results, 'results.jsonl'))).toBe(true);
  });

  it('list --json gives every claim its tiers, and working-region bounds with provenance and calibrated', () => {
    const r = cli(['list', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const claims = JSON.parse(r.stdout);
    for (const c of claims) {
      expect(c.tiers.length, c.id).toBeGreaterThan(0);
      for (const b of c.region) {
        expect(['paper', 'chosen'], `${c.id}.${b.name}`).toContain(b.provenance);
        expect(typeof b.calibrated).toBe('boolean');
        expect((b.source ?? '').length, `${c.id}.${b.name} says where it comes from`).toBeGreaterThan(3);
      }
      for (const [k, v] of Object.entries(c.constants) as [string, { provenance: string | null }][]) expect(v.provenance, `${c.id}.${k}`).not.toBeNull();
    }
    const sep = claims.find((c: { id: string }) => c.id === 'A.separation');
    expect(sep.tiers).toEqual(expect.arrayContaining(['literal', 'paper', 'working', 'robustness']));
    expect(sep.region.length).toBeGreaterThan(0);
    expect(sep.region.some((b: { provenance: string }) => b.provenance === 'chosen')).toBe(true);
    const b1 = claims.find((c: { id: string }) => c.id === 'B.stage1');
    expect(b1.tiers).not.toContain('paper');
    expect(b1.paperNote).toMatch(/not recoverable/);
    expect(claims.find((c: { id: string }) => c.id === 'B.log2').derivedFrom).toBe('B.stage1');
  });

  it('A.chain and B.chain return a verdict per link, named by the single claims', () => {
    const a = lines(cli(['check', 'A.chain', '--tier', 'working', '--runs', '1', '--seed', '1', '--json', '--quiet']).stdout)[0];
    expect(Object.keys(a.links)).toEqual(['A.stage1', 'A.noise-bounded', 'A.lngd-generalizes']);
    for (const l of Object.values(a.links) as { verdict: string }[]) expect(typeof l.verdict).toBe('string');
    const b = lines(cli(['check', 'B.chain', '--tier', 'working', '--runs', '1', '--seed', '1', '--json', '--quiet']).stdout)[0];
    expect(Object.keys(b.links)).toEqual(['B.stage1', 'B.stage2', 'B.early-stop', 'B.log2']);
  });

  it('check A.separation --tier paper returns verdicts at the papers\' own settings, each naming its preset', () => {
    const r = cli(['check', 'A.separation', '--tier', 'paper', '--runs', '1', '--seed', '1', '--json', '--quiet', '--fail-on', 'never']);
    expect(r.status, r.stderr).toBe(0);
    const [s] = lines(r.stdout);
    expect(s.tier).toBe('paper');
    expect(Object.keys(s.byPreset)).toEqual(['paper-a-main']);
    const rec = fs.readFileSync(path.join(s.results, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(rec[0].preset).toBe('paper-a-main');
    expect(rec[0].replay).toContain('--tier paper');
  });

  it('the literal tier of paper A is infeasible, never holds, and says the size it needs', () => {
    const r = cli(['check', 'A.asm', 'A.gd-overfits', '--tier', 'literal', '--runs', '1', '--json', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    for (const s of lines(r.stdout)) {
      expect(s.verdict, s.id).toBe('infeasible');
    }
  });

  it('a claim that breaks where its authors said it holds fails check: exit 1, and 0 with --fail-on never', () => {
    // A.stage1 at paper-a-main: max gamma at T1 is well above the order sigma_0 ||mu|| the lemma claims
    const args = ['check', 'A.stage1', '--tier', 'paper', '--runs', '1', '--seed', '1', '--json', '--quiet', '--no-shrink'];
    const r = cli(args);
    expect(r.status, r.stderr).toBe(1);
    expect(lines(r.stdout)[0].verdict).toBe('breaks');
    expect(cli([...args, '--fail-on', 'never']).status).toBe(0);
  });

  it('calibrate B.early-stop writes a profile whose calibrated values check accepts', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-cal-')), 'calibrated.json');
    const r = cli(['calibrate', 'B.early-stop', '--out', out, '--budget', '0.25', '--json', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(fs.readFileSync(out, 'utf8'));
    const cal = written.help.calibration['B.early-stop'];
    expect(Object.keys(cal.after).length).toBeGreaterThan(0);
    for (const seed of cal.seeds) expect(seed).toBeGreaterThan(2 ** 30);
    expect(cli(['list', '--json']).status).toBe(0);
    const listed = cli(['check', 'B.early-stop', '--tier', 'working', '--runs', '1', '--constants', out, '--json', '--quiet']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(lines(listed.stdout)[0].profile).toBe('calibrated');
  });

  it('exit codes: a break in the literal or paper tier fails check (1) unless --fail-on never; other tiers do not', () => {
    const s = (tier: string, verdict: string) => ({ tier, verdict }) as unknown as ClaimSummary;
    expect(exitForBreaks([s('paper', 'breaks')], failTiers(undefined, 'breaks'))).toBe(1);
    expect(exitForBreaks([s('literal', 'breaks')], failTiers(undefined, 'breaks'))).toBe(1);
    expect(exitForBreaks([s('working', 'breaks'), s('robustness', 'breaks')], failTiers(undefined, 'breaks'))).toBe(0);
    expect(exitForBreaks([s('paper', 'breaks')], failTiers('never', 'breaks'))).toBe(0);
    expect(exitForBreaks([s('paper', 'breaks')], failTiers(undefined, 'never'))).toBe(0);
    expect(() => failTiers('sometimes', 'breaks')).toThrow(/--fail-on/);
    // a tier a claim does not have is said: alone it is bad input (2), beside others a note
    const none = cli(['check', 'B.stage1', '--tier', 'paper']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^claimcheck check: B\.stage1 has no paper tier \(.*not recoverable.*\); its tiers: working, robustness\n$/);
    const bad = cli(['check', 'A.separation', '--tier', 'bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--tier/);
  });
});
