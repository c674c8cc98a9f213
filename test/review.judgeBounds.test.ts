// The review's paired margins and tolerances (src/review/judge.ts) on an unconditional interval, and
// diverged runs never counting as evidence for a row.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { equivalent, notWorse, beats } from '../src/review/judge';
import { judgePart } from '../src/review/procedures/compare';
import { pairedDifferenceBounds, pairedProportions } from '../src/stats/pairedProportions';
import type { TrainResult } from '../src/training/train';
import type { CatalogueRow } from '../src/review/types';

/** A run as the judging rules see it: its misclassified test points and whether it diverged. */
function run(wrong: number[], nTest: number, divergedAt: number | null = null): TrainResult {
  return {
    config: { nTest },
    final: { testError: wrong.length / nTest, trainLoss: 0.1, diverged: divergedAt === null ? null : { step: divergedAt, loss: NaN, reason: 'nan' }, perSample: { testWrong: wrong } },
  } as unknown as TrainResult;
}

describe('pairedDifferenceBounds', () => {
  it('is not [0, 0] without discordant points, and wider than the conditional interval', () => {
    const [lo, hi] = pairedDifferenceBounds(0, 0, 2000, 0.95);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    const cond = pairedProportions(10, 0, 2000, 0.95).ci;
    const unc = pairedDifferenceBounds(10, 0, 2000, 0.95);
    expect(unc[1]).toBeGreaterThan(cond[1]);
    expect(unc[0]).toBeLessThanOrEqual(cond[0]);
  });

  it('passes an equivalence test at most ~alpha/2 of the time when the true difference is at the tolerance', () => {
    // p_b = 0.02, p_c = 0: err_1 - err_2 = 0.02 exactly, the tolerance; n = 2000 (the conditional
    // interval passed this 56% of the time)
    const rng = seedrandom('bounds');
    const n = 2000, trials = 400;
    let pass = 0;
    for (let t = 0; t < trials; t++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (rng() < 0.02) b++;
      const [lo, hi] = pairedDifferenceBounds(b, 0, n, 0.95);
      if (lo >= -0.02 && hi <= 0.02) pass++;
    }
    expect(pass / trials).toBeLessThan(0.05);
  });
});

describe('review judging with diverged runs', () => {
  const n = 100;
  const allWrong = Array.from({ length: n }, (_, i) => i);

  it('two diverged runs are not "equivalent", and a diverged run is neither "not worse" nor "beats"', () => {
    expect(equivalent(run(allWrong, n, 5), run(allWrong, n, 7), 0.02)).toBe(false);
    expect(notWorse(run([], n, 5), run(allWrong, n), 0.01)).toBe(false);
    expect(beats(run([], n, 5), run(allWrong, n))).toBe(false);
    // the same pair without divergence: clearly better
    expect(beats(run([], n), run(allWrong, n))).toBe(true);
  });

  it('a diverged run never reaches an accuracy level', () => {
    const row = { row: 99, paper: 'A', levels: { high: 0.9 } } as unknown as CatalogueRow;
    // stopped for an exploding (finite) loss with a good accuracy at the stopping step
    const runs = { x: Array.from({ length: 8 }, () => run([], n, 10)) };
    const part = judgePart(row, { name: 'x high', said: 'x reaches 0.9', rule: 'atLeast', run: 'x', level: 'high' } as never, runs, 1);
    expect(part.holds).toBe(0);
  });
});
