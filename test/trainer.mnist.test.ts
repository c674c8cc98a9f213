import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { initWeights, makeDataset } from '../src/data/signalNoise';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/training/config';
import { chooseEngine, createEngine, train, type TrainResult } from '../src/training/train';
import { notBatchable } from '../src/training/batched/trainBatch';
import { checkResources, estimateMemory } from '../src/training/limits';
import { makeLabelScheme } from '../src/training/labels';
import { ReferenceEngine } from '../src/training/engines/reference';
import { GramEngine } from '../src/training/engines/gramEngine';

/**
 * Training on the MNIST source: the patch-Gram engine (src/training/engines/gramEngine.ts) against
 * the float64 weight-space oracle for general patches (engines/patchReference.ts, what
 * `engine: reference` runs for source mnist), and against the original reference engine on the
 * synthetic source, where both decompositions apply.
 */
const tiny = (o: Record<string, unknown> = {}): TrainConfig =>
  resolveConfig(DEFAULT_CONFIG, {
    source: 'mnist', d: 784, noise: 'isotropic', n: 16, nTest: 24, m: 3, q: 2, sigmaP: 1, sigma0: 0.01,
    eta: 0.05, steps: 40, evalEvery: 10, seed: 11, ...o,
  });

function relClose(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

function expectSameRun(a: TrainResult, b: TrainResult, tol: number): void {
  expect(a.trajectory.map((m) => m.step)).toEqual(b.trajectory.map((m) => m.step));
  a.trajectory.forEach((ma, k) => {
    const mb = b.trajectory[k];
    for (const key of ['trainLoss', 'trainLossObserved', 'trainLossTrue', 'maxRho', 'maxRhobar', 'iotaMean'] as const) {
      expect(relClose(ma[key], mb[key], tol), `${key} at step ${ma.step}: ${ma[key]} vs ${mb[key]}`).toBe(true);
    }
    expect(ma.testError).toBe(mb.testError);
    expect(ma.trainError).toBe(mb.trainError);
    expect(ma.perSample!.testWrong).toEqual(mb.perSample!.testWrong);
    ma.perSample!.loss.forEach((l, i) => expect(relClose(l, mb.perSample!.loss[i], tol)).toBe(true));
  });
}

describe('source mnist: gram engine vs the float64 oracle', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['gd', {}],
    ['lngd', { algo: 'lngd', p: 0.2 }],
    ['lngd-gauss multipliers', { algo: 'lngd-gauss', a: 1, b: 1 }],
    ['fixed flips', { tauPlus: 0.3, tauMinus: 0.3 }],
    ['smoothing', { algo: 'smoothing', alpha: 0.3 }],
    ['momentum', { momentum: 0.8 }],
    ['q = 3, K = 3 patches', { q: 3, K: 3 }],
  ];
  it.each(cases)('%s', async (_name, o) => {
    const c = tiny(o);
    const gram = await train(c, { perSample: true });
    const ref = await train(c, { engine: 'reference', perSample: true });
    expect(gram.engine).toBe('gram');
    expect(ref.engine).toBe('reference');
    // the run moved: the loss fell and noise was memorized (so agreement is not agreement at init)
    expect(gram.final.trainLoss).toBeLessThan(0.9 * gram.trajectory[0].trainLoss);
    expect(gram.final.maxRho).toBeGreaterThan(0);
    expectSameRun(gram, ref, 1e-9);
    // no single signal direction: gamma-based measurements are NaN (null in JSON)
    expect(gram.final.maxGamma).toBeNaN();
    expect(gram.final.ratio).toBeNaN();
    expect(JSON.parse(JSON.stringify(gram.final)).maxGamma).toBeNull();
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const c = tiny({ algo: 'lngd', p: 0.2, steps: 20 });
    const a = await train(c);
    const b = await train(c);
    expect(a.trajectory).toEqual(b.trajectory);
    const other = await train({ ...c, seed: 12 });
    expect(other.final.trainLoss).not.toBe(a.final.trainLoss);
  });

  it('its weights W0 + C Z equal the oracle weights', () => {
    const c = tiny({ tauPlus: 0.2, tauMinus: 0.2, steps: 15 });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const engines = [createEngine('gram', c, data, W0), createEngine('reference', c, data, W0)];
    const labels = makeLabelScheme(c, data.yObs).labels(0);
    for (let t = 0; t < 15; t++) for (const e of engines) {
      e.forward(labels, 0);
      e.update();
    }
    const [wg, wr] = engines.map((e) => e.weights());
    let scale = 0;
    for (const v of wr) scale = Math.max(scale, Math.abs(v));
    wg.forEach((v, k) => expect(Math.abs(v - wr[k])).toBeLessThan(1e-10 * scale));
  });
});

