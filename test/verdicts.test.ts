import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairedErrorDifference, pairedProportions } from '../src/stats/pairedProportions';
import { judgeHoldRate, unitsToSettle } from '../src/stats/holdRate';
import { CALIBRATION_OFFSET, inStream, SCORING_SEED_MAX, streamOf } from '../src/claims/seedStreams';
import { replicateSeeds } from '../src/claims/kit/training';
import { CLAIMS } from '../src/claims/registry';
import { claimContext } from '../src/claims/context';
import { loadProfile } from '../src/claims/constants';
import { tierRegimeAt } from '../src/engine/generate';
import { hasTier } from '../src/engine/generate';
import { calibrateClaim, writeCalibratedProfile } from '../src/engine/calibrate';
import { inProcessPool } from '../src/engine/pool';
import type { Claim } from '../src/claims/types';
import { profileFor } from './helpers/fakeClaims';

describe('paired comparison on one shared test set (McNemar exact)', () => {
  it('counts discordant points and gives the exact one-sided p', () => {
    const r = pairedErrorDifference([1, 2, 3, 4, 5, 6], [6, 7], 100);
    expect([r.b, r.c]).toEqual([5, 1]);
    expect(r.difference).toBeCloseTo(0.04, 12);
    // P(X >= 5 | X ~ Bin(6, 1/2)) = 7/64
    expect(r.pGreater).toBeCloseTo(7 / 64, 12);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
  });
  it('no discordant point: a zero-width interval at 0 and p = 1', () => {
    expect(pairedProportions(0, 0, 50)).toMatchObject({ difference: 0, ci: [0, 0], pGreater: 1, pLess: 1 });
  });
  it('the interval covers the true difference at its nominal rate (simulation)', () => {
    // 400 test points, GD wrong w.p. 0.3, LNGD wrong w.p. 0.1, independent: true difference 0.2
    let covered = 0;
    const trials = 400;
    let s = 12345;
    const u = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < trials; t++) {
      const w1: number[] = [], w2: number[] = [];
      for (let k = 0; k < 400; k++) {
        if (u() < 0.3) w1.push(k);
        if (u() < 0.1) w2.push(k);
      }
      const r = pairedErrorDifference(w1, w2, 400, 0.9);
      if (r.ci[0] <= 0.2 && 0.2 <= r.ci[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.85);
  });
});

describe('hold-rate verdicts', () => {
  it('36/36 is the first all-holding count whose 95% lower bound reaches 0.9', () => {
    expect(judgeHoldRate(35, 35, 0.9, 0.05).verdict).toBe('inconclusive');
    expect(judgeHoldRate(36, 36, 0.9, 0.05).verdict).toBe('holds');
    expect(unitsToSettle(6, 6, 0.9, 0.95)).toBe(30);
  });
  it('a claim failing one seed in three breaks given enough units', () => {
    expect(judgeHoldRate(40, 60, 0.9, 0.05).verdict).toBe('breaks');
    expect(judgeHoldRate(2, 3, 0.9, 0.05).verdict).toBe('inconclusive');
    expect(unitsToSettle(2, 3, 0.9, 0.95)).toBeGreaterThan(0);
  });
  it('units to settle is consistent: that many more units at the observed rate decide', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), (n, h0) => {
      const h = Math.min(h0, n);
      const u = unitsToSettle(h, n, 0.9, 0.95);
      if (u === null || u === 0) return;
      const N = n + u;
      const rate = h / n;
      const hh = rate > 0.9 ? Math.floor(rate * N + 1e-9) : Math.ceil(rate * N - 1e-9);
      expect(judgeHoldRate(hh, N, 0.9, 0.05).verdict).not.toBe('inconclusive');
    }), { numRuns: 200 });
  });
});

describe('pre-registration: calibration and scoring seeds never overlap', () => {
  const profile = loadProfile('default', CLAIMS);
  it('every scoring draw of every claim and tier trains on scoring-stream seeds; the calibration stream maps them above 2^30', () => {
    const scoring = new Set<number>();
    const calibration = new Set<number>();
    for (const claim of CLAIMS) {
      const ctx = claimContext(claim, profile);
      for (const tier of claim.tiers) {
        if (!hasTier(claim, tier, ctx)) continue;
        for (let i = 0; i < 30; i++) {
          const regime = tierRegimeAt(claim, tier, ctx, 7, String(i));
          for (const s of replicateSeeds(regime, profile.settings.replicates)) {
            expect(streamOf(s)).toBe('score');
            scoring.add(s);
          }
          for (const s of replicateSeeds(inStream(regime, 'calibrate'), profile.settings.replicates)) {
            expect(streamOf(s)).toBe('calibrate');
            calibration.add(s);
          }
        }
      }
    }
    for (const s of calibration) expect(scoring.has(s)).toBe(false);
    expect(Math.max(...scoring)).toBeLessThan(SCORING_SEED_MAX);
    expect(Math.min(...calibration)).toBeGreaterThan(CALIBRATION_OFFSET);
  });

  it('calibrate: the claim sees only calibration seeds, the profile gets the new value; a procedure touching a scoring seed is refused', async () => {
    const make = (leak: boolean): Claim => ({
      id: 'T.cal', title: 't', source: { paper: 'C', result: 't', reference: 't' }, statement: '', predicate: '', kind: 'regime', tiers: ['working'],
      constants: { thr: { default: 1, help: 'threshold', provenance: 'chosen', source: 'fitted', calibrated: true } },
      hypotheses: () => ({ holds: true, clauses: [] }),
      regimes: () => fc.record({ seed: fc.integer({ min: 1, max: 1000 }), x: fc.integer({ min: 0, max: 100 }) }),
      evaluate: async (r) => ({ verdict: 'holds', margin: 0, measurements: { x: r.x, seed: r.seed }, hypotheses: { holds: true, clauses: [] } }),
      calibrate: async (c) => {
        const regimes = c.regimes(8);
        const xs: number[] = [];
        for (const r of regimes) xs.push((await c.evaluate(r)).measurements.x as number);
        const seeds = regimes.map((r) => r.seed as number);
        if (leak) seeds.push(5);
        return { constants: { thr: Math.max(...xs) }, method: { thr: 'max of x over 8 calibration draws' }, seeds };
      },
    });
    const good = make(false);
    const prof = profileFor([good]);
    const r = await calibrateClaim(good, prof, { engine: 'auto', pool: inProcessPool(new Map([[good.id, good]])), seed: 1, budget: 1 });
    expect(r.seeds.every((s) => streamOf(s) === 'calibrate')).toBe(true);
    expect(r.before).toEqual({ thr: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-cal-'));
    const base = path.join(dir, 'base.json');
    fs.writeFileSync(base, JSON.stringify({ name: 'base', settings: {}, claims: { 'T.cal': { thr: 1 } } }));
    const out = path.join(dir, 'calibrated.json');
    writeCalibratedProfile({ ...prof, file: base }, [r], out, 'calibrated');
    const written = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(written.claims['T.cal'].thr).toBe(r.constants.thr);
    expect(written.help.calibration['T.cal'].seeds).toEqual(r.seeds);
    const bad = make(true);
    await expect(calibrateClaim(bad, prof, { engine: 'auto', pool: inProcessPool(new Map([[bad.id, bad]])), seed: 1, budget: 1 })).rejects.toThrow(/not in the calibration stream/);
  });
});
