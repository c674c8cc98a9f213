// The claim as a vitest test: passes when it holds, fails with the counterexample and its replay
// command when it breaks, is skipped (with the reason) when the budget does not decide it.
import { claimTest } from 'claimcheck/vitest';

claimTest('P.perceptron', { claimsFrom: ['./claims.js'], tier: 'working', runs: 40, seed: 1 });
