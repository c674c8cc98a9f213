import * as tf from '@tensorflow/tfjs-core';
import { Dataset, initWeights, makeDataset } from '../data/signalNoise';
import { initBackend } from '../backend/backend';
import type { EngineChoice, EngineName, TrainConfig } from './config';
import { makeLabelScheme } from './labels';
import { measure, Measurement } from './measure';
import type { TrainingEngine } from './engines/engine';
import { ReferenceEngine } from './engines/reference';
import { WeightEngine } from './engines/weightEngine';
import { CoefficientEngine } from './engines/coefficientEngine';

export interface TrainOptions {
  engine?: EngineChoice;
  /** record per-sample losses and coefficients at every measurement */
  perSample?: boolean;
  /** called after every step with (step, steps) */
  onStep?: (step: number, steps: number) => void;
  /** reuse a data set drawn earlier from the same config (e.g. GD vs LNGD on the same data) */
  data?: Dataset;
}

export interface Divergence {
  step: number;
  loss: number;
  reason: 'nan' | 'inf' | 'exploding';
}

export interface TrainResult {
  config: TrainConfig;
  backend: string;
  engine: EngineName;
  engineRequested: EngineChoice;
  seconds: number;
  final: Measurement & { diverged: Divergence | null };
  trajectory: Measurement[];
}

/** Rough flop counts of a whole run per engine; `auto` takes the cheapest (see README). */
export function engineCosts(c: TrainConfig): Record<EngineName, number> {
  const { n, d, m, nTest, steps, evalEvery } = c;
  const evals = Math.floor(steps / evalEvery) + 2;
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

export function createEngine(name: EngineName, c: TrainConfig, data: Dataset, W0: Float64Array): TrainingEngine {
  if (name === 'reference') return new ReferenceEngine(c, data, W0);
  if (name === 'weight') return new WeightEngine(c, data, W0);
  return new CoefficientEngine(c, data, W0);
}

function divergence(step: number, loss: number, limit: number): Divergence | null {
  if (Number.isNaN(loss)) return { step, loss, reason: 'nan' };
  if (!Number.isFinite(loss)) return { step, loss, reason: 'inf' };
  if (loss > limit) return { step, loss, reason: 'exploding' };
  return null;
}

/**
 * Train one configuration: full-batch GD for `steps` steps, measuring at steps
 * 0, evalEvery, 2 evalEvery, ... and at the end. Stops early, and says so, when the loss
 * becomes NaN/Inf or exceeds `divergeLoss`.
 */
export async function train(c: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const requested = opts.engine ?? 'auto';
  const engineName = chooseEngine(c, requested);
  if (engineName !== 'reference') await initBackend();
  const t0 = process.hrtime.bigint();
  const data = opts.data ?? makeDataset(c);
  const engine = createEngine(engineName, c, data, initWeights(c));
  const scheme = makeLabelScheme(c, data.yObs);
  const trajectory: Measurement[] = [];
  let diverged: Divergence | null = null;
  try {
    for (let t = 0; t <= c.steps; t++) {
      const labels = scheme.labels(t);
      const loss = engine.forward(labels, scheme.alpha);
      diverged = divergence(t, loss, c.divergeLoss);
      if (t % c.evalEvery === 0 || t === c.steps || diverged) {
        trajectory.push(measure(t, engine.snapshot(), data, labels, scheme.alpha, c.m, opts.perSample ?? false));
      }
      if (diverged) break;
      if (t < c.steps) engine.update();
      opts.onStep?.(t, c.steps);
    }
  } finally {
    engine.dispose();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    config: c,
    backend: engine.backend,
    engine: engineName,
    engineRequested: requested,
    seconds,
    final: { ...trajectory[trajectory.length - 1], diverged },
    trajectory,
  };
}

/** Number of live tfjs tensors (for leak tests). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
