import type { PaperSetting, Regime } from '../../src/claims/types';
import { loadPreset } from '../../src/training/presets';

/** The paper tier of paper A: the settings where the paper and its review thread report the claims observed. */

/** Paper-tier settings from presets (fixtures/presets/NAME.json): the regime is the preset's training keys. */
export function paperASettings(names: readonly string[]): PaperSetting[] {
  return names.map((name) => {
    const p = loadPreset(name);
    const { algo, seed: _seed, ...keys } = p.config as unknown as Record<string, number | string>;
    // a label-noise variant of the preset (lngd-gauss, lngd-uniform) is kept: it is the label-noise run there
    const regime = (String(algo).startsWith('lngd') ? { ...keys, algo } : keys) as Regime;
    return { preset: name, regime, source: p.source };
  });
}

/** The presets of paper A's own experiments and rebuttal, by what the authors report there. */
export const PAPER_A_PRESETS = {
  /** Figure 1 (authors' code eta = 1.0) */
  main: 'paper-a-main',
  /** one heatmap cell where label-noise GD wins (low SNR) */
  heatmapCell: 'paper-a-heatmap-cell',
  /** the appendix variants (activation q, flip rate p, noise of the label-noise multiplier) */
  appendix: ['paper-a-q3', 'paper-a-q4', 'paper-a-p03', 'paper-a-p04', 'paper-a-gauss', 'paper-a-uniform', 'paper-a-gauss-06', 'paper-a-uniform-23'],
  /** the reviewers' counterexamples in the review thread (robustness regimes; claimcheck review rows 2, 3) */
  reviewCounterexamples: ['paper-a-review-m3', 'paper-a-review-m3-sigma2'],
  /** the authors' rebuttal rows */
  rebuttal: ['paper-a-rebuttal-m10', 'paper-a-rebuttal-m3'],
} as const;
