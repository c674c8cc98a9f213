// Paper A's scaling-law claim (each evaluation is a whole sweep) through claimcheck/vitest at a small budget (see budget.ts).
import { claimTest } from '../../src/vitest/index.mjs';
import { KNOWN_BREAKS, SMALL } from './budget';

claimTest('A.time-ratio', { ...SMALL, tier: 'working', fails: KNOWN_BREAKS.has('A.time-ratio') });
