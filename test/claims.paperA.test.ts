import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { claim as aAsm } from '../properties/A/asm';
import { claim as aGdOverfits } from '../properties/A/gd-overfits';
import { claim as aLngdGeneralizes } from '../properties/A/lngd-generalizes';
import { claim as aNoiseBounded } from '../properties/A/noise-bounded';
import { claim as aSeparation } from '../properties/A/separation';
import { claim as aStage1 } from '../properties/A/stage1';
import { loadProfile, SETTINGS_SPEC } from '../src/claims/constants';
import { regimeConfig } from '../src/claims/kit/training';
import { asmClauses, literalAsmRegimes, minDimensionForSigma0Window, sigma0Window } from '../properties/A/assumptions';
import { EXCURSIONS, inRegionArbitrary, regimeFrom, RegimeParams, robustnessArbitrary } from '../properties/A/generators';
import { derived, timeT1, timeTGD, timeTLN } from '../properties/A/quantities';
import { regionClauses, regionOf, WORKING_REGION } from '../properties/A/region';
import { clauseLogMargin } from '../src/claims/kit/clauses';
import type { Claim, ClaimContext, Constants, EngineSettings, EvalContext, Regime, Tier, Verdict } from '../src/claims/types';
import { CONFIG_KEYS } from '../src/training/config';
import { loadPreset } from '../src/training/presets';

const CLAIMS: Claim[] = [aAsm, aGdOverfits, aLngdGeneralizes, aSeparation, aStage1, aNoiseBounded];

/** The declared defaults of every claim and of the engine settings (the profile before any file). */
function defaultsContext(): { all: Record<string, Constants>; settings: EngineSettings } {
  const all: Record<string, Constants> = {};
  for (const c of CLAIMS) all[c.id] = Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, s.default]));
  const settings = { ...Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])), replicates: 3 } as unknown as EngineSettings;
  return { all, settings };
}

let profile: { all: Record<string, Constants>; settings: EngineSettings } = defaultsContext();

beforeAll(async () => {
  // The default profile (fixtures/constants/default.json) when it and the whole registry exist;
  // otherwise the declared defaults, which is what that profile is generated from.
  try {
    const { CLAIMS: registered } = await import('../src/claims/registry');
    const p = loadProfile('default', registered);
    profile = { all: p.claims, settings: { ...p.settings, replicates: 3 } }; // 3 seeds per regime keep the file affordable
  } catch {
    profile = defaultsContext();
  }
});

function ctxFor(claim: Claim): ClaimContext {
  return { constants: profile.all[claim.id], all: profile.all, settings: profile.settings };
}
function evalCtx(claim: Claim, tier: Tier): EvalContext {
  return { ...ctxFor(claim), tier, engine: 'auto' };
}

const LITERAL = { C: 1, delta: 0.05, cFlip: 1 };
const main = loadPreset('paper-a-main').config as unknown as Regime;

/** A regime of the working region's shape, with one or more knobs set. */
function regime(over: Partial<RegimeParams> = {}): Regime {
  return regimeFrom({ n: 30, d: 1200, m: 12, kappa: 0.6, nSnr2: 0.35, s0: 0.05, p: 0.15, sigmaP: 0.5, nTest: 500, seed: 11, ...over });
}

