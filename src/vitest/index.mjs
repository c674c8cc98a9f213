// claimcheck/vitest: run a claim as a vitest test (ESM: vitest itself is ESM-only).
//
//   import { claimTest } from 'claimcheck/vitest';
//   claimTest(myClaim, { tier: 'working', runs: 20, seed: 1 });
//
// Holds: the test passes. Breaks: it fails, and the message carries the shrunk counterexample and
// the `npx claimcheck replay ...` command that reproduces it. Inconclusive (or no decisive unit at
// this budget: vacuous, infeasible, budget): the test is reported as SKIPPED with the reason
// (never as a pass). An evaluation that threw fails the test. See src/vitest/outcome.ts.
import { createRequire } from 'node:module';
import { test } from 'vitest';

const require = createRequire(import.meta.url);
const api = require('../../dist/src/index.js');

function describeTarget(claim) {
  if (typeof claim === 'string') return claim;
  if (claim && Array.isArray(claim.claims)) return `paper ${claim.id}`;
  return claim && claim.id ? claim.id : 'claim';
}

/**
 * Register one vitest test that checks `claim` (a claim, a paper, a registered claim id, or a list).
 * options: tier (default 'working'; or tiers), runs (default 10), seed (default 1), budget,
 * workers (default 0), claimsFrom, constants, replicates, maxSteps, shrink, engine,
 * name (test title), timeout (ms, default 300000), fails (true: a known break; passes while it breaks).
 */
export function claimTest(claim, options = {}) {
  const { tier, tiers, runs = 10, seed = 1, name, timeout = 300_000, fails = false, ...rest } = options;
  const tierList = tiers ?? [tier ?? 'working'];
  const title = name ?? `${describeTarget(claim)} ${fails ? 'still breaks (known break)' : 'holds'} in the ${tierList.join(', ')} tier (${runs} runs, seed ${seed})`;
  // fails: a documented break (e.g. a paper's claim the suite refutes): the test passes only while it still breaks
  return (fails ? test.fails : test)(title, async (ctx) => {
    const result = await api.checkClaims(claim, { tiers: tierList, runs, seed, ...rest });
    const outcome = api.claimTestOutcome(result.summaries);
    if (outcome.status === 'skip') ctx.skip(outcome.message);
    else if (outcome.status === 'fail') {
      const err = new Error(outcome.message);
      err.name = 'ClaimBroken';
      throw err;
    }
  }, timeout);
}

export const claimcheck = api;
