import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initWeights, makeDataset } from '../src/data/signalNoise';
import { rebuildWeights } from '../src/training/engines/coefficientEngine';
import { config, maxAbs, maxAbsValue, runEngine } from './helpers/trainerHarness';

/** Small random configurations across every knob the engines branch on. */
const smallConfig = fc
  .record({
    n: fc.integer({ min: 4, max: 24 }),
    nTest: fc.integer({ min: 4, max: 40 }),
    d: fc.integer({ min: 30, max: 80 }),
    m: fc.integer({ min: 1, max: 4 }),
    q: fc.constantFrom(1, 2, 3),
    A: fc.double({ min: 0.5, max: 3, noNaN: true }),
    sigmaP: fc.double({ min: 0.3, max: 1, noNaN: true }),
    sigma0: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
    eta: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    noise: fc.constantFrom('projected', 'isotropic'),
    algo: fc.constantFrom('gd', 'lngd', 'smoothing', 'lngd-gauss', 'lngd-uniform'),
    tau: fc.constantFrom(0, 0.2),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map(({ tau, ...r }) => config({ ...r, tauPlus: tau, tauMinus: tau, steps: 25, evalEvery: 5 }));

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

describe('the three engines agree (weight space = coefficient space = float64 oracle)', () => {
  it('on random small configurations: losses, coefficients and test predictions', async () => {
    await fc.assert(
      fc.asyncProperty(smallConfig, async (c) => {
        const data = makeDataset(c);
        const ref = await runEngine('reference', c, data);
        // Agreement is a property of healthy runs; ReLU^q with q >= 3 can blow up in finite time,
        // and divergence has its own test. Such draws are discarded, not counted.
        fc.pre(ref.losses.every((l) => l < 5));
        for (const name of ['weight', 'coefficient'] as const) {
          const run = await runEngine(name, c, data);
          // training-loss trajectory within 1e-4 relative at every step
          const worst = Math.max(...run.losses.map((l, t) => relDiff(l, ref.losses[t])));
          expect(worst, `${name} loss drift`).toBeLessThan(1e-4);
          const a = run.snaps[run.snaps.length - 1];
          const b = ref.snaps[ref.snaps.length - 1];
          // coefficients within tolerance, relative to their scale
          const scale = Math.max(maxAbsValue(b.rho), maxAbsValue(b.gamma), 1e-6);
          expect(maxAbs(a.rho, b.rho) / scale, `${name} rho`).toBeLessThan(1e-3);
          expect(maxAbs(a.gamma, b.gamma) / scale, `${name} gamma`).toBeLessThan(1e-3);
          // identical test predictions except at margins below float32 resolution
          const fScale = Math.max(maxAbsValue(b.fTest), 1e-6);
          for (let k = 0; k < b.fTest.length; k++) {
            if (Math.abs(b.fTest[k]) > 1e-4 * fScale) expect(Math.sign(a.fTest[k]), `${name} test prediction ${k}`).toBe(Math.sign(b.fTest[k]));
          }
        }
      }),
      { numRuns: 30, seed: 20261124 },
    );
  });

  it('rebuilding W from the exact coefficients gives the trained weights (all engines)', async () => {
    for (const noise of ['projected', 'isotropic'] as const) {
      const c = config({ n: 20, nTest: 30, d: 60, m: 3, q: 2, sigma0: 0.1, eta: 0.5, steps: 40, evalEvery: 40, algo: 'lngd', noise, seed: 5 });
      const data = makeDataset(c);
      const W0 = initWeights(c);
      const ref = await runEngine('reference', c, data);
      const rebuilt = rebuildWeights(c, data, W0, ref.snaps[1].gamma, ref.snaps[1].rho);
      // float64: the recurrences of spec/model.md reproduce weight-space GD to rounding
      expect(maxAbs(rebuilt, ref.weights)).toBeLessThan(1e-10);
      const wt = await runEngine('weight', c, data);
      const rebuiltWt = rebuildWeights(c, data, W0, wt.snaps[1].gamma, wt.snaps[1].rho);
      expect(maxAbs(rebuiltWt, wt.weights) / maxAbsValue(wt.weights)).toBeLessThan(1e-4);
      const co = await runEngine('coefficient', c, data);
      expect(maxAbs(co.weights, ref.weights) / maxAbsValue(ref.weights)).toBeLessThan(1e-4);
    }
  });
});
