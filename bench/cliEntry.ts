/**
 * The CLI entry point for running from TypeScript sources, e.g.
 *     node -r ts-node/register/transpile-only bench/cliEntry.ts train --preset small
 * bench/bench.ts times this against the shipped bin/claimcheck.js (compiled JavaScript) to show
 * what compiling on the fly would add to every CLI invocation. Same behaviour as the bin.
 */
import { main } from '../src/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`claimcheck: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
