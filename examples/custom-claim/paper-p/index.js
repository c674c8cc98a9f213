'use strict';
// Paper pack "P": the paper's declaration (its claims, here one). Everything about the paper lives
// in this folder; claims.js registers it with one line.
const { definePaper } = require('claimcheck');
const { claim: perceptron } = require('./perceptron');

module.exports = definePaper({
  id: 'P',
  title: 'Perceptron convergence',
  reference: 'Novikoff 1962, "On convergence proofs on perceptrons", Symposium on the Mathematical Theory of Automata',
  claims: [perceptron],
});