describe('A.asm: Assumption 3.1 clause by clause', () => {
  it("paper A's main experiment fails clause (i): d = 2000 < n^2 = 40000", () => {
    const clauses = asmClauses(main, LITERAL);
    const c1 = clauses.find((c) => c.id === 'A.asm(i)')!;
    expect(c1.holds).toBe(false);
    expect(c1.lhs).toBe(2000);
    // C log(n/delta) max(n^2, n ||mu||^2/sigma_p^2) = log(4000) * 40000
    expect(c1.rhs).toBeCloseTo(Math.log(200 / 0.05) * 40000, 6);
    expect(clauseLogMargin(c1)).toBeLessThan(0);
    // and its sigma_0 window is empty: (iv) cannot hold at d = 2000
    const w = sigma0Window(regimeConfig(main), LITERAL);
    expect(w.lo).toBeGreaterThan(w.hi);
    // (ii) holds there: m = 20, n = 200 >= log(2000/0.05) = 10.6
    expect(clauses.find((c) => c.id === 'A.asm(ii.m)')!.holds).toBe(true);
    expect(clauses.find((c) => c.id === 'A.asm(ii.n)')!.holds).toBe(true);
  });

  it('the claim audits the preset: breaks, listing the failed clauses', async () => {
    const ev = await aAsm.evaluate(main, evalCtx(aAsm, 'robustness'));
    expect(ev.verdict).toBe('breaks');
    expect(ev.margin).toBeLessThan(0);
    expect(ev.measurements.failed).toEqual(expect.arrayContaining(['A.asm(i)', 'A.asm(iii)', 'A.asm(iv.lo)', 'A.asm(iv.hi)']));
    expect(aAsm.hypotheses(main, ctxFor(aAsm)).clauses.find((c) => c.id === 'A.asm(i)')!.holds).toBe(false);
  });

  it('a hand-made regime satisfies every clause (it needs d ~ 1e22 with C = 1)', async () => {
    const n = 60, d = 1e22, sigmaP = 1, A = 0.001;
    const L = Math.log(d / 0.05);
    const w = sigma0Window({ n, d, m: 1, A, sigmaP, sigma0: 1, eta: 1, p: 0.1 }, LITERAL);
    expect(w.lo).toBeLessThan(w.hi);
    const r: Regime = { n, d, m: 20000, q: 2, A, sigmaP, sigma0: Math.sqrt(w.lo * w.hi), eta: 0.5 / (L * sigmaP * sigmaP * d), p: 0.1, noise: 'projected', seed: 1 };
    const clauses = asmClauses(r, LITERAL);
    expect(clauses.length).toBe(9);
    for (const c of clauses) {
      expect(c.holds, c.id).toBe(true);
      expect(clauseLogMargin(c), c.id).toBeGreaterThanOrEqual(0);
    }
    const ev = await aAsm.evaluate(r, evalCtx(aAsm, 'robustness')); // the audit of a regime
    expect(ev.verdict).toBe('holds');
    expect(ev.margin).toBeGreaterThan(0);
  });

  it('each clause fails on its own when its knob leaves the window', () => {
    const n = 60, d = 1e22, sigmaP = 1, A = 0.001;
    const L = Math.log(d / 0.05);
    const w = sigma0Window({ n, d, m: 1, A, sigmaP, sigma0: 1, eta: 1, p: 0.1 }, LITERAL);
    const good: Regime = { n, d, m: 20000, q: 2, A, sigmaP, sigma0: Math.sqrt(w.lo * w.hi), eta: 0.5 / (L * d), p: 0.1, noise: 'projected', seed: 1 };
    const failing = (r: Regime) => asmClauses(r, LITERAL).filter((c) => !c.holds).map((c) => c.id);
    expect(failing(good)).toEqual([]);
    expect(failing({ ...good, d: 1e4 })).toContain('A.asm(i)');
    expect(failing({ ...good, m: 10 })).toEqual(expect.arrayContaining(['A.asm(ii.m)']));
    expect(failing({ ...good, eta: 1 })).toEqual(['A.asm(iii)']);
    expect(failing({ ...good, sigma0: w.lo / 2 })).toEqual(['A.asm(iv.lo)']);
    expect(failing({ ...good, sigma0: w.hi * 2 })).toEqual(['A.asm(iv.hi)']);
    expect(failing({ ...good, p: 0 })).toEqual(expect.arrayContaining(['A.asm(v.pos)']));
    expect(failing({ ...good, p: 0.01 })).toEqual(['A.asm(v.nips)']);
    expect(failing(good).length).toBe(0);
    expect(asmClauses({ ...good, p: 0.01 }, { ...LITERAL, cFlip: 0 }).every((c) => c.holds)).toBe(true);
    expect(asmClauses({ ...good, p: 0.6 }, { ...LITERAL, C: 2 }).find((c) => c.id === 'A.asm(v)')!.holds).toBe(false);
  });

  it('with C = 1 the sigma_0 window needs an astronomical d', () => {
    const dMain = minDimensionForSigma0Window(200, 2, 0.5, LITERAL);
    expect(dMain).toBeGreaterThan(1e20);
    const dSmall = minDimensionForSigma0Window(20, 1, 0.5, LITERAL);
    expect(dSmall).toBeGreaterThan(1e15);
    const w = sigma0Window({ n: 20, d: dSmall * 1.01, m: 1, A: 1, sigmaP: 0.5, sigma0: 1, eta: 1, p: 0.1 }, LITERAL);
    expect(w.lo).toBeLessThanOrEqual(w.hi);
  });

  it('the literal generator constructs regimes inside the assumption for several constants', () => {
    for (const k of [LITERAL, { C: 2, delta: 0.01, cFlip: 1 }, { C: 0.1, delta: 0.5, cFlip: 0 }]) {
      fc.assert(fc.property(literalAsmRegimes(k), (r) => asmClauses(r, k).every((c) => c.holds)), { numRuns: 100, seed: 3 });
    }
  });
});

