import { readFileSync } from 'node:fs';

/**
 * The figure font: DejaVu Sans, shipped as TTF files by the `dejavu-fonts-ttf` package (Bitstream Vera
 * licence, permissive), so rendering never depends on system fonts. Also measures text with the
 * font's own advance widths, which Vega needs to lay out titles, labels and legends without a canvas.
 */

/** Family name written into every SVG; it matches the family name inside the TTF files. */
export const FIGURE_FONT_FAMILY = 'DejaVu Sans';

const REGULAR_TTF = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD_TTF = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** Absolute paths of the shipped TTF files (regular for labels, bold for titles). */
export const FIGURE_FONT_FILES: readonly string[] = [REGULAR_TTF, BOLD_TTF];

/** Width in pixels of one line of `text` at `fontSize` px, in the regular or bold face (kerning ignored). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const face = bold ? (boldFace ??= new AdvanceWidths(readFileSync(BOLD_TTF))) : (regularFace ??= new AdvanceWidths(readFileSync(REGULAR_TTF)));
  let units = 0;
  for (const ch of text) units += face.advance(ch.codePointAt(0)!);
  return (units / face.unitsPerEm) * fontSize;
}

let regularFace: AdvanceWidths | undefined;
let boldFace: AdvanceWidths | undefined;

/** Horizontal advance of each character, read from a TrueType font's head, hhea, hmtx and cmap (format 4) tables. */
class AdvanceWidths {
  readonly unitsPerEm: number;
  private readonly hmtx: number;
  private readonly numberOfHMetrics: number;
  private readonly cmap4: number;
  private readonly cache = new Map<number, number>();

  constructor(private readonly ttf: Buffer) {
    const tables = new Map<string, number>();
    const numTables = ttf.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + 16 * i;
      tables.set(ttf.toString('latin1', rec, rec + 4), ttf.readUInt32BE(rec + 8));
    }
    const table = (tag: string) => {
      const off = tables.get(tag);
      if (off === undefined) throw new Error(`font has no ${tag} table`);
      return off;
    };
    this.unitsPerEm = ttf.readUInt16BE(table('head') + 18);
    this.numberOfHMetrics = ttf.readUInt16BE(table('hhea') + 34);
    this.hmtx = table('hmtx');
    const cmap = table('cmap');
    let cmap4: number | undefined;
    for (let i = 0; i < ttf.readUInt16BE(cmap + 2); i++) {
      const rec = cmap + 4 + 8 * i;
      const platform = ttf.readUInt16BE(rec);
      const encoding = ttf.readUInt16BE(rec + 2);
      const sub = cmap + ttf.readUInt32BE(rec + 4);
      if (ttf.readUInt16BE(sub) === 4 && (platform === 0 || (platform === 3 && encoding === 1))) cmap4 = sub;
    }
    if (cmap4 === undefined) throw new Error('font has no Unicode BMP (format 4) cmap');
    this.cmap4 = cmap4;
  }

  /** Advance width in font units; characters without a glyph get the missing-glyph advance. */
  advance(codePoint: number): number {
    let w = this.cache.get(codePoint);
    if (w === undefined) {
      const glyph = this.glyphId(codePoint);
      const metric = Math.min(glyph, this.numberOfHMetrics - 1);
      w = this.ttf.readUInt16BE(this.hmtx + 4 * metric);
      this.cache.set(codePoint, w);
    }
    return w;
  }

  private glyphId(cp: number): number {
    if (cp > 0xffff) return 0;
    const t = this.ttf;
    const segCount = t.readUInt16BE(this.cmap4 + 6) / 2;
    const ends = this.cmap4 + 14;
    const starts = ends + 2 * segCount + 2;
    const deltas = starts + 2 * segCount;
    const rangeOffsets = deltas + 2 * segCount;
    for (let i = 0; i < segCount; i++) {
      if (cp > t.readUInt16BE(ends + 2 * i)) continue;
      const start = t.readUInt16BE(starts + 2 * i);
      if (cp < start) return 0;
      const delta = t.readUInt16BE(deltas + 2 * i);
      const ro = t.readUInt16BE(rangeOffsets + 2 * i);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = t.readUInt16BE(rangeOffsets + 2 * i + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  }
}
