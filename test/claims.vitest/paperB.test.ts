// Paper B's claims through claimcheck/vitest at a small budget (see budget.ts).
import { claimTest } from '../../src/vitest/index.mjs';
import { DECIDING, KNOWN_BREAKS } from './budget';

const IDS = ['B.stage1', 'B.stage2', 'B.early-stop', 'B.log2', 'B.noiseless', 'B.chain'];
for (const id of IDS) claimTest(id, { ...DECIDING, tier: 'working', fails: KNOWN_BREAKS.has(id) });
