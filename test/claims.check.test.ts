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
 * The engine on real claims at a small deterministic budget: the headline holds in its working region, and a
 * robustness break is shrunk and replays to the same verdict.
 */
function store() {
  return openStore<RegimeRecord>(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-claims-')), 'results.jsonl'));
}

describe('checking real claims', () => {
  const profile = loadProfile('default', CLAIMS);
  const pool = inProcessPool();

  it('A.separation holds in its working region: 4 regimes x 12 seeds = 48 units, lower bound above 0.9', async () => {
    const s = await checkClaim(findClaim('A.separation'), { tier: 'working', runs: 4, seed: 1, profile, engine: 'auto', pool, store: store() });
    expect(s.units).toBe(48);
    expect(s.counts.holds).toBe(48);
    expect(s.ci![0]).toBeGreaterThan(0.9);
    expect(s.verdict).toBe('holds');
  });

  it('A.gd-overfits in the robustness tier: a break is shrunk, and its replay command reproduces the verdict', async () => {
    const claim = findClaim('A.gd-overfits');
    const s = await checkClaim(claim, { tier: 'robustness', runs: 8, seed: 2, profile, engine: 'auto', pool, store: store() });
    expect(s.counts.breaks + s.counts['not-reached']).toBeGreaterThan(0);
    const cx = s.counterexamples[0];
    // a regime is a counterexample when one of its seeds breaks or never reaches the claim's event
    expect(['breaks', 'not-reached']).toContain(cx.verdict);
    expect(cx.breakingSeeds!.length).toBeGreaterThan(0);
    expect(cx.replay).toBe(`npx claimcheck replay A.gd-overfits --tier robustness --seed 2 --path ${cx.path}`);
    const again = await replay(claim, 'robustness', 2, cx.path, profile, 'auto', pool);
    expect(again.regime).toEqual(cx.regime);
    expect(again.evaluation.verdict).toBe(cx.verdict);
    expect(again.evaluation.margin).toBe(cx.margin);
  });
});
