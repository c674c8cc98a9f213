import { definePaper } from '../src/claims/paper';
import type { Paper } from '../src/claims/paper';
import { PAPER_A_PRESETS, PAPER_A_REFERENCE } from '../src/claims/paperA';
import { PAPER_B_REFERENCE } from '../src/claims/paperB';
import { paperADynamics, paperBDynamics } from '../src/verify/dynamics';
import { claim as aAsm } from './A.asm';
import { claim as aGdOverfits } from './A.gd-overfits';
import { claim as aLngdGeneralizes } from './A.lngd-generalizes';
import { claim as aNoiseBounded } from './A.noise-bounded';
import { claim as aStage1 } from './A.stage1';
import { claim as aSeparation } from './A.separation';
import { claim as aTimeRatio } from './A.time-ratio';
import { claim as aChain } from './A.chain';
import { claim as bStage1 } from './B.stage1';
import { claim as bStage2 } from './B.stage2';
import { claim as bEarlyStop } from './B.early-stop';
import { claim as bLog2 } from './B.log2';
import { claim as bNoiseless } from './B.noiseless';
import { claim as bChain } from './B.chain';
import { claim as cBoundary } from './C.boundary';

/**
 * The built-in papers, declared once each (spec/claims.md order). The engine never imports this
 * file: the entry points (src/cli/main.ts, src/index.ts) register it, and workers load it by path.
 * A new paper is one more definePaper here (later: its own folder and one line).
 */
export const paperA = definePaper({
  id: 'A',
  title: 'Label noise gradient descent improves generalization in the low SNR regime',
  reference: PAPER_A_REFERENCE,
  claims: [aAsm, aGdOverfits, aLngdGeneralizes, aNoiseBounded, aStage1, aSeparation, aTimeRatio, aChain],
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
});

export const paperB = definePaper({
  id: 'B',
  title: 'On the role of label noise in the feature learning process',
  reference: PAPER_B_REFERENCE,
  claims: [bStage1, bStage2, bEarlyStop, bLog2, bNoiseless, bChain],
  presets: ['paper-b'],
  audits: { presets: ['paper-b'], claims: ['B.stage1'] },
  figures: { dynamics: { units: 1, make: paperBDynamics } },
});

/** The scaling-law claim across the benign-overfitting papers (Cao et al. 2022, Kou et al. 2023, paper A). */
export const paperC = definePaper({
  id: 'C',
  title: 'Benign/harmful overfitting boundary (scaling law)',
  reference: cBoundary.source.reference,
  claims: [cBoundary],
});

/** Every built-in paper, in report order. */
export const PAPERS: readonly Paper[] = [paperA, paperB, paperC];

/** This module's file: workers load it by path (src/engine/pool.ts). */
export const MODULE_FILE: string = __filename;
