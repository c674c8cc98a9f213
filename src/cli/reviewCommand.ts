import { PAPERS } from '../claims/registry';
import * as path from 'path';
import { defaultWorkers } from '../engine/pool';
import { chooseRunDir, openRunSession } from '../engine/runSession';
import type { StoreRecord } from '../engine/store';
import { loadCatalogue, selectRows } from '../review/catalogue';
import { runReview } from '../review/run';
import type { ReviewSummary, RowResult } from '../review/types';
import { atomicWriteJson } from '../util/atomicWrite';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { engineFromFlag, reportsBase } from './common';

/**
 * `claimcheck review`: the review threads of papers A and B rerun (issue 9). Every catalogue row
 * (properties/<paper>/review/*.json) over replicate seeds with a verdict: agrees, disagrees, partly,
 * inconclusive (with what would settle it) or not-reproducible-here (with why). Runs are cached in
 * the run folder (reports/review-<time>/results.jsonl): a killed review resumes.
 */
const FLAGS: Record<string, FlagSpec> = {
  paper: { kind: 'string', help: 'A | B: the rows of one paper (default both)' },
  row: { kind: 'string', help: 'N[,M...]: only these rows' },
  seed: { kind: 'int', help: 'run seed: the rows\' replicate seeds are drawn from it in the scoring stream (default 1)' },
  budget: { kind: 'number', min: 0.01, max: 1000, help: 'scale seeds and grids by this factor (default 1: the whole catalogue in about 5 minutes on 2 cores)' },
  full: { kind: 'boolean', help: 'the thread\'s full sizes where a row reduces them by default (e.g. 200,000 MNIST steps)' },
  json: { kind: 'boolean', help: 'print { "rows": [ { row, paper, source, statement, verdict, measured, replay, ... } ] }' },
  out: { kind: 'string', help: 'run folder (default reports/review-<time>; a folder holding a review resumes it)' },
  workers: { kind: 'int', help: 'worker processes (default: one per core; 0 = in this process)' },
  fresh: { kind: 'boolean', help: 'start a new run even if the latest review was interrupted' },
  engine: { kind: 'string', help: 'training engine: auto | weight | coefficient | reference (default auto)' },
  quiet: { kind: 'boolean', help: 'no progress line (it goes to stderr: --json output on stdout stays clean either way)' },
  help: { kind: 'boolean', help: 'this help' },
};

function parseRows(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--row must be row numbers separated by commas, e.g. 3 or 3,5 (got ${JSON.stringify(String(v))})`);
    return Number(p);
  });
}

function parsePaper(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const ids = PAPERS.map((p) => p.id);
  const p = ids.find((id) => id.toUpperCase() === String(v).toUpperCase());
  if (p === undefined) throw new UsageError(`--paper must be one of ${ids.join(', ')} (got ${JSON.stringify(v)})`);
  return p;
}

/** The JSON rows: the fields the issue names first, then the rest. */
export function jsonRows(rows: readonly RowResult[]) {
  return {
    rows: rows.map((r) => ({
      row: r.row, paper: r.paper, source: r.source, statement: r.statement, verdict: r.verdict, measured: r.measured, replay: r.replay,
      reason: r.reason, ...(r.settle ? { settle: r.settle } : {}), seeds: r.seeds, seconds: r.seconds,
      ...(r.details ? { details: r.details } : {}), ...(r.figure ? { figure: r.figure } : {}),
    })),
  };
}

function table(summary: ReviewSummary): string {
  const lines = summary.rows.map((r) =>
    `${String(r.row).padStart(3)}  ${r.paper}  ${r.source.who.padEnd(8)}  ${r.verdict.padEnd(22)}  ${r.statement}\n` +
    `         measured: ${r.measured}\n` +
    (r.settle ? `         settle: ${r.settle}\n` : '') +
    (r.verdict === 'not-reproducible-here' ? `         why: ${r.reason}\n` : '') +
    `         replay: ${r.replay}  (${r.seconds.toFixed(1)} s)\n`);
  return `row  P  source    verdict                 statement\n${lines.join('')}`;
}

export async function reviewCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS, 'review');
  if (flags.help) {
    process.stdout.write(usage('review', '[--paper A|B] [--row N[,M]] [--seed S] [--budget F] [--full] [--json] [--out DIR] [--workers N] [--fresh]', FLAGS));
    return 0;
  }
  const paper = parsePaper(flags.paper);
  const rowNumbers = parseRows(flags.row);
  const budget = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(budget > 0)) throw new UsageError('--budget must be > 0');
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const full = Boolean(flags.full);
  const engine = engineFromFlag(flags.engine);
  const rows = selectRows(loadCatalogue(), { paper, rows: rowNumbers });
  const request = { kind: 'review', seed, budget, full, engine, rows: rows.map((r) => `${r.paper}-${r.row}`) };
  const { dir, resume } = chooseRunDir(reportsBase(), 'review', { out: flags.out as string | undefined, fresh: Boolean(flags.fresh), request });
  const session = openRunSession<StoreRecord>({
    dir, meta: { ...request, argv: ['claimcheck', 'review', ...argv], startedAt: new Date().toISOString() }, resume,
    label: 'review', total: 0, quiet: Boolean(flags.quiet), workers: typeof flags.workers === 'number' ? flags.workers : defaultWorkers(),
  });
  if (resume && !flags.json) process.stderr.write(`review: resuming ${dir}\n`);
  let summary: ReviewSummary;
  try {
    summary = await runReview({ rows, seed, budget, full, engine, pool: session.pool, store: session.store, progress: session.progress });
  } catch (e) {
    await session.abandon();
    throw e;
  }
  await session.close();
  atomicWriteJson(path.join(dir, 'summary.json'), summary);
  try {
    // figures of the rows that have one, next to the summary (rendering loads vega: only here)
    const { writeReviewFigures } = await import('../review/figures');
    const { skipped } = await writeReviewFigures(path.join(dir, 'figures'), summary.rows);
    for (const why of skipped) process.stderr.write(`review: figure not drawn: ${why}\n`);
  } catch (e) {
    process.stderr.write(`review: figures not written: ${(e as Error).message}\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify(jsonRows(summary.rows)) + '\n');
  else process.stdout.write(`${table(summary)}review: ${summary.rows.length} rows in ${summary.seconds.toFixed(0)} s; results in ${dir}\n`);
  return 0;
}
