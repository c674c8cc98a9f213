import { binomialCdf, clopperPearson, holm } from '../stats';
import type { Constants, EngineSettings, Evaluation, Mode, Regime, Verdict } from '../claims/types';
import { VERDICTS } from '../claims/types';

/** One evaluated regime, as stored (one JSONL line) and reported. */
export interface RegimeRecord {
  key: string;
  /** 'run': one of the N draws; 'shrink': an evaluation made while shrinking a counterexample */
  kind: 'run' | 'shrink';
  claim: string;
  mode: Mode;
  seed: number;
  path: string;
  regime: Regime;
  verdict: Verdict;
  margin: number | null;
  measurements: Record<string, unknown>;
  hypotheses: Evaluation['hypotheses'];
  configs?: Evaluation['configs'];
  note?: string;
  error?: string;
  seconds: number;
  backend: string;
  engine: string;
  replay: string;
}

export interface Counterexample {
  regime: Regime;
  seed: number;
  path: string;
  verdict: Verdict;
  margin: number | null;
  replay: string;
  /** the draw it was shrunk from */
  from: { path: string; regime: Regime };
  shrinkEvaluations: number;
  note?: string;
}

export interface ClaimSummary {
  id: string;
  title: string;
  source: string;
  mode: Mode;
  verdict: Verdict;
  /** holds / (holds + breaks) over the drawn regimes; null when none was decisive */
  holdRate: number | null;
  /** Clopper-Pearson interval of the hold rate at confidence 1 - alpha */
  ci: [number, number] | null;
  runs: number;
  counts: Record<Verdict, number>;
  /** one-sided binomial test of "hold rate >= target": small p means the claim breaks */
  pBreak: number | null;
  /** pBreak after Holm's correction across the claims judged together (equal to pBreak alone) */
  pBreakAdjusted: number | null;
  /** robustness mode: decisive verdicts inside and outside the claim's hypotheses */
  byHypotheses: { inside: { holds: number; breaks: number }; outside: { holds: number; breaks: number } };
  counterexamples: Counterexample[];
  constants: Constants;
  settings: EngineSettings;
  profile: string;
  seed: number;
  backends: string[];
  seconds: number;
}

export function countVerdicts(records: readonly RegimeRecord[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of records) counts[r.verdict]++;
  return counts;
}

/**
 * The claim-level verdict from the regime verdicts (documented in the README):
 * - breaks: the hold rate is significantly below the target (binomial test, Holm-adjusted p < alpha);
 * - holds: the hold rate is at least the target (and not significantly below it);
 * - inconclusive: in between, or too few decisive regimes;
 * - with no decisive regime, the most frequent of vacuous / diverged / budget / inconclusive.
 */
export function claimVerdict(counts: Record<Verdict, number>, pAdjusted: number | null, settings: EngineSettings): Verdict {
  const decisive = counts.holds + counts.breaks;
  if (decisive === 0) {
    const rest: Verdict[] = ['vacuous', 'diverged', 'budget', 'inconclusive'];
    const top = rest.reduce((a, b) => (counts[b] > counts[a] ? b : a));
    return counts[top] > 0 ? top : 'inconclusive';
  }
  if (pAdjusted !== null && pAdjusted < settings.alpha) return 'breaks';
  return counts.holds / decisive >= settings.holdRateTarget ? 'holds' : 'inconclusive';
}

export function holdStatistics(counts: Record<Verdict, number>, settings: EngineSettings) {
  const decisive = counts.holds + counts.breaks;
  if (decisive === 0) return { holdRate: null, ci: null, pBreak: null };
  const ci = clopperPearson(counts.holds, decisive, 1 - settings.alpha);
  return {
    holdRate: counts.holds / decisive,
    ci: [ci.lo, ci.hi] as [number, number],
    pBreak: binomialCdf(counts.holds, decisive, settings.holdRateTarget),
  };
}

/** Holm-adjust the pBreak of summaries judged together and recompute their verdicts. */
export function adjustTogether(summaries: ClaimSummary[]): ClaimSummary[] {
  const idx = summaries.map((s, i) => (s.pBreak === null ? -1 : i)).filter((i) => i >= 0);
  const adjusted = holm(idx.map((i) => summaries[i].pBreak as number));
  const out = summaries.map((s) => ({ ...s }));
  idx.forEach((i, k) => {
    out[i].pBreakAdjusted = adjusted[k];
    out[i].verdict = claimVerdict(out[i].counts, adjusted[k], out[i].settings);
  });
  return out;
}

export function byHypotheses(records: readonly RegimeRecord[]): ClaimSummary['byHypotheses'] {
  const out = { inside: { holds: 0, breaks: 0 }, outside: { holds: 0, breaks: 0 } };
  for (const r of records) {
    if (r.verdict !== 'holds' && r.verdict !== 'breaks') continue;
    out[r.hypotheses.holds ? 'inside' : 'outside'][r.verdict]++;
  }
  return out;
}
