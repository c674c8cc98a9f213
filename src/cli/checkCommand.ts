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
import { COMMON_FLAGS, engineFromFlag, modesFromFlag, positiveInt, profileFromFlag, reportsBase } from './common';

const FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  mode: { kind: 'string', help: 'in-regime | robustness | both (default in-regime)' },
  runs: { kind: 'int', help: 'regimes drawn per claim and mode (default 20)' },
  seed: { kind: 'int', help: 'fast-check seed (default 1)' },
  budget: { kind: 'number', help: 'scale the number of runs and the shrink budget by this factor (default 1)' },
  'max-steps': { kind: 'int', help: 'step budget of one training run (profile setting maxSteps)' },
  'no-shrink': { kind: 'boolean', help: 'do not shrink breaking regimes' },
  out: { kind: 'string', help: 'results folder (default reports/check-<time>)' },
  resume: { kind: 'boolean', help: 'continue the run in --out (or the latest check run): finished regimes are not redone' },
  json: { kind: 'boolean', help: 'print one JSON object per claim and mode (one per line)' },
};

export function summaryLine(s: ClaimSummary): string {
  const rate = s.holdRate === null ? 'n/a' : `${(100 * s.holdRate).toFixed(0)}% [${(100 * s.ci![0]).toFixed(0)}, ${(100 * s.ci![1]).toFixed(0)}]`;
  const counts = Object.entries(s.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${s.id.padEnd(20)}${s.mode.padEnd(12)}${s.verdict.toUpperCase().padEnd(14)}hold rate ${rate}  (${counts})`;
}

export function jsonSummary(s: ClaimSummary) {
  const cx = s.counterexamples[0];
  return {
    id: s.id, mode: s.mode, verdict: s.verdict, holdRate: s.holdRate, ci: s.ci, runs: s.runs, counts: s.counts,
    pBreak: s.pBreak, pBreakAdjusted: s.pBreakAdjusted,
    counterexample: cx ? { regime: cx.regime, replay: cx.replay, verdict: cx.verdict, margin: cx.margin, from: cx.from } : null,
    counterexamples: s.counterexamples, byHypotheses: s.byHypotheses,
    constants: s.constants, settings: s.settings, profile: s.profile, seed: s.seed, backends: s.backends, seconds: s.seconds, source: s.source,
  };
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, FLAGS, 'check');
  if (flags.help) {
    process.stdout.write(usage('check', '<id...|all> [flags]', FLAGS));
    return 0;
  }
  const claims = selectClaims(positional);
  const modes = modesFromFlag(flags.mode, ['in-regime']);
  const factor = typeof flags.budget === 'number' ? flags.budget : 1;
  if (!(factor > 0)) throw new UsageError('--budget must be > 0');
  const runs = Math.max(1, Math.round(positiveInt('runs', flags.runs, 20) * factor));
  const seed = typeof flags.seed === 'number' ? flags.seed : 1;
  const profile = profileFromFlag(flags.constants);
  if (typeof flags['max-steps'] === 'number') profile.settings.maxSteps = positiveInt('max-steps', flags['max-steps'], 1);
  profile.settings.shrinkBudget = Math.round(profile.settings.shrinkBudget * factor);
  const engine = engineFromFlag(flags.engine);
  const resume = Boolean(flags.resume);
  const dir = resolveRunDir(reportsBase(), 'check', flags.out as string | undefined, resume);
  prepareRunDir(dir, { kind: 'check', argv, startedAt: new Date().toISOString(), claims: claims.map((c) => c.id), modes, runs, seed, profile: profile.name }, resume);
  const store = openStore<RegimeRecord>(path.join(dir, 'results.jsonl'));
  const progress = createProgress({ total: claims.length * modes.length * runs, label: 'check', quiet: Boolean(flags.quiet) });
  const pool = createPool(typeof flags.workers === 'number' ? flags.workers : defaultWorkers());
  let summaries: ClaimSummary[];
  try {
    summaries = await checkClaims(claims, modes, { runs, seed, profile, engine, pool, store, progress, shrink: !flags['no-shrink'] });
  } finally {
    progress.done();
    await pool.close();
    store.close();
  }
  atomicWriteJson(path.join(dir, 'summary.json'), { profile: { name: profile.name, file: profile.file, settings: profile.settings }, summaries });
  if (flags.json) for (const s of summaries) process.stdout.write(JSON.stringify(jsonSummary(s)) + '\n');
  else {
    for (const s of summaries) {
      process.stdout.write(summaryLine(s) + '\n');
      for (const c of s.counterexamples) process.stdout.write(`    counterexample ${JSON.stringify(c.regime)}\n      replay: ${c.replay}\n`);
    }
    process.stdout.write(`results: ${dir}\n`);
  }
  return 0;
}
