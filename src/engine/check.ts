import fc from 'fast-check';
import * as fs from 'fs';
import { claimModule } from '../claims/registry';
import { claimContext } from '../claims/context';
import type { ConstantsProfile } from '../claims/constants';
import type { Claim, Regime, SeedStream, Tier } from '../claims/types';
import { inStream } from '../claims/seedStreams';
import type { EngineChoice } from '../training/config';
import type { Progress } from '../util/progress';
import type { Store } from './store';
import { hasTier, tierRegimeAt } from './generate';
import { resultKey } from './keys';
import { canonicalJson } from '../util/canonical';
import type { EvaluatorPool } from './pool';
import { ClaimSummary, Counterexample, judgeTogether, RegimeRecord, SummaryInput, unitsOf } from './summary';

/**
 * The runner: draws `runs` regimes of a claim in a tier (fast-check: run i is the regime at path
 * "i" of the seed; the paper tier cycles through the claim's named settings with drawn seeds),
 * evaluates those not already in the store (that is `--resume`), appends each result as soon as
 * it is known, then shrinks breaking regimes with fast-check's shrinker under a bounded evaluation
 * budget. Failures are data: a break is a record with a verdict, never an exception. Evaluations
 * that failed (`error`) are not reused on resume: they are tried again.
 */
export interface CheckOptions {
  tier: Tier;
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
  /** the seed stream units train on (default score; `calibrate` for calibration runs) */
  stream?: SeedStream;
  /** sharded runs: evaluate only the run indices this returns true for (default: all) */
  select?: (run: number) => boolean;
}

export function replayCommand(claimId: string, tier: Tier, seed: number, path: string, extra = ''): string {
  // a plug-in claim is found by replay only when its module is loaded too: name it (absolute path)
  const mod = claimModule(claimId);
  const from = mod && !mod.builtin ? ` --claims-from ${shellWord(mod.file)}` : '';
  return `npx claimcheck replay ${claimId} --tier ${tier} --seed ${seed} --path ${path}${from}${extra ? ' ' + extra : ''}`;
}

function shellWord(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** The --constants flag of a replay: only a profile that is a file on disk can be named (an in-memory one cannot be replayed by the CLI). */
export function profileFlags(profile: ConstantsProfile): string {
  return profile.name === 'default' || !fs.existsSync(profile.file) ? '' : `--constants ${shellWord(profile.file)}`;
}

function isBreak(r: Pick<RegimeRecord, 'verdict'>): boolean {
  return r.verdict === 'breaks' || r.verdict === 'not-reached';
}

/**
 * Evaluate one regime of a claim in opts.tier, or find it in the store (an `error` record is
 * evaluated again), and append the new record. `kind` says why it was evaluated; only `run` records
 * carry a replay command (a shrink step's or a cross-region cell's path is not a draw of the tier).
 */
export async function evaluateRecord(
  claim: Claim, drawn: Regime, path: string, kind: RegimeRecord['kind'], opts: Omit<CheckOptions, 'runs'>,
): Promise<{ record: RegimeRecord; cached: boolean }> {
  const ctx = claimContext(claim, opts.profile);
  const stream = opts.stream ?? 'score';
  const regime = inStream(drawn, stream);
  const key = resultKey(claim.id, opts.tier, regime, ctx.constants, ctx.settings, opts.engine, stream);
  const prior = opts.store.get(key);
  if (prior && prior.verdict !== 'error') return { record: prior, cached: true };
  const out = await opts.pool.evaluate({ claimId: claim.id, regime, tier: opts.tier, stream, engine: opts.engine, ...ctx });
  const ev = out.evaluation;
  const record: RegimeRecord = {
    key, kind, claim: claim.id, tier: opts.tier, ...(stream !== 'score' ? { stream } : {}), seed: opts.seed, path, regime,
    ...(typeof regime.preset === 'string' ? { preset: regime.preset } : {}),
    verdict: ev.verdict, margin: ev.margin, measurements: ev.measurements, hypotheses: ev.hypotheses,
    ...(ev.configs ? { configs: ev.configs } : {}),
    ...(ev.units ? { units: ev.units } : {}),
    ...(ev.note ? { note: ev.note } : {}),
    ...(out.error ? { error: out.error } : {}),
    seconds: out.seconds, ...(out.cpuSeconds !== undefined ? { cpuSeconds: out.cpuSeconds } : {}), backend: out.backend, engine: opts.engine,
    // a shrink step's path inside fast-check's tree is not known here: its counterexample carries it
    replay: kind === 'run' ? replayCommand(claim.id, opts.tier, opts.seed, path, opts.replayFlags ?? profileFlags(opts.profile)) : '',
  };
  const now = opts.store.get(key);
  if (!now || now.verdict === 'error') opts.store.append(record);
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
      // stop shrinking (accept) once the budget is spent. Cached evaluations count too, so a resumed
      // run or a merge of shards walks exactly the shrink path a fresh run walked.
      if (spent >= budget || calls > 4 * budget + 1) return true;
      const { record, cached } = await evaluateRecord(claim, regime, '', 'shrink', opts);
      spent++;
      if (!cached) opts.progress?.tick(0, `${claim.id} ${opts.tier}: shrinking a counterexample (${spent}/${budget})`);
      if (isBreak(record)) last = record;
      return !isBreak(record);
    }),
    { seed: opts.seed, path: start.path, numRuns: 1 },
  );
  const path = result.failed && result.counterexamplePath ? result.counterexamplePath : start.path;
  const regime = result.failed && result.counterexample ? result.counterexample[0] : start.regime;
  return counterexampleOf(claim, last, { regime, path, from: start, spent }, opts);
}

