import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  betaInv,
  binomialCdf,
  chiSquareCdf,
  clopperPearson,
  exponentConsistent,
  holdRateSummary,
  holm,
  holmReject,
  linearFit,
  normalCdf,
  normalInv,
  pairedTTest,
  powerLawFit,
  signTest,
  studentTCdf,
  studentTInv,
  wilcoxonSignedRank,
  wilson,
} from '../src/stats';

// R's `sleep` data set (extra sleep, two drugs, same 10 patients).
const SLEEP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// Hollander & Wolfe depression data, the example of R's ?wilcox.test.
const HW_X = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

// R's `cars` data set.
const SPEED = [4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25];
const DIST = [2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85];

// Shrinking failures over arrays of doubles can take very long: bound each property's run time.
fc.configureGlobal({ interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true });

// Paired samples as an array of tuples (fc.chain on a length would make shrinking explode).
const pairs = (minLength: number, maxLength: number) =>
  fc
    .array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })), {
      minLength,
      maxLength,
    })
    .map((ts): [number[], number[]] => [ts.map((t) => t[0]), ts.map((t) => t[1])]);

// jStat's special functions are accurate to roughly 1e-7 relative, so reference values are compared
// to 5-9 decimals depending on the quantity.
describe('jstat wrapper', () => {
  it('matches R quantiles and cdfs', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalInv(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalCdf(12, 10, 2)).toBeCloseTo(0.8413447460685429, 9);
    expect(studentTInv(0.975, 9)).toBeCloseTo(2.262157162798205, 7);
    expect(studentTCdf(2.1, 9)).toBeCloseTo(0.967440858793924, 9);
    expect(studentTCdf(-1.5, Infinity)).toBeCloseTo(normalCdf(-1.5), 12);
    expect(studentTInv(0.9, Infinity)).toBeCloseTo(normalInv(0.9), 12);
    expect(studentTInv(0.975, 1e9)).toBeCloseTo(1.959963986912325, 8);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTInv(0, 3)).toBe(-Infinity);
    expect(betaInv(0.025, 7, 14)).toBeCloseTo(0.1539092047845412, 9);
    expect(chiSquareCdf(3.84, 1)).toBeCloseTo(0.9499564787512949, 9);
    expect(chiSquareCdf(10, 4)).toBeCloseTo(0.9595723180054873, 9);
    expect(chiSquareCdf(0, 3)).toBe(0);
  });

  it('binomial cdf keeps small tails and handles edges', () => {
    expect(binomialCdf(3, 10, 0.3)).toBeCloseTo(0.6496107184, 9);
    // pbinom(2, 30, 0.5) = 4.339963e-07: relative accuracy, not rounded to 1e-10.
    expect(binomialCdf(2, 30, 0.5) / 4.33996319770813e-7).toBeCloseTo(1, 8);
    expect(binomialCdf(0, 40, 0.5) / 0.5 ** 40).toBeCloseTo(1, 8);
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialCdf(3, 10, 0)).toBe(1);
    expect(binomialCdf(3, 10, 1)).toBe(0);
  });
});

