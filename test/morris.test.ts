import { describe, expect, it } from 'vitest';
import {
  MorrisFactor,
  MorrisProblem,
  MorrisResult,
  MorrisSample,
  mapUnitToFactor,
  morrisAnalyze,
  morrisDesignSize,
  morrisSample,
  validateMorrisProblem,
} from '../src/analysis/morris';

type Params = Record<string, number>;

const unitFactors = (...names: string[]): MorrisFactor[] =>
  names.map((name) => ({ name, lo: 0, hi: 1, scale: 'linear' as const }));

function run(
  problem: MorrisProblem,
  f: (x: Params) => number,
  trajectories: number,
  seed: string | number = 'test',
): { sample: MorrisSample; result: MorrisResult } {
  const sample = morrisSample(problem, { trajectories, seed });
  return { sample, result: morrisAnalyze(problem, sample, sample.points.map(f)) };
}

const stats = (result: MorrisResult, name: string) => {
  const found = result.factors.find((f) => f.name === name);
  if (!found) throw new Error(`no factor ${name}`);
  return found;
};

describe('morrisDesignSize', () => {
  it('is r (k + 1)', () => {
    expect(morrisDesignSize(3, 10)).toBe(40);
    expect(morrisDesignSize(1, 1)).toBe(2);
  });
});

describe('morrisSample', () => {
  const problem = unitFactors('a', 'b', 'c', 'd');

  it('builds one-at-a-time trajectories on the p-level grid', () => {
    for (const levels of [2, 4, 6]) {
      const sample = morrisSample(problem, { trajectories: 25, levels, seed: 1 });
      const delta = levels / (2 * (levels - 1));
      expect(sample.delta).toBeCloseTo(delta, 15);
      expect(sample.trajectories).toHaveLength(25);
      expect(sample.points).toHaveLength(morrisDesignSize(problem.length, 25));
      for (const tr of sample.trajectories) {
        expect(tr.unit).toHaveLength(problem.length + 1);
        for (const point of tr.unit) {
          for (const u of point) {
            expect(u).toBeGreaterThanOrEqual(0);
            expect(u).toBeLessThanOrEqual(1);
            const level = u * (levels - 1);
            expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-12);
          }
        }
        // Each step changes exactly its factor, by its signed delta; every factor moves once.
        expect(tr.steps.map((s) => s.factor).sort()).toEqual([0, 1, 2, 3]);
        tr.steps.forEach(({ factor, delta: step }, j) => {
          expect(Math.abs(step)).toBeCloseTo(delta, 15);
          for (let i = 0; i < problem.length; i++) {
            const diff = tr.unit[j + 1][i] - tr.unit[j][i];
            expect(diff).toBeCloseTo(i === factor ? step : 0, 12);
          }
        });
      }
    }
  });

  it('is deterministic for a seed and varies with it', () => {
    const a = morrisSample(problem, { trajectories: 10, seed: 'seed-1' });
    const b = morrisSample(problem, { trajectories: 10, seed: 'seed-1' });
    const c = morrisSample(problem, { trajectories: 10, seed: 'seed-2' });
    expect(b).toEqual(a);
    expect(c.trajectories).not.toEqual(a.trajectories);
  });

  it('uses both step directions and all base levels', () => {
    const sample = morrisSample(problem, { trajectories: 200, seed: 3 });
    const signs = new Set(sample.trajectories.flatMap((tr) => tr.steps.map((s) => Math.sign(s.delta))));
    expect(signs).toEqual(new Set([-1, 1]));
    const starts = new Set(sample.trajectories.map((tr) => tr.unit[0][0]));
    expect(starts).toEqual(new Set([0, 1 / 3, 2 / 3, 1]));
  });

  it('maps log, int and int-log scales onto the grid values', () => {
    const scaled: MorrisProblem = [
      { name: 'lr', lo: 1e-4, hi: 1e-1, scale: 'log' },
      { name: 'depth', lo: 1, hi: 10, scale: 'int' },
      { name: 'width', lo: 1, hi: 1000, scale: 'int-log' },
      { name: 'p', lo: -1, hi: 2, scale: 'linear' },
    ];
    const expected: Record<string, number[]> = {
      lr: [1e-4, 1e-3, 1e-2, 1e-1],
      depth: [1, 4, 7, 10],
      width: [1, 10, 100, 1000],
      p: [-1, 0, 1, 2],
    };
    const sample = morrisSample(scaled, { trajectories: 30, seed: 'scales' });
    for (const tr of sample.trajectories) {
      tr.unit.forEach((point, j) => {
        scaled.forEach((factor, i) => {
          const want = expected[factor.name][Math.round(point[i] * 3)];
          const got = tr.params[j][factor.name];
          if (factor.scale === 'log') expect(Math.abs(got / want - 1)).toBeLessThan(1e-12);
          else if (factor.scale === 'linear') expect(got).toBeCloseTo(want, 12);
          else expect(got).toBe(want);
        });
      });
    }
    // Log scale: the midpoint in unit coordinates is the geometric mean, and end points are exact.
    const lr = scaled[0];
    expect(mapUnitToFactor(lr, 0.5)).toBeCloseTo(Math.sqrt(1e-4 * 1e-1), 15);
    expect(mapUnitToFactor(lr, 0)).toBe(1e-4);
    expect(mapUnitToFactor(lr, 1)).toBe(1e-1);
  });

  it('rejects bad options', () => {
    expect(() => morrisSample(problem, { trajectories: 0, seed: 1 })).toThrow(/trajectories/);
    expect(() => morrisSample(problem, { trajectories: 2.5, seed: 1 })).toThrow(/trajectories/);
    expect(() => morrisSample(problem, { trajectories: 5, levels: 5, seed: 1 })).toThrow(/levels/);
    expect(() => morrisSample(problem, { trajectories: 5, levels: 0, seed: 1 })).toThrow(/levels/);
  });
});

