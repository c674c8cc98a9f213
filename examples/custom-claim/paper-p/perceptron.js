'use strict';
// Novikoff's perceptron convergence theorem (1962) as a claimcheck claim: on data linearly separable
// with margin gamma by a unit vector w*, inside a ball of radius R, the perceptron makes at most
// (R / gamma)^2 mistakes before it separates the data. A theorem with a known outcome: it holds on
// every regime, in milliseconds, without training a network.
const { defineClaim, fc, randomStream } = require('claimcheck');

/** n points in the unit ball of R^d, labelled by w*, keeping those at margin >= gamma from its hyperplane. */
function separableData({ n, d, gamma, seed }) {
  const rng = randomStream(seed, 'perceptron-data');
  const unit = (v) => { const s = Math.hypot(...v); return v.map((x) => x / s); };
  const wStar = unit(Array.from({ length: d }, () => rng.normal()));
  const xs = [];
  const ys = [];
  for (let tries = 0; xs.length < n && tries < 1000 * n; tries++) {
    // uniform in the ball: a uniform direction, radius u^(1/d)
    const r = rng.uniform() ** (1 / d);
    const x = unit(Array.from({ length: d }, () => rng.normal())).map((v) => v * r);
    const s = x.reduce((a, v, i) => a + v * wStar[i], 0);
    if (Math.abs(s) < gamma) continue;
    xs.push(x);
    ys.push(Math.sign(s));
  }
  return { xs, ys, wStar };
}

/** The perceptron, epochs over the data until one makes no mistake: its number of mistakes. */
function perceptronMistakes(xs, ys, maxEpochs) {
  const w = new Array(xs[0].length).fill(0);
  let mistakes = 0;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    let clean = true;
    xs.forEach((x, i) => {
      if (ys[i] * x.reduce((a, v, j) => a + v * w[j], 0) <= 0) {
        x.forEach((v, j) => { w[j] += ys[i] * v; });
        mistakes++;
        clean = false;
      }
    });
    if (clean) return { mistakes, converged: true };
  }
  return { mistakes, converged: false };
}

const claim = defineClaim({
  id: 'P.perceptron',
  title: 'The perceptron makes at most (R/gamma)^2 mistakes on separable data',
  source: { paper: 'P', result: 'Perceptron convergence theorem', reference: 'Novikoff 1962, "On convergence proofs on perceptrons"' },
  statement: 'On data separable with margin gamma inside a ball of radius R, the perceptron converges after at most (R/gamma)^2 mistakes.',
  predicate: 'mistakes <= (R / gamma)^2, with R the largest norm and gamma the smallest margin of the drawn data',
  kind: 'regime',
  tiers: ['working'],
  constants: {
    maxEpochs: { default: 10000, min: 1, integer: true, help: 'epochs the perceptron may run before the run counts as not converged', provenance: 'chosen', source: 'far above the (R/gamma)^2 <= 400 mistakes the theorem allows here' },
  },
  hypotheses: (r) => {
    const holds = r.gamma > 0;
    return { holds, clauses: [{ id: 'P(margin)', text: 'the data are separable with margin gamma > 0', holds, lhs: r.gamma, rhs: 0 }] };
  },
  regimes: () => fc.record({
    n: fc.integer({ min: 5, max: 60 }),
    d: fc.integer({ min: 2, max: 10 }),
    gamma: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  }),
  evaluate: async (r, ctx) => {
    const hypotheses = claim.hypotheses(r, ctx);
    const { xs, ys, wStar } = separableData(r);
    if (xs.length < 2) return { verdict: 'vacuous', margin: null, measurements: { points: xs.length }, hypotheses, note: 'too few points at this margin' };
    const R = Math.max(...xs.map((x) => Math.hypot(...x)));
    const gamma = Math.min(...xs.map((x, i) => ys[i] * x.reduce((a, v, j) => a + v * wStar[j], 0)));
    const bound = (R / gamma) ** 2;
    const { mistakes, converged } = perceptronMistakes(xs, ys, ctx.constants.maxEpochs);
    const verdict = !converged ? 'budget' : mistakes <= bound ? 'holds' : 'breaks';
    return { verdict, margin: bound - mistakes, measurements: { mistakes, bound, R, gamma, points: xs.length }, hypotheses };
  },
});

module.exports = { claim, separableData, perceptronMistakes };
