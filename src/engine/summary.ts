import { judgeHoldRate, HoldRateJudgement } from '../stats';
import type { Constants, EngineSettings, Evaluation, Regime, SeedStream, Tier, Unit, Verdict } from '../claims/types';
import { DECISIVE, VERDICTS } from '../claims/types';

/** One evaluated regime, as stored (one JSONL line) and reported. */
export interface RegimeRecord {
  key: string;
  /** 'run': one of the N draws; 'shrink': made while shrinking a counterexample; 'cross': a cross-region cell */
  kind: 'run' | 'shrink' | 'cross';
  claim: string;
  tier: Tier;
  /** the seed stream the units trained on (absent: score) */
  stream?: SeedStream;
  seed: number;
  path: string;
  regime: Regime;
  /** paper tier: the named preset of this regime */
  preset?: string;
  verdict: Verdict;
  margin: number | null;
  measurements: Record<string, unknown>;
  hypotheses: Evaluation['hypotheses'];
  configs?: Evaluation['configs'];
  /** per-seed units (absent: the regime is one unit with `verdict`) */
  units?: Unit[];
  note?: string;
  error?: string;
  seconds: number;
  /** CPU time of the evaluation in its worker (absent in stores written before it was recorded: `seconds` stands in) */
  cpuSeconds?: number;
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
  /** the training seeds of its units that broke */
  breakingSeeds?: number[];
  note?: string;
  /** the claim's hypotheses evaluated at its regime, clause by clause (absent in summaries written before they were recorded) */
  hypotheses?: Evaluation['hypotheses'];
}

/** The judgement of one set of units: counts, hold rate, interval, verdict, units to settle. */
export interface UnitJudgement extends HoldRateJudgement {
  counts: Record<Verdict, number>;
  /** the claim-level verdict: holds/breaks/inconclusive from the units, or the most frequent non-decisive verdict when none is decisive */
  claimVerdict: Verdict;
}

export interface ClaimSummary {
  id: string;
  title: string;
  source: string;
  tier: Tier;
  verdict: Verdict;
  /** holds / (holds + breaks + not-reached) over the units; null when none was decisive */
  holdRate: number | null;
  /** Clopper-Pearson interval of the hold rate at `confidence` (1 - alpha / judgedTogether) */
  ci: [number, number] | null;
  confidence: number;
  /** verdicts judged together (the multiplicity correction's k) */
  judgedTogether: number;
  /** inconclusive: further decisive units that would settle it at the observed rate */
  unitsToSettle: number | null;
  /** regimes drawn */
  runs: number;
  /** units (regime x seed) evaluated */
  units: number;
  decisive: number;
  counts: Record<Verdict, number>;
  /** paper tier: the units of each named preset */
  byPreset?: Record<string, { counts: Record<Verdict, number>; holdRate: number | null }>;
  /** joint claims: the judgement of each link over the same units */
  links?: Record<string, UnitJudgement>;
  /** derived claims: the claim it is implied by */
  derivedFrom?: string;
  /** with no decisive unit: the distinct notes of its regimes (e.g. the size an infeasible literal tier needs), at most 3 */
  notes?: string[];
  /** robustness tier: decisive units inside and outside the claim's hypotheses */
  byHypotheses: { inside: { holds: number; breaks: number }; outside: { holds: number; breaks: number } };
  counterexamples: Counterexample[];
  constants: Constants;
  settings: EngineSettings;
  profile: string;
  seed: number;
  backends: string[];
  /** CPU time summed over the evaluations (not wall time) */
  seconds: number;
}

export function emptyCounts(): Record<Verdict, number> {
  return Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
}

/** The units of a record: its own, or the record as one unit. */
export function unitsOf(r: Pick<RegimeRecord, 'units' | 'verdict' | 'margin' | 'regime' | 'note'>): Unit[] {
  if (r.units && r.units.length > 0) return r.units;
  const seed = typeof r.regime.seed === 'number' ? r.regime.seed : 0;
  return [{ seed, verdict: r.verdict, margin: r.margin, ...(r.note ? { note: r.note } : {}) }];
}

export function countVerdicts(units: readonly { verdict: Verdict }[]): Record<Verdict, number> {
  const counts = emptyCounts();
  for (const u of units) counts[u.verdict] = (counts[u.verdict] ?? 0) + 1;
  return counts;
}

export function decisiveCount(counts: Record<Verdict, number>): number {
  return DECISIVE.reduce((a, v) => a + counts[v], 0);
}

/** With no decisive unit: the most frequent other verdict (ties in VERDICTS order). */
function mostFrequentOther(counts: Record<Verdict, number>): Verdict {
  let best: Verdict = 'inconclusive', n = 0;
  for (const v of VERDICTS) if (!DECISIVE.includes(v) && counts[v] > n) [best, n] = [v, counts[v]];
  return best;
}

/** Judge a set of units (spec/claims.md: the claim's verdict over its units). */
export function judgeUnits(units: readonly { verdict: Verdict }[], settings: EngineSettings, judgedTogether = 1): UnitJudgement {
  const counts = countVerdicts(units);
  const decisive = decisiveCount(counts);
  const j = judgeHoldRate(counts.holds, decisive, settings.holdRateTarget, settings.alpha, judgedTogether);
  return { ...j, counts, claimVerdict: decisive === 0 ? mostFrequentOther(counts) : j.verdict };
}

