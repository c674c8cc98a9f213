import { Dataset, initWeights, makeDataset } from '../../src/data/signalNoise';
import { initBackend } from '../../src/backend/backend';
import { DEFAULT_CONFIG, EngineName, resolveConfig, TrainConfig } from '../../src/training/config';
import { makeLabelScheme } from '../../src/training/labels';
import type { Snapshot } from '../../src/training/measure';
import { createEngine } from '../../src/training/train';

/** Test-side driver: run an engine for the config's steps and keep every snapshot and loss. */
export async function runEngine(name: EngineName, c: TrainConfig, data: Dataset = makeDataset(c)) {
  if (name !== 'reference') await initBackend();
  const engine = createEngine(name, c, data, initWeights(c));
  const scheme = makeLabelScheme(c, data.yObs);
  const losses: number[] = [];
  const snaps: Snapshot[] = [];
  try {
    for (let t = 0; t <= c.steps; t++) {
      losses.push(engine.forward(scheme.labels(t), scheme.alpha));
      if (t % c.evalEvery === 0 || t === c.steps) snaps.push(engine.snapshot());
      if (t < c.steps) engine.update();
    }
    return { losses, snaps, weights: engine.weights(), data };
  } finally {
    engine.dispose();
  }
}

export function config(over: Record<string, unknown>): TrainConfig {
  return resolveConfig(DEFAULT_CONFIG, over);
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbsValue(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
