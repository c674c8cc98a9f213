import { type Block, code, type Rich, section, strong } from '../doc/model';
import type { FigureWriter } from '../figureWriter';
import { reviewFigureSpec } from '../../review/figures';
import type { ReviewSummary, RowResult } from '../../review/types';

/** The section's heading (unique in a verify report). */
export const REVIEW_THREAD_SECTION = 'The review thread, rerun';

const who = (r: RowResult): string => `${r.source.who === 'reviewer' ? 'a reviewer' : 'the authors'} (paper ${r.paper})`;

/**
 * "The review thread, rerun" (issue 9): one table row per catalogue row (what was said, by whom,
 * what we measured, the verdict, the replay command), then the rows' figures (the learning-rate
 * maps of rows 3 and 5, the MNIST grid of row 13, the optimizers of row 14) and why each row got
 * its verdict.
 */
export async function reviewThreadBlocks(review: ReviewSummary | undefined, figures: FigureWriter): Promise<Block[]> {
  const out: Block[] = [section(REVIEW_THREAD_SECTION)];
  if (!review || review.rows.length === 0) return [...out, { k: 'p', body: 'The review thread was not rerun in this run.' }];
  out.push({
    k: 'p',
    body: [
      `Every experiment and question of the papers' review threads (properties/<paper>/review), rerun over replicate seeds of the scoring stream (run seed ${review.seed}, review budget ${review.budget}${review.full ? ', full sizes' : ''}; ${review.seconds.toFixed(0)} s). `,
      'A statement is judged by a pre-registered rule: a per-seed outcome (paired McNemar comparisons on the shared test set, accuracy levels written in the catalogue as our reading of the thread\'s words) ',
      'and the Clopper-Pearson interval of the rate at which it holds over seeds against 1/2, the parts of a row Bonferroni-corrected together. ',
      'A question is judged against what the theory predicts (the row says what). Verdicts: agrees, disagrees, partly (some parts each way), inconclusive (with the seeds that would settle it), not-reproducible-here (with why).',
    ],
  });
  out.push({
    k: 'table',
    head: ['Row', 'Who', 'What was said', 'What we measured', 'Verdict', 'Replay'],
    rows: review.rows.map((r): Rich[] => [
      String(r.row), who(r), r.statement, r.measured, [strong(r.verdict), ...(r.settle ? [` (${r.settle})`] : [])], code(r.replay),
    ]),
  });
  for (const r of review.rows.filter((x) => x.figure)) {
    const f = r.figure!;
    out.push({ k: 'h', level: 3, text: `Review row ${r.row}: ${f.title}` });
    out.push(...(await figures.figure('review', f.id, f.title, () => reviewFigureSpec(f))));
    out.push({ k: 'p', body: ['Reproduce: ', code(r.replay)] });
  }
  out.push({ k: 'h', level: 3, text: 'Why each review row got its verdict' });
  out.push({ k: 'list', items: review.rows.map((r): Rich => [strong(`Row ${r.row} (${r.verdict}): `), r.reason]) });
  return out;
}
