// The public API (the built package entry, dist/src/index.js): its exports, a user's claim through
// checkClaims in this process and over a 2-worker pool (--claims-from), the replay command as
// printed, profiles built from the loaded claims. `npm test` builds dist first.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { afterAll, describe, expect, test } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '..');
const api = require(path.join(root, 'dist/src/index.js'));
const fixture = path.join(__dirname, 'api.fixtures/claims.js');
const { threshold, below } = require(fixture);
const cli = path.join(root, 'bin/claimcheck.js');
const made: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-api-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CLAIMCHECK_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run a printed `npx claimcheck ...` command through this checkout's bin, in another folder, as a shell would. */
function runPrinted(command: string, cwd: string) {
  expect(command.startsWith('npx claimcheck ')).toBe(true);
  return execFileSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} ${command.slice('npx claimcheck '.length)} --json`], { cwd, encoding: 'utf8' });
}

describe('the package entry', () => {
  test('require("claimcheck") exposes the API, with declaration files, through package.json exports', () => {
    for (const f of ['defineClaim', 'definePaper', 'checkClaims', 'replay', 'train', 'loadClaimModule', 'morrisSample', 'morrisAnalyze', 'claimTestOutcome']) {
      expect(typeof api[f], f).toBe('function');
    }
    for (const f of ['clopperPearson', 'holm', 'bootstrap', 'pairedProportions', 'powerLawFit']) expect(typeof api.stats[f], `stats.${f}`).toBe('function');
    // the Morris helpers work on a problem of one's own
    const problem = [{ name: 'a', lo: 0, hi: 1, scale: 'linear' }, { name: 'b', lo: 0, hi: 1, scale: 'linear' }];
    const sample = api.morrisSample(problem, { trajectories: 4, levels: 4, seed: 1 });
    const result = api.morrisAnalyze(problem, sample, sample.points.map((p: Record<string, number>) => 3 * p.a), { seed: 1 });
    expect(result.ranking[0]).toBe('a');
    expect(api.PAPERS.map((p: { id: string }) => p.id)).toEqual(['A', 'B', 'C']);
    expect(api.CLAIMS).toHaveLength(15);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    // the self-reference resolves through "exports" exactly as an installed package does
    expect(require.resolve('claimcheck')).toBe(path.join(root, pkg.exports['.'].require));
    const types = fs.readFileSync(path.join(root, pkg.types), 'utf8');
    expect(types).toMatch(/checkClaims/);
    expect(types).toMatch(/defineClaim/);
    for (const f of [pkg.exports['./vitest'].import, pkg.exports['./vitest'].types]) expect(fs.existsSync(path.join(root, f)), f).toBe(true);
  });

  test('defineClaim and definePaper reject a malformed declaration with the field named', () => {
    expect(() => api.defineClaim({ ...threshold, evaluate: undefined })).toThrow(/T\.threshold: evaluate: must be a function/);
    expect(() => api.defineClaim({ ...threshold, tiers: ['sometimes'] })).toThrow(/tiers: must be a non-empty list/);
    expect(() => api.definePaper({ id: 'Q', reference: 'r', claims: [threshold] })).toThrow(/source\.paper is "T", not "Q"/);
    expect(() => api.definePaper({ id: 'T', reference: 'r', claims: [threshold], audits: { presets: [], claims: ['T.nope'] } })).toThrow(/audits\.claims/);
    expect(api.definePaper({ id: 'T', reference: 'r', claims: [threshold, below] }).claims).toHaveLength(2);
  });
});

describe('a claim of ones own', () => {
  test('in this process: it breaks, shrinks to a counterexample above the threshold, and its replay command works as printed', async () => {
    const r = await api.checkClaims(threshold, { runs: 5, budget: 4, seed: 3 });
    const [s] = r.summaries;
    expect(s.verdict).toBe('breaks');
    expect(r.ok).toBe(false);
    const cx = s.counterexamples[0];
    expect(cx.regime.x).toBeGreaterThan(50);
    expect(cx.regime.x).toBeLessThanOrEqual(cx.from.regime.x);
    expect(cx.replay).toContain(`--claims-from ${fixture}`);
    expect(cx.replay).not.toMatch(/inline|--constants/);
    // the printed command, from another folder: the same regime, the same verdict
    const out = JSON.parse(runPrinted(cx.replay, tmp()));
    expect(out.regime).toEqual(cx.regime);
    expect(out.verdict).toBe('breaks');
    // and through the API
    const again = await api.replay(threshold, { tier: 'working', seed: cx.seed, path: cx.path });
    expect(again.regime).toEqual(cx.regime);
    // the helper's judgement carries the counterexample and the command
    const outcome = api.claimTestOutcome(r.summaries);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toContain('counterexample {"x":');
    expect(outcome.message).toContain(`replay: ${cx.replay}`);
  });

  test('a claim that holds passes; too few units to decide is a skip, not a pass', async () => {
    const decided = await api.checkClaims(below, { runs: 60, seed: 1 });
    expect(decided.summaries[0].verdict).toBe('holds');
    expect(api.claimTestOutcome(decided.summaries).status).toBe('pass');
    const open = await api.checkClaims(below, { runs: 3, seed: 1 });
    expect(open.summaries[0].verdict).toBe('inconclusive');
    const o = api.claimTestOutcome(open.summaries);
    expect(o.status).toBe('skip');
    expect(o.message).toMatch(/more decisive units would settle it/);
  });

  test('over 2 workers via --claims-from: the same verdicts as in this process, and a replay command that works as printed', async () => {
    const out = tmp();
    const r = run(['check', 'T.threshold', 'T.below', '--claims-from', fixture, '--workers', '2', '--runs', '60', '--seed', '2', '--json', '--quiet', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0); // a working-tier break is a finding, not a failed command
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const byId = Object.fromEntries(lines.map((l) => [l.id, l]));
    expect(byId['T.threshold'].verdict).toBe('breaks');
    expect(byId['T.below'].verdict).toBe('holds');
    expect(byId['T.threshold'].counterexample.replay).toContain(`--claims-from ${fixture}`);
    const replayed = JSON.parse(runPrinted(byId['T.threshold'].counterexample.replay, tmp()));
    expect(replayed.regime).toEqual(byId['T.threshold'].counterexample.regime);
    expect(replayed.verdict).toBe('breaks');
    // the API over a 2-worker pool counts the same units as in this process
    const pooled = await api.checkClaims('T.threshold', { claimsFrom: [fixture], workers: 2, runs: 60, seed: 2, shrink: false });
    const here = await api.checkClaims('T.threshold', { runs: 60, seed: 2, shrink: false });
    expect(pooled.summaries[0].counts).toEqual(here.summaries[0].counts);
    // list shows it
    expect(run(['list', '--claims-from', fixture]).stdout).toMatch(/T\.threshold\s+T\s+test claim/);
  });

  test('--claims-from: a missing file, a module exporting nothing, a built-in id reused: one line, exit 2', () => {
    const missing = run(['check', 'T.threshold', '--claims-from', './no-such-claims.js']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^claimcheck check: --claims-from \.\/no-such-claims\.js: no such file .*no-such-claims\.js\n$/);
    const nothing = run(['list', '--claims-from', path.join(__dirname, 'api.fixtures/nothing.js')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/--claims-from .*nothing\.js: exports no claims or papers/);
    const dup = run(['check', 'A.asm', '--claims-from', path.join(__dirname, 'api.fixtures/duplicate.js'), '--tier', 'literal']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/claim id "A\.asm" is already declared by the built-in paper A\n$/);
    expect(dup.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  test('profiles are built from the loaded claims: a plug-in gets its declared constants, a file can set them', () => {
    const p = api.loadProfile('default', [threshold]);
    expect(p.claims['T.threshold']).toEqual({ threshold: 50 });
    const file = path.join(tmp(), 'mine.json');
    fs.writeFileSync(file, JSON.stringify({ claims: { 'T.threshold': { threshold: 70 } } }));
    expect(api.profileFor([threshold], file).claims['T.threshold']).toEqual({ threshold: 70 });
    // an unknown id in a user's file is still an error naming it
    fs.writeFileSync(file, JSON.stringify({ claims: { 'T.nope': {} } }));
    expect(() => api.profileFor([threshold], file)).toThrow(/claims\.T\.nope: unknown claim id/);
  });
});

describe('the registry (src/claims/registry.ts)', () => {
  test('reads papers and claims from any export shape, and refuses an id declared twice', async () => {
    const { exportsOf, registerClaims, CLAIMS, findClaim } = await import('../src/claims/registry');
    const { definePaper } = await import('../src/claims/paper');
    const paper = definePaper({ id: 'T', reference: 'r', claims: [threshold] });
    // ESM namespace with a default list; a paper and its own claim exported side by side; a bare claim
    expect(exportsOf({ default: [paper] }).papers).toEqual([paper]);
    expect(exportsOf({ paper, threshold })).toEqual({ papers: [paper], claims: [] });
    expect(exportsOf(below)).toEqual({ papers: [], claims: [below] });
    expect(exportsOf({ answer: 42 })).toEqual({ papers: [], claims: [] });
    registerClaims([below]);
    registerClaims([below]); // the same object again: nothing happens
    expect(CLAIMS.filter((c) => c.id === 'T.below')).toHaveLength(1);
    expect(findClaim('T.below')).toBe(below);
    expect(() => registerClaims([{ ...below }], { label: '--claims-from x.js' })).toThrow(/^--claims-from x\.js: claim id "T\.below" is already declared by a claim defined in this process$/);
    expect(() => registerClaims([{ ...findClaim('A.asm') }])).toThrow(/already declared by the built-in paper A/);
    expect(() => findClaim('X.mine')).toThrow(/unknown claim id "X\.mine" .*--claims-from FILE/);
  });
});
