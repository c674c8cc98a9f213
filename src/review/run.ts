import { SEED_DRAW_MAX } from '../claims/seedStreams';
import type { EvaluatorPool } from '../engine/pool';
import type { Store, StoreRecord } from '../engine/store';
import type { EngineChoice, TrainConfig } from '../training/config';
import type { PerSample } from '../training/measure';
import type { TrainResult } from '../training/train';
import { planBatches } from '../training/batched/plan';
import { trainOnPool } from '../sweep/run';
import { regimeHash } from '../util/canonical';
import type { Progress } from '../util/progress';
import { stream } from '../util/rng';
import { describeError } from '../util/errors';
import { procedureFor } from './procedures';
import type { CatalogueRow, ReviewSummary, RowContext, RowResult } from './types';

/**
 * The review runner (issue 9): reruns catalogue rows over replicate seeds drawn from the scoring
 * seed stream, every training run on the worker pool (batched, src/training/batched) and cached in
 * the run folder's store (`review/<hash>` records), so a killed review resumes and rows asking for
 * the same run (paper-a-main GD in rows 1, 6, 10, 14) train it once.
 */

export interface ReviewOptions {
  rows: readonly CatalogueRow[];
  /** the run seed: the rows' replicate seeds are drawn from it */
  seed: number;
  budget: number;
  full: boolean;
  pool: EvaluatorPool;
  store: Store<StoreRecord>;
  engine?: EngineChoice;
  progress?: Progress;
  /** the command a row's replay line starts with (default `claimcheck review`) */
  command?: string;
}

/** Replicate seeds per row at budget 1 when the row does not say (settings.seeds). */
export const DEFAULT_ROW_SEEDS = 8;

/**
 * The first `count` replicate seeds of run seed S: uniform draws on [1, SEED_DRAW_MAX], i.e. in the
 * scoring stream (src/claims/seedStreams.ts), never the calibration one. Every row takes a prefix of
 * the same list, so rows that train the same configuration share it.
 */
