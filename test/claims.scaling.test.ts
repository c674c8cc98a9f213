import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regimeConfig } from '../src/claims/kit/training';
import { SETTINGS_SPEC } from '../src/claims/constants';
import { powerLawFit } from '../src/stats';
import { blockedLogFit, blockedPowerLawFit, crossing, equivalenceHalfWidth, exponentVerdict, firstPassage, geometricSweep, locateCrossing, prefixDataset, trainUntil, withSignal } from '../src/claims/kit/scaling';
import { quantile } from '../src/stats/quantile';
import type { Claim, ClaimContext, EngineSettings, EvalContext, Regime, Tier } from '../src/claims/types';
import { makeDataset } from '../src/data/signalNoise';
import { DEFAULT_CONFIG, resolveConfig } from '../src/training/config';
import { train } from '../src/training/train';
import { claim as timeRatio, predictedTLN, sweepPoints } from '../properties/A/time-ratio';
import { boundaryDs, boundaryNs, claim as boundary, predictedBoundaryExponent, predictedDExponent } from '../properties/C/boundary';

/** The context of the declared defaults: each ConstantSpec's default and SETTINGS_SPEC's. */
function defaultContext(claim: Claim, over: Partial<EngineSettings> = {}): ClaimContext {
  const constants = Object.fromEntries(Object.entries(claim.constants).map(([k, s]) => [k, s.default]));
  const settings = { ...(Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])) as unknown as EngineSettings), ...over };
  return { constants, all: { [claim.id]: constants }, settings };
}

function evalContext(claim: Claim, tier: Tier, over: Partial<EngineSettings> = {}): EvalContext {
  return { ...defaultContext(claim, over), tier, engine: 'auto' };
}

const traj = (values: number[], every = 1) => values.map((v, i) => ({ step: i * every, v }));

