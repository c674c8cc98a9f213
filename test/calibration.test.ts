import { describe, expect, it } from 'vitest';
import {
  boundRule, calibrateConstantScan, calibrateRegionBound, quantileRule, type BoundPoint,
} from '../src/claims/calibration';
import { loadProfile } from '../src/claims/constants';
import { CLAIMS } from '../src/claims/registry';
import { CALIBRATION_OFFSET, streamOf } from '../src/claims/seedStreams';
import type { CalibrationContext, Claim, Evaluation, Regime, Unit, Verdict } from '../src/claims/types';
import { calibrateClaim, calibratedConstants } from '../src/engine/calibrate';
import type { EvaluatorPool } from '../src/engine/pool';

const profile = loadProfile('default', CLAIMS);

/**
 * A pool that never trains: every evaluation is a canned one whose units (one per replicate seed,
 * seeds regime.seed + i) hold, so each claim's calibrate() runs its rules end to end in milliseconds
 * and the engine's stream checks (calibrateClaim) apply to everything it reports.
 */
function cannedPool(verdictOf: (regime: Regime, i: number) => Verdict = () => 'holds'): EvaluatorPool & { requests: Regime[] } {
  const requests: Regime[] = [];
  const pool = {
    requests,
    async evaluate(req: { regime: Regime; settings: { replicates: number } }) {
      requests.push(req.regime);
      const seed = Number(req.regime.seed);
      const units: Unit[] = Array.from({ length: req.settings.replicates }, (_, i) => ({ seed: seed + i, verdict: verdictOf(req.regime, i), margin: 0.1 }));
      const evaluation: Evaluation = { verdict: 'holds', margin: 0.1, measurements: {}, hypotheses: { holds: true, clauses: [] }, units };
      return { evaluation };
    },
  };
  return pool as unknown as EvaluatorPool & { requests: Regime[] };
}

const withCalibrated = CLAIMS.filter((c) => calibratedConstants(c).length > 0);

describe('every calibrated constant of every built-in claim has a calibration rule', () => {
  it('every claim with calibrated constants has calibrate()', () => {
    expect(withCalibrated.filter((c) => !c.calibrate).map((c) => c.id)).toEqual([]);
  });

  for (const claim of withCalibrated) {
    it(`${claim.id}: calibrate() covers ${calibratedConstants(claim).join(', ')} on the calibration stream`, async () => {
      const pool = cannedPool();
      const r = await calibrateClaim(claim, profile, { engine: 'auto', pool, seed: 1, budget: 0.5 });
      for (const k of calibratedConstants(claim)) {
        expect(r.method[k], `${claim.id}.${k} has a method`).toBeTypeOf('string');
        expect(r.method[k], `${claim.id}.${k}`).not.toMatch(/^NOT re-derived/);
      }
      expect(Object.keys(r.constants).every((k) => calibratedConstants(claim).includes(k))).toBe(true);
      for (const s of r.seeds) expect(streamOf(s)).toBe('calibrate');
      expect(pool.requests.length).toBeGreaterThan(0);
      for (const reg of pool.requests) expect(streamOf(Number(reg.seed))).toBe('calibrate');
    }, 60_000);
  }

  it('a claim that gains a calibrated constant without a rule is caught', async () => {
    const claim = CLAIMS.find((c) => c.id === 'B.stage1')!;
    const fake: Claim = { ...claim, constants: { ...claim.constants, newK: { default: 1, help: 'test', provenance: 'chosen', source: 'test', calibrated: true } } };
    const { calibrationFor } = await import('../src/claims/calibration');
    fake.calibrate = calibrationFor(fake, {});
    const r = await calibrateClaim(fake, { ...profile, claims: { ...profile.claims } } as typeof profile, { engine: 'auto', pool: cannedPool(), seed: 1, budget: 0.5 }).catch(() => null);
    // either the engine refuses it or the method names it as not re-derived
    if (r) expect(r.method.newK ?? 'NOT re-derived').toMatch(/^NOT re-derived/);
  }, 60_000);
});

