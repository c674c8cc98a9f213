import { type Block, heading, section } from '../doc/model';
import { lineChartSpec } from '../figures';
import type { FigureWriter } from '../figureWriter';
import { commandLines } from '../format';
import type { DynamicsFigure } from '../model';
import { SECTIONS } from './headings';

/** Training dynamics like the papers' figures, each with the commands that reproduce it (one per line). */
export async function dynamicsBlocks(dynamics: readonly DynamicsFigure[], figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [section(SECTIONS.dynamics)];
  if (!dynamics.length) return [...out, { k: 'p', body: 'No dynamics figure in this run.' }];
  for (const d of dynamics) {
    out.push(heading(3, d.title));
    out.push(
      ...(await figures.figure('dynamics', d.id, d.title, () =>
        lineChartSpec({ xLabel: d.xLabel, yLabel: d.yLabel, logY: d.logY ?? false, series: d.series.map((s) => ({ name: s.name, points: s.points })) }),
      )),
    );
    if (d.source) out.push({ k: 'p', body: ['Source: ', d.source] });
    out.push({ k: 'p', body: 'Reproduce:' }, { k: 'code', text: commandLines(d.command), lang: 'sh' });
  }
  return out;
}