describe('proportion intervals', () => {
  it('clopperPearson matches binom.test', () => {
    const ci = clopperPearson(7, 20);
    expect(ci.lo).toBeCloseTo(0.1539092, 7);
    expect(ci.hi).toBeCloseTo(0.5921885, 7);
    expect(clopperPearson(0, 10)).toEqual({ lo: 0, hi: expect.closeTo(0.3084971, 7) });
    expect(clopperPearson(10, 10)).toEqual({ lo: expect.closeTo(0.6915029, 7), hi: 1 });
    expect(clopperPearson(0, 0)).toEqual({ lo: 0, hi: 1 });
    const ci99 = clopperPearson(3, 50, 0.99);
    expect(ci99.lo).toBeCloseTo(0.006872485332949589, 8);
    expect(ci99.hi).toBeCloseTo(0.20270626946868844, 8);
  });

  it('wilson matches prop.test(correct = FALSE)', () => {
    const ci = wilson(7, 20);
    expect(ci.lo).toBeCloseTo(0.1811918, 7);
    expect(ci.hi).toBeCloseTo(0.5671457, 7);
    expect(wilson(0, 10)).toEqual({ lo: 0, hi: expect.closeTo(0.2775328, 7) });
    expect(wilson(10, 10)).toEqual({ lo: expect.closeTo(0.7224672, 7), hi: 1 });
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1 });
  });

  it('rejects invalid counts', () => {
    expect(() => clopperPearson(5, 4)).toThrow(RangeError);
    expect(() => clopperPearson(-1, 4)).toThrow(RangeError);
    expect(() => wilson(1.5, 4)).toThrow(RangeError);
    expect(() => clopperPearson(1, 4, 1)).toThrow(RangeError);
    expect(() => holdRateSummary(3, -1)).toThrow(RangeError);
  });

  it('holdRateSummary reports rate, exact interval and n', () => {
    expect(holdRateSummary(7, 13)).toEqual({ rate: 0.35, ci: clopperPearson(7, 20), n: 20 });
    expect(holdRateSummary(0, 0)).toEqual({ rate: 0, ci: { lo: 0, hi: 1 }, n: 0 });
  });

  it('intervals contain the estimate, nest by confidence, and Wilson bounds solve the score equation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, u) => {
        const x = Math.min(n, Math.floor(u * (n + 1)));
        const p = x / n;
        for (const ci of [clopperPearson(x, n), wilson(x, n)]) {
          expect(ci.lo).toBeGreaterThanOrEqual(0);
          expect(ci.hi).toBeLessThanOrEqual(1);
          expect(ci.lo).toBeLessThanOrEqual(p + 1e-12);
          expect(ci.hi).toBeGreaterThanOrEqual(p - 1e-12);
        }
        const wide = clopperPearson(x, n, 0.99);
        const narrow = clopperPearson(x, n, 0.9);
        expect(wide.lo).toBeLessThanOrEqual(narrow.lo + 1e-12);
        expect(wide.hi).toBeGreaterThanOrEqual(narrow.hi - 1e-12);
        const w = wilson(x, n);
        // At an interior Wilson bound pi, |p - pi| / sqrt(pi (1 - pi) / n) = z.
        if (x > 0) expect(Math.abs(p - w.lo) / Math.sqrt((w.lo * (1 - w.lo)) / n)).toBeCloseTo(normalInv(0.975), 6);
      }),
    );
  });

  it('Clopper-Pearson bounds are the binomial tail inversions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, u) => {
        const x = Math.min(n, Math.floor(u * (n + 1)));
        const { lo, hi } = clopperPearson(x, n);
        if (x > 0) expect(1 - binomialCdf(x - 1, n, lo)).toBeCloseTo(0.025, 7);
        if (x < n) expect(binomialCdf(x, n, hi)).toBeCloseTo(0.025, 7);
      }),
    );
  });
});

