import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { claim as aAsm } from '../properties/A/asm';
import { claim as aChain } from '../properties/A/chain';
import { claim as aGdOverfits } from '../properties/A/gd-overfits';
import { claim as aLngdGeneralizes } from '../properties/A/lngd-generalizes';
import { claim as aNoiseBounded } from '../properties/A/noise-bounded';
import { claim as aSeparation, separationUnit } from '../properties/A/separation';
import { claim as aStage1 } from '../properties/A/stage1';
import { SETTINGS_SPEC } from '../src/claims/constants';
import { inStream, streamOf } from '../src/claims/seedStreams';
import { literalFeasibility } from '../properties/A/assumptions';
import { regimeFrom } from '../properties/A/generators';
import { noiseBandLink, stage1Link } from '../properties/A/links';
import type { CalibrationContext, Claim, Constants, EngineSettings, EvalContext, Regime, Tier } from '../src/claims/types';
import type { Measurement } from '../src/training/measure';
import { loadPreset } from '../src/training/presets';

/**
 * Issue 7 for the paper-A claims: the literal tier is infeasible with its size, the paper tier
 * names presets, A.separation's paired unit rule, A.chain's links on the same runs, provenance of
 * every constant, calibration on the calibration stream only.
 */

const SINGLE: Claim[] = [aGdOverfits, aLngdGeneralizes, aNoiseBounded, aStage1, aSeparation];
const ALL: Claim[] = [aAsm, ...SINGLE, aChain];

const all: Record<string, Constants> = {};
for (const c of ALL) all[c.id] = Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, s.default]));
const settings = { ...Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, s]) => [k, s.default])), replicates: 2 } as unknown as EngineSettings;

function ctx(c: Claim, tier: Tier, over: Partial<Constants> = {}): EvalContext {
  return { constants: { ...all[c.id], ...over } as Constants, all, settings, engine: 'auto', tier };
}

describe('literal tier: infeasible, with the smallest size', () => {
  it('A.asm is one deterministic infeasible unit naming n >= 50 and d ~ 2.4e20 (C = 1, delta = 0.05)', async () => {
    const f = literalFeasibility({ C: 1, delta: 0.05, cFlip: 1 });
    expect(f.feasible).toBe(true);
    expect(f.affordable).toBe(false);
    expect(f.n).toBe(50);
    expect(f.d).toBeGreaterThan(1e20);
    expect(f.d).toBeLessThan(1e21);
    const regimes = fc.sample(aAsm.regimes('literal', ctx(aAsm, 'literal')), { seed: 3, numRuns: 5 });
    expect(new Set(regimes.map((r) => JSON.stringify(r))).size).toBe(1);
    const ev = await aAsm.evaluate(regimes[0], ctx(aAsm, 'literal'));
    expect(ev.verdict).toBe('infeasible');
    expect(ev.note).toMatch(/n >= 50, d >= 2\.41e\+20/);
    expect((ev.measurements.smallest as { d: number }).d).toBe(f.d);
    expect(ev.units).toBeUndefined();
  });

  it('A.asm says holds only when the literal regime is affordable (a tiny C)', async () => {
    const k = { C: 0.05, delta: 0.5, cFlip: 0 };
    const f = literalFeasibility({ ...k, dAffordable: 1e5 });
    expect(f.affordable).toBe(true);
    const ev = await aAsm.evaluate(f.regime, ctx(aAsm, 'literal', k));
    expect(ev.verdict).toBe('holds');
  });

  it('every other A claim returns infeasible with the same size, never holds', async () => {
    for (const c of [...SINGLE, aChain]) {
      expect(c.tiers).toContain('literal');
      const r = fc.sample(c.regimes('literal', ctx(c, 'literal')), { seed: 1, numRuns: 1 })[0];
      const ev = await c.evaluate(r, ctx(c, 'literal'));
      expect(ev.verdict, c.id).toBe('infeasible');
      expect(ev.note, c.id).toMatch(/d >= 2\.41e\+20/);
    }
  });
});