describe('scaling helpers', () => {
  it('geometricSweep: both ends, constant ratio', () => {
    const s = geometricSweep(2, 32, 5);
    expect(s[0]).toBe(2);
    expect(s[4]).toBe(32);
    for (let i = 1; i < 5; i++) expect(s[i] / s[i - 1]).toBeCloseTo(2, 12);
    expect(geometricSweep(3, 9, 1)).toEqual([3]);
    expect(() => geometricSweep(0, 1, 3)).toThrow();
  });

  it('firstPassage: log-linear interpolation recovers an exponential crossing exactly', () => {
    // loss = e^{-t/10}, measured every 5 steps; loss <= e^{-3.7} first at t = 37
    const t = traj([0, 5, 10, 15, 20, 25, 30, 35, 40, 45].map((s) => Math.exp(-s / 10)), 5);
    expect(firstPassage(t, (m) => m.v, Math.exp(-3.7), 'below')).toBeCloseTo(37, 9);
    // growth: gamma = 0.01 e^{t/20} >= 1 at t = 20 ln 100
    const g = traj(Array.from({ length: 30 }, (_, i) => 0.01 * Math.exp((i * 4) / 20)), 4);
    expect(firstPassage(g, (m) => m.v, 1, 'above')).toBeCloseTo(20 * Math.log(100), 9);
  });

  it('firstPassage: never crossed -> null; crossed at the first measurement -> its step; non-positive values -> linear', () => {
    expect(firstPassage(traj([1, 0.9, 0.8]), (m) => m.v, 0.1, 'below')).toBeNull();
    expect(firstPassage([{ step: 3, v: 0.05 }, { step: 4, v: 0.01 }], (m) => m.v, 0.1, 'below')).toBe(3);
    expect(firstPassage(traj([-2, -1, 0, 1, 2], 10), (m) => m.v, 0.5, 'above')).toBeCloseTo(25, 12);
    // a NaN measurement is skipped, and the step after it is taken as is
    expect(firstPassage(traj([1, NaN, 0.01]), (m) => m.v, 0.1, 'below')).toBe(2);
  });

  it('crossing: linear interpolation in log x on a sorted sweep; off-range cases', () => {
    const x = [1, 2, 4, 8];
    const r = crossing(x, [0.5, 0.4, 0.2, 0.0], 0.3, 'above');
    expect(r.bracket).toBe('inside');
    expect(r.x).toBeCloseTo(Math.exp(Math.log(2) + 0.5 * Math.log(2)), 12); // halfway from 2 to 4 in log x
    expect(crossing(x, [0.1, 0.05, 0, 0], 0.3, 'above')).toEqual({ x: null, bracket: 'below-range' });
    expect(crossing(x, [0.5, 0.5, 0.45, 0.4], 0.3, 'above')).toEqual({ x: null, bracket: 'above-range' });
    expect(crossing(x, [0, 0.1, 0.3, 0.5], 0.2, 'below').x).toBeCloseTo(Math.exp(Math.log(2) + 0.5 * Math.log(2)), 12);
  });

  it('locateCrossing: brackets from either side, bisects, interpolates near the true boundary', async () => {
    // a smooth "test error" falling from 1/2 to 0 around x* = 0.2 (in log x): crossing of 0.25 at x* exactly
    const xStar = 0.2;
    const err = async (x: number) => 0.5 / (1 + (x / xStar) ** 8);
    for (const start of [0.05, 0.2, 0.9]) {
      const s = await locateCrossing(err, start, 0.25, { ratio: 1.3, maxExpand: 12, bisections: 4 });
      expect(s.failure).toBeNull();
      expect(s.bracket![0].y).toBeGreaterThan(0.25);
      expect(s.bracket![1].y).toBeLessThanOrEqual(0.25);
      expect(s.bracket![0].x).toBeLessThan(s.bracket![1].x);
      expect(Math.abs(Math.log(s.x! / xStar))).toBeLessThan(0.01);
    }
    // a step function: the crossing is inside the final bracket, whose width is ratio^(1/2^bisections)
    const step = async (x: number) => (x < 0.3 ? 0.5 : 0);
    const s = await locateCrossing(step, 0.1, 0.25, { ratio: 1.5, maxExpand: 8, bisections: 3 });
    expect(s.bracket![0].x).toBeLessThan(0.3);
    expect(s.bracket![1].x).toBeGreaterThanOrEqual(0.3);
    expect(s.bracket![1].x / s.bracket![0].x).toBeCloseTo(1.5 ** (1 / 8), 9);
    expect(s.probes.length).toBe(1 + 3 + 3); // start, 3 expansions (0.15, 0.225, 0.3375), 3 bisections
  });

  it('locateCrossing: reports a curve that never crosses within the search', async () => {
    const high = await locateCrossing(async () => 0.5, 1, 0.25, { ratio: 2, maxExpand: 3, bisections: 2 });
    expect(high).toMatchObject({ x: null, bracket: null, failure: 'stays-above' });
    expect(high.probes.map((p) => p.x)).toEqual([1, 2, 4, 8]);
    const low = await locateCrossing(async () => 0, 1, 0.25, { ratio: 2, maxExpand: 2, bisections: 2 });
    expect(low).toMatchObject({ x: null, failure: 'stays-below' });
    expect(low.probes.map((p) => p.x)).toEqual([1, 0.5, 0.25]);
  });

  it('exponentVerdict: bootstrap over seeds + equivalence band; blockedLogFit recovers two exponents', () => {
    // per seed: y = c_seed n^-0.5 d^-0.25 (1 + noise)
    const blocks = [1, 2, 3, 4, 5, 6].map((seed) => {
      const x: number[][] = [], y: number[] = [];
      for (const d of [1000, 3000]) for (const n of [12, 18, 27, 40]) {
        x.push([n, d]);
        y.push((1 + seed) * n ** -0.5 * d ** -0.25 * (1 + 0.02 * Math.sin(seed * 7 + n + d)));
      }
      return { seed, x, y };
    });
    const f = blockedLogFit(blocks)!;
    expect(f.slopes[0]).toBeCloseTo(-0.5, 1);
    expect(f.slopes[1]).toBeCloseTo(-0.25, 1);
    const v = exponentVerdict(blocks, [{ name: 'n', predicted: -0.5, halfWidth: 0.125 }, { name: 'd', predicted: -0.25, halfWidth: equivalenceHalfWidth(-0.25, 0.25, 0.125) }], { alpha: 0.05, seed: 3, resamples: 500 })!;
    expect(v.verdict).toBe('holds');
    expect(v.confidence).toBeCloseTo(0.975, 12);
    for (const t of v.tests) expect(t.ci[0]).toBeLessThanOrEqual(t.predicted + 0.02);
    // the d exponent predicted 0 (q >= 2 law) is excluded: breaks
    const w = exponentVerdict(blocks, [{ name: 'n', predicted: -0.5, halfWidth: 0.125 }, { name: 'd', predicted: 0, halfWidth: 0.125 }], { alpha: 0.05, seed: 3, resamples: 500 })!;
    expect(w.verdict).toBe('breaks');
    expect(w.tests[1].equivalence.verdict).toBe('breaks');
    // no spread in d within seeds: not identified
    expect(blockedLogFit([{ seed: 1, x: [[1, 5], [2, 5], [3, 5]], y: [1, 2, 3] }])).toBeNull();
  });

  it('blockedPowerLawFit: one block is powerLawFit; blocks with their own levels share one exponent', () => {
    const x = [1, 2, 4, 8, 16];
    const y = x.map((v, i) => 3 * v ** 0.7 * (1 + 0.05 * Math.sin(i * 2.3)));
    const one = blockedPowerLawFit([{ x, y }], 0.95)!;
    const ref = powerLawFit(x, y, 0.95);
    expect(one.slope).toBeCloseTo(ref.slope, 12);
    expect(one.slopeCi[0]).toBeCloseTo(ref.slopeCi[0], 6);
    expect(one.slopeCi[1]).toBeCloseTo(ref.slopeCi[1], 6);
    expect(one.df).toBe(3);
    // two blocks at levels 3 and 50 with the same exponent: pooled OLS is thrown off, the blocked fit is not
    const y2 = x.map((v, i) => 50 * v ** 0.7 * (1 + 0.05 * Math.cos(i * 1.7)));
    const two = blockedPowerLawFit([{ x, y }, { x, y: y2 }], 0.95)!;
    expect(two.blocks).toBe(2);
    expect(two.df).toBe(10 - 2 - 1);
    expect(Math.abs(two.slope - 0.7)).toBeLessThan(0.03);
    expect(two.slopeCi[1] - two.slopeCi[0]).toBeLessThan(0.15);
    expect(Math.exp(two.intercepts[1]! - two.intercepts[0]!)).toBeCloseTo(50 / 3, 0);
    // non-positive values are dropped and counted; too few points -> null
    expect(blockedPowerLawFit([{ x: [1, 2, 3, 4], y: [1, 2, 0, 4] }], 0.95)!.dropped).toBe(1);
    expect(blockedPowerLawFit([{ x: [1, 2], y: [1, 2] }], 0.95)).toBeNull();
  });

  it('quantile: type-7 quantiles', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([3, 1, 2, 4], 0)).toBe(1);
    expect(quantile([3, 1, 2, 4], 1)).toBe(4);
    expect(quantile([10], 0.9)).toBe(10);
  });

  it('prefixDataset and withSignal equal makeDataset of the changed configuration', () => {
    for (const noise of ['projected', 'isotropic'] as const) {
      const c = resolveConfig(DEFAULT_CONFIG, { n: 12, nTest: 7, d: 40, A: 1.3, tauPlus: 0.2, noise, seed: 5 });
      const big = makeDataset(c);
      const small = makeDataset({ ...c, n: 5 });
      const pre = prefixDataset(big, 5);
      expect(Array.from(pre.train.xi)).toEqual(Array.from(small.train.xi));
      expect(Array.from(pre.train.y)).toEqual(Array.from(small.train.y));
      expect(Array.from(pre.train.xiNorm2)).toEqual(Array.from(small.train.xiNorm2));
      expect(Array.from(pre.yObs)).toEqual(Array.from(small.yObs));
      expect(Array.from(pre.test.xi)).toEqual(Array.from(small.test.xi));
      const other = makeDataset({ ...c, A: 0.37 });
      const moved = withSignal(big, 0.37);
      expect(Array.from(moved.mu)).toEqual(Array.from(other.mu));
      expect(moved.muNorm2).toBe(other.muNorm2);
      for (const [a, b] of [[moved.train.xi, other.train.xi], [moved.test.xi, other.test.xi]]) {
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-15);
      }
      expect(() => prefixDataset(big, 13)).toThrow();
    }
  });

  it('trainUntil: extends the run until the first passage, or stops at the cap', async () => {
    const c = resolveConfig(DEFAULT_CONFIG, { n: 10, nTest: 10, d: 60, m: 4, A: 0.5, sigmaP: 0.5, sigma0: 0.01, eta: 1, seed: 3 });
    const data = makeDataset(c);
    const passage = (r: Awaited<ReturnType<typeof train>>) => firstPassage(r.trajectory, (m) => m.trainLoss, 0.01, 'below');
    const full = await train({ ...c, steps: 400, evalEvery: 1 }, { engine: 'coefficient', data });
    const truth = passage(full);
    expect(truth).not.toBeNull();
    const got = await trainUntil(c, data, 'coefficient', passage, { startSteps: 2, capSteps: 400, evalEvery: () => 1, grow: 2 });
    expect(got.time).toBeCloseTo(truth!, 9);
    expect(got.attempts).toBeGreaterThan(1);
    expect(got.run.config.steps).toBeGreaterThanOrEqual(truth!);
    const capped = await trainUntil(c, data, 'coefficient', passage, { startSteps: 1, capSteps: 3, evalEvery: () => 1 });
    expect(capped.time).toBeNull();
    expect(capped.run.config.steps).toBe(3);
  });
});