describe('pairedTTest', () => {
  it('matches t.test(sleep, paired = TRUE)', () => {
    const r = pairedTTest(SLEEP1, SLEEP2, 'two-sided');
    expect(r.statistic).toBeCloseTo(-4.062127683382037, 9);
    expect(r.df).toBe(9);
    expect(r.pValue).toBeCloseTo(0.002832890197384273, 9);
    expect(r.meanDiff).toBeCloseTo(-1.58, 12);
    expect(r.ci[0]).toBeCloseTo(-2.459885763276983, 8);
    expect(r.ci[1]).toBeCloseTo(-0.7001142367230175, 8);

    const less = pairedTTest(SLEEP1, SLEEP2, 'less');
    expect(less.pValue).toBeCloseTo(0.0014164450986921364, 9);
    expect(less.ci[0]).toBe(-Infinity);
    expect(less.ci[1]).toBeCloseTo(-0.8669947329707163, 8);

    const greater = pairedTTest(SLEEP1, SLEEP2, 'greater');
    expect(greater.pValue).toBeCloseTo(1 - 0.0014164450986921364, 9);
    expect(greater.ci[1]).toBe(Infinity);
  });

  it('defaults to two-sided, 95%', () => {
    expect(pairedTTest(SLEEP1, SLEEP2)).toEqual(pairedTTest(SLEEP1, SLEEP2, 'two-sided', 0.95));
  });

  it('handles degenerate inputs without NaN', () => {
    for (const alt of ['less', 'greater', 'two-sided'] as const) {
      expect(pairedTTest([], [], alt)).toEqual({ statistic: 0, df: 0, pValue: 1, meanDiff: 0, ci: [-Infinity, Infinity] });
      expect(pairedTTest([2], [1], alt)).toEqual({ statistic: 0, df: 0, pValue: 1, meanDiff: 1, ci: [-Infinity, Infinity] });
      const zero = pairedTTest([1, 2, 3], [1, 2, 3], alt);
      expect(zero.statistic).toBe(0);
      expect(zero.pValue).toBe(1);
      expect(zero.meanDiff).toBe(0);
    }
    expect(pairedTTest([1, 2, 3], [1, 2, 3]).ci).toEqual([0, 0]);
    // Constant non-zero differences: infinitely strong evidence in their direction only.
    const shift = pairedTTest([1, 2, 3], [2, 3, 4], 'less');
    expect(shift.statistic).toBe(-Infinity);
    expect(shift.pValue).toBe(0);
    expect(pairedTTest([1, 2, 3], [2, 3, 4], 'greater').pValue).toBe(1);
    expect(pairedTTest([1, 2, 3], [2, 3, 4], 'two-sided').pValue).toBe(0);
  });

  it('rejects mismatched or non-finite input', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedTTest([1, NaN], [1, 2])).toThrow(RangeError);
    expect(() => pairedTTest([1, Infinity], [1, 2])).toThrow(RangeError);
  });

  it('p-values are valid, one-sided ones sum to 1, and the CI agrees with the test', () => {
    fc.assert(
      fc.property(pairs(0, 30), ([a, b]) => {
        const two = pairedTTest(a, b, 'two-sided');
        const less = pairedTTest(a, b, 'less');
        const greater = pairedTTest(a, b, 'greater');
        for (const r of [two, less, greater]) {
          expect(Number.isNaN(r.pValue) || Number.isNaN(r.statistic) || Number.isNaN(r.meanDiff)).toBe(false);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          expect(r.ci[0]).toBeLessThanOrEqual(r.meanDiff);
          expect(r.ci[1]).toBeGreaterThanOrEqual(r.meanDiff);
        }
        if (a.length >= 2 && Number.isFinite(two.statistic) && two.statistic !== 0) {
          expect(less.pValue + greater.pValue).toBeCloseTo(1, 6);
          expect(two.pValue).toBeCloseTo(Math.min(1, 2 * Math.min(less.pValue, greater.pValue)), 12);
          // 0 outside the two-sided 95% CI  <=>  p < 0.05 (away from the boundary).
          if (Math.abs(two.pValue - 0.05) > 1e-6) expect(two.ci[0] > 0 || two.ci[1] < 0).toBe(two.pValue < 0.05);
        }
      }),
    );
  });
});

