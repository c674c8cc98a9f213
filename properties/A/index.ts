import { definePaper } from '../../src/claims/paper';
import { packFolder } from '../../src/util/paths';
import { claim as asm } from './asm';
import { claim as chain } from './chain';
import { paperADynamics } from './dynamics';
import { claim as gdOverfits } from './gd-overfits';
import { claim as lngdGeneralizes } from './lngd-generalizes';
import { claim as noiseBounded } from './noise-bounded';
import { PAPER_A_PRESETS } from './presets';
import { PAPER_A_REFERENCE } from './quantities';
import { initScale } from './review/initScale';
import { claim as separation } from './separation';
import { claim as stage1 } from './stage1';
import { claim as timeRatio } from './time-ratio';

/**
 * Paper A, declared once: its claims (one module each, named after the claim id), presets, audits,
 * figures and the review procedure that uses its own formulas. Its machinery: quantities.ts,
 * assumptions.ts (the literal Assumption 3.1), region.ts (the working region), generators.ts
 * (regimes), links.ts (link predicates), presets.ts (the paper tier), dynamics.ts (figures).
 */
export const paperA = definePaper({
  id: 'A',
  title: 'Label noise gradient descent improves generalization in the low SNR regime',
  reference: PAPER_A_REFERENCE,
  // its presets (presets/*.json) and review-thread rows (review/*.json) live in this folder
  folder: packFolder('A'),
  claims: [asm, gdOverfits, lngdGeneralizes, noiseBounded, stage1, separation, timeRatio, chain],
  presets: [PAPER_A_PRESETS.main, PAPER_A_PRESETS.heatmapCell, 'paper-a-heatmap', ...PAPER_A_PRESETS.appendix, ...PAPER_A_PRESETS.rebuttal],
  // the settings the paper trains, audited against its own assumption in every verify report
  audits: { presets: ['paper-a-main', 'paper-a-q3', 'paper-a-q4'], claims: ['A.asm'] },
  figures: {
    dynamics: { units: 2, make: paperADynamics },
    phases: [
      // the paper's SNR x n heatmap of test error (Figure 2), GD and label-noise GD
      { preset: 'paper-a-heatmap', axes: ['snr=0.03..0.10', 'n=100..700'], grid: 'heatmapGrid', target: { kind: 'metric', metric: 'testError', algos: ['gd', 'lngd'] } },
      // the reviewer's question: does the headline survive other widths and learning rates at the paper's own setting?
      { preset: 'paper-a-main', axes: ['m=1..40:log', 'eta=0.1..10:log'], grid: 'separationGrid', target: { kind: 'claim', claim: 'A.separation', tier: 'robustness' } },
    ],
  },
  review: { procedures: { 'init-scale': initScale } },
});
