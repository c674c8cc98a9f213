import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  barChartSpec,
  FIGURE_FONT_FAMILY,
  heatmapSpec,
  lineChartSpec,
  morrisPlotSpec,
  renderVegaLite,
  svgToPng,
  verdictMapSpec,
  writeFigure,
} from '../src/report/figures';
import { textWidth } from '../src/report/font';
import { atomicWriteFile, atomicWriteJson } from '../src/util/atomicWrite';

const scratch = mkdtempSync(join(tmpdir(), 'claimcheck-figures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The text content of every <text> element in an SVG, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('SVG has no width/height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function expectStyled(svg: string): void {
  expect(svg).toContain(`font-family="${FIGURE_FONT_FAMILY}"`);
  expect(svg).toMatch(/<rect width="[\d.]+" height="[\d.]+" fill="white"\/>/);
  expect(svg).not.toMatch(/font-family="(?!DejaVu Sans")/);
}

describe('spec builders render to SVG with title, axis titles and legend', () => {
  it('lineChartSpec', async () => {
    const spec = lineChartSpec({
      title: 'Training loss vs step',
      xLabel: 'step',
      yLabel: 'training loss (logistic)',
      legendTitle: 'Optimiser',
      series: [
        { name: 'GD', points: [0, 1, 10, 100].map((x) => ({ x, y: 1 / (1 + x) })) },
        { name: 'label-noise GD', points: [0, 1, 10, 100].map((x) => ({ x, y: 1.2 / (1 + x) })) },
      ],
      logX: true,
      logY: true,
    });
    const svg = await renderVegaLite(spec);
    const texts = svgTexts(svg);
    for (const t of ['Training loss vs step', 'step', 'training loss (logistic)', 'Optimiser', 'GD', 'label-noise GD']) {
      expect(texts).toContain(t);
    }
    expectStyled(svg);
  });

  it('lineChartSpec leaves out points a log axis cannot show', () => {
    const spec = lineChartSpec({
      title: 't', xLabel: 'step', yLabel: 'loss',
      series: [{ name: 's', points: [{ x: 0, y: 1 }, { x: 1, y: 0 }, { x: 2, y: NaN }, { x: 3, y: 0.5 }] }],
      logX: true,
      logY: true,
    });
    expect((spec.data as { values: unknown[] }).values).toEqual([{ series: 's', x: 3, y: 0.5 }]);
  });

  it('heatmapSpec, with null cells shown as "no data"', async () => {
    const cells = [0.1, 1, 10].flatMap((x) =>
      [100, 1000].map((y) => ({ x, y, value: x === 1 && y === 100 ? null : x / 10, label: x === 1 && y === 100 ? 'n/a' : `${x / 10}` })),
    );
    const svg = await renderVegaLite(
      heatmapSpec({ title: 'Test error over SNR and n', xLabel: 'SNR', yLabel: 'samples n', colorLabel: 'test error', cells, xLog: true, yLog: true }),
    );
    const texts = svgTexts(svg);
    for (const t of ['Test error over SNR and n', 'SNR', 'samples n', 'test error', 'no data', 'n/a', '0.01']) {
      expect(texts).toContain(t);
    }
    expectStyled(svg);
  });

  it('heatmapSpec renders when every cell is null, on linear irregular axes', async () => {
    const cells = [1, 2, 5].map((x) => ({ x, y: x * 3, value: null }));
    const svg = await renderVegaLite(heatmapSpec({ title: 'Empty grid', xLabel: 'width m', yLabel: 'depth', colorLabel: 'error', cells }));
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Empty grid', 'width m', 'depth', 'no data']));
    expect(svg).toContain('fill="#c8c8c8"');
  });

  it('heatmapSpec rejects an empty grid and coordinates a log axis cannot place', () => {
    expect(() =>
      heatmapSpec({ title: 't', xLabel: 'x', yLabel: 'y', colorLabel: 'c', cells: [{ x: 0, y: 1, value: 1 }], xLog: true }),
    ).toThrow(RangeError);
    expect(() => heatmapSpec({ title: 't', xLabel: 'x', yLabel: 'y', colorLabel: 'c', cells: [] })).toThrow(RangeError);
  });

  it('verdictMapSpec, with a fixed colour per verdict', async () => {
    const verdicts = ['holds', 'breaks', 'inconclusive', 'vacuous', 'diverged', 'budget'] as const;
    const points = verdicts.map((verdict, i) => ({ x: 0.1 * 2 ** i, y: 100 * (i + 1), verdict }));
    const svg = await renderVegaLite(
      verdictMapSpec({ title: 'Where claim 2 holds', xLabel: 'SNR', yLabel: 'training samples n', points, xLog: true }),
    );
    const texts = svgTexts(svg);
    for (const t of ['Where claim 2 holds', 'SNR', 'training samples n', 'Verdict', ...verdicts]) expect(texts).toContain(t);
    for (const colour of ['#2ca02c', '#d62728', '#8c8c8c', '#9ecae1', '#000000', '#ff7f0e']) expect(svg).toContain(`fill="${colour}"`);
    expectStyled(svg);
  });

  it('verdictMapSpec keeps colours fixed when only some verdicts occur', async () => {
    const svg = await renderVegaLite(
      verdictMapSpec({ title: 'Only breaks', xLabel: 'x', yLabel: 'y', points: [{ x: 1, y: 1, verdict: 'breaks' }] }),
    );
    expect(svg).toContain('fill="#d62728"');
    expect(svgTexts(svg)).not.toContain('holds');
  });

  it('barChartSpec, with error bars where given', async () => {
    const svg = await renderVegaLite(
      barChartSpec({
        title: 'Morris mu* ranking',
        xLabel: 'parameter',
        yLabel: 'mu* (test error)',
        bars: [
          { label: 'label noise', value: 0.2, lo: 0.15, hi: 0.25 },
          { label: 'SNR', value: 0.1 },
        ],
      }),
    );
    const texts = svgTexts(svg);
    for (const t of ['Morris mu* ranking', 'parameter', 'mu* (test error)', 'label noise', 'SNR']) expect(texts).toContain(t);
    expectStyled(svg);
  });

  it('morrisPlotSpec labels every factor (coincident ones share a label) and needs a sigma', async () => {
    const points = [
      { factor: 'snr', muStar: 0.31, sigma: 0.12, mu: 0.2, n: 10, lo: 0.22, hi: 0.4 },
      { factor: 'eta', muStar: 0.09, sigma: 0.11, mu: -0.05, n: 10 },
      { factor: 'A', muStar: 0, sigma: 0, mu: 0, n: 2 },
      { factor: 'p', muStar: 0, sigma: 0, mu: 0, n: 2 },
    ];
    const svg = await renderVegaLite(morrisPlotSpec({ points }));
    const texts = svgTexts(svg);
    for (const t of ['snr', 'eta', 'A, p', 'μ* (mean |elementary effect|)', 'σ (spread of the effects)']) expect(texts).toContain(t);
    expectStyled(svg);
    expect(() => morrisPlotSpec({ points: [{ factor: 'q', muStar: 1, sigma: NaN, mu: 1, n: 1 }] })).toThrow(/sigma needs at least two effects/);
  });

  it('heatmapSpec diverging: a red-blue scale symmetric about 0; tooltips name the axes and the extra fields', () => {
    const spec = heatmapSpec({
      xLabel: 'n', yLabel: 'SNR', colorLabel: 'GD − LNGD', diverging: true,
      cells: [{ x: 1, y: 1, value: -0.1, tooltip: { GD: '0.2' } }, { x: 2, y: 1, value: 0.3, tooltip: { GD: '0.5' } }],
    }) as unknown as { layer: { encoding: { color: { scale: { scheme: string; domain: number[] } }; tooltip: { title: string }[] } }[] };
    expect(spec.layer[0].encoding.color.scale.scheme).toBe('redblue');
    expect(spec.layer[0].encoding.color.scale.domain).toEqual([-0.3, 0, 0.3]);
    expect(spec.layer[0].encoding.tooltip.map((t) => t.title)).toEqual(['n', 'SNR', 'GD − LNGD', 'GD']);
    expect('title' in spec).toBe(false);
  });

  it('verdictMapSpec tooltips carry the regime, seed and margin when given', () => {
    const spec = verdictMapSpec({
      xLabel: 'eta', yLabel: 'm', points: [{ x: 1, y: 2, verdict: 'holds', margin: 0.5, seed: 7, regime: 'm=2, eta=1' }],
    }) as unknown as { data: { values: Record<string, unknown>[] }; encoding: { tooltip: { field: string }[] } };
    expect(spec.data.values[0]).toEqual({ x: 1, y: 2, verdict: 'holds', margin: 0.5, seed: 7, regime: 'm=2, eta=1' });
    expect(spec.encoding.tooltip.map((t) => t.field)).toEqual(['x', 'y', 'verdict', 'margin', 'seed', 'regime']);
  });
});

describe('svgToPng', () => {
  it('writes a PNG of the SVG size times the scale', async () => {
    const svg = await renderVegaLite(barChartSpec({ title: 'Size', xLabel: 'a', yLabel: 'b', bars: [{ label: 'x', value: 1 }] }));
    const { width, height } = svgSize(svg);
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual({ width, height });
    expect(pngSize(svgToPng(svg))).toEqual({ width: 2 * width, height: 2 * height });
    expect(pngSize(svgToPng(svg, { scale: 1.5 }))).toEqual({ width: Math.round(1.5 * width), height: Math.round(1.5 * height) });
  });

  it('draws text with the shipped font (text changes the pixels)', () => {
    const svg = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="20" font-family="${FIGURE_FONT_FAMILY}" font-size="14">${text}</text></svg>`;
    expect(svgToPng(svg('Loss')).equals(svgToPng(svg('')))).toBe(false);
    expect(svgToPng(svg('Loss')).equals(svgToPng(svg('Step')))).toBe(false);
  });

  it('rejects a non-positive scale', () => {
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', { scale: 0 })).toThrow(RangeError);
  });
});

describe('textWidth', () => {
  it('uses the font advance widths', () => {
    expect(textWidth('', 12)).toBe(0);
    expect(textWidth('MMMM', 12)).toBeGreaterThan(textWidth('iiii', 12));
    expect(textWidth('step', 24)).toBeCloseTo(2 * textWidth('step', 12));
    expect(textWidth('Title', 16, true)).toBeGreaterThan(textWidth('Title', 16));
    // DejaVu Sans: "M" advances 1767 of 2048 font units.
    expect(textWidth('M', 2048)).toBe(1767);
  });
});

describe('writeFigure', () => {
  it('writes name.svg and name.png and returns their paths', async () => {
    const dir = join(scratch, 'figs', 'nested');
    const spec = lineChartSpec({ title: 'Ratio', xLabel: 'step', yLabel: 'noise/signal', series: [{ name: 'GD', points: [{ x: 1, y: 2 }, { x: 2, y: 1 }] }] });
    const paths = await writeFigure(dir, 'ratio', spec);
    expect(paths).toEqual({ svg: join(dir, 'ratio.svg'), png: join(dir, 'ratio.png') });
    expect(svgTexts(readFileSync(paths.svg, 'utf8'))).toContain('Ratio');
    pngSize(readFileSync(paths.png));
    expect(readdirSync(dir).sort()).toEqual(['ratio.png', 'ratio.svg']);
  });

  it('rejects names that are not a plain file stem', async () => {
    const spec = barChartSpec({ title: 't', xLabel: 'a', yLabel: 'b', bars: [] });
    await expect(writeFigure(scratch, '../escape', spec)).rejects.toThrow(/bad figure name/);
    await expect(writeFigure(scratch, '', spec)).rejects.toThrow(/bad figure name/);
  });
});

describe('atomicWriteFile', () => {
  it('creates parent directories and writes strings, buffers and JSON', () => {
    const file = join(scratch, 'a', 'b', 'c.txt');
    atomicWriteFile(file, 'héllo');
    expect(readFileSync(file, 'utf8')).toBe('héllo');
    atomicWriteFile(file, Buffer.from([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    const json = join(scratch, 'a', 'v.json');
    atomicWriteJson(json, { n: 1, xs: [1, 2] });
    expect(readFileSync(json, 'utf8')).toBe('{\n  "n": 1,\n  "xs": [\n    1,\n    2\n  ]\n}\n');
    expect(() => atomicWriteJson(json, undefined)).toThrow(TypeError);
    expect(readdirSync(join(scratch, 'a')).sort()).toEqual(['b', 'v.json']);
  });

  it('never lets a concurrent reader see a partial file, and leaves no temp files', async () => {
    const dir = join(scratch, 'race');
    mkdirSync(dir);
    const file = join(dir, 'big.bin');
    const stop = join(dir, 'stop');
    const sizeA = 8 << 20;
    const sizeB = 12 << 20;
    const a = Buffer.alloc(sizeA, 0x61);
    const b = Buffer.alloc(sizeB, 0x62);
    atomicWriteFile(file, a);
    // A separate process reads the file as fast as it can and counts reads that are neither a nor b.
    const reader = `
      const fs = require('fs');
      const [file, stop, sizeA, sizeB] = process.argv.slice(1);
      const a = Buffer.alloc(+sizeA, 0x61), b = Buffer.alloc(+sizeB, 0x62);
      let reads = 0, bad = 0, seenB = 0;
      process.stdout.write('ready\\n');
      while (!fs.existsSync(stop)) {
        const buf = fs.readFileSync(file);
        reads++;
        if (buf.equals(b)) seenB++;
        else if (!buf.equals(a)) bad++;
      }
      process.stdout.write(JSON.stringify({ reads, bad, seenB }) + '\\n');`;
    const child = spawn(process.execPath, ['-e', reader, file, stop, String(sizeA), String(sizeB)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 31; i++) {
      atomicWriteFile(file, i % 2 === 0 ? b : a);
      await new Promise((r) => setTimeout(r, 5));
    }
    writeFileSync(stop, '');
    expect(await exited).toBe(0);
    const result = JSON.parse(out.trim().split('\n').pop()!) as { reads: number; bad: number; seenB: number };
    expect(result.bad).toBe(0);
    expect(result.seenB).toBeGreaterThan(0);
    expect(readFileSync(file).equals(b)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['big.bin', 'stop']);
  });

  it('removes its temp file and keeps the old content when the rename fails', () => {
    const dir = join(scratch, 'fail');
    const target = join(dir, 'target');
    mkdirSync(join(target, 'occupied'), { recursive: true });
    expect(() => atomicWriteFile(target, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(existsSync(join(target, 'occupied'))).toBe(true);
  });
});
