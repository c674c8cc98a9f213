import { describe, expect, it } from 'vitest';
import { bootstrap, equivalenceTest, jointEquivalence } from '../src/stats';
import { blockedLogFit, equivalenceHalfWidth } from '../src/claims/kit/scaling';

/** seeds of a synthetic sweep y = c_s x^b with seed-level noise in the exponent and point noise */
function synthetic(b: number, seeds: number, sdSlope: number, sdPoint: number) {
  let u = 12345;
  const rnd = () => ((u = (u * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: seeds }, (_, s) => {
    const bs = b + sdSlope * gauss();
    const xs = [10, 15, 22, 33, 50];
    return { seed: s + 1, x: xs.map((x) => [x]), y: xs.map((x) => (1 + s) * x ** bs * Math.exp(sdPoint * gauss())) };
  });
}

describe('bootstrap over seeds (src/stats/bootstrap.ts)', () => {
  it('known answer: the percentile and BCa intervals of a fitted exponent cover the true slope', () => {
    const blocks = synthetic(-0.5, 12, 0.03, 0.02);
    const stat = (s: readonly (typeof blocks)[number][]) => blockedLogFit(s)?.slopes[0] ?? null;
    for (const method of ['percentile', 'bca'] as const) {
      const r = bootstrap(blocks, stat, { seed: 7, confidence: 0.95, resamples: 1000, method })!;
      expect(r.method).toBe(method);
      const [c] = r.components;
      expect(c.ci[0]).toBeLessThan(-0.5);
      expect(c.ci[1]).toBeGreaterThan(-0.5);
      expect(c.ci[1] - c.ci[0]).toBeLessThan(0.15);
      expect(c.estimate).toBeGreaterThanOrEqual(c.ci[0] - 0.02);
    }
  });

  it('coverage over many synthetic data sets is near the nominal level', () => {
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      // a different data set per trial (shift the generator by drawing t sets first)
      const sets = synthetic(1, 10 * (t + 1), 0.05, 0.03);
      const blocks = sets.slice(10 * t, 10 * (t + 1));
      const r = bootstrap(blocks, (s) => blockedLogFit(s)?.slopes[0] ?? null, { seed: t + 1, confidence: 0.9, resamples: 400 })!;
      if (r.components[0].ci[0] <= 1 && r.components[0].ci[1] >= 1) covered++;
    }
    // percentile intervals with 10 units are somewhat liberal: accept 70%..100% for nominal 90%
    expect(covered / trials).toBeGreaterThan(0.7);
  });

  it('deterministic for a seed; another seed moves the endpoints only by Monte Carlo error', () => {
    const blocks = synthetic(-0.25, 8, 0.02, 0.02);
    const stat = (s: readonly (typeof blocks)[number][]) => blockedLogFit(s)?.slopes[0] ?? null;
    const a = bootstrap(blocks, stat, { seed: 11, confidence: 0.95, resamples: 800 })!;
    const b = bootstrap(blocks, stat, { seed: 11, confidence: 0.95, resamples: 800 })!;
    expect(b).toEqual(a);
    const c = bootstrap(blocks, stat, { seed: 12, confidence: 0.95, resamples: 800 })!;
    expect(Math.abs(c.components[0].ci[0] - a.components[0].ci[0])).toBeLessThan(0.02);
  });

  it('undefined statistics are counted; vectors get one interval per component; bad input throws', () => {
    const r = bootstrap([1, 2, 3, 4], (s) => (s.every((v) => v === s[0]) ? null : [Math.min(...s), Math.max(...s)]), { seed: 1, confidence: 0.9, resamples: 300 })!;
    expect(r.components.length).toBe(2);
    expect(r.failed).toBeGreaterThan(0);
    expect(r.resamples + r.failed).toBe(300);
    expect(bootstrap([], () => 1, { seed: 1, confidence: 0.9 })).toBeNull();
    expect(() => bootstrap([1], () => 1, { seed: 1, confidence: 1 })).toThrow();
  });
});

describe('equivalence test (src/stats/equivalence.ts)', () => {
  it('inside -> holds, outside -> breaks, straddling -> inconclusive, with a signed margin', () => {
    const inside = equivalenceTest([-0.55, -0.45], -0.5, 0.125);
    expect(inside.verdict).toBe('holds');
    expect(inside.margin).toBeCloseTo(0.075, 12);
    const outside = equivalenceTest([-0.3, -0.2], -0.5, 0.125);
    expect(outside.verdict).toBe('breaks');
    expect(outside.margin).toBeCloseTo(-0.075, 12);
    const below = equivalenceTest([-0.9, -0.7], -0.5, 0.125);
    expect(below.verdict).toBe('breaks');
    const straddle = equivalenceTest([-0.45, -0.35], -0.5, 0.125);
    expect(straddle.verdict).toBe('inconclusive');
    expect(straddle.margin).toBeLessThan(0);
    // an interval that contains the prediction but is wider than the band is inconclusive, not holds
    expect(equivalenceTest([-0.7, -0.3], -0.5, 0.125).verdict).toBe('inconclusive');
    // issue 7's case: [-0.489, -0.446] excludes -0.5 but lies inside -0.5 +- 0.125: holds under the pre-registered band
    expect(equivalenceTest([-0.489, -0.446], -0.5, 0.125).verdict).toBe('holds');
  });

  it('joint: holds only if all hold; breaks if any breaks', () => {
    const h = equivalenceTest([0.9, 1.1], 1, 0.25);
    const i = equivalenceTest([0.7, 1.1], 1, 0.25);
    const b = equivalenceTest([1.3, 1.5], 1, 0.25);
    expect(jointEquivalence([h, h]).verdict).toBe('holds');
    expect(jointEquivalence([h, i]).verdict).toBe('inconclusive');
    expect(jointEquivalence([h, i, b]).verdict).toBe('breaks');
    expect(jointEquivalence([h, b]).margin).toBeCloseTo(-0.05, 12);
  });

  it('the pre-registered band: 25% of |predicted|, an absolute band at 0', () => {
    expect(equivalenceHalfWidth(-0.5, 0.25, 0.125)).toBe(0.125);
    expect(equivalenceHalfWidth(1, 0.25, 0.125)).toBe(0.25);
    expect(equivalenceHalfWidth(0, 0.25, 0.125)).toBe(0.125);
  });
});