describe('wilcoxonSignedRank', () => {
  it('matches the exact example of ?wilcox.test', () => {
    const greater = wilcoxonSignedRank(HW_X, HW_Y, 'greater');
    expect(greater).toEqual({ statistic: 40, pValue: 10 / 512, n: 9, exact: true });
    expect(wilcoxonSignedRank(HW_X, HW_Y, 'two-sided').pValue).toBeCloseTo(20 / 512, 14);
    expect(wilcoxonSignedRank(HW_X, HW_Y, 'less').pValue).toBeCloseTo(505 / 512, 14);
  });

  it('exact distribution by hand for n = 3', () => {
    // Subset sums of {1,2,3}: 0,1,2,3,3,4,5,6.
    expect(wilcoxonSignedRank([1, 2, 3], [0, 0, 0], 'greater')).toEqual({ statistic: 6, pValue: 1 / 8, n: 3, exact: true });
    expect(wilcoxonSignedRank([1, 2, 3], [0, 0, 0], 'two-sided').pValue).toBe(1 / 4);
    expect(wilcoxonSignedRank([1, -2, 3], [0, 0, 0], 'greater')).toEqual({ statistic: 4, pValue: 3 / 8, n: 3, exact: true });
    expect(wilcoxonSignedRank([-1, 2, -3], [0, 0, 0], 'less').pValue).toBe(3 / 8);
  });

  it('uses the normal approximation with ties and zeros (sleep data)', () => {
    // R: V = 0, p-value = 0.009091 (with "cannot compute exact p-value with ties/zeroes").
    const r = wilcoxonSignedRank(SLEEP1, SLEEP2, 'two-sided');
    expect(r.statistic).toBe(0);
    expect(r.n).toBe(9);
    expect(r.exact).toBe(false);
    expect(r.pValue).toBeCloseTo(0.009090698015925044, 9);
    expect(wilcoxonSignedRank(SLEEP1, SLEEP2, 'less').pValue).toBeCloseTo(0.004545349007962522, 9);
  });

  it('uses the normal approximation for n > 25', () => {
    const a = Array.from({ length: 30 }, (_, i) => i + 1);
    const r = wilcoxonSignedRank(a, new Array(30).fill(0), 'greater');
    expect(r.statistic).toBe(465);
    expect(r.exact).toBe(false);
    expect(r.pValue / 9.126857281806037e-7).toBeCloseTo(1, 6);
  });

  it('handles degenerate inputs', () => {
    for (const alt of ['less', 'greater', 'two-sided'] as const) {
      expect(wilcoxonSignedRank([], [], alt).pValue).toBe(1);
      expect(wilcoxonSignedRank([1, 2], [1, 2], alt)).toMatchObject({ statistic: 0, pValue: 1, n: 0 });
    }
    expect(wilcoxonSignedRank([2], [1], 'two-sided').pValue).toBe(1);
    expect(wilcoxonSignedRank([2], [1], 'greater').pValue).toBe(0.5);
    expect(wilcoxonSignedRank([2, 3, 4], [1, 2, 3], 'greater').pValue).toBeGreaterThan(0);
    expect(() => wilcoxonSignedRank([1], [1, 2])).toThrow(RangeError);
  });

  it('statistic and p-values are consistent', () => {
    fc.assert(
      fc.property(pairs(0, 40), ([a, b]) => {
        const two = wilcoxonSignedRank(a, b, 'two-sided');
        const less = wilcoxonSignedRank(a, b, 'less');
        const greater = wilcoxonSignedRank(a, b, 'greater');
        expect(two.statistic).toBeGreaterThanOrEqual(0);
        expect(two.statistic).toBeLessThanOrEqual((two.n * (two.n + 1)) / 2);
        for (const r of [two, less, greater]) {
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        }
        if (two.n > 0) expect(two.pValue).toBeCloseTo(Math.min(1, 2 * Math.min(less.pValue, greater.pValue)), 12);
        // Swapping the samples mirrors V and the one-sided p-values.
        const swapped = wilcoxonSignedRank(b, a, 'greater');
        expect(swapped.statistic).toBeCloseTo((two.n * (two.n + 1)) / 2 - two.statistic, 9);
        expect(swapped.pValue).toBeCloseTo(less.pValue, 12);
      }),
    );
  });
});

