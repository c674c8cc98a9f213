import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/claims/constants';
import type { EngineSettings, Verdict } from '../src/claims/types';
import type { ClaimSummary } from '../src/engine/summary';
import type { PhaseCell, SweepSummary, VerifySummary } from '../src/report/model';
import { renderReport } from '../src/report/render';
import { renderSweepReport } from '../src/report/renderSweep';
import { fmtCi, fmtNum, fmtP, fmtPct, mdEscape, renderVerifyReport } from '../src/report/renderVerify';

/**
 * The renderer on a small hand-made verify summary (two claims, one audit, one heatmap, one verdict
 * map, one dynamics figure, one Morris result, one counterexample) and a sweep summary.
 * Set CLAIMCHECK_REPORT_EXAMPLE=/some/dir to also render the example there for a look.
 */

const scratch = mkdtempSync(join(tmpdir(), 'claimcheck-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const settings: EngineSettings = { holdRateTarget: 0.9, alpha: 0.05, replicates: 3, maxSteps: 20000, shrinkBudget: 40, maxCounterexamples: 2 };

const REPLAY = 'npx claimcheck replay B.memorization --tier working --seed 7 --path 3:0:1';

function counts(c: Partial<Record<Verdict, number>>): Record<Verdict, number> {
  return { holds: 0, breaks: 0, 'not-reached': 0, inconclusive: 0, vacuous: 0, 'vacuous-bound': 0, diverged: 0, budget: 0, infeasible: 0, error: 0, ...c };
}

function claim(over: Partial<ClaimSummary> & Pick<ClaimSummary, 'id' | 'tier' | 'verdict' | 'counts'>): ClaimSummary {
  const runs = Object.values(over.counts).reduce((a, b) => a + b, 0);
  const decisive = over.counts.holds + over.counts.breaks + over.counts['not-reached'];
  return {
    title: '', source: '', holdRate: null, ci: null, runs, units: runs, decisive, confidence: 1 - 0.05 / 3, judgedTogether: 3, unitsToSettle: null,
    byHypotheses: { inside: { holds: 0, breaks: 0 }, outside: { holds: 0, breaks: 0 } },
    counterexamples: [], constants: {}, settings, profile: 'default', seed: 7, backends: ['cpu'], seconds: 12.5,
    ...over,
  };
}

const run = (kind: 'verify' | 'sweep') => ({
  runId: `2025-06-01-${kind}-abc123`, kind, version: '0.1.0', gitRevision: 'b451466f00dfeedbeef00112233445566778899a',
  node: 'v20.19.0', backends: ['cpu', 'wasm'], platform: 'linux-x64', cpus: 8,
  startedAt: '2025-06-01T10:00:00.000Z', finishedAt: '2025-06-01T11:02:03.000Z',
  argv: kind === 'verify' ? ['verify', '--budget', '20', '--seed', '7', '--note', 'two words'] : ['sweep', '--claim', 'A.separation', '--axes', 'n,snr'],
  seed: 7, budget: 20, seconds: 3723,
});

function grid(xs: number[], ys: number[], f: (x: number, y: number) => Partial<PhaseCell>): PhaseCell[] {
  return ys.flatMap((y) => xs.map((x) => ({ x, y, value: null, ...f(x, y) })));
}

function exampleVerify(): VerifySummary {
  return {
    run: run('verify'),
    profile: {
      name: 'default', file: 'fixtures/constants/default.json', settings,
      claims: { 'A.separation': { C: 4, cSnr: 0.1234567 }, 'B.memorization': { C: 2 } },
    },
    claims: [
      claim({
        id: 'A.separation', title: 'Label-noise GD separates signal from noise', source: 'A, Theorem 3.2', tier: 'working',
        verdict: 'holds', counts: counts({ holds: 20 }), holdRate: 1, ci: [0.8316, 1], 
        byHypotheses: { inside: { holds: 20, breaks: 0 }, outside: { holds: 0, breaks: 0 } },
      }),
      claim({
        id: 'A.separation', title: 'Label-noise GD separates signal from noise', source: 'A, Theorem 3.2', tier: 'robustness',
        verdict: 'breaks', counts: counts({ holds: 25, breaks: 15, vacuous: 2 }), holdRate: 0.625, ci: [0.458, 0.773],
        byHypotheses: { inside: { holds: 12, breaks: 0 }, outside: { holds: 13, breaks: 15 } },
      }),
      claim({
        id: 'B.memorization', title: 'GD memorises the noise | fits <all> labels', source: 'B, Lemma 4.1', tier: 'working',
        verdict: 'inconclusive', counts: counts({ holds: 14, breaks: 4, diverged: 2 }), holdRate: 14 / 18, ci: [0.524, 0.936],
        byHypotheses: { inside: { holds: 14, breaks: 4 }, outside: { holds: 0, breaks: 0 } },
        counterexamples: [
          {
            regime: { n: 12, d: 320, snr: 0.05, algo: 'gd' }, seed: 7, path: '3:0:1', verdict: 'breaks', margin: -0.0123,
            replay: REPLAY, from: { path: '3', regime: { n: 40, d: 2000, snr: 0.05, algo: 'gd' } }, shrinkEvaluations: 17,
            note: 'training error stayed at 0.25 <script>alert(1)</script>',
          },
        ],
      }),
    ],
    audits: [
      {
        preset: 'paper-a-main', description: "Paper A's main experiment", snr: 0.0316, nSnr2: 0.04,
        audits: [
          {
            claim: 'A.separation', title: 'Label-noise GD separates signal from noise', holds: false, violated: ['A.asm(i)'],
            clauses: [
              { id: 'A.asm(i)', text: 'd >= C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2)', holds: false, lhs: 2000, rhs: 51234.5678 },
              { id: 'A.asm(ii)', text: 'eta <= 1/(C ||mu||^2)', holds: true, lhs: 0.001, rhs: 0.25 },
              { id: 'A.asm(iii)', text: 'n * SNR^2 = Theta(1) (not an inequality)', holds: true },
            ],
          },
          {
            claim: 'B.memorization', title: 'GD memorises the noise', holds: true, violated: [],
            clauses: [{ id: 'B.asm(i)', text: 'sigma_0 <= 1/d', holds: true, lhs: 0.0001, rhs: 0.0005 }],
          },
        ],
      },
    ],
    phases: [
      {
        id: 'A.heatmap-test-error', title: 'Test error of label-noise GD', xLabel: 'n (training samples)', yLabel: 'SNR',
        xLog: true, yLog: true, kind: 'heatmap', colorLabel: 'test error', colorDomain: [0, 0.5],
        cells: grid([10, 20, 40, 80], [0.01, 0.03, 0.1], (x, y) =>
          x === 80 && y === 0.01 ? { value: null } : { value: 0.5 * Math.exp(-x * y * y * 40) },
        ),
        note: 'Grey cells diverged. Error falls as n·SNR² grows.', command: 'npx claimcheck sweep --preset paper-a-heatmap --axes n,snr',
      },
      {
        id: 'A.separation.map', title: 'Where A.separation holds', xLabel: 'n', yLabel: 'SNR', xLog: true, yLog: true, kind: 'verdict',
        colorLabel: 'verdict',
        cells: grid([10, 20, 40, 80, 160], [0.01, 0.03, 0.1, 0.3], (x, y) => ({
          verdict: (x * y * y > 0.5 ? 'holds' : x * y * y > 0.05 ? 'inconclusive' : x === 10 && y === 0.01 ? 'vacuous' : 'breaks') as Verdict,
        })),
        note: 'Breaks below n·SNR² ≈ 0.05.', command: 'npx claimcheck sweep --claim A.separation --axes n,snr --grid 5x4',
      },
    ],
    dynamics: [
      {
        id: 'A.loss', title: 'Training loss, GD vs label-noise GD', xLabel: 'step', yLabel: 'training loss', logY: true,
        series: [
          { name: 'GD', points: Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0.7 * Math.exp(-i / 8) + 1e-3 })) },
          { name: 'label-noise GD', points: Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0.7 * Math.exp(-i / 20) + 0.05 })) },
        ],
        source: 'preset paper-a-main, p=0.1', command: 'npx claimcheck train --preset paper-a-main --algo gd,lngd',
      },
    ],
    morris: [
      {
        claim: 'A.separation', output: 'margin (signed distance to the threshold)', base: { n: 40, d: 2000, snr: 0.05 },
        trajectories: 10, evaluations: 60, missing: 1,
        factors: [
          { name: 'snr', lo: 0.01, hi: 0.3, scale: 'log', mu: 0.21, muStar: 0.31, sigma: 0.12, n: 10, muStarCi: [0.22, 0.4] },
          { name: 'n', lo: 10, hi: 200, scale: 'log', mu: 0.1, muStar: 0.12, sigma: 0.05, n: 10, muStarCi: [0.08, 0.16] },
          { name: 'd', lo: 100, hi: 5000, scale: 'log', mu: -0.01, muStar: 0.02, sigma: 0.02, n: 9, muStarCi: [0.01, 0.03] },
          { name: 'eta', lo: 0.001, hi: 0.1, scale: 'log', mu: -0.05, muStar: 0.09, sigma: 0.11, n: 10, muStarCi: [0.04, 0.14] },
        ],
        ranking: ['snr', 'n', 'eta', 'd'],
      },
    ],
  };
}

