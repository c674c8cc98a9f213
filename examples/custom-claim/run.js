'use strict';
// The claim through claimcheck's API: check it in this process, then over two worker processes
// (which load ./claims.js by path), and print the verdicts. Exit 1 if it breaks.
const path = require('path');
const { checkClaims, summaryText } = require('claimcheck');
const perceptronPaper = require('./paper-p');

async function main() {
  const here = await checkClaims(perceptronPaper, { tiers: ['working'], runs: 40, seed: 1 });
  for (const s of here.summaries) console.log(`in process: ${summaryText(s)}`);
  const pooled = await checkClaims('P.perceptron', { claimsFrom: [path.join(__dirname, 'claims.js')], runs: 40, seed: 1, workers: 2 });
  for (const s of pooled.summaries) console.log(`2 workers:  ${summaryText(s)}`);
  return here.ok && pooled.ok ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(`run.js: ${e.message}`); process.exitCode = 2; });
