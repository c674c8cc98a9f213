import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTINGS_SPEC } from '../src/claims/constants';
import {
  bClauses, bDerived, horizonSteps, logUniform, observedMargin, regimeFrom, regionOf, replicateMargin, replicateVerdict,
  successesNeeded, timeT1,
} from '../src/claims/paperB';
import { regimeConfig } from '../src/claims/common';
import type { Claim, ClaimContext, EngineSettings, EvalContext, Mode, Regime } from '../src/claims/types';
import { claim as stage1 } from '../properties/B.stage1';
import { claim as stage2 } from '../properties/B.stage2';
import { claim as earlyStop } from '../properties/B.early-stop';
import { claim as log2 } from '../properties/B.log2';
import { claim as noiseless } from '../properties/B.noiseless';

const CLAIMS: Claim[] = [stage1, stage2, earlyStop, log2, noiseless];

/** The context of a claim from the declared defaults (its ConstantSpecs, SETTINGS_SPEC). */
function ctxOf(claim: Claim): ClaimContext {
  const constants = Object.fromEntries(Object.entries(claim.constants).map(([k, s]) => [k, s.default]));
  const settings = Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])) as unknown as EngineSettings;
  return { constants, all: { [claim.id]: constants }, settings };
}
function evalCtx(claim: Claim, mode: Mode): EvalContext {
  return { ...ctxOf(claim), engine: 'auto', mode };
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

  it('generates in-regime regimes inside the hypotheses (constructed, not filtered)', () => {
    for (const claim of CLAIMS) {
      const ctx = ctxOf(claim);
      fc.assert(fc.property(claim.regimes('in-regime', ctx), (r) => {
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

  it('judges replicates with a binomial rule against P >= 1 - delta', () => {
    expect(successesNeeded(3, 0.9)).toBe(3);
    expect(replicateVerdict(3, 3, 0.9, 0.05).verdict).toBe('holds');
    expect(replicateVerdict(2, 3, 0.9, 0.05).verdict).toBe('inconclusive');
    expect(replicateVerdict(1, 3, 0.9, 0.05).verdict).toBe('breaks');
    expect(replicateVerdict(0, 3, 0.9, 0.05).verdict).toBe('breaks');
    expect(replicateMargin([0.3, 0.1, 0.2], 0.9)).toBe(0.1);
    expect(replicateMargin([0.3, -0.1, 0.2], 0.9)).toBe(-0.1);
    expect(replicateMargin([], 0.9)).toBeNull();
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

describe('paper B claims, evaluated', () => {
  for (const claim of CLAIMS) {
    it(`${claim.id}: in-regime regimes (seed 1) hold`, async () => {
      const ctx = evalCtx(claim, 'in-regime');
      const regimes = fc.sample(claim.regimes('in-regime', ctx), { seed: 1, numRuns: 3 });
      for (const r of regimes) {
        const ev = await claim.evaluate(r, ctx);
        expect(ev.verdict, `${JSON.stringify(r)}: ${ev.note}`).toBe('holds');
        expect(ev.margin!).toBeGreaterThan(0);
        expect(ev.hypotheses.holds).toBe(true);
        expect(ev.configs).toHaveLength(ctx.settings.replicates);
        expect(ev.configs![0].steps).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(ev.measurements))).toBeTruthy();
      }
    });
  }

  // Hand-picked breaking regimes (robustness mode: outside the claims' regions).
  const lowSnr = regime({ n: 60, d: 1200, m: 10, nSnr2: 2, E: 5, s0: 0.01, tauPlus: 0.15, tauMinus: 0.15 });
  const benign = regime({ n: 60, d: 1200, m: 5, nSnr2: 8, E: 10, s0: 0.01, tauPlus: 0.2, tauMinus: 0.2, nTest: 1000 });
  const noisyHarmful = regime({ n: 60, d: 150, m: 5, nSnr2: 1.5, E: 10, s0: 0.01, tauPlus: 0.2, tauMinus: 0.2, nTest: 1000 });
  const breaking: [Claim, Regime, string][] = [
    [stage1, lowSnr, 'n SNR^2 = 2: noisy samples are fitted to their wrong label before T1'],
    [log2, lowSnr, 'n SNR^2 = 2: some noisy samples have loss < log 2 at T1'],
    [stage2, benign, 'd = 20 n, n SNR^2 = 8: benign memorization, test error ~0 < 0.5 tau'],
    [earlyStop, benign, 'benign: the test error at T1 is not below the (zero) error at convergence'],
    [noiseless, noisyHarmful, 'tau = 0.2 instead of 0: samples flip, the test error rises late'],
  ];
  for (const [claim, r, why] of breaking) {
    it(`${claim.id}: breaks where expected (${why})`, async () => {
      const ev = await claim.evaluate(r, evalCtx(claim, 'robustness'));
      expect(ev.verdict, ev.note).toBe('breaks');
      expect(ev.margin!).toBeLessThanOrEqual(0);
      expect(ev.hypotheses.holds).toBe(false);
    });
  }

  it('vacuous in-regime when the hypotheses fail, budget when T1 exceeds the step budget (no training)', async () => {
    const q2 = await stage1.evaluate({ ...regime({ n: 80, d: 1600, nSnr2: 10 }), q: 2 }, evalCtx(stage1, 'in-regime'));
    expect(q2.verdict).toBe('vacuous');
    expect(q2.note).toContain('B.hyp(q)');
    const slow = await stage2.evaluate(regime({ E: 1e-3 }), evalCtx(stage2, 'robustness'));
    expect(slow.verdict).toBe('budget');
    const noFlips = await stage1.evaluate(regime({ n: 40, d: 800, tauPlus: 0, tauMinus: 0 }), evalCtx(stage1, 'robustness'));
    expect(noFlips.verdict).toBe('vacuous');
  });
});
