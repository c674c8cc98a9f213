/**
 * The default budget of `claimcheck verify` (the README's main job), sized to finish within ten
 * minutes on a 2-core machine; `--budget F` multiplies every count (runs, grid points, Morris
 * trajectories), so `--budget 4` is roughly four times the work.
 */
export interface VerifyPlan {
  /** regimes drawn per claim in in-regime mode */
  inRegimeRuns: number;
  /** regimes drawn per claim in robustness mode */
  robustnessRuns: number;
  /** the same for the scaling-law claims, whose every evaluation is a whole sweep */
  scalingInRegimeRuns: number;
  scalingRobustnessRuns: number;
  /** points per axis of the SNR x n heatmap (paper A's grid is 8 x 7) */
  heatmapGrid: number;
  /** points per axis of the width x learning-rate map of A.separation */
  separationGrid: number;
  /** Morris trajectories per claim (each costs k + 1 evaluations) */
  morrisTrajectories: number;
  /** Morris trajectories for the scaling-law claims (0: skipped at the default budget) */
  morrisScalingTrajectories: number;
}

export const DEFAULT_PLAN: VerifyPlan = {
  inRegimeRuns: 6,
  robustnessRuns: 8,
  scalingInRegimeRuns: 2,
  scalingRobustnessRuns: 3,
  heatmapGrid: 4,
  separationGrid: 4,
  morrisTrajectories: 2,
  morrisScalingTrajectories: 0.5,
};

export function scalePlan(plan: VerifyPlan, factor: number): VerifyPlan {
  const s = (v: number) => Math.max(1, Math.round(v * factor));
  // grids grow with the square root so their cost (points^2) scales like the factor
  const g = (v: number) => Math.max(2, Math.round(v * Math.sqrt(factor)));
  return {
    inRegimeRuns: s(plan.inRegimeRuns),
    robustnessRuns: s(plan.robustnessRuns),
    scalingInRegimeRuns: s(plan.scalingInRegimeRuns),
    scalingRobustnessRuns: s(plan.scalingRobustnessRuns),
    heatmapGrid: g(plan.heatmapGrid),
    separationGrid: g(plan.separationGrid),
    morrisTrajectories: s(plan.morrisTrajectories),
    // fractional below budget 2: the scaling claims' Morris screens start at --budget 2
    morrisScalingTrajectories: Math.floor(plan.morrisScalingTrajectories * factor),
  };
}
