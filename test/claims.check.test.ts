import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../src/claims/constants';
import { CLAIMS, findClaim } from '../src/claims/registry';
import { checkClaim, replay } from '../src/engine/check';
import { inProcessPool } from '../src/engine/pool';
import { openStore } from '../src/engine/store';
import type { RegimeRecord } from '../src/engine/summary';

/**
 * The engine on real claims at a small deterministic budget: the headline holds in-regime, and a
 * robustness break is shrunk and replays to the same verdict.
 */
function store() {
  return openStore<RegimeRecord>(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-claims-')), 'results.jsonl'));
}

describe('checking real claims', () => {
  const profile = loadProfile('default', CLAIMS);
  const pool = inProcessPool();

  it('A.separation holds in-regime (fixed seed, small budget) with a hold rate and interval', async () => {
    const s = await checkClaim(findClaim('A.separation'), { mode: 'in-regime', runs: 4, seed: 1, profile, engine: 'auto', pool, store: store() });
    expect(s.verdict).toBe('holds');
    expect(s.holdRate).toBe(1);
    expect(s.ci![0]).toBeGreaterThan(0.3);
    expect(s.counts.holds).toBe(4);
  });

  it('A.gd-overfits in robustness mode: a break is shrunk, and its replay command reproduces the verdict', async () => {
    const claim = findClaim('A.gd-overfits');
    const s = await checkClaim(claim, { mode: 'robustness', runs: 8, seed: 2, profile, engine: 'auto', pool, store: store() });
    expect(s.counts.breaks).toBeGreaterThan(0);
    const cx = s.counterexamples[0];
    expect(cx.verdict).toBe('breaks');
    expect(cx.replay).toBe(`npx claimcheck replay A.gd-overfits --mode robustness --seed 2 --path ${cx.path}`);
    const again = await replay(claim, 'robustness', 2, cx.path, profile, 'auto', pool);
    expect(again.regime).toEqual(cx.regime);
    expect(again.evaluation.verdict).toBe('breaks');
    expect(again.evaluation.margin).toBe(cx.margin);
  });
});