describe('signTest', () => {
  it('matches binom.test', () => {
    const a = [1, 1, 1, 1, 1, 1, 1, 1, -1, -1, 0];
    const b = new Array(11).fill(0);
    expect(signTest(a, b, 'two-sided')).toEqual({ statistic: 8, pValue: expect.closeTo(0.109375, 12), n: 10 });
    expect(signTest(a, b, 'greater').pValue).toBeCloseTo(0.0546875, 12);
    expect(signTest(a, b, 'less').pValue).toBeCloseTo(1013 / 1024, 12);
    const c = [...new Array(2).fill(1), ...new Array(28).fill(-1)];
    expect(signTest(c, new Array(30).fill(0), 'two-sided').pValue / 8.67992639541626e-7).toBeCloseTo(1, 8);
    expect(signTest(c, new Array(30).fill(0), 'less').pValue / 4.33996319770813e-7).toBeCloseTo(1, 8);
  });

  it('handles degenerate inputs', () => {
    expect(signTest([], [], 'less')).toEqual({ statistic: 0, pValue: 1, n: 0 });
    expect(signTest([3, 3], [3, 3], 'greater')).toEqual({ statistic: 0, pValue: 1, n: 0 });
    expect(signTest([4], [3], 'two-sided')).toEqual({ statistic: 1, pValue: 1, n: 1 });
    expect(signTest([4], [3], 'greater').pValue).toBeCloseTo(0.5, 7);
  });

  it('one-sided p-values overlap by exactly P(X = k)', () => {
    fc.assert(
      fc.property(pairs(1, 60), ([a, b]) => {
        const less = signTest(a, b, 'less');
        const greater = signTest(a, b, 'greater');
        if (less.n === 0) return;
        const pk = binomialCdf(less.statistic, less.n, 0.5) - binomialCdf(less.statistic - 1, less.n, 0.5);
        expect(less.pValue + greater.pValue - pk).toBeCloseTo(1, 7);
      }),
    );
  });
});

describe('holm', () => {
  it('matches p.adjust(..., "holm")', () => {
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 14));
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
    expect(holm([0.2])).toEqual([0.2]);
    expect(holmReject([0.01, 0.04, 0.03, 0.005], 0.05)).toEqual([true, false, false, true]);
    expect(holmReject([0.01, 0.04, 0.03, 0.005])).toEqual([true, false, false, true]);
  });

  it('rejects invalid p-values', () => {
    expect(() => holm([0.1, NaN])).toThrow(RangeError);
    expect(() => holm([1.2])).toThrow(RangeError);
    expect(() => holm([-0.1])).toThrow(RangeError);
  });

  it('is >= raw, <= Bonferroni, capped at 1 and monotone in the raw p-values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (p) => {
        const adj = holm(p);
        expect(adj).toHaveLength(p.length);
        adj.forEach((q, i) => {
          expect(q).toBeGreaterThanOrEqual(p[i]);
          expect(q).toBeLessThanOrEqual(Math.min(1, p.length * p[i]) + 1e-15);
          expect(q).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j++) if (p[j] <= p[i]) expect(adj[j]).toBeLessThanOrEqual(q);
        });
        const rejected = holmReject(p, 0.05);
        // Holm rejects at least what Bonferroni rejects.
        p.forEach((pi, i) => {
          if (pi * p.length <= 0.05) expect(rejected[i]).toBe(true);
        });
      }),
    );
  });
});

