import { definePaper } from '../../src/claims/paper';
import { packFolder } from '../../src/util/paths';
import { claim as chain } from './chain';
import { paperBDynamics } from './dynamics';
import { claim as earlyStop } from './early-stop';
import { claim as log2 } from './log2';
import { claim as noiseless } from './noiseless';
import { PAPER_B_REFERENCE } from './quantities';
import { asymmetricFlips } from './review/asymmetricFlips';
import { noiseVsSignal } from './review/noiseVsSignal';
import { patchPosition } from './review/patchPosition';
import { claim as stage1 } from './stage1';
import { claim as stage2 } from './stage2';

/**
 * Paper B, declared once: its claims (one module each, named after the claim id), its preset, audits,
 * figures and the review procedures that use its own formulas. Its machinery: quantities.ts,
 * region.ts (each claim's working region), generators.ts (regimes), replicates.ts (training the
 * replicate seeds, one unit per seed), dynamics.ts (figures).
 */
export const paperB = definePaper({
  id: 'B',
  title: 'On the role of label noise in the feature learning process',
  reference: PAPER_B_REFERENCE,
  // its presets (presets/*.json) and review-thread rows (review/*.json) live in this folder
  folder: packFolder('B'),
  claims: [stage1, stage2, earlyStop, log2, noiseless, chain],
  presets: ['paper-b'],
  audits: { presets: ['paper-b'], claims: ['B.stage1'] },
  figures: { dynamics: { units: 1, make: paperBDynamics } },
  review: { procedures: { 'patch-position': patchPosition, 'asymmetric-flips': asymmetricFlips, 'noise-vs-signal': noiseVsSignal } },
});
