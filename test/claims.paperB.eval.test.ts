import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTINGS_SPEC } from '../src/claims/constants';
import { regimeFrom } from '../properties/B/generators';
import { replicateSeeds } from '../src/claims/kit/training';
import type { Claim, ClaimContext, EngineSettings, EvalContext, Regime, Tier } from '../src/claims/types';
import { claim as stage1 } from '../properties/B/stage1';
import { claim as stage2 } from '../properties/B/stage2';
import { claim as earlyStop } from '../properties/B/early-stop';
import { claim as log2 } from '../properties/B/log2';
import { claim as noiseless } from '../properties/B/noiseless';
import { claim as chain } from '../properties/B/chain';

/** Paper-B claims trained for real (small sizes): units per seed, breaking regimes, B.chain on the same runs. */

const B: Claim[] = [stage1, stage2, earlyStop, log2, noiseless, chain];
const defaults = (c: Claim) => Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, s.default]));
const ALL = Object.fromEntries(B.map((c) => [c.id, defaults(c)]));

function ctxOf(claim: Claim, replicates?: number): ClaimContext {
  const settings = Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])) as unknown as EngineSettings;
  return { constants: ALL[claim.id], all: ALL, settings: replicates ? { ...settings, replicates } : settings };
}
function evalCtx(claim: Claim, tier: Tier, replicates?: number): EvalContext {
  return { ...ctxOf(claim, replicates), engine: 'auto', tier };
}
function regime(over: Partial<Parameters<typeof regimeFrom>[0]> = {}): Regime {
  return regimeFrom({ n: 100, d: 2000, m: 10, nSnr2: 8, E: 5, s0: 0.045, tauPlus: 0.1, tauMinus: 0.1, sigmaP: 1, nTest: 200, seed: 1, ...over });
}

describe('paper B claims: one unit per seed', () => {
  it('B.stage1 in its working region: a unit per replicate seed, the regime verdict from the units', async () => {
    const ctx = evalCtx(stage1, 'working', 4);
    const r = fc.sample(stage1.regimes('working', ctx), { seed: 1, numRuns: 1 })[0];
    const ev = await stage1.evaluate(r, ctx);
    expect(ctx.settings.replicates).toBeGreaterThan(1);
    expect(ev.units!.map((u) => u.seed)).toEqual(replicateSeeds(r, ctx.settings.replicates));
    for (const u of ev.units!) expect(['holds', 'breaks', 'vacuous']).toContain(u.verdict);
    expect(ev.note).toMatch(/seeds hold/);
    expect(ev.measurements.seeds).toHaveLength(ctx.settings.replicates);
    expect(ev.units!.filter((u) => u.verdict === 'holds').length).toBeGreaterThan(0);
  });

  it('early verdicts give every seed a unit: vacuous (working tier, hypotheses fail), budget (T1 beyond the step budget)', async () => {
    const q2 = await stage1.evaluate({ ...regime({ n: 80, d: 1600, nSnr2: 10 }), q: 2 }, evalCtx(stage1, 'working'));
    expect(q2.verdict).toBe('vacuous');
    expect(q2.units!.every((u) => u.verdict === 'vacuous')).toBe(true);
    expect(q2.units).toHaveLength(evalCtx(stage1, 'working').settings.replicates);
    const slow = await stage2.evaluate(regime({ E: 1e-3 }), evalCtx(stage2, 'robustness'));
    expect(slow.verdict).toBe('budget');
    expect(slow.units!.every((u) => u.verdict === 'budget')).toBe(true);
    expect(slow.note).toMatch(/needs \d+ steps/);
    const noFlips = await stage1.evaluate(regime({ n: 40, d: 800, tauPlus: 0, tauMinus: 0 }), evalCtx(stage1, 'robustness'));
    expect(noFlips.units!.every((u) => u.verdict === 'vacuous')).toBe(true);
  });
});

describe('paper B claims: vacuous bounds', () => {
  it('B.noiseless on the harmful side: exp(-H/C) >= 0.25 is met but makes the unit vacuous-bound, never holds', async () => {
    const harmful = regime({ n: 60, d: 120, m: 5, nSnr2: 1.5, E: 10, s0: 0.01, tauPlus: 0, tauMinus: 0, nTest: 1000 });
    const ctx = evalCtx(noiseless, 'working', 3);
    expect(noiseless.hypotheses(harmful, ctx).holds).toBe(true);
    const ev = await noiseless.evaluate(harmful, ctx);
    expect(ev.measurements.bound as number).toBeGreaterThan(0.25);
    expect(ev.units!.some((u) => u.verdict === 'holds')).toBe(false);
    expect(ev.units!.some((u) => u.verdict === 'vacuous-bound')).toBe(true);
  });
});

