import fc from 'fast-check';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import type { Claim, Mode, Regime } from '../claims/types';
import type { EngineChoice } from '../training/config';
import type { Progress } from '../util/progress';
import type { Store } from './store';
import { regimeAt } from './generate';
import { resultKey } from './keys';
import { canonicalJson } from '../util/canonical';
import type { EvaluatorPool } from './pool';
import {
  adjustTogether, byHypotheses, ClaimSummary, claimVerdict, Counterexample, countVerdicts, holdStatistics, RegimeRecord,
} from './summary';

/**
 * The runner: draws `runs` regimes of a claim with fast-check (run i is the regime at path "i" of
 * the seed), evaluates those not already in the store (that is `--resume`), appends each result as
 * soon as it is known, then shrinks breaking regimes with fast-check's shrinker under a bounded
 * evaluation budget. Failures are data: a break is a record with a verdict, never an exception.
 */
export interface CheckOptions {
  mode: Mode;
  runs: number;
  seed: number;
  profile: ConstantsProfile;
  engine: EngineChoice;
  pool: EvaluatorPool;
  store: Store<RegimeRecord>;
  progress?: Progress;
  /** false: no shrinking (fast maps) */
  shrink?: boolean;
  /** extra flags of the replay command (e.g. --constants FILE) */
  replayFlags?: string;
}

export function replayCommand(claimId: string, mode: Mode, seed: number, path: string, extra = ''): string {
  return `npx claimcheck replay ${claimId} --mode ${mode} --seed ${seed} --path ${path}${extra ? ' ' + extra : ''}`;
}

export function profileFlags(profile: ConstantsProfile): string {
  return profile.name === 'default' ? '' : `--constants ${profile.file}`;
}

async function evaluateRecord(
  claim: Claim, regime: Regime, path: string, kind: RegimeRecord['kind'], opts: CheckOptions,
): Promise<{ record: RegimeRecord; cached: boolean }> {
  const ctx = claimContext(claim, opts.profile);
  const key = resultKey(claim.id, opts.mode, regime, ctx.constants, ctx.settings, opts.engine);
  const prior = opts.store.get(key);
  if (prior) return { record: prior, cached: true };
  const out = await opts.pool.evaluate({ claimId: claim.id, regime, mode: opts.mode, engine: opts.engine, ...ctx });
  const ev = out.evaluation;
  const record: RegimeRecord = {
    key, kind, claim: claim.id, mode: opts.mode, seed: opts.seed, path, regime,
    verdict: ev.verdict, margin: ev.margin, measurements: ev.measurements, hypotheses: ev.hypotheses,
    ...(ev.configs ? { configs: ev.configs } : {}),
    ...(ev.note ? { note: ev.note } : {}),
    ...(out.error ? { error: out.error } : {}),
    seconds: out.seconds, backend: out.backend, engine: opts.engine,
    // a shrink step's path inside fast-check's tree is not known here: its counterexample carries it
    replay: kind === 'run' ? replayCommand(claim.id, opts.mode, opts.seed, path, opts.replayFlags ?? profileFlags(opts.profile)) : '',
  };
  if (!opts.store.get(key)) opts.store.append(record);
  return { record: opts.store.get(key) ?? record, cached: false };
}

