import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

/**
 * verify --shard i/N: two shard processes (the index from JOB_COMPLETION_INDEX, as a Kubernetes
 * Indexed Job sets it) merged by `report --from A --merge B` give the same units and verdicts as one
 * unsharded verify, and a merge of shards that do not cover the run warns.
 */
const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');

function run(args: string[], reports: string, extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CLAIMCHECK_REPORTS: reports, ...extra } });
}

type Summary = { claims: { id: string; tier: string; verdict: string; counts: Record<string, number>; units: number }[] };
const verdicts = (s: Summary) => s.claims.map((c) => ({ id: c.id, tier: c.tier, verdict: c.verdict, counts: c.counts, units: c.units }));

describe('verify --shard and report --merge', () => {
  it('two shards merged equal one unsharded verify; one shard alone warns', () => {
    const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-vshard-'));
    const common = ['verify', '--claims', 'A.gd-overfits,B.stage1', '--budget', '0.34', '--figures', 'none', '--workers', '1', '--quiet'];
    const whole = run([...common, '--out', path.join(reports, 'whole')], reports);
    expect(whole.status, whole.stderr).toBe(0);
    const shards = [0, 1].map((i) => {
      const out = path.join(reports, `shard-${i}`);
      const r = run([...common, '--shard', '/2', '--out', out], reports, { JOB_COMPLETION_INDEX: String(i) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`shard ${i}/2 (from JOB_COMPLETION_INDEX=${i})`);
      expect(fs.existsSync(path.join(out, 'summary.json')), 'a shard writes no summary of its own').toBe(false);
      return out;
    });
    const n0 = fs.readFileSync(path.join(shards[0], 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    const n1 = fs.readFileSync(path.join(shards[1], 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(n0).toBeGreaterThan(0);
    expect(n1).toBeGreaterThan(0);
    const merged = path.join(reports, 'merged');
    const m = run(['report', '--from', shards[0], '--merge', shards[1], '--out', merged, '--workers', '1'], reports);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stderr).not.toMatch(/did not cover/);
    const a = JSON.parse(fs.readFileSync(path.join(reports, 'whole', 'summary.json'), 'utf8')) as Summary;
    const b = JSON.parse(fs.readFileSync(path.join(merged, 'summary.json'), 'utf8')) as Summary;
    expect(verdicts(b)).toEqual(verdicts(a));
    expect(fs.existsSync(path.join(merged, 'report.md'))).toBe(true);
    // one shard alone does not cover the run: the merge says so (and computes what is missing)
    const partial = path.join(reports, 'partial');
    const p = run(['report', '--from', shards[0], '--out', partial, '--workers', '1'], reports);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/did not cover the run: \d+ evaluation/);
  });
});