describe('problem validation', () => {
  const ok: MorrisFactor = { name: 'ok', lo: 0, hi: 1, scale: 'linear' };
  const bad = (factor: Partial<MorrisFactor> & { name?: unknown }) =>
    () => validateMorrisProblem([ok, { ...ok, ...factor } as MorrisFactor]);

  it('accepts a valid problem', () => {
    expect(() => validateMorrisProblem([ok, { name: 'lr', lo: 1e-5, hi: 1, scale: 'log' }])).not.toThrow();
  });

  it('names the factor and the field in errors', () => {
    expect(bad({ name: 'x', lo: 1, hi: 1 })).toThrow(/factor "x" \(index 1\), field "lo": must be < hi/);
    expect(bad({ name: 'x', lo: 2, hi: 1 })).toThrow(/"x".*"lo".*< hi/);
    expect(bad({ name: 'x', hi: NaN })).toThrow(/"x".*"hi".*finite/);
    expect(bad({ name: 'lr', lo: 0, hi: 1, scale: 'log' })).toThrow(/"lr".*"lo".*> 0.*"log"/);
    expect(bad({ name: 'w', lo: -1, hi: 10, scale: 'int-log' })).toThrow(/"w".*"lo".*> 0/);
    expect(bad({ name: 'n', lo: 0.5, hi: 10, scale: 'int' })).toThrow(/"n".*"lo".*integer/);
    expect(bad({ name: 'n', lo: 1, hi: 9.5, scale: 'int-log' })).toThrow(/"n".*"hi".*integer/);
    expect(bad({ name: 's', scale: 'exp' as never })).toThrow(/"s".*"scale"/);
    expect(bad({ name: 'ok' })).toThrow(/"ok" \(index 1\), field "name": duplicate/);
    expect(bad({ name: '' })).toThrow(/index 1.*"name"/);
  });

  it('rejects an empty problem, also via morrisSample', () => {
    expect(() => validateMorrisProblem([])).toThrow(/non-empty/);
    expect(() => morrisSample([{ ...ok, hi: -1 }], { trajectories: 2, seed: 1 })).toThrow(/"ok".*"lo"/);
  });
});

