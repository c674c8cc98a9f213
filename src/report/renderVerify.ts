import { type Block, code, contents, heading, section } from './doc/model';
import { FigureWriter, writeDocuments } from './figureWriter';
import type { VerifySummary } from './model';
import { auditBlocks } from './sections/audit';
import { calibratedBlocks } from './sections/calibrated';
import { claimDetailBlocks } from './sections/claimDetails';
import { counterexampleBlocks } from './sections/counterexamples';
import { crossBlocks } from './sections/crossRegion';
import { dynamicsBlocks } from './sections/dynamics';
import { SECTIONS } from './sections/headings';
import { jointBlocks } from './sections/joint';
import { morrisBlocks } from './sections/morris';
import { phaseBlocks } from './sections/phases';
import { profileBlocks } from './sections/profile';
import { regionBlocks } from './sections/regions';
import { REVIEW_THREAD_SECTION, reviewThreadBlocks } from './sections/reviewThread';
import { runInfoItems } from './sections/runInfo';
import { verdictBlocks } from './sections/verdicts';

/**
 * Renders a verify run (VerifySummary) into `report.md` (GitHub Markdown), `report.html` (one page
 * with live figures, scripts in `assets/`) and `figures/*.svg|png`, by assembling the section
 * modules in sections/ in order. The output depends only on the summary (no clock, no absolute
 * paths): re-rendering a run folder gives byte-identical files. Every file is written atomically,
 * figures first, so a report never points at a figure that is not there yet.
 */

// The document model, formatting and figure writing used to live here; renderSweep.ts and other
// sections may still import them from this module.
export * from './doc/model';
export { mdEscape, toMarkdown } from './doc/markdown';
export { htmlEscape, toHtml } from './doc/html';
export * from './format';
export { FigureNames, FigureWriter, writeDocuments } from './figureWriter';
export { runInfoItems } from './sections/runInfo';
export { phaseBlocks } from './sections/phases';

/** One section of the verify report: its heading text (for the contents line) and how to build its blocks. */
interface VerifySection {
  title: string;
  blocks: (s: VerifySummary, figures: FigureWriter) => Block[] | Promise<Block[]>;
}

/** The sections in report order; a new section is one entry here. */
const VERIFY_SECTIONS: VerifySection[] = [
  { title: SECTIONS.verdicts, blocks: (s) => verdictBlocks(s) },
  { title: SECTIONS.claims, blocks: (s) => claimDetailBlocks(s) },
  { title: SECTIONS.regions, blocks: (s) => regionBlocks(s.declarations ?? []) },
  { title: SECTIONS.calibrated, blocks: (s) => calibratedBlocks(s.declarations ?? []) },
  { title: SECTIONS.joint, blocks: (s) => jointBlocks(s.claims ?? []) },
  { title: SECTIONS.cross, blocks: (s) => crossBlocks(s.crossRegion ?? []) },
  { title: SECTIONS.audit, blocks: (s) => auditBlocks(s.audits ?? []) },
  {
    title: SECTIONS.phases,
    blocks: async (s, f) => [
      section(SECTIONS.phases),
      ...((s.phases ?? []).length ? await phaseBlocks(s.phases, f) : [{ k: 'p' as const, body: 'No phase diagram in this run.' }]),
    ],
  },
  {
    title: REVIEW_THREAD_SECTION,
    blocks: async (s, f) =>
      s.review
        ? reviewThreadBlocks(s.review, f)
        : [
            section(REVIEW_THREAD_SECTION),
            { k: 'p' as const, body: ['Not part of this run (verify reruns the review thread only when it checks every claim, unsharded, with figures); ', code('claimcheck review'), ' reruns it.'] },
          ],
  },
  { title: SECTIONS.dynamics, blocks: (s, f) => dynamicsBlocks(s.dynamics ?? [], f) },
  { title: SECTIONS.morris, blocks: (s, f) => morrisBlocks(s.morris ?? [], f) },
  { title: SECTIONS.counterexamples, blocks: (s) => counterexampleBlocks(s.claims ?? []) },
  { title: SECTIONS.profile, blocks: (s) => profileBlocks(s.profile) },
];

/** Renders a verify run into `dir/report.md`, `dir/report.html`, `dir/assets/` and `dir/figures/`. Returns every file written. */
export async function renderVerifyReport(dir: string, summary: VerifySummary): Promise<{ files: string[] }> {
  const figures = new FigureWriter(dir);
  const run = summary.run;
  const profile = summary.profile;
  const title = `claimcheck verify report: ${run.runId}`;
  const blocks: Block[] = [
    heading(1, title),
    {
      k: 'list',
      items: [
        ...runInfoItems(run),
        profile ? ['Constants profile: ', code(profile.name), ' (', code(profile.file), ')'] : 'Constants profile: —',
      ],
    },
    contents(VERIFY_SECTIONS.map((x) => x.title)),
  ];
  // sections in order (figures are written as they are built, so their names follow the report's order)
  for (const s of VERIFY_SECTIONS) blocks.push(...(await s.blocks(summary, figures)));
  return writeDocuments(dir, title, blocks, figures);
}
