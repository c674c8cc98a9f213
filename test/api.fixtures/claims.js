'use strict';
// Plug-in claims with known answers for test/api.test.ts and test/example.pack.test.ts: they load
// claimcheck by its package name (the package's self-reference here; the installed one in a scratch folder).
const { defineClaim, fc } = require('claimcheck');

const source = { paper: 'T', result: 'test claim', reference: 'none (a claim with a known answer)' };
const verdictAt = (x, t) => ({ verdict: x > t ? 'breaks' : 'holds', margin: t - x, measurements: { x }, hypotheses: { holds: true, clauses: [] } });

/** Breaks exactly when x > threshold (50): the smallest counterexample is x = 51. */
const threshold = defineClaim({
  id: 'T.threshold', title: 'x stays at most the threshold', source, statement: 'x <= threshold', predicate: 'x <= threshold',
  kind: 'regime', tiers: ['working'],
  constants: { threshold: { default: 50, help: 'the threshold', provenance: 'chosen', source: 'test' } },
  hypotheses: () => ({ holds: true, clauses: [] }),
  regimes: () => fc.record({ x: fc.integer({ min: 0, max: 100 }) }),
  evaluate: async (r, ctx) => verdictAt(r.x, ctx.constants.threshold),
});

/** Holds on every regime (x is drawn at most 40, the threshold is 50). */
const below = defineClaim({
  id: 'T.below', title: 'x drawn below 40 stays at most 50', source, statement: 'x <= 50', predicate: 'x <= 50',
  kind: 'regime', tiers: ['working'],
  constants: { limit: { default: 50, help: 'the limit', provenance: 'chosen', source: 'test' } },
  hypotheses: () => ({ holds: true, clauses: [] }),
  regimes: () => fc.record({ x: fc.integer({ min: 0, max: 40 }) }),
  evaluate: async (r, ctx) => verdictAt(r.x, ctx.constants.limit),
});

module.exports = { threshold, below };
