import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLAIMS, loadClaimModule } from '../claims/registry';
import { claimContext } from '../claims/context';
import { ConstantsProfile, InputError, loadProfile } from '../claims/constants';
import { TIERS } from '../claims/types';
import type { Claim, Tier } from '../claims/types';
import { checkClaims as runChecks, replay as replayAt } from '../engine/check';
import { hasTier } from '../engine/generate';
import { createPool } from '../engine/pool';
import { openStore } from '../engine/store';
import type { ClaimSummary, RegimeRecord } from '../engine/summary';
import type { EvalOutcome } from '../engine/protocol';
import type { EngineChoice } from '../training/config';
import { makeDirs } from '../util/atomicWrite';
import { createProgress } from '../util/progress';
import { claimsOf, ClaimsInput, ensureLoadable } from './claims';

/**
 * The library's way to run claims (what `claimcheck check` does, without the CLI): draw `runs`
 * regimes per claim and tier, evaluate them (in this process, or over worker processes that load
 * the claims' modules), shrink breaks, judge every claim-tier together.
 */
export interface CheckClaimsOptions {
  /** tiers to evaluate (default working); a claim is checked in those of them it has */
  tiers?: Tier | readonly Tier[];
  /** regimes drawn per claim and tier (default 20) */
  runs?: number;
  /** fast-check seed (default 1): the same seed gives the same regimes */
  seed?: number;
  /** scales runs and the shrink budget (default 1) */
  budget?: number;
  /** worker processes (default 0: in this process); workers load the claims' modules */
  workers?: number;
  /** modules exporting claims or papers to load first (as `--claims-from`) */
  claimsFrom?: readonly string[];
  /** a profile name in fixtures/constants, a JSON file, or a loaded profile (default: the claims' declared constants) */
  constants?: string | ConstantsProfile;
  /** training engine (default auto) */
  engine?: EngineChoice;
  /** false: do not shrink breaking regimes */
  shrink?: boolean;
  /** replicate seeds per regime (default: the profile's) */
  replicates?: number;
  /** step budget of one training run (default: the profile's) */
  maxSteps?: number;
  /** results folder (results.jsonl; an existing one is resumed); default: a temporary folder, removed when done */
  out?: string;
  /** show the progress line on stderr (default false) */
  progress?: boolean;
}

export interface CheckResult {
  /** one per claim and tier, judged together */
  summaries: ClaimSummary[];
  /** true when no claim breaks in any tier checked */
  ok: boolean;
  breaks: ClaimSummary[];
  /** the results folder (results.jsonl) when `out` was given, else null (the temporary one is removed) */
  results: string | null;
  profile: ConstantsProfile;
}

function tierList(t: CheckClaimsOptions['tiers']): Tier[] {
  const list = t === undefined ? ['working'] : typeof t === 'string' ? [t] : [...t];
  for (const x of list) if (!TIERS.includes(x as Tier)) throw new InputError(`tiers: ${JSON.stringify(x)} is not a tier (${TIERS.join(', ')})`);
  return list as Tier[];
}

function count(name: string, v: number | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min) throw new InputError(`${name} must be a whole number >= ${min} (got ${v})`);
  return v;
}

/** The profile for these claims: the named one, or the declared defaults of every loaded claim. */
export function profileFor(claims: readonly Claim[], constants: CheckClaimsOptions['constants']): ConstantsProfile {
  if (typeof constants === 'object' && constants !== null) return constants;
  const all = [...CLAIMS, ...claims.filter((c) => !CLAIMS.includes(c))];
  return loadProfile(constants ?? 'default', all);
}

async function prepare(input: ClaimsInput, o: { workers?: number; claimsFrom?: readonly string[] }) {
  for (const f of o.claimsFrom ?? []) await loadClaimModule(f, { flag: 'claimsFrom' });
  const claims = claimsOf(input);
  const workers = count('workers', o.workers, 0, 0);
  const local = await ensureLoadable(claims, workers);
  return { claims, workers, local: new Map(local.map((c) => [c.id, c])) };
}

export async function checkClaims(input: ClaimsInput, opts: CheckClaimsOptions = {}): Promise<CheckResult> {
  const { claims, workers, local } = await prepare(input, opts);
  const tiers = tierList(opts.tiers);
  const factor = opts.budget ?? 1;
  if (!(factor > 0)) throw new InputError(`budget must be > 0 (got ${opts.budget})`);
  const runs = Math.max(1, Math.round(count('runs', opts.runs, 20) * factor));
  const seed = count('seed', opts.seed, 1, 0);
  const base = profileFor(claims, opts.constants);
  const profile: ConstantsProfile = {
    ...base,
    settings: {
      ...base.settings,
      shrinkBudget: Math.round(base.settings.shrinkBudget * factor),
      ...(opts.replicates !== undefined ? { replicates: count('replicates', opts.replicates, 1) } : {}),
      ...(opts.maxSteps !== undefined ? { maxSteps: count('maxSteps', opts.maxSteps, 1) } : {}),
    },
  };
  for (const c of claims) {
    if (!tiers.some((t) => hasTier(c, t, claimContext(c, profile)))) throw new InputError(`claim ${c.id} has none of the tiers ${tiers.join(', ')} (its tiers: ${c.tiers.join(', ')})`);
  }
  const dir = path.resolve(opts.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-')));
  makeDirs(dir);
  const store = openStore<RegimeRecord>(path.join(dir, 'results.jsonl'));
  const progress = createProgress({ total: claims.length * tiers.length * runs, label: 'check', quiet: !opts.progress });
  const pool = createPool(workers, local);
  let summaries: ClaimSummary[];
  try {
    summaries = await runChecks(claims, tiers, { runs, seed, profile, engine: opts.engine ?? 'auto', pool, store, progress, shrink: opts.shrink !== false });
  } finally {
    progress.done();
    await pool.close();
    store.close();
    if (opts.out === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
  const breaks = summaries.filter((s) => s.verdict === 'breaks');
  return { summaries, ok: breaks.length === 0, breaks, results: opts.out === undefined ? null : dir, profile };
}

export interface ReplayOptions {
  tier: Tier;
  seed: number;
  /** the fast-check path printed with the result, e.g. "7" or "7:0:1" */
  path: string;
  constants?: string | ConstantsProfile;
  engine?: EngineChoice;
  claimsFrom?: readonly string[];
}

/** Re-evaluate the regime at (seed, path) of a tier, as `claimcheck replay` does (in this process). */
export async function replay(claim: Claim | string, o: ReplayOptions): Promise<EvalOutcome & { regime: Record<string, number | string> }> {
  const { claims, local } = await prepare(claim, { claimsFrom: o.claimsFrom });
  const [c] = claims;
  if (!/^\d+(:\d+)*$/.test(o.path)) throw new InputError(`path must look like 7 or 7:0:1 (got ${JSON.stringify(o.path)})`);
  const pool = createPool(0, local);
  try {
    return await replayAt(c, tierList(o.tier)[0], o.seed, o.path, profileFor(claims, o.constants), o.engine ?? 'auto', pool);
  } finally {
    await pool.close();
  }
}
