import { ConfigError, modelOf, patchesOf, samRhoOf, sourceOf, type EngineChoice, type EngineName, type TrainConfig, type TrainEngineName } from './config';

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

/**
 * Source mnist (every sample has a signal patch of its own): `auto` is the patch-Gram engine
 * (src/training/engines/gramEngine.ts, exact for general patches, ~2m (2n)^2 a step), `reference`
 * the float64 oracle for general patches; weight and coefficient hold one mu and refuse.
 */
export function chooseEngine(c: TrainConfig, choice: EngineChoice = 'auto'): TrainEngineName {
  // model three-layer: no decomposition to run in coefficient space, weight space by autodiff only
  if (modelOf(c) === 'three-layer') {
    if (choice !== 'auto') throw new ConfigError('engine', `model three-layer trains on the autodiff engine (engine auto; the ${choice} engine has the two-layer model only; got ${choice})`);
    return 'autodiff';
  }
  if (sourceOf(c) === 'mnist') {
    if (choice === 'weight' || choice === 'coefficient') throw new ConfigError('engine', `source mnist trains on the gram engine (auto) or reference (the ${choice} engine has one signal vector mu; got ${choice})`);
    return choice === 'auto' ? 'gram' : choice;
  }
  if (choice !== 'auto') return choice;
  const costs = engineCosts(c);
  return (Object.keys(costs) as EngineName[]).reduce((a, b) => (costs[b] < costs[a] ? b : a));
}

