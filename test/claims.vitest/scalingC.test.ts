// The benign-overfitting boundary (each evaluation is a whole sweep) through claimcheck/vitest at a small budget (see budget.ts).
import { claimTest } from '../../src/vitest/index.mjs';
import { KNOWN_BREAKS, SMALL } from './budget';

claimTest('C.boundary', { ...SMALL, tier: 'working', fails: KNOWN_BREAKS.has('C.boundary') });