describe('paper A time formulas', () => {
  // paper-a-main: n 200, d 2000, m 20, A 2, sigma_p 0.5, sigma_0 0.01, eta 1
  const c = regimeConfig(main);
  const noise = (200 * 20 * Math.log(1 / (0.01 * 0.5 * Math.sqrt(2000)))) / (1 * 0.25 * 2000);

  it('T1 = 4 n m log(1/(sigma0 sigma_p sqrt d)) / (eta sigma_p^2 d)', () => {
    expect(noise).toBeCloseTo(11.983, 2);
    expect(timeT1(c)).toBeCloseTo(4 * noise, 9);
    expect(timeT1({ ...c, eta: 0.5 })).toBeCloseTo(2 * timeT1(c), 9);
  });

  it('T_GD = n m log(.)/(eta sigma_p^2 d) + m^3 n/(eta eps sigma_p^2 d), with Theta constants', () => {
    const fit = (20 ** 3 * 200) / (1 * 0.1 * 0.25 * 2000); // 32000
    expect(timeTGD(c, 0.1)).toBeCloseTo(noise + fit, 6);
    expect(timeTGD(c, 0.05) - noise).toBeCloseTo(2 * fit, 6);
    expect(timeTGD(c, 0.1, 4, 0.01)).toBeCloseTo(4 * noise + 0.01 * fit, 6);
  });

  it('T_LN = n m log(.)/(eta sigma_p^2 d) + m log(6/(sigma0 ||mu||))/(eta ||mu||^2)', () => {
    const signal = (20 * Math.log(6 / (0.01 * 2))) / (1 * 4);
    expect(timeTLN(c)).toBeCloseTo(noise + signal, 9);
    expect(timeTLN(c, 4, 16)).toBeCloseTo(4 * noise + 16 * signal, 9);
  });

  it("derived quantities of the paper's main setting", () => {
    const q = derived(c);
    expect(q.nSnr2).toBeCloseTo(1.6, 9);
    expect(q.kappa).toBeCloseTo(0.125, 9);
    expect(q.s0).toBeCloseTo(0.01 * 0.5 * Math.sqrt(2000), 12);
    // the generator's inverse map: regimeFrom(kappa, nSnr2, s0) gives back those values (4 digits)
    const back = derived(regimeConfig(regimeFrom({ n: 200, d: 2000, m: 20, kappa: 0.125, nSnr2: 1.6, s0: q.s0, p: 0.1, sigmaP: 0.5, nTest: 2000, seed: 1 })));
    expect(back.kappa).toBeCloseTo(0.125, 3);
    expect(back.nSnr2).toBeCloseTo(1.6, 3);
  });
});

describe('paper A regimes and verdict rules', () => {
  it('in-region draws satisfy every working-region hypothesis and replay as training keys', () => {
    for (const claim of CLAIMS.slice(1)) {
      const r = regionOf(ctxFor(claim).constants);
      fc.assert(
        fc.property(inRegionArbitrary(r), (g) => {
          expect(Object.keys(g).every((k) => (CONFIG_KEYS as string[]).includes(k))).toBe(true);
          return regionClauses(g, r).every((c) => c.holds);
        }),
        { numRuns: 200, seed: 5 },
      );
    }
  });

  it('robustness draws go across and beyond the region', () => {
    const draws = fc.sample(robustnessArbitrary(WORKING_REGION), { seed: 2, numRuns: 300 });
    const outside = draws.filter((g) => !regionClauses(g, WORKING_REGION).every((c) => c.holds));
    expect(outside.length).toBeGreaterThan(200);
    expect(draws.some((g) => (g.m as number) <= 5)).toBe(true);
    expect(draws.some((g) => g.q !== 2)).toBe(true);
    expect(draws.some((g) => g.noise === 'isotropic')).toBe(true);
    const kappas = draws.map((g) => derived(regimeConfig(g)).kappa);
    expect(Math.max(...kappas) / Math.min(...kappas)).toBeGreaterThan(100);
    expect(EXCURSIONS.length).toBeGreaterThan(5);
  });
});

/** The first three working-tier draws at seed 1 must all hold (every unit); then a hand-picked regime must break. */
async function workingHolds(claim: Claim): Promise<void> {
  const regimes = fc.sample(claim.regimes('working', ctxFor(claim)), { seed: 1, numRuns: 3 });
  for (const r of regimes) {
    expect(claim.hypotheses(r, ctxFor(claim)).holds).toBe(true);
    const ev = await claim.evaluate(r, evalCtx(claim, 'working'));
    expect(ev.verdict, `${claim.id} ${JSON.stringify(r)}: ${ev.note}`).toBe('holds');
    expect(ev.units?.length).toBe(profile.settings.replicates);
    expect(ev.units!.every((u) => u.verdict === 'holds')).toBe(true);
    expect(ev.margin).toBeGreaterThan(0);
    expect(() => JSON.stringify(ev)).not.toThrow();
  }
}

