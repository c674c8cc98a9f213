import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTINGS_SPEC } from '../src/claims/constants';
import { regimeFrom } from '../properties/B/generators';
import { bDerived, horizonSteps, timeT1 } from '../properties/B/quantities';
import { bClauses, regionOf } from '../properties/B/region';
import { BRun, convergencePoint, observedMargin, reachSteps } from '../properties/B/replicates';
import { regimeConfig } from '../src/claims/kit/training';
import { logUniform } from '../src/claims/kit/draws';
import { quantile } from '../src/stats/quantile';
import { pairedErrorDifference } from '../src/stats/pairedProportions';
import { streamOf } from '../src/claims/seedStreams';
import type { CalibrationContext, Claim, ClaimContext, EngineSettings, Evaluation, Regime } from '../src/claims/types';
import type { Measurement } from '../src/training/measure';
import type { TrainResult } from '../src/training/train';
import { belowVerdict, earlyStopLink } from '../properties/B/early-stop';
import { chainRegions, claim as chain } from '../properties/B/chain';
import { CLAIMS as REGISTRY } from '../src/claims/registry';
import { claim as stage1 } from '../properties/B/stage1';
import { claim as stage2 } from '../properties/B/stage2';
import { claim as earlyStop } from '../properties/B/early-stop';
import { claim as log2 } from '../properties/B/log2';
import { claim as noiseless } from '../properties/B/noiseless';

const CLAIMS: Claim[] = [stage1, stage2, earlyStop, log2, noiseless, chain];

/** The context of a claim from the declared defaults (its ConstantSpecs, SETTINGS_SPEC). */
function ctxOf(claim: Claim): ClaimContext {
  const constants = Object.fromEntries(Object.entries(claim.constants).map(([k, s]) => [k, s.default]));
  const settings = Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])) as unknown as EngineSettings;
  return { constants, all: { [claim.id]: constants }, settings };
}

/** A regime from its dimensionless description, with paper-B defaults for the rest. */
function regime(over: Partial<Parameters<typeof regimeFrom>[0]> = {}): Regime {
  return regimeFrom({ n: 100, d: 2000, m: 10, nSnr2: 8, E: 5, s0: 0.045, tauPlus: 0.1, tauMinus: 0.1, sigmaP: 1, nTest: 200, seed: 1, ...over });
}