describe('paper tier: settings are named presets', () => {
  it('each A claim with a paper tier lists existing presets with sources; A.separation includes the rebuttal rows', () => {
    for (const c of [...SINGLE, aChain]) {
      expect(c.tiers, c.id).toContain('paper');
      const s = c.paperSettings!(ctx(c, 'paper'));
      expect(s.length, c.id).toBeGreaterThan(0);
      expect(s.map((x) => x.preset)).toContain('paper-a-main');
      for (const x of s) {
        expect(loadPreset(x.preset).name).toBe(x.preset);
        expect(x.source.length).toBeGreaterThan(5);
        expect(x.regime.seed).toBeUndefined();
      }
    }
    const sep = aSeparation.paperSettings!(ctx(aSeparation, 'paper')).map((x) => x.preset);
    for (const p of ['paper-a-heatmap-cell', 'paper-a-q3', 'paper-a-q4', 'paper-a-p03', 'paper-a-p04', 'paper-a-gauss', 'paper-a-uniform', 'paper-a-rebuttal-m10', 'paper-a-rebuttal-m3']) {
      expect(sep).toContain(p);
    }
    const gauss = aSeparation.paperSettings!(ctx(aSeparation, 'paper')).find((x) => x.preset === 'paper-a-gauss')!;
    expect(gauss.regime.algo).toBe('lngd-gauss');
    const m10 = loadPreset('paper-a-rebuttal-m10').config;
    expect([m10.m, m10.sigmaP, m10.eta]).toEqual([10, 2, 0.1]);
    const m3 = loadPreset('paper-a-rebuttal-m3').config;
    expect([m3.m, m3.sigmaP, m3.eta]).toEqual([3, 10, 0.002]);
  });

  it('A.stage1 at paper-a-main: per-seed units at the preset, hypotheses reported not enforced', async () => {
    const s = aStage1.paperSettings!(ctx(aStage1, 'paper'))[0];
    const ev = await aStage1.evaluate({ ...s.regime, seed: 17, preset: s.preset }, ctx(aStage1, 'paper'));
    expect(ev.hypotheses.holds).toBe(false); // paper-a-main is outside our working region
    expect(ev.verdict).not.toBe('vacuous');
    expect(ev.units?.length).toBe(2);
    expect(ev.measurements.preset).toBe('paper-a-main');
    expect(ev.measurements.steps).toBeLessThanOrEqual(2000);
  }, 60_000);

  it('A.lngd-generalizes at the paper settings: the bound 2 exp(-C d/n^2) is vacuous (d/n^2 = 0.05)', async () => {
    const s = aLngdGeneralizes.paperSettings!(ctx(aLngdGeneralizes, 'paper')).find((x) => x.preset === 'paper-a-rebuttal-m3')!;
    const ev = await aLngdGeneralizes.evaluate({ ...s.regime, seed: 5, preset: s.preset, nTest: 200 }, { ...ctx(aLngdGeneralizes, 'paper'), settings: { ...settings, replicates: 1 } });
    expect(ev.units?.map((u) => u.verdict)).toEqual(['vacuous-bound']);
    expect(ev.measurements.steps).toBe(2000); // the preset's own run length, never fewer
  }, 60_000);
});

describe('A.separation: the paired unit rule (McNemar exact on the shared test set)', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  it('holds: GD wrong on 200 of 1000 points LNGD gets right, loss order GD < LNGD', () => {
    const u = separationUnit(1, { wrongGd: range(0, 250), wrongLn: range(200, 250), nTest: 1000, lossGd: 1e-4, lossLn: 0.1 }, 0.05, 0.95);
    expect(u.verdict).toBe('holds');
    expect(u.paired.ci[0]).toBeGreaterThanOrEqual(0.05);
    expect(u.margin).toBeGreaterThan(0);
  });
  it('breaks: no improvement (upper bound below minGap), or the loss order reversed', () => {
    const same = separationUnit(2, { wrongGd: range(0, 100), wrongLn: range(5, 105), nTest: 1000, lossGd: 1e-4, lossLn: 0.1 }, 0.05, 0.95);
    expect(same.verdict).toBe('breaks');
    expect(same.paired.ci[1]).toBeLessThan(0.05);
    expect(same.margin).toBeLessThan(0);
    const reversed = separationUnit(3, { wrongGd: range(0, 250), wrongLn: range(200, 250), nTest: 1000, lossGd: 0.2, lossLn: 0.1 }, 0.05, 0.95);
    expect(reversed.verdict).toBe('breaks');
  });
  it('inconclusive: the interval straddles minGap', () => {
    const u = separationUnit(4, { wrongGd: range(0, 12), wrongLn: [], nTest: 200, lossGd: 1e-4, lossLn: 0.1 }, 0.05, 0.95);
    expect(u.paired.ci[0]).toBeLessThan(0.05);
    expect(u.paired.ci[1]).toBeGreaterThanOrEqual(0.05);
    expect(u.verdict).toBe('inconclusive');
  });
});

/** A synthetic trajectory point with per-sample iota / rhobar. */
function pt(step: number, maxGamma: number, rhobar: number[], iota: number[]): Measurement {
  return {
    step, trainLoss: 0.1, trainLossObserved: 0.1, trainLossTrue: 0.1, trainError: 0, trainErrorTrue: 0, trainErrorClean: 0, trainErrorNoisyObserved: null,
    trainErrorNoisyTrue: null, testError: 0.1, maxGamma, minGamma: 0, maxRho: 1, maxRhobar: Math.max(...rhobar), iotaMean: 0, iotaMax: 0, ratio: 1,
    perSample: { loss: [], maxRhobar: rhobar, maxRhoObs: rhobar, iota, testWrong: [] },
  };
}