/** The link judgements of a joint claim's units. */
function linkUnits(records: readonly RegimeRecord[], links: readonly string[]): Record<string, { verdict: Verdict }[]> {
  const out: Record<string, { verdict: Verdict }[]> = Object.fromEntries(links.map((l) => [l, []]));
  for (const r of records) for (const u of unitsOf(r)) for (const l of links) if (u.links?.[l]) out[l].push(u.links[l]);
  return out;
}

export interface SummaryInput {
  id: string; title: string; source: string; tier: Tier; links?: readonly string[]; derivedFrom?: string;
  /** 'scaling': every unit is a whole sweep judged by its own equivalence test (see judgeSweeps) */
  kind?: 'regime' | 'scaling';
  records: readonly RegimeRecord[]; counterexamples: Counterexample[];
  constants: Constants; settings: EngineSettings; profile: string; seed: number;
}

/**
 * A scaling-law claim's sweeps: each sweep is itself a test (the bootstrap interval of the fitted
 * exponent over its seeds against a band fixed before scoring), so the claim is an
 * intersection-union test over them: it holds when every decisive sweep holds (and one at least
 * does), breaks when a sweep's interval lies outside the band or its event is not reached, and is
 * inconclusive otherwise (more seeds per sweep narrow the intervals). The hold rate and its
 * interval are still reported.
 */
export function judgeSweeps(units: readonly { verdict: Verdict }[], settings: EngineSettings, judgedTogether = 1): UnitJudgement {
  const j = judgeUnits(units, settings, judgedTogether);
  const bad = j.counts.breaks + j.counts['not-reached'];
  const verdict: Verdict = j.decisive === 0 ? j.claimVerdict : bad > 0 ? 'breaks' : j.counts.holds === j.decisive ? 'holds' : 'inconclusive';
  return { ...j, verdict: verdict === 'holds' || verdict === 'breaks' ? verdict : 'inconclusive', claimVerdict: verdict, unitsToSettle: null };
}

/** A claim-tier summary from its run records (judged alone; judgeTogether applies the multiplicity correction). */
export function summarize(x: SummaryInput, judgedTogether = 1): ClaimSummary {
  const units = x.records.flatMap(unitsOf);
  const j = (x.kind === 'scaling' ? judgeSweeps : judgeUnits)(units, x.settings, judgedTogether);
  const out: ClaimSummary = {
    id: x.id, title: x.title, source: x.source, tier: x.tier,
    verdict: j.claimVerdict, holdRate: j.rate, ci: j.ci, confidence: j.confidence, judgedTogether,
    unitsToSettle: j.unitsToSettle, runs: x.records.length, units: units.length, decisive: j.decisive, counts: j.counts,
    byHypotheses: byHypotheses(x.records),
    counterexamples: x.counterexamples,
    constants: x.constants, settings: x.settings, profile: x.profile, seed: x.seed,
    backends: [...new Set(x.records.map((r) => r.backend))],
    seconds: x.records.reduce((a, r) => a + (r.cpuSeconds ?? r.seconds ?? 0), 0),
  };
  if (x.derivedFrom) out.derivedFrom = x.derivedFrom;
  if (j.decisive === 0) {
    const notes = [...new Set(x.records.map((r) => r.note).filter((n): n is string => typeof n === 'string' && n.length > 0))].slice(0, 3);
    if (notes.length) out.notes = notes;
  }
  if (x.tier === 'paper') {
    const byPreset: NonNullable<ClaimSummary['byPreset']> = {};
    for (const r of x.records) {
      const name = r.preset ?? '(none)';
      const counts = byPreset[name]?.counts ?? emptyCounts();
      for (const u of unitsOf(r)) counts[u.verdict]++;
      const d = decisiveCount(counts);
      byPreset[name] = { counts, holdRate: d === 0 ? null : counts.holds / d };
    }
    out.byPreset = byPreset;
  }
  if (x.links && x.links.length > 0) {
    const lu = linkUnits(x.records, x.links);
    out.links = Object.fromEntries(x.links.map((l) => [l, judgeUnits(lu[l], x.settings, judgedTogether)]));
  }
  return out;
}

/** How many verdicts a set of summaries judges: each summary and each link with a decisive unit. */
export function verdictsJudged(summaries: readonly ClaimSummary[]): number {
  let k = 0;
  for (const s of summaries) {
    if (s.decisive > 0) k++;
    for (const l of Object.values(s.links ?? {})) if (l.decisive > 0) k++;
  }
  return Math.max(1, k);
}

/**
 * Judge claim-tier summaries together: every interval at confidence 1 - alpha/k with k the
 * verdicts judged (Bonferroni, so the k intervals cover jointly with probability >= 1 - alpha).
 */
export function judgeTogether(inputs: readonly SummaryInput[]): ClaimSummary[] {
  const k = verdictsJudged(inputs.map((x) => summarize(x, 1)));
  return inputs.map((x) => summarize(x, k));
}

export function byHypotheses(records: readonly RegimeRecord[]): ClaimSummary['byHypotheses'] {
  const out = { inside: { holds: 0, breaks: 0 }, outside: { holds: 0, breaks: 0 } };
  for (const r of records) {
    for (const u of unitsOf(r)) {
      if (u.verdict === 'holds') out[r.hypotheses.holds ? 'inside' : 'outside'].holds++;
      else if (u.verdict === 'breaks' || u.verdict === 'not-reached') out[r.hypotheses.holds ? 'inside' : 'outside'].breaks++;
    }
  }
  return out;
}
