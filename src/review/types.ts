import type { TrainConfig } from '../training/config';
import type { TrainResult } from '../training/train';

/**
 * The review thread as data (issue 9): every experiment and question of paper A's and paper B's
 * reviews is a catalogue row (properties/<paper>/review/*.json, one file per row), rerun by a procedure
 * (src/review/procedures/*) over replicate seeds and judged by a pre-registered rule.
 */

/**
 * A row's verdict. `agrees`/`disagrees`: what we measured supports / contradicts what the thread
 * said (for a question: what the papers' theory predicts), with the interval deciding; `partly`:
 * a row with several parts, some agree and some don't; `inconclusive`: the interval does not
 * decide (the row says how many more seeds would); `not-reproducible-here`: cannot run on this
 * machine (the row says why).
 */
export type ReviewVerdict = 'agrees' | 'disagrees' | 'partly' | 'inconclusive' | 'not-reproducible-here';
export const REVIEW_VERDICTS: readonly ReviewVerdict[] = ['agrees', 'disagrees', 'partly', 'inconclusive', 'not-reproducible-here'];

/** Who said it, where. */
export interface RowSource {
  who: 'reviewer' | 'authors';
  /** e.g. "ICLR 2025 OpenReview, reviewer 2, round 1" or "authors' rebuttal" */
  where: string;
}

/** One catalogue row (a file properties/<paper>/review/<paper>-<row>.json). */
export interface CatalogueRow {
  row: number;
  /** the id of a registered paper (its pack holds the row) */
  paper: string;
  source: RowSource;
  /** what was said, in our words */
  statement: string;
  /** `reported`: an outcome someone observed; `question`: asked, judged against the theory */
  kind: 'reported' | 'question';
  /** the outcome the thread stated (reported rows) */
  expectation: string;
  /** for question rows: what the papers' theory predicts, and from where (theorem, assumption) */
  prediction?: string;
  /** the procedure that reruns it (a key of src/review/procedures) */
  procedure: string;
  /**
   * Settings: `preset` names a preset (shared with the claims' paper/robustness
   * tiers, never copied), `set` overrides keys; procedures read further fields they document.
   */
  settings: { preset?: string; set?: Partial<TrainConfig> } & Record<string, unknown>;
  /**
   * Pre-registered decision levels (e.g. "~100% accuracy" = accuracy >= 0.95), fixed in the
   * catalogue before any run and labelled as our reading of the thread's words.
   */
  levels?: Record<string, number>;
  /** what to measure, in words */
  measure: string;
  /** set when the row cannot run on this machine: the reason */
  notReproducible?: string;
  /** remarks: where a level or a choice comes from, which presets the row shares */
  notes?: string[];
}

/** What a procedure gets to run a row. */
export interface RowContext {
  /** scales seeds, steps and grid sizes (1 = the default review budget) */
  budget: number;
  /** the thread's full sizes (e.g. 200,000 MNIST steps) instead of the reduced default */
  full: boolean;
  /** the replicate seeds of this row (scoring stream), already chosen by the runner */
  seeds: readonly number[];
  /**
   * Train runs on the worker pool (batched where the batched trainer can, src/training/batched),
   * cached in the run folder's store so a killed review resumes; results in the order given.
   */
  train(configs: readonly TrainConfig[], opts?: { perSample?: boolean }): Promise<TrainResult[]>;
  /** a note for the progress line (e.g. the cell being trained) */
  note(text: string): void;
}

/** The result of one row. */
export interface RowResult {
  row: number;
  paper: string;
  source: RowSource;
  statement: string;
  verdict: ReviewVerdict;
  /** one line: the measured numbers with their intervals */
  measured: string;
  /** why this verdict (the rule applied, for question rows the prediction it was judged against) */
  reason: string;
  /** for inconclusive rows: what would settle it */
  settle?: string;
  /** the shell command that reruns this row */
  replay: string;
  seeds: readonly number[];
  /** tables behind the row (procedure-specific), for the report and --json */
  details?: Record<string, unknown>;
  /** data for the row's figure (rows 3, 5, 13, 14), rendered by src/review/figures.ts */
  figure?: ReviewFigure;
  seconds: number;
}

export interface ReviewFigure {
  id: string;
  title: string;
  kind: 'lr-map' | 'accuracy-by-eta' | 'grid' | 'bars';
  /** tidy rows: one per plotted point (fields the figure builder documents) */
  data: Record<string, number | string | null>[];
  /** axis and colour titles (kind grid) */
  xLabel?: string;
  yLabel?: string;
  colorLabel?: string;
}

/** A procedure reruns one catalogue row. */
export type Procedure = (row: CatalogueRow, ctx: RowContext) => Promise<Omit<RowResult, 'row' | 'paper' | 'source' | 'statement' | 'replay' | 'seeds' | 'seconds'>>;

/** The review as a verify run stores it (VerifySummary.review) and `claimcheck review --json` prints it. */
export interface ReviewSummary {
  /** the run seed the rows' replicate seeds were drawn from */
  seed: number;
  budget: number;
  full: boolean;
  rows: RowResult[];
  seconds: number;
}