function exampleSweep(phases = true): SweepSummary {
  const v = exampleVerify();
  const points = v.phases[1].cells.map((c, i) => ({
    key: `k${i}`, index: (i * 7) % 20, point: { n: c.x, snr: c.y }, series: 'A.separation', value: Math.log10(c.x * c.y * c.y) + 1.3,
    verdict: c.verdict, margin: Math.log10(c.x * c.y * c.y) + 1.3, seconds: 2.5 + i, backend: 'cpu',
  }));
  return {
    run: run('sweep'),
    preset: 'paper-a-main',
    base: { n: 40, d: 2000, snr: 0.05, algo: 'lngd' },
    axes: [
      { name: 'n', lo: 10, hi: 160, scale: 'log', integer: true },
      { name: 'snr', lo: 0.01, hi: 0.3, scale: 'log', integer: false },
    ],
    target: { kind: 'claim', claim: 'A.separation', mode: 'robustness' },
    design: { kind: 'grid', points: 20, seed: 7 },
    shards: ['runs/sweep-0of2', 'runs/sweep-1of2'],
    points: [...points].reverse(),
    phases: phases ? [v.phases[1]] : [],
  };
}

function pngs(dir: string): string[] {
  return readdirSync(join(dir, 'figures')).filter((f) => f.endsWith('.png'));
}