describe('paper B claims: breaking regimes (robustness tier)', () => {
  const lowSnr = regime({ n: 60, d: 1200, m: 10, nSnr2: 2, E: 5, s0: 0.01, tauPlus: 0.15, tauMinus: 0.15 });
  const benign = regime({ n: 60, d: 1200, m: 5, nSnr2: 8, E: 10, s0: 0.01, tauPlus: 0.2, tauMinus: 0.2, nTest: 1000 });
  const noisyHarmful = regime({ n: 60, d: 150, m: 5, nSnr2: 1.5, E: 10, s0: 0.01, tauPlus: 0.2, tauMinus: 0.2, nTest: 1000 });
  const cases: [Claim, Regime, string][] = [
    [stage1, lowSnr, 'n SNR^2 = 2: noisy samples fitted to their wrong label before T1'],
    [log2, lowSnr, 'n SNR^2 = 2: noisy samples below log 2 at T1'],
    [stage2, benign, 'benign memorization: test error ~0 < 0.5 tau'],
    [earlyStop, benign, 'benign: err(T1) not below err(conv) (paired)'],
    [noiseless, noisyHarmful, 'tau = 0.2: samples flip, the test error rises late'],
  ];
  for (const [claim, r, why] of cases) {
    it(`${claim.id} breaks (${why})`, async () => {
      const ev = await claim.evaluate(r, evalCtx(claim, 'robustness', 3));
      expect(ev.verdict, ev.note).toBe('breaks');
      expect(ev.units!.filter((u) => u.verdict === 'breaks').length).toBeGreaterThan(0);
      for (const u of ev.units!.filter((x) => x.verdict === 'breaks')) expect(u.margin!).toBeLessThanOrEqual(0);
      expect(ev.hypotheses.holds).toBe(false);
    });
  }
});

describe('B.chain: every link on the same runs', () => {
  // B.stage1's region (n SNR^2 = 10, d = 20 n), small enough to converge-train quickly
  const inStage1 = regime({ n: 60, d: 1200, m: 9, nSnr2: 10, E: 10, s0: 0.01, tauPlus: 0.1, tauMinus: 0.1, nTest: 1000, seed: 11 });

  it('the links are the single claims\' verdicts on the same seeds; the chain breaks at B.stage2 in B.stage1\'s region', async () => {
    const ev = await chain.evaluate(inStage1, evalCtx(chain, 'working', 3));
    expect(ev.hypotheses.holds).toBe(true);
    expect(ev.measurements.region).toBe('B.stage1');
    expect(ev.units).toHaveLength(3);
    for (const u of ev.units!) expect(Object.keys(u.links!)).toEqual(['B.stage1', 'B.stage2', 'B.early-stop', 'B.log2']);
    // the single claims on the same regime (robustness tier: their own region check is off) give the same per-seed verdicts
    for (const single of [stage1, stage2, earlyStop, log2]) {
      const s = await single.evaluate(inStage1, evalCtx(single, 'robustness', 3));
      expect(s.units!.map((u) => u.verdict), single.id).toEqual(ev.units!.map((u) => u.links![single.id].verdict));
    }
    expect(ev.units!.every((u) => u.links!['B.stage1'].verdict === 'holds')).toBe(true);
    expect(ev.units!.every((u) => u.links!['B.stage2'].verdict === 'breaks')).toBe(true);
    expect(ev.units!.every((u) => u.verdict === 'breaks' && /B.stage2/.test(u.note ?? ''))).toBe(true);
    expect(ev.verdict).toBe('breaks');
  }, 60_000);
});

describe('cross-region: every B claim evaluates in another B claim\'s working region (robustness tier)', () => {
  const singles = [stage1, stage2, earlyStop, log2, noiseless];
  it('no vacuous from hypotheses, units per seed, a verdict every time', async () => {
    for (let i = 0; i < singles.length; i++) {
      const claim = singles[i], donor = singles[(i + 1) % singles.length];
      // the donor's working region, drawn small (the cost of the cross-region matrix is the lead's)
      const dctx = ctxOf(donor);
      const r = fc.sample(donor.regimes('working', { ...dctx, constants: { ...dctx.constants, nMax: dctx.constants.nMin, unitMax: 30 } }), { seed: 2, numRuns: 1 })[0];
      const ev = await claim.evaluate(r, evalCtx(claim, 'robustness', 2));
      expect(ev.units, `${claim.id} in ${donor.id}'s region`).toHaveLength(2);
      for (const u of ev.units!) {
        if (u.verdict === 'vacuous') expect(u.note, `${claim.id} in ${donor.id}'s region`).toMatch(/no training label was flipped/);
        expect(u.verdict).not.toBe('error');
      }
    }
  }, 80_000);
});
