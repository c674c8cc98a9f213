import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { atomicWriteFile } from '../util/atomicWrite';
import { EMBED_SCRIPTS, toHtml } from './doc/html';
import { toMarkdown } from './doc/markdown';
import { alert, type Block, type FigureBlock } from './doc/model';
import { FIGURE_CONFIG, writeFigure } from './figures';

/** Figure names for writeFigure: filesystem-safe (`A.separation` -> `A-separation`) and unique within one report. */
export class FigureNames {
  private readonly used = new Set<string>();
  name(prefix: string, id: string): string {
    const slug = `${prefix}-${id}`.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || 'figure';
    let name = slug;
    for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${slug}-${i}`;
    this.used.add(name.toLowerCase());
    return name;
  }
}

/** Writes figures while the blocks are built and collects their files; a figure whose data cannot be drawn becomes a note in the report. */
export class FigureWriter {
  readonly files: string[] = [];
  readonly names = new FigureNames();
  constructor(readonly dir: string) {}

  /** The figure's block, or a note saying why it could not be drawn. */
  async figure(prefix: string, id: string, alt: string, build: () => TopLevelSpec): Promise<Block[]> {
    const f = await this.figureBlock(prefix, id, alt, build);
    return [f];
  }

  async figureBlock(prefix: string, id: string, alt: string, build: () => TopLevelSpec): Promise<FigureBlock | Block> {
    const name = this.names.name(prefix, id);
    let spec: TopLevelSpec;
    try {
      spec = build();
    } catch (err) {
      // data the figure cannot show (e.g. a non-positive value on a log axis): say so in place of the figure
      return { k: 'p', body: [alert('Figure not drawn:'), ` ${(err as Error).message}`] };
    }
    // rendering and file-system errors are real failures and propagate
    const paths = await writeFigure(join(this.dir, 'figures'), name, spec);
    this.files.push(paths.svg, paths.png);
    return { k: 'figure', name, alt, spec };
  }
}

/** Copies the browser builds of vega, vega-lite and vega-embed into `<dir>/assets/` (the HTML report loads nothing from the network). */
export function writeEmbedAssets(dir: string): string[] {
  const sources: Record<(typeof EMBED_SCRIPTS)[number], string> = {
    // beside each package's main file (build/): vega-embed's exports map hides its build folder from require.resolve
    'vega.min.js': join(dirname(require.resolve('vega')), 'vega.min.js'),
    'vega-lite.min.js': join(dirname(require.resolve('vega-lite')), 'vega-lite.min.js'),
    'vega-embed.min.js': join(dirname(require.resolve('vega-embed')), 'vega-embed.min.js'),
  };
  return EMBED_SCRIPTS.map((name) => {
    const to = join(dir, 'assets', name);
    atomicWriteFile(to, readFileSync(sources[name]));
    return to;
  });
}

/** Writes report.md and report.html (after the figures, which the FigureWriter has already written, and the scripts the HTML needs). */
export function writeDocuments(dir: string, title: string, blocks: readonly Block[], figures: FigureWriter): { files: string[] } {
  const md = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  const assets = figures.files.length ? writeEmbedAssets(dir) : [];
  atomicWriteFile(md, toMarkdown(blocks));
  atomicWriteFile(html, toHtml(title, blocks, FIGURE_CONFIG));
  return { files: [...figures.files, ...assets, md, html] };
}