describe('A.time-ratio (scaling law T_GD / T_LN ~ n SNR^2)', () => {
  const ctx = defaultContext(timeRatio);

  it('declares its constants, and in-regime draws satisfy every hypothesis (generated, not filtered)', () => {
    for (const spec of Object.values(timeRatio.constants)) {
      expect(Number.isFinite(spec.default)).toBe(true);
      expect(spec.help.length).toBeGreaterThan(10);
    }
    for (const r of fc.sample(timeRatio.regimes('working', ctx), { seed: 11, numRuns: 60 })) {
      const h = timeRatio.hypotheses(r, ctx);
      expect(h.holds, `${JSON.stringify(r)}: ${h.clauses.filter((c) => !c.holds).map((c) => `${c.id} ${c.lhs} vs ${c.rhs}`).join('; ')}`).toBe(true);
      const pts = sweepPoints(r, ctx.constants.points);
      const x = pts.map((p) => p.n * p.A * p.A);
      for (let i = 1; i < x.length; i++) expect(x[i]).toBeGreaterThan(x[i - 1]);
      expect(Math.max(...pts.map((p) => predictedTLN(regimeConfig({ ...r, n: p.n, A: p.A }), ctx.constants.kLN)))).toBeLessThanOrEqual(ctx.constants.lnStepsMax * 1.05);
    }
    for (const r of fc.sample(timeRatio.regimes('robustness', ctx), { seed: 12, numRuns: 60 })) {
      expect(() => sweepPoints(r, ctx.constants.points)).not.toThrow();
      expect(() => timeRatio.hypotheses(r, ctx)).not.toThrow();
    }
  });

  it('vacuous in-regime when the hypotheses fail; budget when the predicted T_LN exceeds maxSteps (no training)', async () => {
    const [r] = fc.sample(timeRatio.regimes('working', ctx), { seed: 1, numRuns: 1 });
    const vac = await timeRatio.evaluate({ ...r, q: 3 }, evalContext(timeRatio, 'working'));
    expect(vac.verdict).toBe('vacuous');
    expect(vac.note).toContain('A.model(q)');
    const bud = await timeRatio.evaluate(r, evalContext(timeRatio, 'working', { maxSteps: 50 }));
    expect(bud.verdict).toBe('budget');
    expect(bud.margin).toBeNull();
  });

  it('in-regime regimes (fc.sample seed 1) hold: the fitted exponent of T_GD/T_LN in n SNR^2 is ~1', async () => {
    const all = fc.sample(timeRatio.regimes('working', ctx), { seed: 1, numRuns: 30 });
    const regimes = [all.find((r) => r.axis === 'A')!, all.find((r) => r.axis === 'n')!];
    for (const r of regimes) {
      const ev = await timeRatio.evaluate(r, evalContext(timeRatio, 'working'));
      const m = ev.measurements as {
        exponents: { margin: number; tests: { estimate: number; ci: [number, number] }[] };
        sweep: { nSnr2: number; TGD: number; TLN: number; ratio: number }[];
      };
      expect(ev.verdict, `${JSON.stringify(r)}: ${ev.note}`).toBe('holds');
      expect(ev.margin).toBeGreaterThan(0);
      expect(ev.margin).toBe(m.exponents.margin);
      expect(m.sweep.length).toBe(ctx.constants.points * ctx.constants.seeds);
      for (const p of m.sweep) expect(p.ratio).toBeCloseTo(p.TGD / p.TLN, 12);
      const [t] = m.exponents.tests;
      expect(t.ci[0]).toBeLessThanOrEqual(t.estimate);
      expect(t.ci[0]).toBeGreaterThanOrEqual(0.75);
      expect(t.ci[1]).toBeLessThanOrEqual(1.25);
      expect(ev.configs!.length).toBe(2 * m.sweep.length);
    }
  });
});