const AGAINST: Verdict[] = ['breaks', 'not-reached'];

describe('A claims: working-tier draws hold, hand-picked robustness regimes break', () => {
  it('A.gd-overfits: holds in its working region; breaks at high SNR (n SNR^2 = 8: GD learns the signal)', async () => {
    await workingHolds(aGdOverfits);
    const ev = await aGdOverfits.evaluate(regime({ nSnr2: 8 }), evalCtx(aGdOverfits, 'robustness'));
    expect(ev.verdict, ev.note).toBe('breaks');
    expect(ev.margin).toBeLessThan(0);
    expect(ev.configs?.length).toBe(profile.settings.replicates);
    // vacuous in the working tier outside the region
    expect((await aGdOverfits.evaluate(regime({ nSnr2: 8 }), evalCtx(aGdOverfits, 'working'))).verdict).toBe('vacuous');
  });

  it('A.lngd-generalizes: holds in its working region; breaks with small steps (kappa = 0.1: no signal by T_LN)', async () => {
    await workingHolds(aLngdGeneralizes);
    const ev = await aLngdGeneralizes.evaluate(regime({ kappa: 0.1, nSnr2: 0.3, s0: 0.1 }), evalCtx(aLngdGeneralizes, 'robustness'));
    expect(ev.verdict, ev.note).toBe('breaks');
    expect(ev.margin).toBeLessThan(0);
  });

  it('A.separation: holds in its working region; breaks at high SNR (both methods generalize)', async () => {
    await workingHolds(aSeparation);
    const ev = await aSeparation.evaluate(regime({ nSnr2: 8 }), evalCtx(aSeparation, 'robustness'));
    expect(ev.verdict, ev.note).toBe('breaks');
    expect(ev.margin).toBeLessThan(0);
    expect(ev.configs?.length).toBe(2 * profile.settings.replicates);
  });

  it('A.stage1: holds in its working region; fails with width m = 2 (some sample has no active filter)', async () => {
    await workingHolds(aStage1);
    const ev = await aStage1.evaluate(regime({ m: 2, kappa: 0.1, nSnr2: 0.2, p: 0.1 }), evalCtx(aStage1, 'robustness'));
    expect(AGAINST, ev.note).toContain(ev.verdict);
    expect(ev.margin).toBeLessThan(0);
  });

  it('A.stage1 evaluated in A.lngd-generalizes\' working region (robustness semantics): units count against it', async () => {
    const r = fc.sample(aLngdGeneralizes.regimes('working', ctxFor(aLngdGeneralizes)), { seed: 1, numRuns: 1 })[0];
    const ev = await aStage1.evaluate(r, evalCtx(aStage1, 'robustness'));
    expect(ev.units!.some((u) => AGAINST.includes(u.verdict)), ev.note).toBe(true);
  });

  it('A.noise-bounded: the two-sided per-sample band fails in its own working region (iota swings by > 10x)', async () => {
    const r = fc.sample(aNoiseBounded.regimes('working', ctxFor(aNoiseBounded)), { seed: 1, numRuns: 1 })[0];
    const ev = await aNoiseBounded.evaluate(r, evalCtx(aNoiseBounded, 'working'));
    expect(ev.units!.every((u) => u.verdict === 'breaks'), ev.note).toBe(true);
    // without label noise (p = 0) the window never closes or the band breaks: against the claim either way
    const p0 = await aNoiseBounded.evaluate(regime({ kappa: 0.4, p: 0 }), evalCtx(aNoiseBounded, 'robustness'));
    expect(AGAINST, p0.note).toContain(p0.verdict);
  });

  it('a diverging regime is reported as diverged, a long one as budget', async () => {
    const div = await aLngdGeneralizes.evaluate(regime({ kappa: 8 }), evalCtx(aLngdGeneralizes, 'robustness'));
    expect(div.verdict).toBe('diverged');
    const slow = await aLngdGeneralizes.evaluate(regime({ kappa: 0.005 }), evalCtx(aLngdGeneralizes, 'robustness'));
    expect(slow.verdict).toBe('budget');
    expect(slow.measurements.stepsNeeded).toBeGreaterThan(5000);
  });
});
