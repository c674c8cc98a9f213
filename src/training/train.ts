import * as tf from '@tensorflow/tfjs-core';
import { Dataset, initWeights, makeDataset } from '../data/signalNoise';
import { initBackend } from '../backend/backend';
import { sourceOf, type EngineChoice, type TrainConfig, type TrainEngineName } from './config';
import { makeLabelScheme } from './labels';
import { measure, Measurement } from './measure';
import type { NonFinite, TrainingEngine } from './engines/engine';
import { checkResources } from './limits';
import { ReferenceEngine } from './engines/reference';
import { WeightEngine } from './engines/weightEngine';
import { CoefficientEngine } from './engines/coefficientEngine';
import { GramEngine } from './engines/gramEngine';
import { PatchReferenceEngine } from './engines/patchReference';
import { AutodiffEngine } from './engines/autodiffEngine';

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
  /** what went non-finite first: 'loss', or a part of the state ('gamma', 'rho', 'W', '<w, xi>', ...) */
  where?: string;
}

export interface TrainResult {
  config: TrainConfig;
  backend: string;
  engine: TrainEngineName;
  engineRequested: EngineChoice;
  seconds: number;
  final: Measurement & { diverged: Divergence | null };
  trajectory: Measurement[];
}

// engine choice lives in a module without tfjs, so the CLI can validate before loading it
export { chooseEngine, engineCosts } from './engineChoice';
import { chooseEngine } from './engineChoice';

export function createEngine(name: TrainEngineName, c: TrainConfig, data: Dataset, W0: Float64Array): TrainingEngine {
  // source mnist: every sample has a signal patch of its own (general patches, float64 engines)
  if (name === 'reference') return sourceOf(c) === 'mnist' ? new PatchReferenceEngine(c, data, W0) : new ReferenceEngine(c, data, W0);
  if (name === 'gram') return new GramEngine(c, data, W0);
  if (name === 'autodiff') return new AutodiffEngine(c, data, W0);
  if (name === 'weight') return new WeightEngine(c, data, W0);
  return new CoefficientEngine(c, data, W0);
}

/**
 * Divergence is any non-finite state, not only a non-finite loss: with eta = 1e308 the coefficients
 * go to NaN while relu hides it from the loss (log 2). The state is probed at every step, so the
 * step reported is exact.
 */
export function divergence(step: number, loss: number, limit: number, state: NonFinite | null = null): Divergence | null {
  if (Number.isNaN(loss)) return { step, loss, reason: 'nan', where: 'loss' };
  if (!Number.isFinite(loss)) return { step, loss, reason: 'inf', where: 'loss' };
  if (state) return { step, loss, reason: Number.isNaN(state.value) ? 'nan' : 'inf', where: state.part };
  if (loss > limit) return { step, loss, reason: 'exploding', where: 'loss' };
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
  const tfjs = engineName === 'weight' || engineName === 'coefficient' || engineName === 'autodiff';
  if (tfjs) await initBackend();
  // refuse before allocating: sizes beyond this machine's memory or wasm's 4 GB, norms beyond float32
  checkResources(c, engineName, { perSample: opts.perSample, ...(tfjs ? { backend: tf.getBackend() } : {}) });
  const t0 = process.hrtime.bigint();
  const data = opts.data ?? makeDataset(c);
  const engine = createEngine(engineName, c, data, initWeights(c));
  const scheme = makeLabelScheme(c, data.yObs);
  const trajectory: Measurement[] = [];
  let diverged: Divergence | null = null;
  // A pool worker lets its event loop run every ~200 ms, so it notices (and exits) when its parent goes.
  const yieldEvery = process.env.CLAIMCHECK_WORKER === '1' ? 200 : Infinity;
  let lastYield = Date.now();
  try {
    for (let t = 0; t <= c.steps; t++) {
      if (Date.now() - lastYield > yieldEvery) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
      const labels = scheme.labels(t);
      const loss = engine.forward(labels, scheme.alpha);
      diverged = divergence(t, loss, c.divergeLoss, engine.nonFinite?.() ?? null);
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