describe('C.boundary (phase boundary of GD: SNR* ~ n^(-1/q), n^(-1/4) for q = 1)', () => {
  const ctx = defaultContext(boundary);

  it('the literal tier is infeasible (paper A\'s Assumption 3.1), for both scaling claims, without training', async () => {
    for (const c of [boundary, timeRatio]) {
      const cx = defaultContext(c);
      const [r] = fc.sample(c.regimes('literal', cx), { seed: 3, numRuns: 1 });
      const ev = await c.evaluate(r, evalContext(c, 'literal'));
      expect(ev.verdict, ev.note).toBe('infeasible');
      expect((ev.measurements as { smallestD: number }).smallestD).toBeGreaterThan(1e10);
      expect(c.tiers).toContain('literal');
      expect(c.tiers).not.toContain('paper');
      expect(c.paperNote!.length).toBeGreaterThan(20);
    }
  });

  it('every constant has provenance; bands are pre-registered (not calibrated); region bounds are marked', () => {
    for (const c of [boundary, timeRatio]) {
      for (const [name, spec] of Object.entries(c.constants)) {
        expect(spec.provenance, `${c.id}.${name}`).toBeDefined();
        expect((spec.source ?? '').length, `${c.id}.${name}`).toBeGreaterThan(3);
      }
      expect(c.constants.bandRel.calibrated).toBe(false);
      expect(Object.values(c.constants).some((s) => s.region)).toBe(true);
      expect('tolerance' in c.constants).toBe(false);
    }
  });

  it('the d sweep: boundaryDs spans dSpan; the n and d exponents of each law', () => {
    const [r] = fc.sample(boundary.regimes('working', ctx), { seed: 4, numRuns: 1 });
    const ds = boundaryDs(r, 2);
    expect(ds.length).toBe(2);
    expect(ds[1] / ds[0]).toBeCloseTo(ctx.constants.dSpan, 2);
    expect(predictedDExponent(1)).toBe(-0.25);
    expect(predictedDExponent(2)).toBe(0);
    expect(predictedDExponent(3)).toBe(0);
  });

  it('predicted exponents of the three laws', () => {
    expect(predictedBoundaryExponent(1)).toBe(-0.25); // Kou et al.: n ||mu||^4/(sigma_p^4 d) = const at fixed d
    expect(predictedBoundaryExponent(2)).toBe(-0.5); // paper A: n SNR^2 = const
    expect(predictedBoundaryExponent(3)).toBeCloseTo(-1 / 3, 15); // Cao et al.: n SNR^q = const
  });

  it('in-regime draws satisfy every hypothesis; robustness draws are valid configurations', () => {
    for (const r of fc.sample(boundary.regimes('working', ctx), { seed: 21, numRuns: 60 })) {
      const h = boundary.hypotheses(r, ctx);
      expect(h.holds, `${JSON.stringify(r)}: ${h.clauses.filter((c) => !c.holds).map((c) => c.id).join(', ')}`).toBe(true);
      const ns = boundaryNs(r, ctx.constants.nCount);
      expect(ns.length).toBe(ctx.constants.nCount);
      expect(ns[ns.length - 1]).toBeLessThanOrEqual(ctx.constants.nMax);
    }
    for (const r of fc.sample(boundary.regimes('robustness', ctx), { seed: 22, numRuns: 60 })) {
      expect(() => regimeConfig(r)).not.toThrow();
      expect(boundaryNs(r, ctx.constants.nCount).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('vacuous in-regime when the hypotheses fail; budget when GD cannot fit within maxSteps', async () => {
    const [r] = fc.sample(boundary.regimes('working', ctx), { seed: 1, numRuns: 1 });
    const vac = await boundary.evaluate({ ...r, m: 2 }, evalContext(boundary, 'working'));
    expect(vac.verdict).toBe('vacuous');
    expect(vac.note).toContain('C.work(m)');
    const bud = await boundary.evaluate(r, evalContext(boundary, 'working', { maxSteps: 3 }));
    expect(bud.note).toContain('needs more than');
    expect(bud.verdict).toBe('budget');
    expect(bud.note).toContain('the step budget');
  });

  it('in-regime regimes (fc.sample seed 1) hold, and the phase-diagram cells are recorded', async () => {
    const regimes: Regime[] = [fc.sample(boundary.regimes('working', ctx), { seed: 1, numRuns: 30 }).find((r) => r.q === 2)!];
    for (const r of regimes) {
      const ev = await boundary.evaluate(r, evalContext(boundary, 'working'));
      const m = ev.measurements as {
        q: number; predictedExponent: number; exponents: { tests: { name: string; estimate: number; ci: [number, number] }[] };
        perN: { n: number; d: number; seed: number; snrStar: number; bracket: [{ x: number; y: number }, { x: number; y: number }] }[];
        cells: { n: number; seed: number; snr: number; testError: number }[];
      };
      expect(ev.verdict, `${JSON.stringify(r)}: ${ev.note}`).toBe('holds');
      expect(ev.margin).toBeGreaterThan(0);
      expect(m.predictedExponent).toBe(predictedBoundaryExponent(r.q as number));
      expect(m.perN.length).toBe(ctx.constants.nCount * ctx.constants.dCount * ctx.constants.seeds);
      expect(m.exponents.tests.map((t) => t.name)).toEqual(['n', 'd']);
      for (const p of m.perN) {
        // the boundary lies inside its final bracket, which straddles the threshold
        expect(p.snrStar).toBeGreaterThanOrEqual(p.bracket[0].x);
        expect(p.snrStar).toBeLessThanOrEqual(p.bracket[1].x);
        expect(p.bracket[0].y).toBeGreaterThan(ctx.constants.threshold);
        expect(p.bracket[1].y).toBeLessThanOrEqual(ctx.constants.threshold);
        expect(m.cells.filter((c) => c.n === p.n && c.seed === p.seed && (c as { d?: number }).d === p.d).length).toBeGreaterThanOrEqual(2);
      }
      // larger n needs a smaller SNR: the boundary moves down
      expect(m.exponents.tests[0].estimate).toBeLessThan(0);
    }
  });
});
