import type { EvaluatorPool } from '../engine/pool';
import type { Store, StoreRecord } from '../engine/store';
import type { EngineChoice } from '../training/config';
import type { Progress } from '../util/progress';
import { loadCatalogue } from './catalogue';
import { runReview } from './run';
import type { ReviewSummary } from './types';

/**
 * The review thread inside `claimcheck verify` (its section "The review thread, rerun"): every
 * catalogue row at a reduced budget, sharing verify's pool and store (training runs are cached
 * under `review/` keys, so a resumed verify does not retrain them). The rows' replay commands name
 * the budget used, so `claimcheck review --row N --seed S --budget F` reproduces a row exactly.
 */

/** The share of the review's default budget a verify run at budget 1 spends (about a minute on 2 cores). */
export const VERIFY_REVIEW_BUDGET = 0.2;

export async function reviewForVerify(o: {
  seed: number; budget: number; pool: EvaluatorPool; store: Store<StoreRecord>; engine: EngineChoice; progress?: Progress;
}): Promise<ReviewSummary> {
  const budget = Number((VERIFY_REVIEW_BUDGET * o.budget).toPrecision(3));
  return runReview({ rows: loadCatalogue(), seed: o.seed, budget, full: false, pool: o.pool, store: o.store, engine: o.engine, progress: o.progress, command: 'npx claimcheck review' });
}
