import * as fs from 'fs';
import fc from 'fast-check';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { checkClaim, checkClaims, replay } from '../src/engine/check';
import { inProcessPool, workerEnv, workerV8Flags } from '../src/engine/pool';
import { openStore } from '../src/engine/store';
import { judgeUnits, RegimeRecord, verdictsJudged } from '../src/engine/summary';
import type { Verdict } from '../src/claims/types';
import { perSeedClaim, profileFor, settings, thresholdClaim } from './helpers/fakeClaims';

function tmpStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-engine-'));
  return { dir, file: path.join(dir, 'results.jsonl') };
}

const units = (spec: Partial<Record<Verdict, number>>) => Object.entries(spec).flatMap(([v, n]) => Array.from({ length: n as number }, () => ({ verdict: v as Verdict })));

describe('claims engine (runner, shrinking, replay, resume)', () => {
  const claim = thresholdClaim();
  const claims = new Map([[claim.id, claim]]);
  const profile = profileFor([claim]);

  it('working-tier draws stay inside: 20 of 20 regimes hold, but 20 units are too few to say holds at target 0.9', async () => {
    const { file } = tmpStore();
    const store = openStore<RegimeRecord>(file);
    const s = await checkClaim(claim, { tier: 'working', runs: 20, seed: 3, profile, engine: 'auto', pool: inProcessPool(claims), store });
    expect(s.holdRate).toBe(1);
    expect(s.ci![0]).toBeCloseTo(0.8316, 3); // R: binom.test(20, 20)$conf.int[1] = 0.8315665
    expect(s.verdict).toBe('inconclusive');
    // 36/36 is the first all-holding count whose lower bound reaches 0.9 (0.025^(1/36) = 0.9026)
    expect(s.unitsToSettle).toBe(16);
    expect(s.counts.holds).toBe(20);
    expect(store.records()).toHaveLength(20);
    const more = await checkClaim(claim, { tier: 'working', runs: 36, seed: 3, profile, engine: 'auto', pool: inProcessPool(claims), store });
    expect(more.verdict).toBe('holds');
  });

  it('robustness: breaks are shrunk to the minimal counterexample and replay reproduces them', async () => {
    const { file } = tmpStore();
    const store = openStore<RegimeRecord>(file);
    const pool = inProcessPool(claims);
    const s = await checkClaim(claim, { tier: 'robustness', runs: 30, seed: 11, profile: profileFor([claim], { shrinkBudget: 200 }), engine: 'auto', pool, store });
    expect(s.counts.breaks).toBeGreaterThan(0);
    expect(s.verdict).toBe('breaks');
    const cx = s.counterexamples[0];
    // fast-check shrinks integers towards their lower bound: the smallest breaking x is 51, y shrinks to 0
    expect(cx.regime).toEqual({ x: 51, y: 0 });
    expect(cx.replay).toContain(`--tier robustness --seed 11 --path ${cx.path}`);
    const again = await replay(claim, 'robustness', 11, cx.path, profile, 'auto', pool);
    expect(again.regime).toEqual(cx.regime);
    expect(again.evaluation.verdict).toBe('breaks');
    for (const r of store.records().filter((x) => x.kind === 'run').slice(0, 5)) {
      expect((await replay(claim, 'robustness', 11, r.path, profile, 'auto', pool)).regime).toEqual(r.regime);
    }
    expect(s.byHypotheses.inside.breaks + s.byHypotheses.outside.breaks).toBe(s.counts.breaks);
  });

  it('the shrink budget bounds the evaluations spent shrinking', async () => {
    const { file } = tmpStore();
    let evaluations = 0;
    const counting = { ...claim, evaluate: async (...a: Parameters<typeof claim.evaluate>) => { evaluations++; return claim.evaluate(...a); } };
    const s = await checkClaim(counting, { tier: 'robustness', runs: 10, seed: 5, profile: profileFor([claim], { shrinkBudget: 3, maxCounterexamples: 1 }), engine: 'auto', pool: inProcessPool(new Map([[claim.id, counting]])), store: openStore<RegimeRecord>(file) });
    expect(s.counterexamples).toHaveLength(1);
    expect(s.counterexamples[0].shrinkEvaluations).toBeLessThanOrEqual(3);
    expect(evaluations).toBeLessThanOrEqual(10 + 3);
  });

  it('resume: a second run over the same store evaluates nothing again, except evaluations that failed', async () => {
    const { file } = tmpStore();
    let evaluations = 0;
    let fail = true;
    const counting = { ...claim, evaluate: async (...a: Parameters<typeof claim.evaluate>) => {
      evaluations++;
      if (fail && (a[0].x as number) % 3 === 0) throw new Error('boom');
      return claim.evaluate(...a);
    } };
    const pool = inProcessPool(new Map([[claim.id, counting]]));
    const opts = { tier: 'robustness' as const, runs: 15, seed: 2, profile, engine: 'auto' as const, pool, shrink: false };
    const first = await checkClaim(counting, { ...opts, store: openStore<RegimeRecord>(file) });
    expect(first.counts.error).toBeGreaterThan(0);
    const spent = evaluations;
    fail = false;
    const second = await checkClaim(counting, { ...opts, store: openStore<RegimeRecord>(file) });
    expect(evaluations - spent).toBe(first.counts.error);
    expect(second.counts.error).toBe(0);
    const third = await checkClaim(counting, { ...opts, store: openStore<RegimeRecord>(file) });
    expect(evaluations - spent).toBe(first.counts.error);
    expect(third.counts).toEqual(second.counts);
  });

  it('units: every seed counts, the paper tier covers each named setting and does not shrink', async () => {
    const c = perSeedClaim('T.seeds', 7, 6);
    const pool = inProcessPool(new Map([[c.id, c]]));
    const prof = profileFor([c]);
    const s = await checkClaim(c, { tier: 'paper', runs: 4, seed: 1, profile: prof, engine: 'auto', pool, store: openStore<RegimeRecord>(tmpStore().file) });
    expect(s.units).toBe(24);
    expect(Object.keys(s.byPreset!)).toEqual(['fake-1', 'fake-2']);
    const breaks = s.counts.breaks;
    expect(s.counts.holds + breaks).toBe(24);
    // a regime with one breaking seed of six contributes 5 holds and 1 break: nothing drops out
    expect(breaks).toBeGreaterThan(0);
    expect(s.counterexamples.every((x) => x.shrinkEvaluations === 0 && (x.breakingSeeds ?? []).every((q) => q % 7 === 0))).toBe(true);
    const again = await replay(c, 'paper', 1, '1', prof, 'auto', pool);
    expect(again.regime.preset).toBe('fake-2');
  });

  it('verdict rule: lower bound reaches the target -> holds; upper bound below -> breaks; else inconclusive with units to settle', () => {
    const st = settings({ holdRateTarget: 0.9, alpha: 0.05 });
    expect(judgeUnits(units({ holds: 36 }), st).claimVerdict).toBe('holds');
    expect(judgeUnits(units({ holds: 35 }), st).claimVerdict).toBe('inconclusive');
    expect(judgeUnits(units({ holds: 6 }), st).claimVerdict).toBe('inconclusive');
    expect(judgeUnits(units({ holds: 2 }), st).claimVerdict).toBe('inconclusive');
    const third = judgeUnits(units({ holds: 40, breaks: 20 }), st);
    expect(third.claimVerdict).toBe('breaks');
    // not-reached counts against the claim exactly like a break
    expect(judgeUnits(units({ holds: 40, 'not-reached': 20 }), st).claimVerdict).toBe('breaks');
    const open = judgeUnits(units({ holds: 17, breaks: 3 }), st);
    expect(open.claimVerdict).toBe('inconclusive');
    expect(open.unitsToSettle).toBeGreaterThan(0);
    // without a decisive unit the most frequent other verdict is the claim's
    expect(judgeUnits(units({ vacuous: 5, diverged: 1 }), st).claimVerdict).toBe('vacuous');
    expect(judgeUnits(units({ infeasible: 1 }), st).claimVerdict).toBe('infeasible');
    // multiplicity: 36/36 holds alone but not when 30 verdicts are judged together (needs ~68)
    expect(judgeUnits(units({ holds: 36 }), st, 30).claimVerdict).toBe('inconclusive');
    expect(judgeUnits(units({ holds: 70 }), st, 30).claimVerdict).toBe('holds');
  });

  it('judged together: every claim-tier with a decisive unit widens every interval', async () => {
    const a = thresholdClaim('T.a', 50);
    const b = thresholdClaim('T.b', 50);
    const prof = profileFor([a, b], { holdRateTarget: 0.9 });
    const pool = inProcessPool(new Map([[a.id, a], [b.id, b]]));
    const s = await checkClaims([a, b], ['working', 'robustness'], { runs: 8, seed: 9, profile: prof, engine: 'auto', pool, store: openStore<RegimeRecord>(tmpStore().file), shrink: false });
    expect(s).toHaveLength(4);
    expect(verdictsJudged(s)).toBe(4);
    for (const x of s) {
      expect(x.judgedTogether).toBe(4);
      expect(x.confidence).toBeCloseTo(1 - 0.05 / 4, 10);
    }
  });
});

