import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../claims/constants';
import type { HypothesisReport, Regime } from '../claims/types';
import { canonicalJson } from '../util/canonical';
import type { SweepSummary, VerifySummary } from './model';
import { renderSweepReport } from './renderSweep';
import { renderVerifyReport } from './renderVerify';

export { renderVerifyReport } from './renderVerify';
export { renderSweepReport } from './renderSweep';

/** The fields each kind of summary must have, with their JSON type, checked before rendering. */
const REQUIRED: Record<'verify' | 'sweep', Record<string, 'array' | 'object'>> = {
  verify: { profile: 'object', claims: 'array', audits: 'array', dynamics: 'array', phases: 'array', morris: 'array' },
  sweep: { axes: 'array', target: 'object', design: 'object', base: 'object', shards: 'array', points: 'array', phases: 'array' },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `file` as a summary, with an InputError naming the file for every way it can be unusable. */
export function readSummary(file: string): VerifySummary | SweepSummary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new InputError(`${file}: not found (is this a claimcheck run folder? verify and sweep runs write summary.json when they finish)`);
    throw new InputError(`${file}: cannot be read (${e.message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message}); the run may not have finished, rerun it to rewrite the summary`);
  }
  if (!isObject(data)) throw new InputError(`${file}: not a run summary (expected a JSON object)`);
  const run = data.run;
  if (!isObject(run) || run.kind === undefined) throw new InputError(`${file}: lacks run.kind (expected "verify" or "sweep")`);
  if (run.kind !== 'verify' && run.kind !== 'sweep') throw new InputError(`${file}: unknown run.kind ${JSON.stringify(run.kind)} (expected "verify" or "sweep")`);
  for (const [field, type] of Object.entries(REQUIRED[run.kind])) {
    const v = data[field];
    const ok = type === 'array' ? Array.isArray(v) : isObject(v);
    if (!ok) throw new InputError(`${file}: a ${run.kind} summary needs "${field}" to be an ${type === 'array' ? 'array' : 'object'}`);
  }
  return data as unknown as VerifySummary | SweepSummary;
}

/**
 * Summaries written before counterexamples recorded their hypotheses: each takes them from the
 * run's own store (results.jsonl), from the record of the same claim, tier and regime. The summary
 * file is not changed; without the store the report says they were not recorded.
 */
export function withCounterexampleHypotheses(summary: VerifySummary, dir: string): VerifySummary {
  const missing = summary.claims.some((c) => (c.counterexamples ?? []).some((x) => !x.hypotheses));
  const file = join(dir, 'results.jsonl');
  if (!missing || !existsSync(file)) return summary;
  const found = new Map<string, HypothesisReport>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { claim?: string; tier?: string; regime?: Regime; hypotheses?: HypothesisReport };
      if (r.claim && r.tier && r.regime && r.hypotheses) found.set(`${r.claim}|${r.tier}|${canonicalJson(r.regime)}`, r.hypotheses);
    } catch {
      // a partial last line of a killed run: nothing to take from it
    }
  }
  return {
    ...summary,
    claims: summary.claims.map((c) => ({
      ...c,
      counterexamples: (c.counterexamples ?? []).map((x) => {
        const h = x.hypotheses ?? found.get(`${c.id}|${c.tier}|${canonicalJson(x.regime)}`);
        return h ? { ...x, hypotheses: h } : x;
      }),
    })),
  };
}

/** Re-renders the report of a run folder from its `summary.json` alone. Returns the kind of run and every file written. */
export async function renderReport(dir: string): Promise<{ kind: 'verify' | 'sweep'; files: string[] }> {
  const summary = readSummary(join(dir, 'summary.json'));
  if (summary.run.kind === 'verify') return { kind: 'verify', ...(await renderVerifyReport(dir, withCounterexampleHypotheses(summary as VerifySummary, dir))) };
  return { kind: 'sweep', ...(await renderSweepReport(dir, summary as SweepSummary)) };
}
