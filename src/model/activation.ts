/**
 * sigma(z) = max(0, z)^q and its derivative q max(0, z)^(q-1) (for q = 1 the derivative is the
 * indicator 1(z > 0), so sigma'(0) = 0 for every q), in float64 for the reference engine.
 */
export function relupow(z: number, q: number): number {
  if (z <= 0) return 0;
  return q === 1 ? z : q === 2 ? z * z : Math.pow(z, q);
}

export function relupowGrad(z: number, q: number): number {
  if (z <= 0) return 0;
  return q === 1 ? 1 : q === 2 ? 2 * z : q * Math.pow(z, q - 1);
}

/** Logistic loss l(z) = log(1 + e^-z), computed without overflow. */
export function logistic(z: number): number {
  return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

/** l'(z) = -1 / (1 + e^z). */
export function logisticGrad(z: number): number {
  return z > 0 ? -Math.exp(-z) / (1 + Math.exp(-z)) : -1 / (1 + Math.exp(z));
}

/**
 * Per-sample smoothed loss (1 - alpha/2) l(u f) + (alpha/2) l(-u f) with training label u, and
 * its derivative with respect to f: the g_i of spec/model.md (alpha = 0 gives l'(u f) u).
 */
export function sampleLoss(f: number, u: number, alpha: number): number {
  const z = u * f;
  return alpha === 0 ? logistic(z) : (1 - alpha / 2) * logistic(z) + (alpha / 2) * logistic(-z);
}

export function sampleLossGrad(f: number, u: number, alpha: number): number {
  const z = u * f;
  return alpha === 0 ? logisticGrad(z) * u : ((1 - alpha / 2) * logisticGrad(z) - (alpha / 2) * logisticGrad(-z)) * u;
}
