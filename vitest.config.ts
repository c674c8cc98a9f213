// Tests live in test/. Training tests are CPU-heavy: run files in forked processes, at most one
// per core, and give them generous timeouts (they are correctness tests, never timing tests).
// Written as CommonJS to match the package (no "type": "module").
const { defineConfig } = require('vitest/config');

module.exports = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