describe('linearFit', () => {
  it('matches lm(dist ~ speed, cars) and confint', () => {
    const fit = linearFit(SPEED, DIST);
    expect(fit.n).toBe(50);
    expect(fit.slope).toBeCloseTo(3.9324087591240864, 10);
    expect(fit.intercept).toBeCloseTo(-17.579094890510937, 10);
    expect(fit.slopeCi[0]).toBeCloseTo(3.096964328140321, 6);
    expect(fit.slopeCi[1]).toBeCloseTo(4.767853190107852, 6);
    expect(fit.interceptCi[0]).toBeCloseTo(-31.16784960238864, 5);
    expect(fit.interceptCi[1]).toBeCloseTo(-3.990340178633236, 5);
    expect(fit.r2).toBeCloseTo(0.6510793807582504, 10);
    expect(fit.residualSe).toBeCloseTo(15.379586748819905, 9);
    const fit90 = linearFit(SPEED, DIST, 0.9);
    expect(fit90.slopeCi[0]).toBeGreaterThan(fit.slopeCi[0]);
    expect(fit90.slopeCi[1]).toBeLessThan(fit.slopeCi[1]);
  });

  it('recovers exact lines with zero-width intervals', () => {
    const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.slopeCi[1] - fit.slopeCi[0]).toBeLessThan(1e-9);
    expect(linearFit([1, 2, 3], [4, 4, 4])).toMatchObject({ slope: 0, intercept: 4, r2: 1, residualSe: 0 });
  });

  it('rejects unusable input', () => {
    expect(() => linearFit([1, 2], [1, 2])).toThrow(RangeError);
    expect(() => linearFit([1, 1, 1], [1, 2, 3])).toThrow(RangeError);
    expect(() => linearFit([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => linearFit([1, 2, NaN], [1, 2, 3])).toThrow(RangeError);
  });

  it('CIs contain the estimates and r2 lies in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true })), {
          minLength: 3,
          maxLength: 40,
        }),
        (pts) => {
          const x = pts.map((p) => p[0]);
          const y = pts.map((p) => p[1]);
          const xMean = x.reduce((s, v) => s + v, 0) / x.length;
          fc.pre(x.some((v) => Math.abs(v - xMean) > 1e-6));
          const fit = linearFit(x, y);
          expect(fit.slopeCi[0]).toBeLessThanOrEqual(fit.slope);
          expect(fit.slopeCi[1]).toBeGreaterThanOrEqual(fit.slope);
          expect(fit.interceptCi[0]).toBeLessThanOrEqual(fit.intercept);
          expect(fit.interceptCi[1]).toBeGreaterThanOrEqual(fit.intercept);
          expect(fit.r2).toBeGreaterThanOrEqual(0);
          expect(fit.r2).toBeLessThanOrEqual(1 + 1e-12);
          expect(exponentConsistent(fit, fit.slope)).toBe(true);
        },
      ),
    );
  });
});

describe('powerLawFit and exponentConsistent', () => {
  it('recovers an exact power law and drops non-positive points', () => {
    const x = [1, 2, 4, 8, 16, 0, -3, 5];
    const y = x.map((v) => 3 * v ** -0.5);
    y[7] = 0;
    const fit = powerLawFit(x, y);
    expect(fit.dropped).toBe(3);
    expect(fit.n).toBe(5);
    expect(fit.slope).toBeCloseTo(-0.5, 12);
    expect(Math.exp(fit.intercept)).toBeCloseTo(3, 12);
    expect(exponentConsistent(fit, -0.5)).toBe(true);
    expect(exponentConsistent(fit, -0.49)).toBe(false);
  });

  it('equals linearFit on logs', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [2.1, 3.9, 6.2, 7.8, 10.3, 11.7];
    const fit = powerLawFit(x, y, 0.9);
    expect(fit).toEqual({ ...linearFit(x.map(Math.log), y.map(Math.log), 0.9), dropped: 0 });
    expect(exponentConsistent(fit, 1)).toBe(true);
    expect(exponentConsistent(fit, 2)).toBe(false);
  });

  it('throws when fewer than 3 usable points remain', () => {
    expect(() => powerLawFit([1, 2, 0], [1, 2, 3])).toThrow(RangeError);
  });

  it('a noisy power law with known exponent is usually consistent', () => {
    // Deterministic pseudo-noise (LCG) so the test is reproducible.
    let state = 12345;
    const noise = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return (state / 2 ** 31 - 0.5) * 0.1;
    };
    let consistent = 0;
    for (let rep = 0; rep < 200; rep++) {
      const x = [10, 20, 40, 80, 160, 320, 640];
      const y = x.map((v) => 5 * v ** -0.75 * Math.exp(noise()));
      if (exponentConsistent(powerLawFit(x, y), -0.75)) consistent++;
    }
    expect(consistent).toBeGreaterThanOrEqual(180);
  });
});
