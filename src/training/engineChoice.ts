import { patchesOf, samRhoOf, type EngineChoice, type EngineName, type TrainConfig } from './config';

/** Rough flop counts of a whole run per engine; `auto` takes the cheapest (see README). */
export function engineCosts(c: TrainConfig): Record<EngineName, number> {
  const { d, m, evalEvery } = c;
  // K > 2 patches: (K - 1) noise rows per sample; SAM: two gradients a step
  const patches = patchesOf(c) - 1;
  const n = c.n * patches;
  const nTest = c.nTest * patches;
  const steps = samRhoOf(c) > 0 ? 2 * c.steps : c.steps;
  const evals = Math.floor(c.steps / evalEvery) + 2;
  const rows = 2 * m;
  // A tfjs step also pays a fixed ~0.5 ms of op dispatch, worth ~1e7 flops on the fast path;
  // plain float64 JavaScript runs ~20x slower per flop than the wasm matMul.
  const overhead = 1e7;
  return {
    weight: steps * (4 * rows * n * d + overhead) + evals * 2 * rows * d * nTest,
    coefficient: 2 * n * d * (n + nTest) + 2 * rows * d * (n + nTest) + steps * (2 * rows * n * n + overhead) + evals * 2 * rows * n * nTest,
    reference: 20 * (steps * 4 * rows * n * d + evals * 2 * rows * d * nTest),
  };
}

export function chooseEngine(c: TrainConfig, choice: EngineChoice = 'auto'): EngineName {
  if (choice !== 'auto') return choice;
  const costs = engineCosts(c);
  return (Object.keys(costs) as EngineName[]).reduce((a, b) => (costs[b] < costs[a] ? b : a));
}

