import { claimContext } from '../claims/context';
import type { Claim } from '../claims/types';
import { regimeAt } from '../engine/generate';
import { CheckOptions, evaluateRecord } from '../engine/check';
import { ClaimSummary, judgeUnits, RegimeRecord, unitsOf } from '../engine/summary';
import type { CrossRegionCell, CrossRegionMatrix } from '../report/model';

/**
 * The cross-region matrix of a paper (spec/claims.md, joint claims): each claim's predicate
 * evaluated in every other claim's working region. Row X, column Y: regimes drawn from Y's working
 * region, evaluated by X with robustness-tier semantics (X's own hypotheses are reported, not
 * enforced). The diagonal is X's own working tier. Links of a paper's chain that hold only in
 * disjoint regions show up as a diagonal of holds with breaks off it.
 */
export type CrossRegionOptions = Pick<CheckOptions, 'runs' | 'seed' | 'profile' | 'engine' | 'pool' | 'store' | 'progress'> & {
  /** sharded runs: evaluate only the (cell, run) indices, cell-major, this returns true for */
  select?: (index: number) => boolean;
};

/** The claims of a paper that take part: single regime claims with a working region (no joint or derived claims). */
export function crossRegionClaims(claims: readonly Claim[], paper: string): Claim[] {
  return claims.filter((c) => c.source.paper === paper && c.kind === 'regime' && !c.links && !c.derivedFrom && c.tiers.includes('working'));
}

export function crossRegionUnits(claims: readonly Claim[], runs: number): number {
  const n = claims.length;
  return n * (n - 1) * runs;
}

function cell(claim: string, region: string, records: readonly RegimeRecord[], o: CrossRegionOptions): CrossRegionCell {
  const units = records.flatMap(unitsOf);
  const j = judgeUnits(units, o.profile.settings, 1);
  return { claim, region, counts: j.counts, holdRate: j.rate, ci: j.ci, verdict: j.claimVerdict, units: units.length };
}

/** The diagonal from the claims' own working-tier summaries (judged with the run's correction). */
export function withDiagonal(m: CrossRegionMatrix, own: readonly ClaimSummary[]): CrossRegionMatrix {
  return {
    ...m,
    cells: m.cells.map((c) => {
      if (c.claim !== c.region) return c;
      const s = own.find((x) => x.id === c.claim && x.tier === 'working');
      return s ? { ...c, counts: s.counts, holdRate: s.holdRate, ci: s.ci, verdict: s.verdict, units: s.units } : c;
    }),
  };
}

/** The off-diagonal cells (the diagonal is left 'not run' until withDiagonal fills it). */
export async function crossRegionMatrix(paper: string, claims: readonly Claim[], o: CrossRegionOptions): Promise<CrossRegionMatrix> {
  const pairs = claims.flatMap((x) => claims.map((y) => [x, y] as const));
  const cells = await Promise.all(pairs.map(async ([x, y], cellIndex): Promise<CrossRegionCell> => {
    if (x.id === y.id) return { claim: x.id, region: y.id, counts: {}, holdRate: null, ci: null, verdict: 'not run', units: 0 };
    // Y's working-region draws, handed to X as robustness-tier regimes (same store keys as X's own robustness runs)
    const yCtx = claimContext(y, o.profile);
    const regimes = Array.from({ length: o.runs }, (_, i) => regimeAt(y.regimes('working', yCtx), o.seed, String(i)));
    const records: RegimeRecord[] = [];
    for (const [i, regime] of regimes.entries()) {
      if (!(o.select?.(cellIndex * o.runs + i) ?? true)) continue;
      const { record } = await evaluateRecord(x, regime, `cross:${y.id}:${i}`, 'cross', { ...o, tier: 'robustness' });
      o.progress?.tick(1, `cross-region ${x.id} in ${y.id}'s region ${record.verdict}`);
      records.push(record);
    }
    return cell(x.id, y.id, records, o);
  }));
  return { paper, claims: claims.map((c) => c.id), cells };
}

