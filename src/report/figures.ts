/**
 * Rendering of Vega-Lite specs to SVG and PNG. All text is set in the shipped DejaVu Sans (see font.ts):
 * Vega lays text out with that font's metrics and resvg draws it from the TTF files directly.
 */

import { join } from 'node:path';
import type * as ResvgJs from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { Config, TopLevelSpec } from 'vega-lite';
import { atomicWriteFile } from '../util/atomicWrite';
import { FIGURE_FONT_FAMILY, FIGURE_FONT_FILES, textWidth } from './font';

export * from './figureSpecs';
export { FIGURE_FONT_FAMILY, FIGURE_FONT_FILES } from './font';

/** The part of Vega's (untyped) text-metrics hook used here; Vega calls `width` for every text bound. */
interface VegaTextMetrics {
  width: (item: { fontSize?: number; fontWeight?: string | number; limit?: number }, text?: unknown) => number;
}

/** Makes Vega measure text with DejaVu Sans advance widths instead of its crude fixed-ratio estimate. */
function useFigureFontMetrics(vega: typeof Vega): void {
  const metrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  metrics.width = (item, text) => {
    const fontSize = item.fontSize ?? 11;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const width = textWidth(text == null ? '' : String(text).trim(), fontSize, bold);
    // Vega truncates text to `limit` px, so a limited text is never wider than that.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

/**
 * vega, vega-lite and resvg are the heaviest modules of the CLI (~150 ms to load): required by the
 * first figure drawn, so a report without figures (e.g. a one-axis sweep) never loads them.
 */
let drawing: { vega: typeof Vega; compile: typeof VegaLite.compile; Resvg: typeof ResvgJs.Resvg } | null = null;
function drawingModules(): NonNullable<typeof drawing> {
  if (!drawing) {
    const vega = require('vega') as typeof Vega;
    useFigureFontMetrics(vega);
    drawing = { vega, compile: (require('vega-lite') as typeof VegaLite).compile, Resvg: (require('@resvg/resvg-js') as typeof ResvgJs).Resvg };
  }
  return drawing;
}

/** House style merged under each spec's own config (the spec's settings win). */
export const FIGURE_CONFIG: Config = {
  font: FIGURE_FONT_FAMILY,
  background: 'white',
  padding: 12,
  title: { fontSize: 16, anchor: 'start', offset: 14 },
  axis: { titleFontSize: 13, labelFontSize: 11, titlePadding: 10, labelOverlap: true },
  legend: { titleFontSize: 12, labelFontSize: 12, symbolSize: 120, labelLimit: 320 },
  view: { stroke: '#bbbbbb' },
};

/** Compiles a Vega-Lite spec and renders it headlessly to an SVG string (white background, shipped font). */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = drawingModules();
  const { spec: vgSpec } = compile(spec, { config: FIGURE_CONFIG });
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Zoom factor applied to the SVG's own size; default 2 (crisp on high-density screens and in print). */
  scale?: number;
}

/** Rasterises an SVG to PNG with resvg, using only the shipped font files. */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const scale = opts.scale ?? 2;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`svgToPng: scale must be a positive number, got ${scale}`);
  const resvg = new (drawingModules().Resvg)(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontFiles: [...FIGURE_FONT_FILES],
      loadSystemFonts: false,
      defaultFontFamily: FIGURE_FONT_FAMILY,
      sansSerifFamily: FIGURE_FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

export interface FigurePaths {
  svg: string;
  png: string;
}

/** Renders `spec` and atomically writes `<dir>/<name>.svg` and `<dir>/<name>.png` (creating `dir`). */
export async function writeFigure(dir: string, name: string, spec: TopLevelSpec, opts: PngOptions = {}): Promise<FigurePaths> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`writeFigure: bad figure name ${JSON.stringify(name)}`);
  const svg = await renderVegaLite(spec);
  const paths = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  atomicWriteFile(paths.svg, svg);
  atomicWriteFile(paths.png, svgToPng(svg, opts));
  return paths;
}
