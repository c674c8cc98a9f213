import type { CheckClaimsOptions, Claim, ClaimsInput, Paper, Tier } from '../../dist/src/index.js';
import type * as Api from '../../dist/src/index.js';

export interface ClaimTestOptions extends Omit<CheckClaimsOptions, 'tiers' | 'runs' | 'seed'> {
  /** the tier to check (default working) */
  tier?: Tier;
  /** several tiers (instead of tier) */
  tiers?: readonly Tier[];
  /** regimes drawn per tier (default 10) */
  runs?: number;
  /** fast-check seed (default 1) */
  seed?: number;
  /** the test's title (default: "<id> holds in the <tier> tier (...)") */
  name?: string;
  /** the test's time limit in ms (default 300000) */
  timeout?: number;
  /** a documented break: the test passes only while the claim still breaks (vitest's test.fails) */
  fails?: boolean;
}

/**
 * One vitest test checking the claim: passes when it holds, fails when it breaks (the message
 * carries the counterexample and its replay command) or an evaluation throws, and is reported as
 * skipped (with the reason) when the budget does not decide it.
 */
export declare function claimTest(claim: Claim | Paper | ClaimsInput, options?: ClaimTestOptions): void;

/** The CommonJS API (require('claimcheck')) as the helper loaded it. */
export declare const claimcheck: typeof Api;
