import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('claimcheck verify', () => {
  it('a SIGKILLed verify resumes when run again, and writes a complete report with no half-written file', async () => {
    const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-verify-'));
    const env = { ...process.env, CLAIMCHECK_REPORTS: reports };
    const args = ['verify', '--claims', 'A.asm,A.gd-overfits,B.stage1', '--budget', '0.2', '--workers', '1', '--quiet'];
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore', detached: true });
    let results = '';
    for (let i = 0; i < 1200 && !results; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const dirs = fs.readdirSync(reports).filter((d) => d.startsWith('verify-'));
      const file = dirs.length ? path.join(reports, dirs[0], 'results.jsonl') : '';
      if (file && fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 4) results = file;
    }
    expect(results, 'verify wrote results').not.toBe('');
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const dir = path.dirname(results);
    expect(fs.existsSync(path.join(dir, 'summary.json'))).toBe(false);
    const before = fs.readFileSync(results, 'utf8').split('\n').filter(Boolean);

    const again = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`verify: resuming ${dir}`);
    const after = fs.readFileSync(results, 'utf8').split('\n').filter(Boolean);
    // what was written before the kill is kept as it was (a killed append may only drop the last line)
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, before.length - 1));
    expect(after.length).toBeGreaterThan(before.length);
    for (const f of ['summary.json', 'report.md', 'report.html']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.readlinkSync(path.join(reports, 'latest'))).toBe(path.basename(dir));
    const files = walk(dir);
    expect(files.filter((f) => path.basename(f).startsWith('.')), 'temporary files left behind').toEqual([]);
    const pngs = files.filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThanOrEqual(6);
    for (const p of pngs) expect(fs.readFileSync(p).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    for (const id of ['A.asm', 'A.gd-overfits', 'B.stage1']) expect(md).toContain(`\`${id}\``);
    for (const png of md.match(/\]\((figures\/[^)]+\.png)\)/g) ?? []) expect(fs.existsSync(path.join(dir, png.slice(2, -1)))).toBe(true);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(summary.claims.map((c: { id: string; tier: string }) => `${c.id}/${c.tier}`)).toEqual([
      'A.asm/literal', 'A.asm/robustness',
      'A.gd-overfits/literal', 'A.gd-overfits/paper', 'A.gd-overfits/working', 'A.gd-overfits/robustness',
      'B.stage1/working', 'B.stage1/robustness',
    ]);
    // the report's sections of issue 7 are there, and the working tier is never called the paper's hypotheses
    for (const h of ['## Working regions and their provenance', '## Calibrated constants', '## Joint claims', '## Cross-region matrices']) expect(md).toContain(h);
    expect(summary.declarations.map((d: { id: string }) => d.id)).toEqual(['A.asm', 'A.gd-overfits', 'B.stage1']);
    expect(summary.audits.map((a: { preset: string }) => a.preset)).toContain('paper-a-main');
  });
});
