import * as path from 'path';
import { selectClaims } from '../claims/registry';
import { checkClaims } from '../engine/check';
import { createPool, defaultWorkers } from '../engine/pool';
import { prepareRunDir, resolveRunDir } from '../engine/runDir';
import { openStore } from '../engine/store';
import type { ClaimSummary, RegimeRecord } from '../engine/summary';
import { atomicWriteJson } from '../util/atomicWrite';
import { createProgress } from '../util/progress';
import { FlagSpec, parseArgs, UsageError, usage } from './args';
import { COMMON_FLAGS, engineFromFlag, loadClaimsFrom, positiveInt, profileFromFlag, reportsBase, TIER_FLAGS, tiersFromFlags } from './common';
import type { Claim, Tier } from '../claims/types';
import { claimContext } from '../claims/context';
import { hasTier } from '../engine/generate';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  ...TIER_FLAGS,
  runs: { kind: 'int', help: 'regimes drawn per claim and tier (default 20; the units are the regimes times their seeds)' },
  'fail-on': { kind: 'string', help: 'breaks (default: exit 1 when a claim breaks in the literal or paper tier) | never' },
  seed: { kind: 'int', help: 'fast-check seed (default 1)' },
  budget: { kind: 'number', help: 'scale the number of runs and the shrink budget by this factor (default 1)' },
  'max-steps': { kind: 'int', help: 'step budget of one training run (profile setting maxSteps)' },
  'no-shrink': { kind: 'boolean', help: 'do not shrink breaking regimes' },
  out: { kind: 'string', help: 'results folder (default reports/check-<time>)' },
  resume: { kind: 'boolean', help: 'continue the run in --out (or the latest check run): finished regimes are not redone' },
  json: { kind: 'boolean', help: 'print one JSON object per claim and tier (one per line), each naming the results folder' },
};

function pct(x: number): string {
  return (100 * x).toFixed(0);
}

