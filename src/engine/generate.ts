import fc from 'fast-check';
import type { Regime } from '../claims/types';

/**
 * The regime at a fast-check path: "i" is the i-th draw of the run with this seed, "i:j:k..." a
 * node of its shrink tree. This is fast-check's own replay mechanism (Hypothesis-style replayable
 * failures), so a printed (seed, path) pair reproduces the regime exactly.
 */
export function regimeAt(arb: fc.Arbitrary<Regime>, seed: number, path: string): Regime {
  let captured: Regime | undefined;
  fc.check(
    fc.property(arb, (v) => {
      captured ??= v;
      return true;
    }),
    { seed, path, numRuns: 1 },
  );
  if (captured === undefined) throw new Error(`no regime at seed ${seed} path ${path}`);
  return captured;
}
