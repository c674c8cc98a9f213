#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (dist/ is built by `npm ci` through the `prepare` script).
let main;
try {
  ({ main } = require('../dist/src/cli/main.js'));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).split('\n')[0].includes('dist/src/cli/main.js')) {
    process.stderr.write('claimcheck: the compiled CLI is missing; run `npm run build` (or `npm ci`) first\n');
    process.exit(2);
  }
  throw e;
}
// `claimcheck list | head` closes the pipe early: that is not an error
process.stdout.on('error', (e) => { if (e && e.code === 'EPIPE') process.exit(0); else throw e; });
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`claimcheck: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 1; },
);