describe('paper B machinery', () => {
  it('derives n SNR^2, eta sigma_p^2 d, s0, H and the time unit from the training keys', () => {
    const r = regime({ sigmaP: 0.7 });
    const q = bDerived(regimeConfig(r));
    expect(q.nSnr2).toBeCloseTo(8, 2);
    expect(q.etaScaled).toBeCloseTo(5, 2);
    expect(q.s0).toBeCloseTo(0.045, 4);
    expect(q.dOverN).toBe(20);
    expect(q.harm / (q.nSnr2 ** 2 * q.dOverN)).toBeCloseTo(1, 10); // H = (n SNR^2)^2 d/n
    expect(q.unit).toBeCloseTo((100 * 10) / 5, 1);
  });

  it('T1 = cT1 n m / (eta sigma_p^2 d), rounded up, at least one step', () => {
    const c = regimeConfig({ n: 100, m: 10, d: 2000, eta: 0.0025, sigmaP: 1 });
    expect(bDerived(c).unit).toBeCloseTo(200, 9);
    expect(timeT1(c, 0.3)).toBe(60);
    expect(timeT1(c, 0.301)).toBe(61);
    expect(timeT1(c, 1)).toBe(200);
    expect(timeT1(c, 1e-9)).toBe(1);
    // scales like n m / eta
    expect(timeT1({ ...c, n: 50 }, 1)).toBe(100);
    expect(timeT1({ ...c, m: 20 }, 1)).toBe(400);
    expect(timeT1({ ...c, eta: 0.005 }, 1)).toBe(100);
    expect(timeT1({ ...c, sigmaP: 2 }, 1)).toBe(50);
    // horizons are whole numbers of T1 intervals
    expect(horizonSteps(c, 60, 10)).toBe(2040);
    expect(horizonSteps(c, 60, 0.1)).toBe(60);
  });

  it('states the hypotheses clause by clause, with both sides recorded', () => {
    const r = regionOf(ctxOf(stage1).constants);
    const inside = regime({ n: 80, d: 1600, m: 10, nSnr2: 10, tauPlus: 0.1, tauMinus: 0.06 });
    const ok = bClauses(inside, r);
    expect(ok.every((c) => c.holds)).toBe(true);
    expect(ok.map((c) => c.id)).toEqual([
      'B.hyp(q)', 'B.hyp(xi)', 'B.hyp(tau.lo)', 'B.hyp(tau)', 'B.hyp(snr.lo)', 'B.hyp(snr.hi)', 'B.hyp(d)',
      'B.hyp(eta)', 'B.hyp(sigma0)', 'B.hyp(m)', 'B.hyp(n)',
    ]);
    const failing = (x: Regime) => bClauses(x, r).filter((c) => !c.holds).map((c) => c.id);
    expect(failing({ ...inside, q: 2 })).toEqual(['B.hyp(q)']);
    expect(failing({ ...inside, noise: 'projected' })).toEqual(['B.hyp(xi)']);
    expect(failing({ ...inside, tauMinus: 0.45 })).toEqual(['B.hyp(tau)']);
    expect(failing({ ...inside, tauPlus: 0 })).toEqual(['B.hyp(tau.lo)']);
    expect(failing({ ...inside, eta: (inside.eta as number) * 10 })).toEqual(['B.hyp(eta)']);
    expect(failing({ ...inside, m: 3 })).toEqual(['B.hyp(m)']);
    const lowSnr = bClauses(regime({ n: 80, d: 1600, m: 10, nSnr2: 2 }), r).find((c) => c.id === 'B.hyp(snr.lo)')!;
    expect(lowSnr.holds).toBe(false);
    expect(lowSnr.lhs).toBeCloseTo(2, 2);
    expect(lowSnr.rhs).toBe(8);
    const smallD = bClauses(regime({ n: 80, d: 400, m: 10, nSnr2: 10 }), r).find((c) => c.id === 'B.hyp(d)')!;
    expect(smallD).toMatchObject({ holds: false, lhs: 400, rhs: 16 * 80 });
  });

  it('adds the harmful-side clause where a claim declares it, and tau = 0 for the noiseless claim', () => {
    const s2 = regionOf(ctxOf(stage2).constants);
    const ids = bClauses(regime(), s2).map((c) => c.id);
    expect(ids).toContain('B.hyp(harm)');
    const harm = bClauses(regime({ n: 60, d: 150, nSnr2: 1.5, m: 6, E: 8 }), s2).find((c) => c.id === 'B.hyp(harm)')!;
    expect(harm.holds).toBe(true);
    expect(harm.lhs! / (1.5 ** 2 * 2.5)).toBeCloseTo(1, 2); // A is kept to 4 digits
    expect(bClauses(regime({ n: 60, d: 1200, nSnr2: 1.5 }), s2).find((c) => c.id === 'B.hyp(harm)')!.holds).toBe(false);
    expect(bClauses(regime(), regionOf(ctxOf(stage1).constants)).map((c) => c.id)).not.toContain('B.hyp(harm)');
    const nl = regionOf(ctxOf(noiseless).constants);
    const tau0 = (x: Regime) => bClauses(x, nl).find((c) => c.id === 'B.hyp(tau=0)')!.holds;
    expect(tau0(regime({ tauPlus: 0, tauMinus: 0 }))).toBe(true);
    expect(tau0(regime({ tauPlus: 0, tauMinus: 0.1 }))).toBe(false);
  });

  it('generates working-tier regimes inside the working region (constructed, not filtered)', () => {
    for (const claim of CLAIMS) {
      const ctx = ctxOf(claim);
      fc.assert(fc.property(claim.regimes('working', ctx), (r) => {
        const h = claim.hypotheses(r, ctx);
        if (!h.holds) throw new Error(`${claim.id}: ${JSON.stringify(r)} fails ${h.clauses.filter((c) => !c.holds).map((c) => c.id)}`);
      }), { seed: 42, numRuns: 300 });
    }
  });

  it('robustness regimes go across and beyond the hypotheses', () => {
    const ctx = ctxOf(stage2);
    const rs = fc.sample(stage2.regimes('robustness', ctx), { seed: 3, numRuns: 400 }).map((r) => ({ r, c: regimeConfig(r), q: bDerived(regimeConfig(r)) }));
    expect(rs.filter((x) => !stage2.hypotheses(x.r, ctx).holds).length).toBeGreaterThan(200);
    expect(rs.some((x) => x.c.m <= 5)).toBe(true);
    expect(rs.some((x) => x.c.q !== 1)).toBe(true);
    expect(rs.some((x) => x.c.noise === 'projected')).toBe(true);
    expect(rs.some((x) => x.c.tauPlus >= 0.4 && x.c.tauPlus === x.c.tauMinus)).toBe(true);
    expect(rs.some((x) => Math.abs(x.c.tauPlus - x.c.tauMinus) > 0.1)).toBe(true);
    expect(rs.some((x) => x.c.tauPlus === 0 && x.c.tauMinus === 0)).toBe(true);
    // step sizes over decades, noise levels, n SNR^2 and d/n on both sides of the region
    const spread = (v: number[]) => Math.log10(Math.max(...v) / Math.min(...v));
    expect(spread(rs.map((x) => x.q.etaScaled))).toBeGreaterThan(4);
    expect(spread(rs.map((x) => x.c.sigmaP))).toBeGreaterThan(1);
    expect(rs.some((x) => x.q.nSnr2 < 0.5) && rs.some((x) => x.q.nSnr2 > 4)).toBe(true);
    expect(rs.some((x) => x.q.harm > 100)).toBe(true);
  });

  it('draws continuous knobs uniformly (in log scale), not piled up at a point', () => {
    const xs = fc.sample(logUniform(0.1, 30), { seed: 5, numRuns: 2000 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...xs)).toBeLessThanOrEqual(30);
    const share = (lo: number, hi: number) => xs.filter((x) => x >= lo && x < hi).length / xs.length;
    const third = Math.log(300) / 3; // three equal log-thirds of [0.1, 30]
    for (let k = 0; k < 3; k++) expect(share(0.1 * Math.exp(k * third), 0.1 * Math.exp((k + 1) * third))).toBeGreaterThan(0.28);
    expect(xs.filter((x) => Math.abs(x - 1) < 1e-9).length).toBe(0);
  });

  it('recovers yobs f from the per-sample loss', () => {
    for (const z of [-60, -3, -0.2, 0, 0.5, 7, 25]) expect(observedMargin(Math.log1p(Math.exp(-z)))).toBeCloseTo(z, 6);
    expect(observedMargin(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('declares every constant with a default and help', () => {
    for (const claim of CLAIMS) {
      expect(claim.id.startsWith('B.')).toBe(true);
      for (const [k, s] of Object.entries(claim.constants)) {
        expect(Number.isFinite(s.default), `${claim.id}.${k}`).toBe(true);
        expect(s.help.length, `${claim.id}.${k}`).toBeGreaterThan(10);
      }
      expect(claim.constants.cT1.default).toBe(0.3);
    }
  });
});

describe('paper B: tiers, provenance, derivation', () => {
  it('every B constant declares its provenance and a source; region bounds are marked', () => {
    for (const claim of CLAIMS) {
      for (const [k, s] of Object.entries(claim.constants)) {
        expect(['paper', 'chosen'], `${claim.id}.${k}`).toContain(s.provenance);
        expect((s.source ?? '').length, `${claim.id}.${k} source`).toBeGreaterThan(10);
        expect(`${s.help} ${s.source}`, `${claim.id}.${k}`).not.toMatch(/paper'?s hypothes/i);
      }
      for (const k of ['nSnr2Lo', 'nSnr2Hi', 'dOverNMin', 'nMin']) if (k in claim.constants) expect(claim.constants[k].region, `${claim.id}.${k}`).toBe(true);
    }
    // the constants picked by looking at results are declared calibrated
    expect(stage2.constants.harmMax.calibrated).toBe(true);
    expect(earlyStop.constants.cPrime.calibrated).toBe(true);
    for (const k of ['nSnr2Lo', 'nSnr2Hi', 'tauMin', 'tauMax', 'dOverNMin', 'dOverNMax', 'harmMax']) expect(earlyStop.constants[k].calibrated, k).toBe(true);
    expect(noiseless.constants.C.calibrated).toBe(true);
    expect(stage1.constants.dOverNMin.calibrated).toBe(true);
  });

  it('no paper tier (paperNote says why), no literal tier; working and robustness', () => {
    for (const claim of CLAIMS) {
      expect(claim.tiers).toEqual(['working', 'robustness']);
      expect(claim.paperNote).toMatch(/not recoverable/);
      expect(claim.paperSettings?.(ctxOf(claim)) ?? []).toHaveLength(0);
    }
    expect(log2.derivedFrom).toBe('B.stage1');
    expect(chain.links).toEqual(['B.stage1', 'B.stage2', 'B.early-stop', 'B.log2']);
    expect(REGISTRY.filter((c) => c.id === 'B.chain')).toHaveLength(1);
    for (const id of chain.links!) expect(REGISTRY.some((c) => c.id === id)).toBe(true);
  });

  it("B.chain draws from B.stage1's and B.stage2's working regions (both halves)", () => {
    const ctx = ctxOf(chain);
    const { stage1: r1, stage2: r2 } = chainRegions(ctx);
    const rs = fc.sample(chain.regimes('working', ctx), { seed: 7, numRuns: 200 });
    const in1 = rs.filter((r) => bClauses(r, r1).every((c) => c.holds)).length;
    const in2 = rs.filter((r) => bClauses(r, r2).every((c) => c.holds)).length;
    expect(in1).toBeGreaterThan(50);
    expect(in2).toBeGreaterThan(50);
    expect(in1 + in2).toBe(200);
  });
});

/** A fake run: measurements at the given steps with given losses and wrong test points. */
function fakeRun(points: { step: number; trainLoss: number; testWrong: number[] }[], nTest: number): BRun {
  const trajectory = points.map((p) => ({
    step: p.step, trainLoss: p.trainLoss, testError: p.testWrong.length / nTest,
    perSample: { loss: [], maxRhobar: [], maxRhoObs: [], iota: [], testWrong: p.testWrong },
  })) as unknown as Measurement[];
  const final = { ...trajectory[trajectory.length - 1] } as unknown as TrainResult['final'];
  return { seed: 5, result: { trajectory, final } as unknown as TrainResult, flipped: new Uint8Array([1, 0]), yObs: new Float64Array(2), nFlipped: 1 };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('paper B: paired comparison, vacuous bound, not-reached', () => {
  it('err(T1) < err(conv) by McNemar exact: holds, breaks, inconclusive', () => {
    const n = 1000;
    // T1 wrong on 10 points, convergence on those and 60 more: b = 0, c = 60 -> holds
    expect(belowVerdict(pairedErrorDifference(range(0, 10), range(0, 70), n, 0.9)).verdict).toBe('holds');
    // T1 wrong on 60 points convergence does not: breaks
    expect(belowVerdict(pairedErrorDifference(range(0, 70), range(0, 10), n, 0.9)).verdict).toBe('breaks');
    // identical errors (no discordant point): "below" is refuted on this test set
    expect(belowVerdict(pairedErrorDifference(range(0, 10), range(0, 10), n, 0.9)).verdict).toBe('breaks');
    // 3 vs 5 discordant points: undecided
    const mixed = pairedErrorDifference([...range(0, 10), 500, 501, 502], [...range(0, 10), 600, 601, 602, 603, 604], n, 0.9);
    expect(mixed.b).toBe(3);
    expect(mixed.c).toBe(5);
    expect(belowVerdict(mixed).verdict).toBe('inconclusive');
    // the same error RATES as the holding case but unpaired-looking (disjoint sets) are not enough when few points differ
    expect(belowVerdict(pairedErrorDifference([1, 2], [3, 4, 5, 6], n, 0.9)).verdict).toBe('inconclusive');
  });

  const base = regimeConfig(regime({ n: 60, d: 150, m: 5, nSnr2: 1.5, E: 10, tauPlus: 0.2, tauMinus: 0.2, nTest: 1000 }));
  const k = { ...ctxOf(earlyStop).constants };
  const h = { T1: 10, steps: 300, unit: 10, stepsNeeded: 300 };

  it('B.early-stop: a bound >= 0.25 makes the unit vacuous-bound, not holds; a tight bound can hold', () => {
    const run = fakeRun([{ step: 0, trainLoss: 0.7, testWrong: range(0, 500) }, { step: 10, trainLoss: 0.5, testWrong: range(0, 50) }, { step: 20, trainLoss: 0.05, testWrong: range(0, 150) }], 1000);
    const bound = Math.exp(-base.d / (base.n * k.cPrime));
    expect(bound).toBeGreaterThan(0.25); // d = 2.5 n, C' = 3: 0.43
    const o = earlyStopLink(run, h, k, base, 0.05);
    expect(o.verdict).toBe('vacuous-bound');
    expect(o.margin).toBeNull();
    // the same run with a small C' (bound ~0.25^...): the bound binds and is met -> holds
    const tight = earlyStopLink(run, h, { ...k, cPrime: 0.8 }, base, 0.05);
    expect(Math.exp(-base.d / (base.n * 0.8))).toBeLessThan(0.25);
    expect(tight.verdict).toBe('holds');
    // and a bound below the measured T1 error breaks
    expect(earlyStopLink(run, h, { ...k, cPrime: 0.4 }, base, 0.05).verdict).toBe('breaks');
    // convergence no better than T1: breaks whatever the bound
    const flat = fakeRun([{ step: 0, trainLoss: 0.7, testWrong: [] }, { step: 10, trainLoss: 0.5, testWrong: range(0, 50) }, { step: 20, trainLoss: 0.05, testWrong: range(0, 50) }], 1000);
    expect(earlyStopLink(flat, h, k, base, 0.05).verdict).toBe('breaks');
  });

  it('not converged within kReach x convUnits is not-reached; stopped earlier by our step cap is budget', () => {
    const stuck = fakeRun([{ step: 0, trainLoss: 0.7, testWrong: [] }, { step: 10, trainLoss: 0.5, testWrong: [] }, { step: 300, trainLoss: 0.4, testWrong: [] }], 1000);
    const kc = { epsConv: 0.1, convUnits: 10, kReach: 3 };
    expect(reachSteps(h, kc)).toBe(300);
    const nr = convergencePoint(stuck, h, kc);
    expect('outcome' in nr && nr.outcome.verdict).toBe('not-reached');
    const capped = convergencePoint(stuck, { ...h, steps: 200 }, kc);
    expect('outcome' in capped && capped.outcome.verdict).toBe('budget');
    expect('outcome' in capped && capped.outcome.stepsNeeded).toBe(300);
    expect('outcome' in capped && capped.outcome.note).toMatch(/300 steps/);
    const ok = fakeRun([{ step: 0, trainLoss: 0.7, testWrong: [] }, { step: 10, trainLoss: 0.5, testWrong: [] }, { step: 20, trainLoss: 0.05, testWrong: [] }], 1000);
    const c = convergencePoint(ok, h, kc);
    expect('conv' in c && c.conv.step).toBe(20);
  });
});

describe('paper B: calibration uses only calibration-stream seeds', () => {
  for (const claim of [earlyStop, noiseless]) {
    it(`${claim.id}.calibrate() re-derives its calibrated constants from calibration-stream units`, async () => {
      const ctx = ctxOf(claim);
      const seen: number[] = [];
      const fakeEval = (r: Regime): Evaluation => {
        const seed = r.seed as number;
        seen.push(seed);
        const seeds = [seed, seed + 1, seed + 2];
        const outcomes = seeds.map((s, i) => ({ seed: s, verdict: 'holds', margin: 0.1, testErrorAtT1Lower: 0.05 + 0.01 * i, convergedAt: 40 * (i + 1), worstTestErrorLower: 0.02 * (i + 1), lateRise: 0.004 * i }));
        return { verdict: 'holds', margin: 0.1, measurements: { seeds: outcomes }, hypotheses: { holds: true, clauses: [] }, units: outcomes.map((o) => ({ seed: o.seed, verdict: 'holds' as const, margin: 0.1 })) };
      };
      const { inStream } = await import('../src/claims/seedStreams');
      const c: CalibrationContext = {
        ...ctx, engine: 'auto', budget: 0.5,
        regimes: (count) => fc.sample(claim.regimes('working', ctx), { seed: 3, numRuns: count }).map((r) => inStream(r, 'calibrate')),
        evaluate: async (r) => fakeEval(r),
      };
      const out = await claim.calibrate!(c);
      expect(out.seeds.length).toBeGreaterThan(0);
      for (const s of [...out.seeds, ...seen]) expect(streamOf(s)).toBe('calibrate');
      const calibrated = Object.entries(claim.constants).filter(([, s]) => s.calibrated).map(([k]) => k);
      for (const k of Object.keys(out.constants)) {
        expect(calibrated).toContain(k);
        expect(Number.isFinite(out.constants[k]) && out.constants[k] > 0).toBe(true);
        expect(out.method[k]).toMatch(/quantile|largest/);
      }
      if (claim === noiseless) expect(Object.keys(out.constants).sort()).toEqual(['C', 'riseTol']);
      else expect(Object.keys(out.constants).sort()).toEqual(['cPrime', 'convUnits']);
    });
  }

  it('quantile interpolates', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([0, 10], 0.9)).toBeCloseTo(9, 10);
  });
});