describe('morrisAnalyze', () => {
  const linear = (x: Params) => 10 * x.x1 + 1 * x.x2 + 0 * x.x3;

  it('recovers the coefficients of a linear model', () => {
    const problem = unitFactors('x1', 'x2', 'x3');
    const { result } = run(problem, linear, 20);
    expect(result.ranking).toEqual(['x1', 'x2', 'x3']);
    expect(stats(result, 'x1').muStar).toBeCloseTo(10, 10);
    expect(stats(result, 'x1').mu).toBeCloseTo(10, 10);
    expect(stats(result, 'x2').muStar).toBeCloseTo(1, 10);
    expect(stats(result, 'x3').muStar).toBe(0);
    expect(stats(result, 'x3').mu).toBe(0);
    for (const f of result.factors) {
      expect(f.sigma).toBeCloseTo(0, 10);
      expect(f.n).toBe(20);
      expect(f.skipped).toBe(0);
      expect(f.muStarCi[0]).toBeCloseTo(f.muStar, 10);
      expect(f.muStarCi[1]).toBeCloseTo(f.muStar, 10);
    }
    expect(result.missingOutputs).toBe(0);
  });

  it('measures effects in unit-cube coordinates, whatever the scale', () => {
    // y = log10(lr) on [1e-4, 1e-1] (log scale) moves by 3 across the range: EE = 3 everywhere.
    const problem: MorrisProblem = [
      { name: 'lr', lo: 1e-4, hi: 1e-1, scale: 'log' },
      { name: 'n', lo: 0, hi: 30, scale: 'int' },
    ];
    const { result } = run(problem, (x) => Math.log10(x.lr) + x.n / 10, 15);
    expect(stats(result, 'lr').muStar).toBeCloseTo(3, 10);
    expect(stats(result, 'lr').sigma).toBeCloseTo(0, 10);
    expect(stats(result, 'n').muStar).toBeCloseTo(3, 10);
  });

  it('flags an interaction with sigma > 0', () => {
    const problem = unitFactors('x1', 'x2', 'x3');
    const { result } = run(problem, (x) => x.x1 * x.x2 + x.x3, 30);
    expect(stats(result, 'x1').sigma).toBeGreaterThan(0.1);
    expect(stats(result, 'x2').sigma).toBeGreaterThan(0.1);
    expect(stats(result, 'x3').sigma).toBeCloseTo(0, 10);
  });

  it('ranks the Sobol G-function factors by decreasing a_i', () => {
    const a = [0, 1, 4.5, 9, 99, 99, 99, 99];
    const problem = unitFactors(...a.map((_, i) => `x${i + 1}`));
    const g = (x: Params) => a.reduce((prod, ai, i) => prod * ((Math.abs(4 * x[`x${i + 1}`] - 2) + ai) / (1 + ai)), 1);
    const { result } = run(problem, g, 100, 'sobol-g');
    expect(result.ranking.slice(0, 4)).toEqual(['x1', 'x2', 'x3', 'x4']);
    const x4 = stats(result, 'x4').muStar;
    for (const name of ['x5', 'x6', 'x7', 'x8']) expect(stats(result, name).muStar).toBeLessThan(x4 / 3);
  });

  it('matches the known Ishigami behaviour', () => {
    // f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3. With p = 4 every x2 step changes
    // 7 sin^2 x2 by +-7 * 3/4, so |EE(x2)| = 7.875 exactly; x3 acts only through the interaction
    // with x1, whose sign flips with sin x1: mu(x3) ~ 0 but sigma(x3) > 0.
    const problem: MorrisProblem = ['x1', 'x2', 'x3'].map((name) => ({
      name,
      lo: -Math.PI,
      hi: Math.PI,
      scale: 'linear' as const,
    }));
    const ishigami = (x: Params) =>
      Math.sin(x.x1) + 7 * Math.sin(x.x2) ** 2 + 0.1 * x.x3 ** 4 * Math.sin(x.x1);
    const { result } = run(problem, ishigami, 300, 'ishigami');
    const [x1, x2, x3] = ['x1', 'x2', 'x3'].map((name) => stats(result, name));
    expect(x2.muStar).toBeCloseTo(7.875, 8);
    expect(x1.mu).toBeCloseTo(x1.muStar, 8); // sin x1 always increases along an x1 step on this grid
    for (const f of [x1, x2, x3]) expect(f.muStar).toBeGreaterThan(3);
    expect(Math.abs(x3.mu)).toBeLessThan(0.4 * x3.muStar); // worst over 200 seeds: 0.28
    expect(x3.sigma).toBeGreaterThan(x3.muStar);
    expect(x3.muStarCi[0]).toBeLessThan(x3.muStar);
    expect(x3.muStarCi[1]).toBeGreaterThan(x3.muStar);
    expect(x3.muStarCi[0]).toBeGreaterThan(0);
  });

  it('skips effects that involve a missing output and counts them', () => {
    const problem = unitFactors('x1', 'x2', 'x3');
    const sample = morrisSample(problem, { trajectories: 10, seed: 'nan' });
    const outputs: (number | undefined | null)[] = sample.points.map(linear);
    const k1 = problem.length + 1;
    // Trajectory 0: first point fails -> only its first step is lost.
    outputs[0] = NaN;
    // Trajectory 1: a middle point diverges -> the steps into and out of it are lost.
    outputs[k1 + 2] = Infinity;
    // Trajectory 2: last point is undefined, trajectory 3: all points null.
    outputs[2 * k1 + 3] = undefined;
    for (let j = 0; j < k1; j++) outputs[3 * k1 + j] = null;
    const lost = [0, 0, 0];
    const [t0, t1, t2] = sample.trajectories;
    lost[t0.steps[0].factor]++;
    lost[t1.steps[1].factor]++;
    lost[t1.steps[2].factor]++;
    lost[t2.steps[2].factor]++;
    for (let i = 0; i < 3; i++) lost[i]++; // trajectory 3

    const result = morrisAnalyze(problem, sample, outputs);
    expect(result.missingOutputs).toBe(3 + k1);
    result.factors.forEach((f, i) => {
      expect(f.skipped).toBe(lost[i]);
      expect(f.n).toBe(10 - lost[i]);
    });
    expect(result.ranking).toEqual(['x1', 'x2', 'x3']);
    expect(stats(result, 'x1').muStar).toBeCloseTo(10, 10);
    expect(stats(result, 'x2').mu).toBeCloseTo(1, 10);
  });

  it('reports NaN statistics for a factor without usable effects and ranks it last', () => {
    const problem = unitFactors('x1', 'x2');
    const sample = morrisSample(problem, { trajectories: 1, seed: 'one' });
    const outputs = sample.points.map((x) => x.x1 + 2 * x.x2);
    outputs[2] = NaN; // loses the second step only
    const result = morrisAnalyze(problem, sample, outputs);
    const dead = sample.trajectories[0].steps[1].factor;
    const alive = 1 - dead;
    expect(result.factors[dead].n).toBe(0);
    expect(result.factors[dead].muStar).toBeNaN();
    expect(result.factors[dead].muStarCi[0]).toBeNaN();
    expect(result.factors[alive].n).toBe(1);
    expect(result.factors[alive].sigma).toBeNaN();
    expect(result.ranking).toEqual([problem[alive].name, problem[dead].name]);
  });

  it('accepts outputs grouped by trajectory', () => {
    const problem = unitFactors('x1', 'x2', 'x3');
    const sample = morrisSample(problem, { trajectories: 6, seed: 'nested' });
    const nested = sample.trajectories.map((tr) => tr.params.map(linear));
    expect(morrisAnalyze(problem, sample, nested)).toEqual(morrisAnalyze(problem, sample, sample.points.map(linear)));
  });

  it('gives a deterministic bootstrap interval that depends on the seed', () => {
    const problem = unitFactors('x1', 'x2');
    const sample = morrisSample(problem, { trajectories: 40, seed: 'boot' });
    const outputs = sample.points.map((x) => x.x1 * x.x2 + x.x1 ** 2);
    const a = morrisAnalyze(problem, sample, outputs);
    const b = morrisAnalyze(problem, sample, outputs);
    const c = morrisAnalyze(problem, sample, outputs, { seed: 'other' });
    const wide = morrisAnalyze(problem, sample, outputs, { confidence: 0.99, resamples: 2000 });
    expect(b).toEqual(a);
    expect(c.factors[0].muStarCi).not.toEqual(a.factors[0].muStarCi);
    for (const [i, f] of a.factors.entries()) {
      expect(f.muStarCi[0]).toBeLessThan(f.muStar);
      expect(f.muStarCi[1]).toBeGreaterThan(f.muStar);
      expect(wide.factors[i].muStarCi[1] - wide.factors[i].muStarCi[0]).toBeGreaterThan(f.muStarCi[1] - f.muStarCi[0]);
    }
  });

  it('rejects mismatched inputs', () => {
    const problem = unitFactors('x1', 'x2');
    const sample = morrisSample(problem, { trajectories: 3, seed: 1 });
    const outputs = sample.points.map((x) => x.x1);
    expect(() => morrisAnalyze(problem, sample, outputs.slice(1))).toThrow(/expected 9 outputs/);
    expect(() => morrisAnalyze(problem, sample, [[1, 2, 3]])).toThrow(/3 output lists of 3 values/);
    expect(() => morrisAnalyze(unitFactors('x1', 'y'), sample, outputs)).toThrow(/drawn for factors \[x1, x2\]/);
    expect(() => morrisAnalyze(problem, sample, ['1', ...outputs.slice(1)] as never)).toThrow(/output 0 of trajectory 0/);
    expect(() => morrisAnalyze(problem, sample, outputs, { resamples: 0 })).toThrow(/resamples/);
    expect(() => morrisAnalyze(problem, sample, outputs, { confidence: 1 })).toThrow(/confidence/);
  });
});