describe('renderVerifyReport', () => {
  const dir = join(scratch, 'verify');
  let files: string[] = [];
  beforeAll(async () => {
    files = (await renderVerifyReport(dir, exampleVerify())).files;
  });

  it('writes every file it lists: md, html and an svg + png per figure', () => {
    expect(files).toContain(join(dir, 'report.md'));
    expect(files).toContain(join(dir, 'report.html'));
    for (const f of files) expect(existsSync(f)).toBe(true);
    const figs = readdirSync(join(dir, 'figures')).sort();
    expect(figs).toEqual([
      'dynamics-A-loss.png', 'dynamics-A-loss.svg', 'morris-A-separation.png', 'morris-A-separation.svg',
      'phase-A-heatmap-test-error.png', 'phase-A-heatmap-test-error.svg', 'phase-A-separation-map.png', 'phase-A-separation-map.svg',
    ]);
    expect(files.length).toBe(figs.length + 2);
    // no temp files left behind by the atomic writes
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report.md has the verdict table, the audit FAIL row, the replay command and images of existing PNGs', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain(
      '| `A.separation` | A, Theorem 3.2 | Label-noise GD separates signal from noise | — | — | holds 100% [83, 100] (20 units, 20 regimes) | ' +
        'breaks 62.5% [45, 78] (40 decisive of 42 units, 42 regimes); breaks: 0 inside, 15 outside the hypotheses |',
    );
    // pipes and angle brackets in text are escaped, so the row stays one row of seven cells
    expect(md).toContain('| `B.memorization` | B, Lemma 4.1 | GD memorises the noise \\| fits \\<all> labels | — | — | inconclusive 77.8% [52, 94] (18 decisive of 20 units, 20 regimes) | — |');
    // the working tier is never presented as the paper's hypotheses
    expect(md).toContain("NOT the paper's hypotheses");
    expect(md).not.toMatch(/in-regime/);
    expect(md).toContain('| `A.separation` | `A.asm(i)` | d >= C log(n/delta) max(n^2, n \\|\\|mu\\|\\|^2/sigma_p^2) | 2000 | 51235 | **FAIL** |');
    expect(md).toContain('```sh\n' + REPLAY + '\n```');
    expect(md).toContain('Regime: `n=12, d=320, snr=0.05, algo=gd`');
    expect(md).toContain('Changed by shrinking: n: 40 -> 12, d: 2000 -> 320');
    const images = [...md.matchAll(/!\[[^\]]*\]\((figures\/[^)]+)\)/g)].map((m) => m[1]);
    expect(images.length).toBe(4);
    for (const img of images) {
      expect(img).toMatch(/\.png$/);
      expect(existsSync(join(dir, img))).toBe(true);
    }
    // sections in the documented order
    const order = ['## Verdicts', '## Working regions and their provenance', '## Calibrated constants', '## Joint claims', '## Cross-region matrices', '## Assumption audit', '## Phase diagrams', '## Training dynamics', '## Morris sensitivity', '## Minimal counterexamples', '## Constants profile'];
    const at = order.map((h) => md.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // header and profile
    expect(md).toContain('b451466f00dfeedbeef00112233445566778899a');
    expect(md).toContain("`verify --budget 20 --seed 7 --note 'two words'`");
    expect(md).toContain('| `A.separation` | `cSnr` | 0.1234567 |');
    // Morris table sorted by mu*
    const morris = md.slice(md.indexOf('## Morris'));
    expect(morris.indexOf('| `snr` |')).toBeLessThan(morris.indexOf('| `n` |'));
    expect(morris.indexOf('| `eta` |')).toBeLessThan(morris.indexOf('| `d` |'));
  });

  it('report.html is one self-contained page with escaped text', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<table>');
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const imgs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(imgs.length).toBe(4);
    for (const img of imgs) {
      expect(img).toMatch(/^figures\/[\w-]+\.svg$/);
      expect(existsSync(join(dir, img))).toBe(true);
    }
    // balanced tables
    expect(html.match(/<table>/g)!.length).toBe(html.match(/<\/table>/g)!.length);
  });

  it('figures are valid PNGs', () => {
    for (const f of pngs(dir)) expect(readFileSync(join(dir, 'figures', f)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('re-rendering gives byte-identical md and html (and figures)', async () => {
    const before = ['report.md', 'report.html', ...pngs(dir).map((f) => `figures/${f}`)].map((f) => [f, readFileSync(join(dir, f))] as const);
    await renderVerifyReport(dir, exampleVerify());
    const other = join(scratch, 'verify-again');
    await renderVerifyReport(other, JSON.parse(JSON.stringify(exampleVerify())));
    for (const [f, bytes] of before) {
      expect(readFileSync(join(dir, f)).equals(bytes), f).toBe(true);
      expect(readFileSync(join(other, f)).equals(bytes), f).toBe(true);
    }
  });
});

describe('the sections of issue 7: regions, calibrated constants, joint claims, cross-region matrices', () => {
  it('renders each section from the summary', async () => {
    const dir = join(scratch, 'verify-tiers');
    const base = exampleVerify();
    const chain = claim({
      id: 'B.chain', tier: 'working', verdict: 'breaks', counts: counts({ holds: 2, breaks: 58 }), holdRate: 2 / 60, ci: [0.004, 0.115],
      links: {
        'B.stage1': { holds: 60, decisive: 60, rate: 1, ci: [0.94, 1], confidence: 0.98, verdict: 'holds', unitsToSettle: 0, counts: counts({ holds: 60 }), claimVerdict: 'holds' },
        'B.stage2': { holds: 2, decisive: 60, rate: 2 / 60, ci: [0.004, 0.115], confidence: 0.98, verdict: 'breaks', unitsToSettle: 0, counts: counts({ holds: 2, breaks: 58 }), claimVerdict: 'breaks' },
      },
    });
    await renderVerifyReport(dir, {
      ...base,
      claims: [...base.claims, chain],
      declarations: [{
        id: 'A.separation', tiers: ['literal', 'paper', 'working', 'robustness'],
        region: [
          { name: 'kappaMin', value: 0.4, provenance: 'chosen', source: 'label-noise GD learns the signal only above it', calibrated: true },
          { name: 'nSnr2Max', value: 0.6, provenance: 'paper', source: 'A.asm(i): low SNR', calibrated: false },
        ],
        calibrated: [{ name: 'kappaMin', value: 0.4, source: 'label-noise GD learns the signal only above it' }],
        undeclared: [],
      }],
      crossRegion: [{
        paper: 'B', claims: ['B.stage1', 'B.stage2'],
        cells: [
          { claim: 'B.stage1', region: 'B.stage1', counts: counts({ holds: 60 }), holdRate: 1, ci: [0.94, 1], verdict: 'holds', units: 60 },
          { claim: 'B.stage1', region: 'B.stage2', counts: counts({ holds: 1, breaks: 11 }), holdRate: 1 / 12, ci: [0, 0.4], verdict: 'breaks', units: 12 },
          { claim: 'B.stage2', region: 'B.stage1', counts: counts({ breaks: 12 }), holdRate: 0, ci: [0, 0.3], verdict: 'breaks', units: 12 },
          { claim: 'B.stage2', region: 'B.stage2', counts: counts({ holds: 60 }), holdRate: 1, ci: [0.94, 1], verdict: 'holds', units: 60 },
        ],
      }],
    });
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| `kappaMin` | 0.4 | chosen | **calibrated** | label-noise GD learns the signal only above it |');
    expect(md).toContain('| `nSnr2Max` | 0.6 | paper | no | A.asm(i): low SNR |');
    expect(md).toMatch(/## Calibrated constants[\s\S]*\| `A.separation` \| `kappaMin` \| 0.4 \|/);
    expect(md).toMatch(/### B.chain \(working tier\)[\s\S]*\| `B.stage2` \| breaks \|/);
    expect(md).toContain('Finding: `B.stage1` holds in its own region but breaks in `B.stage2`\'s; `B.stage2` holds in its own region but breaks in `B.stage1`\'s.');
  });
});

describe('renderSweepReport', () => {
  it('writes the phase diagram, the sorted points table and the shards', async () => {
    const dir = join(scratch, 'sweep');
    const { files } = await renderSweepReport(dir, exampleSweep());
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(pngs(dir)).toEqual(['phase-A-separation-map.png']);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('![Where A.separation holds](figures/phase-A-separation-map.png)');
    expect(md).toContain('- `runs/sweep-1of2`');
    const rows = md.split('\n').filter((l) => l.startsWith('| `A.separation` | '));
    const table = rows.filter((l) => l.split(' | ').length > 8).map((l) => l.split(' | ').slice(1, 3).map(Number));
    expect(table.length).toBe(20);
    const sorted = [...table].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(table).toEqual(sorted);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<img src="figures/phase-A-separation-map.svg"');
  });

  it('renders without phases (no figures at all)', async () => {
    const dir = join(scratch, 'sweep-nophase');
    const { files } = await renderSweepReport(dir, exampleSweep(false));
    expect(files.sort()).toEqual([join(dir, 'report.html'), join(dir, 'report.md')]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('No phase diagram in this sweep.');
  });
});

describe('figures whose data cannot be drawn', () => {
  it('are reported in place of the figure, and the rest of the report is written', async () => {
    const dir = join(scratch, 'undrawable');
    const s = exampleSweep();
    s.phases = [{ ...exampleVerify().phases[0], id: 'bad', cells: [{ x: 0, y: 1, value: 0.2 }, { x: 10, y: 1, value: 0.3 }] }];
    const { files } = await renderSweepReport(dir, s);
    expect(files.sort()).toEqual([join(dir, 'report.html'), join(dir, 'report.md')]);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('**Figure not drawn:** heatmap x value 0 cannot be placed on a log axis');
    expect(md).toContain('npx claimcheck sweep --preset paper-a-heatmap');
  });
});

describe('renderReport', () => {
  it('dispatches on run.kind', async () => {
    const dir = join(scratch, 'from-json');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(exampleSweep(false)));
    const out = await renderReport(dir);
    expect(out.kind).toBe('sweep');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('# claimcheck sweep report');
  });

  it('throws InputError naming the file when summary.json is corrupt, missing or lacks run.kind', async () => {
    const dir = join(scratch, 'corrupt');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'summary.json');
    await expect(renderReport(dir)).rejects.toThrow(InputError);
    await expect(renderReport(dir)).rejects.toThrow(file);
    writeFileSync(file, '{"run": {"kind": "verify", "runId": "x"'); // truncated
    await expect(renderReport(dir)).rejects.toThrow(InputError);
    await expect(renderReport(dir)).rejects.toThrow(`${file}: not valid JSON`);
    writeFileSync(file, JSON.stringify({ run: { runId: 'x' } }));
    await expect(renderReport(dir)).rejects.toThrow(`${file}: lacks run.kind`);
    writeFileSync(file, JSON.stringify({ run: { kind: 'verify' }, claims: [] }));
    await expect(renderReport(dir)).rejects.toThrow(`${file}: a verify summary needs "profile"`);
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
  });
});

describe('formatting', () => {
  it('numbers, rates, intervals and p-values read well', () => {
    expect([0, 7, 2000, 0.1234567, 51234.5678, 1.5e-5, 3e7, -0.0123, 9999.6, null].map((x) => fmtNum(x))).toEqual([
      '0', '7', '2000', '0.1235', '51235', '1.5e-5', '3e7', '-0.0123', '10000', '—',
    ]);
    expect([1, 0.625, 0.9999, 0.0001, 0].map(fmtPct)).toEqual(['100%', '62.5%', '>99.9%', '<0.1%', '0%']);
    expect(fmtCi([0.8316, 1])).toBe('[83, 100]');
    expect(fmtCi([0.29, 0.71])).toBe('[29, 71]');
    expect([1, 0.16, 0.0031, 2.4e-6].map(fmtP)).toEqual(['1', '0.16', '0.0031', '2.4e-6']);
    expect(mdEscape('a*b and a * b, sigma_p and _x_, [x](y) $x$ <b> p < 0.05, a <= b')).toBe('a\\*b and a * b, sigma_p and \\_x\\_, [x\\](y) \\$x\\$ \\<b> p < 0.05, a <= b');
  });
});

const example = process.env.CLAIMCHECK_REPORT_EXAMPLE;
if (example) {
  it('renders the example for a look', async () => {
    await renderVerifyReport(example, exampleVerify());
    await renderSweepReport(join(example, 'sweep'), exampleSweep());
  });
}