describe('shared link predicates: not-reached is distinct from breaks', () => {
  it('stage 1: holds at T1, breaks when reached late, not-reached when never', () => {
    const o = { T1: 10, rhoMin: 1, gammaBound: 0.05, label: 'GD' };
    expect(stage1Link([pt(0, 0.01, [0, 0], []), pt(10, 0.02, [1.5, 1.2], [])], o).verdict).toBe('holds');
    expect(stage1Link([pt(10, 0.02, [1.5, 0.5], []), pt(20, 0.02, [1.5, 1.1], [])], o).verdict).toBe('breaks');
    expect(stage1Link([pt(10, 0.02, [1.5, 0.5], []), pt(40, 0.02, [1.5, 0.6], [])], o).verdict).toBe('not-reached');
    expect(stage1Link([pt(10, 0.5, [1.5, 1.5], [])], o).verdict).toBe('breaks');
  });
  it('iota band: holds inside, breaks outside, not-reached when gamma never passes', () => {
    const o = { T1: 10, gammaPass: 0.1, cLow: 4, cHigh: 4 };
    const ok = [pt(10, 0.01, [1, 1], [1, 2]), pt(20, 0.05, [1, 1], [1.5, 1.5]), pt(30, 0.2, [1, 1], [1.2, 2.2])];
    expect(noiseBandLink(ok, o).verdict).toBe('holds');
    const collapse = [pt(10, 0.01, [1, 1], [1, 2]), pt(20, 0.05, [1, 1], [1, 0.01]), pt(30, 0.05, [1, 1], [1, 0.01]), pt(40, 0.2, [1, 1], [1, 0.01])];
    expect(noiseBandLink(collapse, o).verdict).toBe('breaks');
    expect(noiseBandLink([pt(10, 0.01, [1, 1], [1, 2]), pt(20, 0.05, [1, 1], [1, 2])], o).verdict).toBe('not-reached');
    expect(noiseBandLink([pt(5, 0.01, [1, 1], [1, 2])], o).verdict).toBe('not-reached');
  });
});

describe('A.chain: every link on the same label-noise GD runs', () => {
  it('returns per-seed units with a verdict per link, named by the single claims', async () => {
    expect(aChain.links).toEqual(['A.stage1', 'A.noise-bounded', 'A.lngd-generalizes']);
    const r: Regime = regimeFrom({ n: 24, d: 800, m: 10, kappa: 0.6, nSnr2: 0.4, s0: 0.05, p: 0.15, sigmaP: 0.5, nTest: 200, seed: 21 });
    const ev = await aChain.evaluate(r, ctx(aChain, 'working'));
    expect(ev.units?.length).toBe(2);
    expect(ev.configs?.length).toBe(2); // one label-noise GD run per seed, nothing else trained
    for (const u of ev.units!) {
      expect(Object.keys(u.links!).sort()).toEqual(['A.lngd-generalizes', 'A.noise-bounded', 'A.stage1']);
      const vs = Object.values(u.links!).map((l) => l.verdict);
      if (vs.every((v) => v === 'holds')) expect(u.verdict).toBe('holds');
      if (vs.some((v) => v === 'breaks' || v === 'not-reached')) expect(u.verdict).toBe('breaks');
    }
    const perSeed = ev.measurements.perSeed as Record<string, { verdict: string }>[];
    expect(perSeed[0]['A.stage1'].verdict).toBe(ev.units![0].links!['A.stage1'].verdict);
  }, 60_000);
});

describe('provenance and calibration', () => {
  it('every A constant declares its provenance and source; region bounds are marked', () => {
    for (const c of ALL) {
      for (const [k, s] of Object.entries(c.constants)) {
        expect(['paper', 'chosen'], `${c.id}.${k}`).toContain(s.provenance);
        expect(s.source?.length ?? 0, `${c.id}.${k}`).toBeGreaterThan(3);
        if (s.region) expect(s.provenance, `${c.id}.${k}`).toBe('chosen');
        expect(s.help, `${c.id}.${k}`).not.toMatch(/paper's hypothes/i);
      }
    }
    expect(aLngdGeneralizes.constants.kappaMin.calibrated).toBe(true);
    expect(aLngdGeneralizes.constants.kappaMin.region).toBe(true);
    expect(aLngdGeneralizes.constants.nSnr2Min.calibrated).toBe(true);
    expect(aSeparation.constants.minGap.calibrated).toBe(true);
    expect(aAsm.constants.C.provenance).toBe('paper');
  });

  it('calibrate() returns calibrated constants from calibration-stream seeds only', async () => {
    const c = aGdOverfits;
    const cal: CalibrationContext = {
      constants: all[c.id], all, settings, engine: 'auto', budget: 0.5,
      regimes: (n) => fc.sample(c.regimes('working', ctx(c, 'working')), { seed: 9, numRuns: n }).map((r) => inStream(r, 'calibrate')),
      evaluate: (r, k) => c.evaluate(inStream(r, 'calibrate'), { ...ctx(c, 'working'), constants: k ?? all[c.id], stream: 'calibrate' }),
    };
    const res = await c.calibrate!(cal);
    expect(Object.keys(res.constants)).toEqual(['kFit']);
    expect(c.constants.kFit.calibrated).toBe(true);
    expect(res.constants.kFit).toBeGreaterThan(0);
    expect(res.seeds.length).toBeGreaterThan(0);
    for (const s of res.seeds) expect(streamOf(s)).toBe('calibrate');
    for (const x of [aSeparation, aLngdGeneralizes, aNoiseBounded]) expect(typeof x.calibrate).toBe('function');
  }, 60_000);
});
