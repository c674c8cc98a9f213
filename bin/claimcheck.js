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
process.stdout.on('error', (e) => { if (e && e.code === 'EPIPE') process.exit(process.exitCode || 0); else fatal(e); });
process.stderr.on('error', () => {});
const cmd = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : '';
// Anything that escapes the commands (an 'error' event, a rejected promise nobody awaited) is still
// one line and exit 3; the stack only with CLAIMCHECK_DEBUG=1.
function fatal(err) {
  let code = 3;
  try {
    code = require('../dist/src/cli/main.js').reportError(cmd, err);
  } catch {
    process.stderr.write(`claimcheck: ${err && err.message ? String(err.message).split('\n')[0] : err}\n`);
  }
  process.exit(code);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// Ctrl-C or a pod's SIGTERM: exit through 'exit' so the run folder's lock is released (results are
// appended as they come; a later --resume continues)
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  fatal,
);