function counterexampleOf(claim: Claim, rec: RegimeRecord, x: { regime: Regime; path: string; from: RegimeRecord; spent: number }, opts: CheckOptions): Counterexample {
  const breakingSeeds = unitsOf(rec).filter(isBreak).map((u) => u.seed);
  return {
    regime: x.regime, seed: opts.seed, path: x.path,
    verdict: rec.verdict, margin: rec.margin,
    replay: replayCommand(claim.id, opts.tier, opts.seed, x.path, opts.replayFlags ?? profileFlags(opts.profile)),
    from: { path: x.from.path, regime: x.from.regime },
    shrinkEvaluations: x.spent,
    ...(breakingSeeds.length ? { breakingSeeds } : {}),
    ...(rec.note ? { note: rec.note } : {}),
    // the hypotheses its regime met and violated, clause by clause (the report says which)
    ...(rec.hypotheses ? { hypotheses: rec.hypotheses } : {}),
  };
}

/** Evaluate a claim in one tier; the summary input (records and counterexamples) to be judged with the others. */
export async function runClaimTier(claim: Claim, opts: CheckOptions): Promise<SummaryInput> {
  const ctx = claimContext(claim, opts.profile);
  const records: RegimeRecord[] = [];
  const counterexamples: Counterexample[] = [];
  if (hasTier(claim, opts.tier, ctx)) {
    const indices = Array.from({ length: opts.runs }, (_, i) => i).filter((i) => opts.select?.(i) ?? true);
    records.push(...await Promise.all(
      indices.map(async (i) => {
        const path = String(i);
        const regime = tierRegimeAt(claim, opts.tier, ctx, opts.seed, path);
        const { record } = await evaluateRecord(claim, regime, path, 'run', opts);
        opts.progress?.tick(1, `${claim.id} ${opts.tier} ${record.verdict}`);
        // the store is keyed by regime: a draw may find a record first made elsewhere (a shrink step)
        return { ...record, kind: 'run' as const, path, seed: opts.seed, replay: replayCommand(claim.id, opts.tier, opts.seed, path, opts.replayFlags ?? profileFlags(opts.profile)) };
      }),
    ));
    const breaks = records.filter(isBreak).slice(0, opts.profile.settings.maxCounterexamples);
    if (opts.tier === 'paper') {
      // a named setting is not shrunk: the (preset, seed) is itself the counterexample
      for (const b of breaks) counterexamples.push(counterexampleOf(claim, b, { regime: b.regime, path: b.path, from: b, spent: 0 }, opts));
    } else if (opts.shrink !== false) {
      const arb = claim.regimes(opts.tier, ctx);
      const seen = new Set<string>();
      for (const b of breaks) {
        // a named robustness regime (a preset) is not shrunk either: it is its own counterexample
        if (typeof b.regime.preset === 'string') {
          counterexamples.push(counterexampleOf(claim, b, { regime: b.regime, path: b.path, from: b, spent: 0 }, opts));
          continue;
        }
        const cx = await shrinkBreak(claim, arb, b, opts);
        // two draws often shrink to the same minimal regime: report it once
        const id = canonicalJson(cx.regime);
        if (!seen.has(id)) counterexamples.push(cx);
        seen.add(id);
      }
    }
  } else {
    opts.progress?.tick(opts.runs, `${claim.id} ${opts.tier}: not evaluated in this tier`);
  }
  return {
    id: claim.id, title: claim.title, source: `Paper ${claim.source.paper}: ${claim.source.result}`, tier: opts.tier,
    links: claim.links, derivedFrom: claim.derivedFrom, kind: claim.kind, records, counterexamples,
    constants: ctx.constants, settings: ctx.settings, profile: opts.profile.name, seed: opts.seed,
  };
}

export async function checkClaim(claim: Claim, opts: CheckOptions): Promise<ClaimSummary> {
  return judgeTogether([await runClaimTier(claim, opts)])[0];
}

/**
 * Check several claims in several tiers over one pool, judged together (the multiplicity
 * correction counts every claim-tier and link verdict with a decisive unit). Tiers a claim does
 * not have are left out.
 */
export async function checkClaims(claims: readonly Claim[], tiers: readonly Tier[], opts: Omit<CheckOptions, 'tier'>): Promise<ClaimSummary[]> {
  const jobs = claims.flatMap((c) => tiers.filter((t) => hasTier(c, t, claimContext(c, opts.profile))).map((tier) => runClaimTier(c, { ...opts, tier })));
  return judgeTogether(await Promise.all(jobs));
}

/** Re-evaluate the regime at (seed, path) of a tier exactly as the run that printed the command did. */
export async function replay(claim: Claim, tier: Tier, seed: number, path: string, profile: ConstantsProfile, engine: EngineChoice, pool: EvaluatorPool) {
  const ctx = claimContext(claim, profile);
  const regime = tierRegimeAt(claim, tier, ctx, seed, path);
  const out = await pool.evaluate({ claimId: claim.id, regime, tier, engine, ...ctx });
  return { regime, ...out };
}
