import type { SweepSummary } from './model';
import { type Block, code, contents, heading, section } from './doc/model';
import { FigureWriter, writeDocuments } from './figureWriter';
import { fmtNum, fmtRegime } from './format';
import { phaseBlocks } from './sections/phases';
import { runInfoItems } from './sections/runInfo';
import { pointBlocks, seriesBlocks, sortPoints, SWEEP_SECTIONS, targetText } from './sections/sweep';

export { sortPoints };

/**
 * Renders a sweep run (SweepSummary) into `report.md`, `report.html` and `figures/` (the phase
 * diagrams of `summary.phases`, none when it is empty), with the same document model, formatting
 * and guarantees as renderVerify.ts (deterministic, atomic, figures before the documents).
 */

/** Renders a sweep run into `dir/report.md`, `dir/report.html` and `dir/figures/`. Returns every file written. */
export async function renderSweepReport(dir: string, summary: SweepSummary): Promise<{ files: string[] }> {
  const figures = new FigureWriter(dir);
  const run = summary.run;
  const title = `claimcheck sweep report: ${run.runId}`;
  const blocks: Block[] = [
    heading(1, title),
    { k: 'list', items: runInfoItems(run) },
    contents(Object.values(SWEEP_SECTIONS)),
    section(SWEEP_SECTIONS.sweep),
    {
      k: 'list',
      items: [
        ['Preset: ', code(summary.preset)],
        ['Target: ', ...targetText(summary.target)],
        ['Design: ', `${summary.design.kind}, ${fmtNum(summary.design.points)} points, seed `, code(String(summary.design.seed))],
        ['Base regime: ', code(fmtRegime(summary.base))],
      ],
    },
    {
      k: 'table',
      head: ['Axis', 'From', 'To', 'Scale', 'Values'],
      align: ['l', 'r', 'r', 'l', 'l'],
      rows: summary.axes.map((a) => [code(a.name), fmtNum(a.lo), fmtNum(a.hi), a.scale, a.integer ? 'integer' : 'real']),
    },
    section(SWEEP_SECTIONS.phases),
    ...(summary.phases.length ? await phaseBlocks(summary.phases, figures) : [{ k: 'p' as const, body: 'No phase diagram in this sweep.' }]),
    ...seriesBlocks(summary),
    ...pointBlocks(summary),
    section(SWEEP_SECTIONS.shards),
    summary.shards.length
      ? { k: 'list', items: summary.shards.map((s) => code(s)) }
      : { k: 'p', body: 'No shard was merged: the sweep ran in one piece.' },
  ];
  return writeDocuments(dir, title, blocks, figures);
}
