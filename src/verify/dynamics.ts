import type { DynamicsSeries } from '../report/model';
import type { Measurement } from '../training/measure';
import type { TrainResult } from '../training/train';

/**
 * Dynamics figures like the papers' (each paper declares its own: figures.dynamics in its
 * definePaper, e.g. properties/A/dynamics.ts): one series of a trajectory, a measured quantity per step.
 */
export function trajectorySeries(name: string, r: TrainResult, f: (m: Measurement) => number | null): DynamicsSeries {
  return { name, points: r.trajectory.flatMap((m) => { const y = f(m); return y === null || !Number.isFinite(y) ? [] : [{ x: m.step, y }]; }) };
}