describe('gram engine on the synthetic source vs the original reference engine', () => {
  it.each([['projected gd', {}], ['isotropic lngd', { noise: 'isotropic', algo: 'lngd' }]] as [string, Record<string, unknown>][])('%s: outputs, gamma and rho agree', (_name, o) => {
    const c = resolveConfig(DEFAULT_CONFIG, { n: 12, nTest: 20, d: 60, m: 3, A: 3, sigmaP: 0.5, eta: 0.5, steps: 25, seed: 4, ...o });
    const data = makeDataset(c);
    const W0 = initWeights(c);
    const gram = new GramEngine(c, data, W0);
    const ref = new ReferenceEngine(c, data, W0);
    const scheme = makeLabelScheme(c, data.yObs);
    for (let t = 0; t <= 25; t++) {
      const labels = scheme.labels(t);
      const lg = gram.forward(labels, 0);
      const lr = ref.forward(labels, 0);
      expect(relClose(lg, lr, 1e-10)).toBe(true);
      if (t < 25) {
        gram.update();
        ref.update();
      }
    }
    const [sg, sr] = [gram.snapshot(), ref.snapshot()];
    expect(Math.max(...sr.gamma.map(Math.abs))).toBeGreaterThan(1e-3);
    for (const k of ['fTrain', 'fTest', 'gamma', 'rho'] as const) {
      sg[k].forEach((v, i) => expect(relClose(v, sr[k][i], 1e-8), `${k}[${i}]: ${v} vs ${sr[k][i]}`).toBe(true));
    }
  });
});

describe('routing and resources for source mnist', () => {
  it('auto picks gram; weight and coefficient refuse naming engine; the batched trainer runs it alone', () => {
    const c = tiny();
    expect(chooseEngine(c, 'auto')).toBe('gram');
    expect(chooseEngine(c, 'reference')).toBe('reference');
    expect(() => chooseEngine(c, 'weight')).toThrow(/^engine: source mnist trains on the gram engine/);
    expect(() => chooseEngine(c, 'coefficient')).toThrow(/^engine:/);
    expect(notBatchable(c)).toBe('source mnist');
    expect(notBatchable(resolveConfig(DEFAULT_CONFIG, {}))).toBeNull();
    // synthetic runs never get the gram engine from auto
    expect(chooseEngine(resolveConfig(DEFAULT_CONFIG, {}), 'auto')).not.toBe('gram');
  });

  it('checkResources accepts paper A\'s MNIST size and counts the Gram matrices', () => {
    const c = tiny({ n: 100, nTest: 200, m: 20 });
    const est = checkResources(c, 'gram');
    expect(est.jsBytes).toBeGreaterThan(8 * (200 * 200 + 200 * 400));
    expect(est.tensorBytes).toBe(0);
    expect(estimateMemory({ ...c, n: 2e5 }, 'gram').largestArray.what).toMatch(/cross-Gram/);
  });
});

describe('claimcheck train with source mnist (compiled CLI)', () => {
  const BIN = path.join(__dirname, '..', 'bin', 'claimcheck.js');
  it('runs the paper-a-mnist preset on the gram engine; --help lists source and normalization', () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--preset', 'paper-a-mnist', '--set', 'steps=20', '--set', 'evalEvery=10', '--set', 'normalization=100', '--set', 'n=30', '--set', 'nTest=40', '--set', 'm=4', '--algo', 'lngd', '--json', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.engine).toBe('gram');
    expect(out.config).toMatchObject({ source: 'mnist', normalization: 100, d: 784, n: 30, nTest: 40, m: 4, sigmaP: 5, eta: 0.001, p: 0.15, algo: 'lngd' });
    expect(out.trajectory.map((m: { step: number }) => m.step)).toEqual([0, 10, 20]);
    expect(out.final.maxGamma).toBeNull();
    const help = spawnSync(process.execPath, [BIN, 'train', '--help'], { encoding: 'utf8' }).stdout;
    expect(help).toMatch(/source=synthetic\|mnist/);
    expect(help).toMatch(/normalization=N > 0/);
    expect(help).toMatch(/--small-net\b/);
  });
});
