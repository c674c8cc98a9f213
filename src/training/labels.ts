import { stream, Rng } from '../util/rng';
import type { TrainConfig } from './config';

/**
 * Label schemes (spec/model.md "Loss and training"). At step t a scheme yields the real-valued
 * training labels ytrain_i^(t) = eps_i^(t) * yobs_i used by that step's loss, and a smoothing
 * weight alpha; the step's per-sample loss is
 *     (1 - alpha/2) l(ytrain f) + (alpha/2) l(-ytrain f),   l(z) = log(1 + e^-z).
 * gd: eps = 1. lngd (paper A, Algorithm 1): eps = -1 w.p. p, fresh every step and sample.
 * lngd-gauss / lngd-uniform: eps ~ N(a, b^2) / U[a, b] fresh every step. smoothing: eps = 1, alpha.
 * Draws come from the run's `label-noise` stream, so every engine sees the same labels.
 */
export interface LabelScheme {
  /** Labels of step t; must be called for t = 0, 1, 2, ... in order. */
  labels(t: number): Float64Array;
  alpha: number;
  /** true when labels change from step to step */
  stochastic: boolean;
}

export function makeLabelScheme(c: TrainConfig, yObs: Float64Array): LabelScheme {
  const n = yObs.length;
  const fixed = Float64Array.from(yObs);
  if (c.algo === 'gd' || c.algo === 'smoothing') {
    return { labels: () => fixed, alpha: c.algo === 'smoothing' ? c.alpha : 0, stochastic: false };
  }
  const rng: Rng = stream(c.seed, 'label-noise');
  const draw: () => number =
    c.algo === 'lngd' ? () => (rng.uniform() < c.p ? -1 : 1)
    : c.algo === 'lngd-gauss' ? () => c.a + c.b * rng.normal()
    : () => c.a + (c.b - c.a) * rng.uniform();
  const out = new Float64Array(n);
  let next = 0;
  return {
    alpha: 0,
    stochastic: true,
    labels(t: number) {
      if (t !== next) throw new Error(`label scheme: steps must be drawn in order (asked ${t}, next ${next})`);
      next++;
      for (let i = 0; i < n; i++) out[i] = draw() * yObs[i];
      return out;
    },
  };
}
