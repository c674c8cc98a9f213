// Paper A's regime claims through claimcheck/vitest at a small budget (see budget.ts).
import { claimTest } from '../../src/vitest/index.mjs';
import { DECIDING, KNOWN_BREAKS } from './budget';

const IDS = ['A.asm', 'A.gd-overfits', 'A.lngd-generalizes', 'A.noise-bounded', 'A.stage1', 'A.separation', 'A.chain'];
// A.asm has no working tier: its literal tier (the assumption's feasibility at an affordable size)
for (const id of IDS) claimTest(id, { ...DECIDING, tier: id === 'A.asm' ? 'literal' : 'working', fails: KNOWN_BREAKS.has(id) });