export function reviewSeeds(runSeed: number, count: number): number[] {
  const rng = stream(runSeed, 'review-seeds');
  const out: number[] = [];
  const seen = new Set<number>();
  while (out.length < count) {
    const s = 1 + Math.floor(rng.uniform() * SEED_DRAW_MAX);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** Seeds of a row at a budget: settings.seeds (default 8) scaled, at least 2. */
export function rowSeedCount(row: CatalogueRow, budget: number): number {
  const n = typeof row.settings.seeds === 'number' ? row.settings.seeds : DEFAULT_ROW_SEEDS;
  return Math.max(2, Math.round(n * budget));
}

/** The shell command that reruns one row. */
export function replayCommand(row: CatalogueRow, seed: number, budget: number, full: boolean, command = 'claimcheck review'): string {
  return `${command} --row ${row.row} --seed ${seed}${budget !== 1 ? ` --budget ${budget}` : ''}${full ? ' --full' : ''}`;
}

/** What the store keeps of a run: the trajectory without per-sample arrays, the final point with its misclassified test points only. */
export function slimResult(r: TrainResult): TrainResult {
  const perSample = r.final.perSample ? ({ testWrong: r.final.perSample.testWrong } as PerSample) : undefined;
  return {
    config: r.config, backend: r.backend, engine: r.engine, engineRequested: r.engineRequested, seconds: r.seconds,
    final: { ...r.final, perSample },
    trajectory: r.trajectory.map(({ perSample: _p, ...m }) => m),
  };
}

interface TrainRecord extends StoreRecord {
  kind: 'review-train';
  backend: string;
  result: TrainResult;
}

export function trainKey(config: TrainConfig, engine: EngineChoice, perSample: boolean): string {
  return `review/${regimeHash({ config, engine, perSample })}`;
}

/**
 * The cached trainer of a review: results from the store when there, else trained on the pool in
 * batches (planBatches) and appended as each batch completes. Concurrent requests for the same run
 * share one training.
 */
export function cachedTrainer(o: Pick<ReviewOptions, 'pool' | 'store' | 'engine' | 'progress'>) {
  const engine = o.engine ?? 'auto';
  const inFlight = new Map<string, Promise<TrainResult>>();
  return async (configs: readonly TrainConfig[], opts: { perSample?: boolean } = {}): Promise<TrainResult[]> => {
    const perSample = opts.perSample ?? false;
    const keys = configs.map((c) => trainKey(c, engine, perSample));
    o.progress?.setTotal(o.progress.state.total + configs.length);
    const todo: number[] = [];
    const pending = new Map<number, { resolve: (r: TrainResult) => void; reject: (e: unknown) => void }>();
    const waits: Promise<TrainResult>[] = configs.map((_, i) => {
      const rec = o.store.get(keys[i]) as TrainRecord | undefined;
      if (rec) {
        o.progress?.tick(1);
        return Promise.resolve(rec.result);
      }
      const running = inFlight.get(keys[i]);
      if (running) return running.then((r) => (o.progress?.tick(1), r));
      todo.push(i);
      const p = new Promise<TrainResult>((resolve, reject) => pending.set(i, { resolve, reject }));
      inFlight.set(keys[i], p);
      return p;
    });
    const todoConfigs = todo.map((i) => configs[i]);
    await Promise.all(planBatches(todoConfigs, o.pool.size).map(async (batch) => {
      const idx = batch.map((k) => todo[k]);
      try {
        const results = await trainOnPool(o.pool, { configs: batch.map((k) => todoConfigs[k]), engine, perSample });
        results.forEach((r, j) => {
          const i = idx[j];
          const slim = slimResult(r);
          if (!o.store.has(keys[i])) o.store.append({ key: keys[i], kind: 'review-train', backend: r.backend, result: slim } as TrainRecord);
          inFlight.delete(keys[i]);
          o.progress?.tick(1, `${r.config.algo} m=${r.config.m} eta=${r.config.eta}`);
          pending.get(i)?.resolve(slim);
        });
      } catch (e) {
        for (const i of idx) {
          inFlight.delete(keys[i]);
          pending.get(i)?.reject(e);
        }
      }
    }));
    return Promise.all(waits);
  };
}

/** One row: its procedure with a context, timed; a row that cannot run here says why. */
async function runRow(row: CatalogueRow, o: ReviewOptions, train: RowContext['train']): Promise<RowResult> {
  const t0 = Date.now();
  const seeds = reviewSeeds(o.seed, rowSeedCount(row, o.budget));
  const head = {
    row: row.row, paper: row.paper, source: row.source, statement: row.statement,
    replay: replayCommand(row, o.seed, o.budget, o.full, o.command), seeds,
  };
  if (row.notReproducible) {
    return { ...head, verdict: 'not-reproducible-here', measured: 'not run', reason: row.notReproducible, seeds: [], seconds: 0 };
  }
  const ctx: RowContext = {
    budget: o.budget, full: o.full, seeds, train,
    note: (text) => o.progress?.tick(0, `row ${row.row}: ${text}`),
  };
  try {
    const out = await procedureFor(row.procedure)!(row, ctx);
    return { ...head, ...out, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    // a failed row is reported as such (inconclusive, with the error), the other rows still run
    return { ...head, verdict: 'inconclusive', measured: 'the row failed to run', reason: `error: ${describeError(e)}`, settle: 'fix the error and rerun the row', seconds: (Date.now() - t0) / 1000 };
  }
}

/** Rerun the given rows (all at once on the pool, so both cores stay busy), in catalogue order. */
export async function runReview(o: ReviewOptions): Promise<ReviewSummary> {
  const t0 = Date.now();
  const train = cachedTrainer(o);
  const rows = await Promise.all(o.rows.map((row) => runRow(row, o, train)));
  return { seed: o.seed, budget: o.budget, full: o.full, rows, seconds: (Date.now() - t0) / 1000 };
}
