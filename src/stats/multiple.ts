/** Multiple-testing corrections. */

/**
 * Holm step-down adjusted p-values (R: p.adjust(p, "holm")), in the input order, monotone in the
 * raw p-values and capped at 1. Throws on values outside [0, 1] or NaN.
 */
export function holm(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must lie in [0, 1], got ${p}`);
  }
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]));
    adjusted[idx] = running;
  });
  return adjusted;
}

/** Which hypotheses Holm's procedure rejects at family-wise error rate `alpha`. */
export function holmReject(pValues: readonly number[], alpha = 0.05): boolean[] {
  return holm(pValues).map((p) => p <= alpha);
}
