import type { Snapshot } from '../measure';

/**
 * A training engine holds the state of one run (weights and/or the exact coefficients gamma, rho)
 * and performs full-batch GD on the logistic loss. The driver calls, for every step t:
 * `forward(labels_t, alpha)` (returns the mean loss on those labels), optionally `snapshot()`,
 * then `update()` (one GD step using the forward pass just made).
 */
export interface TrainingEngine {
  readonly name: 'weight' | 'coefficient' | 'reference' | 'gram' | 'autodiff';
  /** where the arithmetic runs: a tfjs backend name, or 'js-float64' */
  readonly backend: string;
  forward(labels: Float64Array, alpha: number): number;
  snapshot(): Snapshot;
  update(): void;
  /**
   * The first non-finite part of the state as of the last forward() (the coefficients gamma, rho,
   * W where the engine holds it, the inner products and outputs), or null when all are finite.
   * Checked every step by `train()`: divergence is any non-finite state, not only the loss.
   */
  nonFinite?(): NonFinite | null;
  /** The current filters W (2m x d, row-major), rebuilt from the coefficients by engines without W. */
  weights(): Float64Array;
  dispose(): void;
}

/** Which quantity of an engine's state went non-finite, and one non-finite value of it (NaN or +-Infinity). */
export interface NonFinite {
  part: string;
  value: number;
}

/** The first non-finite value among named parts of a float64 state, in the order given (null when all are finite). */
export function firstNonFinite(parts: readonly [string, ArrayLike<number>][]): NonFinite | null {
  for (const [part, a] of parts) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { part, value: a[i] };
  }
  return null;
}
