import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { checkClaim, checkClaims, replay } from '../src/engine/check';
import { inProcessPool } from '../src/engine/pool';
import { openStore } from '../src/engine/store';
import { adjustTogether, claimVerdict, RegimeRecord } from '../src/engine/summary';
import { profileFor, settings, thresholdClaim } from './helpers/fakeClaims';

function tmpStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-engine-'));
  return { dir, file: path.join(dir, 'results.jsonl') };
}

describe('claims engine (runner, shrinking, replay, resume)', () => {
  const claim = thresholdClaim();
  const claims = new Map([[claim.id, claim]]);
  const profile = profileFor([claim]);

  it('in-regime draws stay inside: every run holds, hold rate 1 with a Clopper-Pearson interval', async () => {
    const { file } = tmpStore();
    const store = openStore<RegimeRecord>(file);
    const s = await checkClaim(claim, { mode: 'in-regime', runs: 20, seed: 3, profile, engine: 'auto', pool: inProcessPool(claims), store });
    expect(s.verdict).toBe('holds');
    expect(s.holdRate).toBe(1);
    expect(s.ci![0]).toBeCloseTo(0.8316, 3); // R: binom.test(20, 20)$conf.int[1] = 0.8315665
    expect(s.counts.holds).toBe(20);
    expect(store.records()).toHaveLength(20);
  });

  it('robustness: breaks are shrunk to the minimal counterexample and replay reproduces them', async () => {
    const { file } = tmpStore();
    const store = openStore<RegimeRecord>(file);
    const pool = inProcessPool(claims);
    const s = await checkClaim(claim, { mode: 'robustness', runs: 30, seed: 11, profile: profileFor([claim], { shrinkBudget: 200 }), engine: 'auto', pool, store });
    expect(s.counts.breaks).toBeGreaterThan(0);
    expect(s.verdict).toBe('breaks');
    const cx = s.counterexamples[0];
    // fast-check shrinks integers towards their lower bound: the smallest breaking x is 51, y shrinks to 0
    expect(cx.regime).toEqual({ x: 51, y: 0 });
    expect(cx.replay).toContain(`--seed 11 --path ${cx.path}`);
    const again = await replay(claim, 'robustness', 11, cx.path, profile, 'auto', pool);
    expect(again.regime).toEqual(cx.regime);
    expect(again.evaluation.verdict).toBe('breaks');
    // every run's (seed, path) replays to its own regime
    for (const r of store.records().filter((x) => x.kind === 'run').slice(0, 5)) {
      expect((await replay(claim, 'robustness', 11, r.path, profile, 'auto', pool)).regime).toEqual(r.regime);
    }
    // breaks inside vs outside the hypotheses are counted separately
    expect(s.byHypotheses.inside.breaks + s.byHypotheses.outside.breaks).toBe(s.counts.breaks);
  });

  it('the shrink budget bounds the evaluations spent shrinking', async () => {
    const { file } = tmpStore();
    let evaluations = 0;
    const counting = { ...claim, evaluate: async (...a: Parameters<typeof claim.evaluate>) => { evaluations++; return claim.evaluate(...a); } };
    const s = await checkClaim(counting, { mode: 'robustness', runs: 10, seed: 5, profile: profileFor([claim], { shrinkBudget: 3, maxCounterexamples: 1 }), engine: 'auto', pool: inProcessPool(new Map([[claim.id, counting]])), store: openStore<RegimeRecord>(file) });
    expect(s.counterexamples).toHaveLength(1);
    expect(s.counterexamples[0].shrinkEvaluations).toBeLessThanOrEqual(3);
    expect(evaluations).toBeLessThanOrEqual(10 + 3);
  });

  it('resume: a second run over the same store evaluates nothing again', async () => {
    const { file } = tmpStore();
    let evaluations = 0;
    const counting = { ...claim, evaluate: async (...a: Parameters<typeof claim.evaluate>) => { evaluations++; return claim.evaluate(...a); } };
    const pool = inProcessPool(new Map([[claim.id, counting]]));
    const opts = { mode: 'robustness' as const, runs: 15, seed: 2, profile, engine: 'auto' as const, pool };
    const first = await checkClaim(counting, { ...opts, store: openStore<RegimeRecord>(file) });
    const spent = evaluations;
    const second = await checkClaim(counting, { ...opts, store: openStore<RegimeRecord>(file) });
    expect(evaluations).toBe(spent);
    expect(second.counts).toEqual(first.counts);
    expect(second.counterexamples.map((c) => c.regime)).toEqual(first.counterexamples.map((c) => c.regime));
  });

  it('claim verdict rule: holds at the target, breaks when significantly below, inconclusive between', () => {
    const st = settings({ holdRateTarget: 0.9, alpha: 0.05 });
    const counts = (holds: number, breaks: number, other = {}) => ({ holds, breaks, inconclusive: 0, vacuous: 0, diverged: 0, budget: 0, ...other });
    expect(claimVerdict(counts(20, 0), 1, st)).toBe('holds');
    expect(claimVerdict(counts(17, 3), 0.32, st)).toBe('inconclusive');
    expect(claimVerdict(counts(10, 10), 1e-6, st)).toBe('breaks');
    expect(claimVerdict(counts(0, 0, { vacuous: 5, diverged: 1 }), null, st)).toBe('vacuous');
    expect(claimVerdict(counts(0, 0, { diverged: 3, budget: 1 }), null, st)).toBe('diverged');
  });

  it('Holm correction across claims can turn a marginal break into inconclusive', async () => {
    const a = thresholdClaim('T.a', 50);
    const b = thresholdClaim('T.b', 50);
    const { file } = tmpStore();
    const prof = profileFor([a, b], { holdRateTarget: 0.9 });
    const pool = inProcessPool(new Map([[a.id, a], [b.id, b]]));
    const s = await checkClaims([a, b], ['robustness'], { runs: 8, seed: 9, profile: prof, engine: 'auto', pool, store: openStore<RegimeRecord>(file), shrink: false });
    for (const x of s) expect(x.pBreakAdjusted!).toBeGreaterThanOrEqual(x.pBreak!);
    const manual = adjustTogether(s.map((x) => ({ ...x, pBreak: 0.03, pBreakAdjusted: 0.03 })));
    expect(manual.map((x) => x.pBreakAdjusted)).toEqual([0.06, 0.06]);
  });
});
