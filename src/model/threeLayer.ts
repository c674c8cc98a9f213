import { fillNormal, stream } from '../util/rng';

/**
 * The 3-layer variant of spec/model.md ("Other optimizers and models"; paper A, appendix E.1, our
 * reading). Per patch x_p a trained first layer h_p = relu(V x_p), V in R^{H x d} (rows v_k are the
 * hidden units), then the two-layer head of the spec on h_p: filters w_{j,r} in R^H (trained),
 * sigma = ReLU^q, last layer fixed at +-1/m:
 *
 *     f(V, W, x) = (1/m) sum_j j sum_r sum_p sigma(<w_{j,r}, relu(V x_p)>).
 *
 * Initialisation: every weight i.i.d. N(0, sigma_0^2), as the spec says for the two-layer net. At
 * paper A's E.1 setting (sigma_0 = 0.01, sigma_p = 1, d = 2000) a hidden unit's pre-activation on a
 * noise patch is ~ sigma_0 sigma_p sqrt(d) ~ 0.45, so the hidden layer is not degenerate; sigma_0 =
 * 0.01 is also below the 1/sqrt(d) = 0.022 of a LeCun initialisation, i.e. the small-init regime of
 * the papers. The head is drawn from the run's `init` stream (as W0 of the two-layer net), V from
 * its own `init-first-layer` stream: both reproducible from the seed.
 */
export interface ThreeLayerInit {
  /** H x d, row-major (row k = hidden unit v_k) */
  V: Float64Array;
  /** 2m x H, row-major (rows j = +1 first, then j = -1) */
  W: Float64Array;
}

export function initThreeLayer(c: { seed: number; d: number; m: number; sigma0: number }, hidden: number): ThreeLayerInit {
  return {
    V: fillNormal(stream(c.seed, 'init-first-layer'), new Float64Array(hidden * c.d), c.sigma0),
    W: fillNormal(stream(c.seed, 'init'), new Float64Array(2 * c.m * hidden), c.sigma0),
  };
}

/**
 * Signal learning and noise memorization of the first layer (there is no exact decomposition: V's
 * rows move in span{v^0, mu, xi_i} only while the head is frozen, and the head moves too). Per
 * hidden unit k, on the scale of pre-activations (the scale of the two-layer gamma and rho, which are
 * j <w - w^0, mu> and, up to the small cross terms of near-orthogonal xi, <w - w^0, xi_i>):
 *
 *     gamma_k  = |<v_k, mu>| - |<v_k^0, mu>|   growth of unit k's response to the signal patch of
 *                the class it fires for (the signal patch is +mu or -mu, so either sign is signal)
 *     rho_{k,i} = <v_k - v_k^0, xi_i>          growth of unit k's pre-activation on noise patch i
 *                (a noise patch appears only as +xi_i: negative values switch the unit off there,
 *                which relu makes harmless; large positive values are memorization)
 *
 * Both are 0 at initialisation, like gamma^(0) = rho^(0) = 0. Divide by ||mu|| and ||xi_i|| for the
 * lengths of the projections of v_k on mu and on xi_i.
 */
export function firstLayerProjections(
  S: ArrayLike<number>, S0: ArrayLike<number>, P: ArrayLike<number>, P0: ArrayLike<number>,
): { gamma: Float64Array; rho: Float64Array } {
  const gamma = new Float64Array(S.length);
  for (let k = 0; k < S.length; k++) gamma[k] = Math.abs(S[k]) - Math.abs(S0[k]);
  const rho = new Float64Array(P.length);
  for (let e = 0; e < P.length; e++) rho[e] = P[e] - P0[e];
  return { gamma, rho };
}