describe('scaling-law claims: each sweep is its own equivalence test', () => {
  it('holds when every sweep holds, breaks when one breaks or never reaches its event, else inconclusive', async () => {
    const { judgeSweeps } = await import('../src/engine/summary');
    const st = settings();
    expect(judgeSweeps(units({ holds: 2 }), st).claimVerdict).toBe('holds');
    expect(judgeSweeps(units({ holds: 2, inconclusive: 1 }), st).claimVerdict).toBe('holds');
    expect(judgeSweeps(units({ holds: 3, breaks: 1 }), st).claimVerdict).toBe('breaks');
    expect(judgeSweeps(units({ holds: 1, 'not-reached': 1 }), st).claimVerdict).toBe('breaks');
    expect(judgeSweeps(units({ inconclusive: 2 }), st).claimVerdict).toBe('inconclusive');
    expect(judgeSweeps(units({ budget: 1 }), st).claimVerdict).toBe('budget');
  });
});

describe('cross-region matrix', () => {
  it("evaluates each claim's predicate in the other's working region, robustness semantics, and fills the diagonal from the own tier", async () => {
    const { crossRegionMatrix, crossRegionClaims, withDiagonal } = await import('../src/verify/crossRegion');
    const { checkClaims } = await import('../src/engine/check');
    const a = thresholdClaim('T.wide', 50); // working draws x <= 40: holds everywhere there
    const narrow = thresholdClaim('T.narrow', 20);
    // T.narrow's own region is x <= 15, where it holds; in T.wide's region (x <= 40) it breaks when x > 20
    const b = { ...narrow, regimes: (tier: string) => (tier === 'working' ? fc.record({ x: fc.integer({ min: 0, max: 15 }), y: fc.integer({ min: 0, max: 100 }) }) : narrow.regimes('robustness' as never, undefined as never)) } as typeof narrow;
    const claims = [a, b];
    expect(crossRegionClaims(claims, 'C').map((c) => c.id)).toEqual(['T.wide', 'T.narrow']);
    const prof = profileFor(claims);
    const pool = inProcessPool(new Map(claims.map((c) => [c.id, c])));
    const store = openStore<RegimeRecord>(tmpStore().file);
    const own = await checkClaims(claims, ['working'], { runs: 10, seed: 4, profile: prof, engine: 'auto', pool, store, shrink: false });
    const m = withDiagonal(await crossRegionMatrix('C', claims, { runs: 30, seed: 4, profile: prof, engine: 'auto', pool, store }), own);
    const cell = (x: string, y: string) => m.cells.find((c) => c.claim === x && c.region === y)!;
    expect(cell('T.wide', 'T.narrow').counts.breaks).toBe(0);
    expect(cell('T.narrow', 'T.wide').counts.breaks).toBeGreaterThan(0);
    expect(cell('T.narrow', 'T.narrow').units).toBe(10);
    expect(store.records().filter((r) => r.kind === 'cross').every((r) => r.tier === 'robustness' && r.replay === '')).toBe(true);
  });
});

describe('worker processes', () => {
  it('run single-threaded V8 when they fill the cores, and keep its helper threads when cores are spare', () => {
    expect(workerV8Flags(2, 2)).toEqual(['--single-threaded']);
    expect(workerV8Flags(8, 8)).toEqual(['--single-threaded']);
    expect(workerV8Flags(1, 2)).toEqual([]);
    expect(workerV8Flags(3, 8)).toEqual([]);
  });

  it("get the parent's environment without NODE_EXTRA_CA_CERTS (read at every node start, unused by a worker)", () => {
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = '/nonexistent/ca.pem';
    process.env.CLAIMCHECK_TEST_MARK = 'kept';
    try {
      const env = workerEnv();
      expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
      expect(env.CLAIMCHECK_TEST_MARK).toBe('kept');
      expect([env.CLAIMCHECK_WORKER, env.CLAIMCHECK_WORKERS]).toEqual(['1', '0']);
      expect(process.env.NODE_EXTRA_CA_CERTS).toBe('/nonexistent/ca.pem');
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      delete process.env.CLAIMCHECK_TEST_MARK;
    }
  });
});