/** Shrink the breaking draw at `path` to a smaller breaking regime, within the shrink budget. */
async function shrinkBreak(claim: Claim, arb: fc.Arbitrary<Regime>, start: RegimeRecord, opts: CheckOptions): Promise<Counterexample> {
  const budget = opts.profile.settings.shrinkBudget;
  let spent = 0;
  let calls = 0;
  let last: RegimeRecord = start;
  const result = await fc.check(
    fc.asyncProperty(arb, async (regime) => {
      calls++;
      // stop shrinking (accept) once the budget is spent; cached evaluations are free
      if (spent >= budget || calls > 4 * budget + 1) return true;
      const { record, cached } = await evaluateRecord(claim, regime, '', 'shrink', opts);
      if (!cached) {
        spent++;
        opts.progress?.tick(0, `${claim.id} ${opts.mode}: shrinking a counterexample (${spent}/${budget})`);
      }
      if (record.verdict === 'breaks') last = record;
      return record.verdict !== 'breaks';
    }),
    { seed: opts.seed, path: start.path, numRuns: 1 },
  );
  const path = result.failed && result.counterexamplePath ? result.counterexamplePath : start.path;
  const regime = result.failed && result.counterexample ? result.counterexample[0] : start.regime;
  return {
    regime, seed: opts.seed, path,
    verdict: last.verdict, margin: last.margin,
    replay: replayCommand(claim.id, opts.mode, opts.seed, path, opts.replayFlags ?? profileFlags(opts.profile)),
    from: { path: start.path, regime: start.regime },
    shrinkEvaluations: spent,
    ...(last.note ? { note: last.note } : {}),
  };
}

export async function checkClaim(claim: Claim, opts: CheckOptions): Promise<ClaimSummary> {
  const t0 = Date.now();
  const ctx = claimContext(claim, opts.profile);
  const arb = claim.regimes(opts.mode, ctx);
  const records = await Promise.all(
    Array.from({ length: opts.runs }, async (_, i) => {
      const regime = regimeAt(arb, opts.seed, String(i));
      const { record } = await evaluateRecord(claim, regime, String(i), 'run', opts);
      opts.progress?.tick(1, `${claim.id} ${opts.mode} ${record.verdict}`);
      // the store is keyed by regime: a draw may find a record first made elsewhere (a shrink step)
      const path = String(i);
      return { ...record, kind: 'run' as const, path, seed: opts.seed, replay: replayCommand(claim.id, opts.mode, opts.seed, path, opts.replayFlags ?? profileFlags(opts.profile)) };
    }),
  );
  const counterexamples: Counterexample[] = [];
  if (opts.shrink !== false) {
    const breaks = records.filter((r) => r.verdict === 'breaks').slice(0, opts.profile.settings.maxCounterexamples);
    const seen = new Set<string>();
    for (const b of breaks) {
      const cx = await shrinkBreak(claim, arb, b, opts);
      // two draws often shrink to the same minimal regime: report it once
      const id = canonicalJson(cx.regime);
      if (!seen.has(id)) counterexamples.push(cx);
      seen.add(id);
    }
  }
  const counts = countVerdicts(records);
  const stats = holdStatistics(counts, opts.profile.settings);
  return {
    id: claim.id,
    title: claim.title,
    source: `Paper ${claim.source.paper}: ${claim.source.result}`,
    mode: opts.mode,
    verdict: claimVerdict(counts, stats.pBreak, opts.profile.settings),
    ...stats,
    pBreakAdjusted: stats.pBreak,
    runs: records.length,
    counts,
    byHypotheses: byHypotheses(records),
    counterexamples,
    constants: ctx.constants,
    settings: ctx.settings,
    profile: opts.profile.name,
    seed: opts.seed,
    backends: [...new Set(records.map((r) => r.backend))],
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Check several claims (and modes) together over one pool; Holm-correct their break tests. */
export async function checkClaims(claims: readonly Claim[], modes: readonly Mode[], opts: Omit<CheckOptions, 'mode'>): Promise<ClaimSummary[]> {
  const jobs = claims.flatMap((c) => modes.map((mode) => checkClaim(c, { ...opts, mode })));
  const summaries = await Promise.all(jobs);
  return summaries.length > 1 ? adjustTogether(summaries) : summaries;
}

/** Re-evaluate the regime at (seed, path) exactly as the run that printed the command did. */
export async function replay(claim: Claim, mode: Mode, seed: number, path: string, profile: ConstantsProfile, engine: EngineChoice, pool: EvaluatorPool) {
  const ctx = claimContext(claim, profile);
  const regime = regimeAt(claim.regimes(mode, ctx), seed, path);
  const out = await pool.evaluate({ claimId: claim.id, regime, mode, engine, ...ctx });
  return { regime, ...out };
}