export function summaryLine(s: ClaimSummary): string {
  const rate = s.holdRate === null ? 'n/a' : `${pct(s.holdRate)}% [${pct(s.ci![0])}, ${pct(s.ci![1])}] of ${s.decisive}`;
  const counts = Object.entries(s.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const settle = s.verdict === 'inconclusive' && s.unitsToSettle !== null ? `; ~${s.unitsToSettle} more decisive units would settle it` : '';
  return `${s.id.padEnd(20)}${s.tier.padEnd(12)}${s.verdict.toUpperCase().padEnd(14)}hold rate ${rate}  (${counts}${settle})${s.derivedFrom ? ` [derived from ${s.derivedFrom}]` : ''}`;
}

export function jsonSummary(s: ClaimSummary) {
  const cx = s.counterexamples[0];
  return {
    id: s.id, tier: s.tier, verdict: s.verdict, holdRate: s.holdRate, ci: s.ci, confidence: s.confidence, judgedTogether: s.judgedTogether,
    unitsToSettle: s.unitsToSettle, runs: s.runs, units: s.units, decisive: s.decisive, counts: s.counts,
    ...(s.byPreset ? { byPreset: s.byPreset } : {}),
    ...(s.links ? { links: Object.fromEntries(Object.entries(s.links).map(([k, l]) => [k, { verdict: l.claimVerdict, holdRate: l.rate, ci: l.ci, decisive: l.decisive, counts: l.counts, unitsToSettle: l.unitsToSettle }])) } : {}),
    ...(s.derivedFrom ? { derivedFrom: s.derivedFrom } : {}),
    counterexample: cx ? { regime: cx.regime, replay: cx.replay, verdict: cx.verdict, margin: cx.margin, from: cx.from, breakingSeeds: cx.breakingSeeds } : null,
    counterexamples: s.counterexamples, byHypotheses: s.byHypotheses,
    constants: s.constants, settings: s.settings, profile: s.profile, seed: s.seed, backends: s.backends, seconds: s.seconds, source: s.source,
  };
}

/** The tiers a break fails the command in, by --fail-on (exit code 1). */
export function failTiers(flag: unknown, fallback: 'breaks' | 'never'): Tier[] {
  const v = flag === undefined ? fallback : String(flag);
  if (v === 'never') return [];
  if (v === 'breaks') return ['literal', 'paper'];
  throw new UsageError(`--fail-on must be breaks or never (got ${JSON.stringify(v)})`);
}

/** Exit 1 when a claim breaks in one of the failing tiers, else 0. */
export function exitForBreaks(summaries: readonly ClaimSummary[], tiers: readonly Tier[]): number {
  return summaries.some((s) => s.verdict === 'breaks' && tiers.includes(s.tier)) ? 1 : 0;
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 'check');
  if (flags.help) {
    process.stdout.write(usage('check', '<id...|all> [--tier T] [flags]', FLAGS));
    return 0;
  }
  await loadClaimsFrom(flags['claims-from']);
  const claims = selectClaims(positional);
  const tiers = tiersFromFlags(flags, ['working']);
  const failOn = failTiers(flags['fail-on'], 'breaks');
  const factor = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(factor > 0)) throw new UsageError('--budget must be > 0');
  const runs = Math.max(1, Math.round(positiveInt('runs', flags.runs, 20) * factor));
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const profile = profileFromFlag(flags.constants);
  if (typeof flags['max-steps'] === 'number') profile.settings.maxSteps = positiveInt('max-steps', flags['max-steps'], 1);
  profile.settings.shrinkBudget = Math.round(profile.settings.shrinkBudget * factor);
  const engine = engineFromFlag(flags.engine);
  // a tier a claim is not evaluated in is said, never silently skipped; nothing to evaluate is bad input
  const skipped = claims.flatMap((c) => tiers.filter((t) => !hasTier(c, t, claimContext(c, profile))).map((t) => ({ c, t })));
  const why = ({ c, t }: { c: Claim; t: Tier }) => `${c.id} has no ${t} tier${t === 'paper' && c.paperNote ? ` (${c.paperNote})` : ''}; its tiers: ${c.tiers.join(', ')}`;
  if (skipped.length === claims.length * tiers.length) throw new UsageError(skipped.length === 1 ? why(skipped[0]) : `nothing to evaluate: ${skipped.map(why).join('; ')}`);
  for (const x of skipped) process.stderr.write(`claimcheck check: note: ${why(x)}\n`);
  const resume = Boolean(flags.resume);
  const dir = resolveRunDir(reportsBase(), 'check', flags.out as string | undefined, resume);
  prepareRunDir(dir, { kind: 'check', argv, startedAt: new Date().toISOString(), claims: claims.map((c) => c.id), tiers, runs, seed, profile: profile.name }, resume);
  const store = openStore<RegimeRecord>(path.join(dir, 'results.jsonl'));
  const progress = createProgress({ total: claims.length * tiers.length * runs, label: 'check', quiet: Boolean(flags.quiet) });
  const pool = createPool(typeof flags.workers === 'number' ? flags.workers : defaultWorkers());
  let summaries: ClaimSummary[];
  try {
    summaries = await checkClaims(claims, tiers, { runs, seed, profile, engine, pool, store, progress, shrink: !flags['no-shrink'] });
  } finally {
    progress.done();
    await pool.close();
    store.close();
  }
  atomicWriteJson(path.join(dir, 'summary.json'), { profile: { name: profile.name, file: profile.file, settings: profile.settings }, summaries });
  if (flags.json) {
    for (const s of summaries) process.stdout.write(JSON.stringify({ ...jsonSummary(s), results: dir }) + '\n');
  }
  else {
    for (const s of summaries) {
      process.stdout.write(summaryLine(s) + '\n');
      for (const c of s.counterexamples) process.stdout.write(`    counterexample ${JSON.stringify(c.regime)}\n      replay: ${c.replay}\n`);
    }
    process.stdout.write(`results: ${dir}\n`);
  }
  return exitForBreaks(summaries, failOn);
}
