/**
 * The claim-level verdict rule (spec/claims.md): over a claim's units in one tier, the hold rate is
 * holds / (holds + breaks + not-reached). With k verdicts judged together (Bonferroni: each interval
 * at confidence 1 - alpha/k, so all k cover jointly with probability >= 1 - alpha), the claim
 * `holds` when the lower Clopper-Pearson bound reaches the target, `breaks` when the upper bound is
 * below it, and is `inconclusive` otherwise, with the number of further decisive units that would
 * settle it if the observed rate persisted.
 */
import { clopperPearson } from './proportion';
import type { EquivalenceVerdict } from './equivalence';

export type RateVerdict = EquivalenceVerdict;

export interface HoldRateJudgement {
  holds: number;
  decisive: number;
  rate: number | null;
  /** the interval the verdict uses, at confidence 1 - alpha / judgedTogether */
  ci: [number, number] | null;
  confidence: number;
  verdict: RateVerdict;
  /** inconclusive only: further decisive units that would settle it at the observed rate (null: never, the rate equals the target) */
  unitsToSettle: number | null;
}

function decide(holds: number, n: number, target: number, confidence: number): RateVerdict {
  if (n === 0) return 'inconclusive';
  const ci = clopperPearson(holds, n, confidence);
  if (ci.lo >= target) return 'holds';
  if (ci.hi < target) return 'breaks';
  return 'inconclusive';
}

/** Smallest extra u such that n + u units at the observed rate decide (null when none up to 1e7). */
export function unitsToSettle(holds: number, n: number, target: number, confidence: number): number | null {
  if (n === 0) return null;
  const rate = holds / n;
  if (rate === target) return null;
  const decidedAt = (u: number) => {
    const N = n + u;
    // the observed rate carried forward, rounded towards the target (the conservative side)
    const h = rate > target ? Math.floor(rate * N + 1e-9) : Math.ceil(rate * N - 1e-9);
    return decide(Math.min(N, Math.max(0, h)), N, target, confidence) !== 'inconclusive';
  };
  if (decidedAt(0)) return 0;
  let hi = 1;
  while (!decidedAt(hi)) {
    hi *= 2;
    if (hi > 1e7) return null;
  }
  let lo = Math.floor(hi / 2);
  // decidedAt is monotone in u up to rounding of h; find the first u that decides
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (decidedAt(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function judgeHoldRate(holds: number, decisive: number, target: number, alpha: number, judgedTogether = 1): HoldRateJudgement {
  const confidence = 1 - alpha / Math.max(1, judgedTogether);
  if (decisive === 0) return { holds, decisive, rate: null, ci: null, confidence, verdict: 'inconclusive', unitsToSettle: null };
  const ci = clopperPearson(holds, decisive, confidence);
  const verdict = decide(holds, decisive, target, confidence);
  return {
    holds, decisive, rate: holds / decisive, ci: [ci.lo, ci.hi], confidence, verdict,
    unitsToSettle: verdict === 'inconclusive' ? unitsToSettle(holds, decisive, target, confidence) : 0,
  };
}
