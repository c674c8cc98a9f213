// Tests live in test/. Training tests are CPU-heavy: run files in forked processes, at most one
// per core, and give them generous timeouts (they are correctness tests, never timing tests).
// Written as CommonJS to match the package (no "type": "module").
//
// Two projects: `unit` (test/**/*.test.ts, with the built-in papers registered by test/setup.ts)
// and `claims` (test/claims.vitest/: every built-in claim through the package's own vitest helper,
// claimcheck/vitest, at a small deterministic budget; it runs the compiled package, so `npm test`
// builds first). `npx vitest run --project unit` runs one of them.
const { defineConfig } = require('vitest/config');

module.exports = defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/claims.vitest/**', '**/node_modules/**'], setupFiles: ['test/setup.ts'] } },
      { extends: true, test: { name: 'claims', include: ['test/claims.vitest/*.test.ts'] } },
    ],
  },
});
