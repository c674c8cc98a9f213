import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/claims/constants';
import type { Verdict } from '../src/claims/types';
import { claim, counts, exampleSweep, exampleVerify, REPLAY } from './support/reportExamples';
import { renderReport } from '../src/report/render';
import { renderSweepReport } from '../src/report/renderSweep';
import { anchor, fmtCi, fmtDuration, fmtNum, fmtP, fmtPct, mdEscape, renderVerifyReport } from '../src/report/renderVerify';
import { commandLines } from '../src/report/format';
import { withAnchors } from '../src/report/doc/model';
import { differenceDiagram, differencePairs } from '../src/report/sections/phases';

/**
 * The renderer on a small hand-made verify summary (two claims, one audit, one heatmap, one verdict
 * map, one dynamics figure, one Morris result, one counterexample) and a sweep summary.
 * Set CLAIMCHECK_REPORT_EXAMPLE=/some/dir to also render the example there for a look.
 */

const scratch = mkdtempSync(join(tmpdir(), 'claimcheck-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngs(dir: string): string[] {
  return readdirSync(join(dir, 'figures')).filter((f) => f.endsWith('.png'));
}

describe('renderVerifyReport', () => {
  const dir = join(scratch, 'verify');
  let files: string[] = [];
  beforeAll(async () => {
    files = (await renderVerifyReport(dir, exampleVerify())).files;
  });

  it('writes every file it lists: md, html, the three embed scripts and an svg + png per figure', () => {
    expect(files).toContain(join(dir, 'report.md'));
    expect(files).toContain(join(dir, 'report.html'));
    for (const f of files) expect(existsSync(f)).toBe(true);
    const figs = readdirSync(join(dir, 'figures')).sort();
    expect(figs).toEqual([
      'claim-map-A-separation.png', 'claim-map-A-separation.svg', 'dynamics-A-loss.png', 'dynamics-A-loss.svg', 'morris-A-separation.png', 'morris-A-separation.svg',
      'phase-A-separation-map.png', 'phase-A-separation-map.svg', 'phase-sweep-testError-gd-minus-lngd.png', 'phase-sweep-testError-gd-minus-lngd.svg',
      'phase-sweep-testError-gd.png', 'phase-sweep-testError-gd.svg', 'phase-sweep-testError-lngd.png', 'phase-sweep-testError-lngd.svg',
    ]);
    expect(readdirSync(join(dir, 'assets')).sort()).toEqual(['vega-embed.min.js', 'vega-lite.min.js', 'vega.min.js']);
    expect(files.length).toBe(figs.length + 3 + 2);
    // no temp files left behind by the atomic writes
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report.md has the verdict table, the audit FAIL row, the replay command and images of existing PNGs', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    // each claim links to its details, each verdict to its claim-tier
    expect(md).toContain(
      '| [A.separation](#claim-aseparation) | A, Theorem 3.2 | Label-noise GD separates signal from noise | — | — | [holds](#aseparation-working-tier) 100% [83, 100] (20 units, 20 regimes) | ' +
        '[breaks](#aseparation-robustness-tier) 62.5% [45, 78] (40 decisive of 42 units, 42 regimes); breaks: 0 inside, 15 outside the hypotheses |',
    );
    // pipes and angle brackets in text are escaped, so the row stays one row of seven cells
    expect(md).toContain('| [B.memorization](#claim-bmemorization) | B, Lemma 4.1 | GD memorises the noise \\| fits \\<all> labels | — | — | [inconclusive](#bmemorization-working-tier) 77.8% [52, 94] (18 decisive of 20 units, 20 regimes) | — |');
    // every link in the document lands on a heading of the document (GitHub's anchors)
    const anchors = new Set(md.split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => anchor(l.replace(/^#+ /, '').replace(/\\(.)/g, '$1'))));
    const links = [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
    // the counterexample says which hypotheses its regime met and which it violated
    expect(md).toContain('- **Outside the hypotheses**: 1 of 2 clauses met');
    expect(md).toContain('- Met: `B.asm(i)`');
    expect(md).toContain('- Violated: `B.asm(ii)` (12 vs 16)');
    expect(md).toContain('| [#1](#bmemorization-working-1) | breaks | -0.0123 | outside (violates `B.asm(ii)`) |');
    // CPU time, not wall time, per claim and tier
    expect(md).toMatch(/\| Counterexamples \| CPU time \| Backends \|/);
    expect(md).not.toMatch(/\| Time \|/);
    // one command per line in every Reproduce block
    expect(md).toContain('```sh\nnpx claimcheck train --preset paper-a-main --algo gd\nnpx claimcheck train --preset paper-a-main --algo lngd\n```');
    expect(md).not.toMatch(/^npx .* \/ npx /m);
    // the difference map and the Morris verdict map are there; no heading is repeated as a chart title
    expect(md).toContain('### testError: GD, label-noise GD and their difference');
    expect(md).toContain('#### Verdict map of A.separation');
    // the working tier is never presented as the paper's hypotheses
    expect(md).toContain("NOT the paper's hypotheses");
    expect(md).not.toMatch(/in-regime/);
    expect(md).toContain('| `A.separation` | `A.asm(i)` | d >= C log(n/delta) max(n^2, n \\|\\|mu\\|\\|^2/sigma_p^2) | 2000 | 51235 | **FAIL** |');
    expect(md).toContain('```sh\n' + REPLAY + '\n```');
    expect(md).toContain('Regime: `n=12, d=320, snr=0.05, algo=gd`');
    expect(md).toContain('Changed by shrinking: n: 40 -> 12, d: 2000 -> 320');
    const images = [...md.matchAll(/!\[[^\]]*\]\((figures\/[^)]+)\)/g)].map((m) => m[1]);
    expect(images.length).toBe(7);
    for (const img of images) {
      expect(img).toMatch(/\.png$/);
      expect(existsSync(join(dir, img))).toBe(true);
    }
    // sections in the documented order
    const order = ['## Verdicts', '## Claims in detail', '## Working regions and their provenance', '## Calibrated constants', '## Joint claims', '## Cross-region matrices', '## Assumption audit', '## Phase diagrams', '## Training dynamics', '## Morris sensitivity', '## Minimal counterexamples', '## Constants profile'];
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

  it('report.html is one page with escaped text, every heading anchored, figures embedded from local scripts only', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<table>');
    expect(html).toContain('</html>');
    // the only scripts: the figures' specs (JSON), the three local builds and the embedding code
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.filter((a) => / src=/.test(a))).toEqual([' src="assets/vega.min.js"', ' src="assets/vega-lite.min.js"', ' src="assets/vega-embed.min.js"']);
    expect(scripts.filter((a) => a.includes('application/json')).length).toBe(7 + 1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    // every heading has an id and every in-page link has its target
    expect(html.match(/<h[1-4](?! id=)/g)).toBeNull();
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.filter((h) => !ids.has(h))).toEqual([]);
    const imgs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(imgs.length).toBe(7);
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
    expect(md).toMatch(/### Links of B.chain, working tier[\s\S]*\| `B.stage2` \| breaks \|/);
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

describe('navigation, difference maps and counterexample hypotheses', () => {
  it('every heading gets a unique anchor, repeats numbered as GitHub does', () => {
    const blocks = withAnchors([{ k: 'h', level: 3, text: 'Preset a' }, { k: 'h', level: 3, text: 'Preset a' }, { k: 'h', level: 2, text: 'A.x: region' }]);
    expect(blocks.map((b) => (b.k === 'h' ? b.id : ''))).toEqual(['preset-a', 'preset-a-1', 'ax-region']);
  });

  it('the difference map is GD minus label-noise GD, cell by cell, missing where either is', () => {
    const v = exampleVerify();
    const [pair] = differencePairs(v.phases);
    expect(pair.metric).toBe('testError');
    const d = differenceDiagram(pair.gd, pair.lngd, pair.metric);
    for (const c of d.cells) {
      const g = pair.gd.cells.find((q) => q.x === c.x && q.y === c.y)!.value;
      const l = pair.lngd.cells.find((q) => q.x === c.x && q.y === c.y)!.value;
      expect(c.value).toBe(g === null || l === null ? null : g - l);
    }
    expect(d.cells.filter((c) => c.value === null).length).toBe(1);
  });

  it('takes a counterexample\'s hypotheses from the run\'s store when its summary predates them, and says so when it cannot', async () => {
    const dir = join(scratch, 'old-summary');
    mkdirSync(dir, { recursive: true });
    const v = exampleVerify();
    const cx = v.claims[2].counterexamples[0];
    const hypotheses = cx.hypotheses!;
    delete cx.hypotheses;
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(v));
    await renderReport(dir);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('- Hypotheses: not recorded in this summary');
    const record = { key: 'k', claim: 'B.memorization', tier: 'working', regime: { ...cx.regime }, hypotheses };
    writeFileSync(join(dir, 'results.jsonl'), `${JSON.stringify({ ...record, claim: 'other' })}\n${JSON.stringify(record)}\n`);
    await renderReport(dir);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('- Violated: `B.asm(ii)` (12 vs 16)');
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).claims[2].counterexamples[0].hypotheses).toBeUndefined();
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
    expect([0.009, 0.0123, 12.34, 235, 3723].map(fmtDuration)).toEqual(['0.009 s', '0.012 s', '12.3 s', '3 min 55 s', '1 h 02 min']);
    expect(commandLines('npx claimcheck train --a / npx claimcheck train --b')).toBe('npx claimcheck train --a\nnpx claimcheck train --b');
    expect(commandLines('npx claimcheck sweep --axis n=1..2')).toBe('npx claimcheck sweep --axis n=1..2');
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
