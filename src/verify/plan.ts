import type { Tier } from '../claims/types';

/**
 * The default budget of `claimcheck verify` (the README's main job), sized to finish within six
 * minutes on a 2-core machine; `--budget F` multiplies every count (runs, grid points, Morris
 * trajectories), so `--budget 4` is roughly four times the work. The units of a claim in a tier are
 * its regimes times the profile's `replicates` seeds.
 */
export interface VerifyPlan {
  /** regimes drawn per regime claim in each tier (literal: a deterministic feasibility analysis needs one) */
  runs: Record<Tier, number>;
  /** the same for the scaling-law claims, whose every evaluation is a whole sweep */
  scalingRuns: Record<Tier, number>;
  /** regimes per cell of the cross-region matrices (claim X evaluated in claim Y's working region) */
  crossRuns: number;
  /** points per axis of the SNR x n heatmap (paper A's grid is 8 x 7) */
  heatmapGrid: number;
  /** points per axis of the width x learning-rate map of A.separation */
  separationGrid: number;
  /** Morris trajectories per claim (each costs k + 1 evaluations); 2 at least, so that sigma is defined */
  morrisTrajectories: number;
  /** replicate seeds per Morris evaluation (a margin for ranking knobs, not a verdict's evidence) */
  morrisReplicates: number;
  /** points per axis of each claim's verdict map over its two top Morris factors (0: none) */
  claimMapGrid: number;
  /** replicate seeds per cell of those maps */
  claimMapReplicates: number;
  /** Morris trajectories for the scaling-law claims (0: skipped at the default budget) */
  morrisScalingTrajectories: number;
  /**
   * Replicate seeds per evaluation where a figure or matrix needs a margin or a map cell rather than
   * a verdict's evidence (Morris screens, the verdict map, cross-region cells); the claim tiers use
   * the profile's `replicates`.
   */
  screenReplicates: number;
  /** false (verify --figures none): the claims only, without phase diagrams, Morris screens and dynamics */
  figures: boolean;
}

export const DEFAULT_PLAN: VerifyPlan = {
  runs: { literal: 1, paper: 6, working: 6, robustness: 4 },
  scalingRuns: { literal: 1, paper: 1, working: 1, robustness: 1 },
  crossRuns: 1,
  heatmapGrid: 4,
  separationGrid: 4,
  // 2 trajectories give every factor two effects (a sigma); one seed per point keeps verify within
  // its six minutes beside the review thread (the screen ranks knobs, it is not a verdict's evidence)
  morrisTrajectories: 2,
  morrisReplicates: 1,
  claimMapGrid: 3,
  claimMapReplicates: 1,
  morrisScalingTrajectories: 0.5,
  screenReplicates: 4,
  figures: true,
};

export function scalePlan(plan: VerifyPlan, factor: number): VerifyPlan {
  const s = (v: number) => Math.max(1, Math.round(v * factor));
  // grids grow with the square root so their cost (points^2) scales like the factor
  const g = (v: number) => Math.max(2, Math.round(v * Math.sqrt(factor)));
  const tiers = (r: Record<Tier, number>): Record<Tier, number> => ({ literal: r.literal, paper: s(r.paper), working: s(r.working), robustness: s(r.robustness) });
  return {
    runs: tiers(plan.runs),
    scalingRuns: tiers(plan.scalingRuns),
    crossRuns: s(plan.crossRuns),
    heatmapGrid: g(plan.heatmapGrid),
    separationGrid: g(plan.separationGrid),
    morrisTrajectories: Math.max(2, s(plan.morrisTrajectories)),
    morrisReplicates: plan.morrisReplicates,
    claimMapGrid: plan.claimMapGrid ? g(plan.claimMapGrid) : 0,
    claimMapReplicates: plan.claimMapReplicates,
    // fractional below budget 2: the scaling claims' Morris screens start at --budget 2
    morrisScalingTrajectories: Math.floor(plan.morrisScalingTrajectories * factor),
    screenReplicates: plan.screenReplicates,
    figures: plan.figures,
  };
}
