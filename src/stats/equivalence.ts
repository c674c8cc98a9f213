/**
 * Equivalence test of a fitted quantity against a prediction (the interval-inclusion form of TOST,
 * Schuirmann 1987): with a band [predicted - halfWidth, predicted + halfWidth] fixed before scoring,
 * - holds: the confidence interval lies inside the band (the data show the quantity is within the band);
 * - breaks: the interval lies entirely outside the band (the data exclude every value in it);
 * - inconclusive: the interval straddles an edge of the band (too wide, or centred near an edge).
 * The margin is signed: the distance from the interval to the nearer band edge, > 0 inside
 * (holds), < 0 outside; for a straddling interval it is the (negative) overhang.
 */

export type EquivalenceVerdict = 'holds' | 'breaks' | 'inconclusive';

export interface EquivalenceResult {
  verdict: EquivalenceVerdict;
  margin: number;
  predicted: number;
  halfWidth: number;
  band: [number, number];
  ci: [number, number];
}

export function equivalenceTest(ci: readonly [number, number] | number[], predicted: number, halfWidth: number): EquivalenceResult {
  const [lo, hi] = ci;
  if (!(halfWidth >= 0)) throw new RangeError(`equivalenceTest: halfWidth must be >= 0 (got ${halfWidth})`);
  if (!(lo <= hi)) throw new RangeError(`equivalenceTest: interval [${lo}, ${hi}] is not ordered`);
  const bLo = predicted - halfWidth, bHi = predicted + halfWidth;
  let verdict: EquivalenceVerdict;
  let margin: number;
  if (hi < bLo || lo > bHi) {
    verdict = 'breaks';
    margin = -(hi < bLo ? bLo - hi : lo - bHi);
  } else {
    margin = Math.min(lo - bLo, bHi - hi);
    verdict = margin >= 0 ? 'holds' : 'inconclusive';
  }
  return { verdict, margin, predicted, halfWidth, band: [bLo, bHi], ci: [lo, hi] };
}

/**
 * Several equivalence tests judged together (e.g. the n and the d exponent of one boundary):
 * holds when every one holds (intersection-union), breaks when any breaks, else inconclusive;
 * the margin is the smallest.
 */
export function jointEquivalence(results: readonly EquivalenceResult[]): { verdict: EquivalenceVerdict; margin: number } {
  if (results.length === 0) throw new RangeError('jointEquivalence needs at least one test');
  const margin = Math.min(...results.map((r) => r.margin));
  const verdict: EquivalenceVerdict = results.some((r) => r.verdict === 'breaks') ? 'breaks' : results.every((r) => r.verdict === 'holds') ? 'holds' : 'inconclusive';
  return { verdict, margin };
}