describe('the kit recovers known thresholds', () => {
  const pts = (f: (x: number) => boolean): BoundPoint[] => Array.from({ length: 101 }, (_, i) => ({ x: i / 100, verdict: f(i / 100) ? 'holds' : 'breaks' }));

  it('boundRule: a lower bound at 0.3 (exact at target 1, within the rate slack at 0.9)', () => {
    expect(boundRule(pts((x) => x >= 0.3), 'min', 1, 10, 0.5).value).toBeCloseTo(0.3, 10);
    const r = boundRule(pts((x) => x >= 0.3), 'min', 0.9, 10, 0.5);
    expect(r.value!).toBeGreaterThan(0.27);
    expect(r.value!).toBeLessThanOrEqual(0.3);
    expect(r.holds / r.decisive).toBeGreaterThanOrEqual(0.9);
  });

  it('boundRule: an upper bound at 0.6; non-decisive units do not count; too few units keep the declared value', () => {
    expect(boundRule(pts((x) => x <= 0.6), 'max', 1, 10, 0.4).value).toBeCloseTo(0.6, 10);
    // a declared bound too loose is tightened
    expect(boundRule(pts((x) => x >= 0.3), 'min', 1, 10, 0.1).value).toBeCloseTo(0.3, 10);
    const withBudget: BoundPoint[] = [...pts((x) => x <= 0.6), ...Array.from({ length: 50 }, () => ({ x: 0.95, verdict: 'budget' as Verdict }))];
    expect(boundRule(withBudget, 'max', 1, 10, 0.4).value).toBeCloseTo(0.6, 10);
    expect(boundRule(pts(() => true).slice(0, 9), 'min', 0.9, 10, 0.5).value).toBeNull();
    expect(boundRule(pts(() => false), 'min', 0.9, 10, 0.5).value).toBeNull();
  });

  it('quantileRule: 1.25 x the 90% quantile; no data keeps the declared value', () => {
    const r = quantileRule(Array.from({ length: 101 }, (_, i) => i), { what: 'x' });
    expect(r.value).toBe(113); // 112.5 to 3 digits
    expect(quantileRule([], { what: 'x' }).value).toBeNull();
    expect(quantileRule([1, 2, Infinity, Infinity], { what: 'x' }).value).toBeNull();
  });

  // a fake claim: regimes carry x drawn uniformly on [xMin, 1]; a unit holds iff x >= 0.3
  function fakeContext(verdict: (x: number, k?: number) => Verdict): CalibrationContext & { evals: number } {
    const ctx = {
      constants: { xMin: 0.5, k: 2 }, all: {}, engine: 'auto' as const, budget: 1, evals: 0,
      settings: { holdRateTarget: 0.9, alpha: 0.05, replicates: 4, maxSteps: 1000, shrinkBudget: 0, maxCounterexamples: 0 },
      regimes(count: number, constants?: Record<string, number>) {
        const lo = constants?.xMin ?? 0.5;
        return Array.from({ length: count * 25 }, (_, i) => ({ x: lo + ((1 - lo) * (i + 0.5)) / (count * 25), seed: CALIBRATION_OFFSET + 1 + 10 * i }));
      },
      async evaluate(regime: Regime, constants?: Record<string, number>): Promise<Evaluation> {
        ctx.evals++;
        const v = verdict(Number(regime.x), constants?.k);
        const units = Array.from({ length: 4 }, (_, i) => ({ seed: Number(regime.seed) + i, verdict: v, margin: null }));
        return { verdict: v, margin: null, measurements: {}, hypotheses: { holds: true, clauses: [] }, units };
      },
    };
    return ctx;
  }

  it('calibrateRegionBound: relaxing xMin 0.5 -> 0.1 recovers the known threshold 0.3', async () => {
    const c = fakeContext((x) => (x >= 0.3 ? 'holds' : 'breaks'));
    const r = await calibrateRegionBound(c, { name: 'xMin', side: 'min', relaxTo: 0.1, quantity: (reg) => Number(reg.x) }, { shared: 1, perBound: 1, minUnits: 10 });
    expect(r.constants.xMin).toBeGreaterThan(0.27);
    expect(r.constants.xMin).toBeLessThanOrEqual(0.34); // the first draw above 0.3 (draws 0.036 apart)
    expect(r.method.xMin).toMatch(/declared lower bound/);
    for (const s of r.seeds) expect(streamOf(s)).toBe('calibrate');
  });

  it('calibrateConstantScan: the smallest grid value meeting the target', async () => {
    const c = fakeContext((_x, k) => ((k ?? 2) >= 3 ? 'holds' : 'breaks'));
    const r = await calibrateConstantScan(c, [{ name: 'k', grid: [1, 3, 5], prefer: 'smallest', why: 'test' }]);
    expect(r.constants.k).toBe(3);
    const none = await calibrateConstantScan(fakeContext(() => 'breaks'), [{ name: 'k', grid: [1, 3, 5], prefer: 'smallest', why: 'test' }]);
    expect(none.constants.k).toBeUndefined();
    expect(none.method.k).toMatch(/kept the declared value/);
  });
});

describe('region-bound rule: one regime is not enough', () => {
  it('12 holding seeds of a single regime beyond the bound do not move it; two regimes do', async () => {
    const { boundRule } = await import('../src/claims/calibration');
    const inside = Array.from({ length: 20 }, (_, i) => ({ x: 0.5 + i * 0.01, verdict: 'holds' as const }));
    const one = Array.from({ length: 12 }, () => ({ x: 0.3, verdict: 'holds' as const }));
    expect(boundRule([...inside, ...one], 'min', 0.9, 10, 0.4).value).toBeNull();
    const two = [...one.slice(0, 6), ...Array.from({ length: 6 }, () => ({ x: 0.35, verdict: 'holds' as const }))];
    expect(boundRule([...inside, ...two], 'min', 0.9, 10, 0.4).value).toBe(0.3);
  });
});
