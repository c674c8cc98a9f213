import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend/backend';
import { DEFAULT_CONFIG, momentumOf, resolveConfig, TrainConfig } from '../src/training/config';
import type { Measurement } from '../src/training/measure';
import { train, TrainResult } from '../src/training/train';
import { trainBatch } from '../src/training/batched/trainBatch';
import { BATCHES_PER_WORKER, inProcessPays, MIN_BATCH_SECONDS, planBatches, runSeconds } from '../src/training/batched/plan';
import { stream, fillNormal } from '../src/util/rng';

/**
 * The batched trainer (src/training/batched) against the one-run engines.
 *
 * Stated tolerance (float32, healthy runs): every real measurement of every trajectory within
 * 1e-4 relative to the larger of the two values and the metric's scale over the trajectory
 * (observed: <= 3e-6; float32 rounding of the different summation orders, accumulated over the
 * steps); 0-1 error rates equal up to one sample whose margin |f| is below 1e-4 of max |f|
 * (observed: equal); the same per-sample vectors to the same relative tolerance; divergence at
 * the same step, for the same reason and in the same part. Chaotic regimes (huge steps with
 * ReLU, where the one-run engines disagree with each other) are outside the tolerance by nature
 * and not used here.
 */
const RTOL = 1e-4;

const SMALL = { n: 20, nTest: 60, d: 80, m: 4, steps: 60, evalEvery: 20, eta: 0.5, sigma0: 0.05, A: 2, sigmaP: 0.5 };

function cfg(over: Record<string, unknown>): TrainConfig {
  return resolveConfig(DEFAULT_CONFIG, SMALL, over);
}

const SCALAR_KEYS: (keyof Measurement)[] = [
  'trainLoss', 'trainLossObserved', 'trainLossTrue', 'maxGamma', 'minGamma', 'maxRho', 'maxRhobar', 'iotaMean', 'iotaMax', 'ratio',
];
const ERROR_KEYS: (keyof Measurement)[] = ['trainError', 'trainErrorTrue', 'trainErrorClean', 'trainErrorNoisyObserved', 'trainErrorNoisyTrue', 'testError'];

/** Differences beyond the stated tolerance, as readable strings (empty: agree). */
function compareTrajectories(a: Measurement[], b: Measurement[], n: number, nTest: number): string[] {
  const bad: string[] = [];
  if (a.length !== b.length) return [`trajectory lengths ${a.length} vs ${b.length}`];
  for (const key of SCALAR_KEYS) {
    const vals = b.map((m) => m[key] as number).filter(Number.isFinite);
    const scale = Math.max(0, ...vals.map(Math.abs));
    a.forEach((ma, t) => {
      const x = ma[key] as number, y = b[t][key] as number;
      if (Number.isNaN(x) && Number.isNaN(y)) return;
      if (!(Math.abs(x - y) <= RTOL * Math.max(Math.abs(x), Math.abs(y), scale))) bad.push(`${key} at step ${ma.step}: ${x} vs ${y}`);
    });
  }
  for (const key of ERROR_KEYS) {
    a.forEach((ma, t) => {
      const x = ma[key] as number | null, y = b[t][key] as number | null;
      if (x === null || y === null) {
        if (x !== y) bad.push(`${key} at step ${ma.step}: ${x} vs ${y}`);
        return;
      }
      const count = key === 'testError' ? nTest : n;
      if (Math.abs(x - y) > 1 / count + 1e-12) bad.push(`${key} at step ${ma.step}: ${x} vs ${y}`);
    });
  }
  a.forEach((ma, t) => {
    const pa = ma.perSample, pb = b[t].perSample;
    if (!pa || !pb) {
      if (pa || pb) bad.push(`perSample missing at step ${ma.step}`);
      return;
    }
    for (const key of ['loss', 'maxRhobar', 'maxRhoObs', 'iota'] as const) {
      const scale = Math.max(0, ...pb[key].map(Math.abs));
      pa[key].forEach((x, i) => {
        const y = pb[key][i];
        if (!(Math.abs(x - y) <= RTOL * Math.max(Math.abs(x), Math.abs(y), scale))) bad.push(`perSample.${key}[${i}] at step ${ma.step}: ${x} vs ${y}`);
      });
    }
  });
  return bad;
}

function divergenceOf(r: TrainResult): string {
  const d = r.final.diverged;
  return d ? `${d.step}/${d.reason}/${d.where ?? ''}` : 'none';
}

/** Every variant of the label schemes, fixed flips included, on two seeds. */
const VARIANTS: Record<string, unknown>[] = [
  { algo: 'gd' },
  { algo: 'lngd', p: 0.2 },
  { algo: 'lngd-gauss', a: 1, b: 1 },
  { algo: 'lngd-uniform', a: -1, b: 2 },
  { algo: 'smoothing', alpha: 0.3 },
  { algo: 'lngd', tauPlus: 0.2, tauMinus: 0.1 },
];

describe('batched training equals one-run training (same seeds, float32 tolerance)', () => {
  for (const q of [1, 2, 3]) {
    for (const noise of ['projected', 'isotropic'] as const) {
      it(`q = ${q}, ${noise} noise: every label scheme, two seeds, trajectories and per-sample values`, async () => {
        await initBackend();
        const configs = [3, 4].flatMap((seed) => VARIANTS.map((v) => cfg({ q, noise, seed, ...v })));
        const batched = await trainBatch(configs, { perSample: true });
        expect(batched.every((r) => r.batch.mode === 'batched'), 'every run batched').toBe(true);
        // data sets: two seeds, plus the flipped variant's own data per seed
        expect(batched[0].batch.dataSets).toBe(4);
        for (let k = 0; k < configs.length; k++) {
          const one = await train(configs[k], { engine: 'coefficient', perSample: true });
          expect(batched[k].final.diverged).toBeNull();
          expect(compareTrajectories(batched[k].trajectory, one.trajectory, configs[k].n, configs[k].nTest), `${JSON.stringify(VARIANTS[k % VARIANTS.length])} seed ${configs[k].seed}`).toEqual([]);
          expect(batched[k].engine).toBe('coefficient');
          expect(batched[k].config).toEqual(configs[k]);
        }
      }, 60_000);
    }
  }

  it('runs that differ in d, A, sigma_p, sigma_0, eta and divergeLoss share one program', async () => {
    const configs = [
      cfg({ seed: 5, d: 60, eta: 0.3 }), cfg({ seed: 5, d: 60, eta: 0.3, algo: 'lngd' }), cfg({ seed: 5, d: 60, eta: 0.7, sigma0: 0.1 }),
      cfg({ seed: 6, d: 120, A: 3 }), cfg({ seed: 6, d: 120, A: 3, algo: 'smoothing', alpha: 0.2, divergeLoss: 50 }),
      cfg({ seed: 6, sigmaP: 0.8 }),
    ];
    const batched = await trainBatch(configs, { perSample: true });
    expect(new Set(batched.map((r) => r.batch.program)).size).toBe(1);
    expect(batched[0].batch.dataSets).toBe(3);
    for (let k = 0; k < configs.length; k++) {
      const one = await train(configs[k], { engine: 'coefficient', perSample: true });
      expect(compareTrajectories(batched[k].trajectory, one.trajectory, configs[k].n, configs[k].nTest), `run ${k}`).toEqual([]);
    }
  }, 60_000);

  it('momentum (v <- beta v + (1 - beta) grad): runs with beta 0, 0.5 and 0.9 in one program, both noise variants, as train() trains them', async () => {
    const configs = (['projected', 'isotropic'] as const).flatMap((noise) =>
      [0, 0.5, 0.9].flatMap((momentum) => ['gd', 'lngd'].map((algo) => cfg({ noise, momentum, algo, seed: 8 }))));
    const batched = await trainBatch(configs, { perSample: true });
    expect(batched.every((r) => r.batch.mode === 'batched'), 'every run batched').toBe(true);
    expect(new Set(batched.map((r) => r.batch.program)).size).toBe(2); // one program per noise variant
    for (let k = 0; k < configs.length; k++) {
      const one = await train(configs[k], { engine: 'coefficient', perSample: true });
      expect(compareTrajectories(batched[k].trajectory, one.trajectory, configs[k].n, configs[k].nTest), `${configs[k].noise} momentum ${configs[k].momentum} ${configs[k].algo}`).toEqual([]);
    }
    // momentum changes the trajectory (the test is not vacuous)
    expect(batched[4].trajectory[2].maxRho).not.toBe(batched[0].trajectory[2].maxRho);
  }, 60_000);

  it('agrees with the float64 weight-space oracle (reference engine) as the coefficient engine does', async () => {
    const configs = [cfg({ seed: 7, algo: 'gd' }), cfg({ seed: 7, algo: 'lngd' })];
    const batched = await trainBatch(configs);
    for (let k = 0; k < configs.length; k++) {
      const ref = await train(configs[k], { engine: 'reference' });
      for (const key of ['trainLoss', 'maxGamma', 'maxRho'] as const) {
        batched[k].trajectory.forEach((m, t) => {
          const x = m[key], y = ref.trajectory[t][key];
          expect(Math.abs(x - y), `${key} at step ${m.step}`).toBeLessThanOrEqual(1e-3 * Math.max(Math.abs(y), 1e-3));
        });
      }
    }
  }, 60_000);
});

describe('divergence in a batch', () => {
  it('diverging runs stop at the step, for the reason and in the part train() reports', async () => {
    const configs: TrainConfig[] = [];
    for (const q of [2, 3]) {
      for (const eta of [0.5, 2, 8, 20, 200, 1e6, 1e30, 1e308]) {
        for (const algo of ['gd', 'lngd', 'lngd-gauss']) configs.push(cfg({ q, eta, algo, seed: 11, steps: 120, evalEvery: 40 }));
        // momentum in the same batch: its velocity is checkpointed, replayed and masked with the state
        // (not at eta 8: there the one-run engines themselves disagree, float64 reference included)
        if (eta !== 8) configs.push(cfg({ q, eta, algo: 'lngd', momentum: 0.7, seed: 11, steps: 120, evalEvery: 40 }));
      }
    }
    const batched = await trainBatch(configs);
    let diverged = 0;
    for (let k = 0; k < configs.length; k++) {
      const one = await train(configs[k], { engine: 'coefficient' });
      const label = `q ${configs[k].q} eta ${configs[k].eta} ${configs[k].algo}`;
      expect(divergenceOf(batched[k]), label).toBe(divergenceOf(one));
      if (one.final.diverged) {
        diverged++;
        // the measurement taken at the divergence step is train()'s
        expect(batched[k].final.step, label).toBe(one.final.step);
        if (Number.isFinite(one.final.diverged.loss)) {
          expect(Math.abs(batched[k].final.diverged!.loss - one.final.diverged.loss), label).toBeLessThanOrEqual(1e-2 * Math.abs(one.final.diverged.loss));
        }
      } else {
        expect(compareTrajectories(batched[k].trajectory, one.trajectory, configs[k].n, configs[k].nTest), label).toEqual([]);
      }
    }
    // the set exercises exploding losses (also past the first read-back window of 32 steps),
    // NaN/Inf, and healthy runs
    expect(diverged).toBeGreaterThanOrEqual(12);
    expect(batched.some((r) => r.final.diverged && r.final.diverged.step > 32)).toBe(true);
    expect(batched.some((r) => r.final.diverged?.reason === 'exploding' && r.batch.mode === 'batched')).toBe(true);
    expect(batched.some((r) => r.final.diverged && r.final.diverged.reason !== 'exploding')).toBe(true);
    expect(batched.some((r, k) => momentumOf(configs[k]) > 0 && r.final.diverged && r.batch.mode === 'batched'), 'a momentum run diverged in the batch').toBe(true);
  }, 60_000);

  it('a batch mixing diverging and stable runs leaves the stable runs exactly as without them', async () => {
    // Two seeds x four slots. In the mixed batch, slot 2 of seed 2 and slot 3 of both seeds
    // diverge (NaN/Inf hidden from the loss, an exploding loss); in the reference batch the same
    // slots hold stable runs. Same layout, so the stable runs' arithmetic is the same op for op:
    // any leak of a diverged run into them (0 x Inf = NaN in a block product) would show.
    const long = { steps: 120, evalEvery: 40 };
    const stable = (seed: number) => [cfg({ ...long, seed, algo: 'gd' }), cfg({ ...long, seed, algo: 'lngd' })];
    const mixed = [
      ...stable(21), cfg({ ...long, seed: 21, algo: 'smoothing' }), cfg({ ...long, seed: 21, algo: 'lngd', eta: 8 }),
      ...stable(22), cfg({ ...long, seed: 22, algo: 'gd', eta: 1e30 }), cfg({ ...long, seed: 22, algo: 'lngd', eta: 10 }),
    ];
    const reference = [
      ...stable(21), cfg({ ...long, seed: 21, algo: 'smoothing' }), cfg({ ...long, seed: 21, algo: 'smoothing', alpha: 0.1 }),
      ...stable(22), cfg({ ...long, seed: 22, algo: 'smoothing' }), cfg({ ...long, seed: 22, algo: 'lngd-gauss' }),
    ];
    const a = await trainBatch(mixed, { perSample: true });
    const b = await trainBatch(reference, { perSample: true });
    expect(a[3].final.diverged?.reason).toBe('exploding');
    expect(a[6].final.diverged).not.toBeNull();
    expect(a[7].final.diverged).not.toBeNull();
    expect(a[0].batch.replayedWindows).toBeGreaterThan(0);
    for (const k of [0, 1, 2, 4, 5]) {
      expect(a[k].final.diverged, `run ${k}`).toBeNull();
      expect(a[k].batch.state).toEqual(b[k].batch.state);
      expect(JSON.stringify(a[k].trajectory), `run ${k} against the reference batch`).toBe(JSON.stringify(b[k].trajectory));
    }
    // and the diverged ones are train()'s
    for (const k of [3, 6, 7]) {
      const one = await train(mixed[k], { engine: 'coefficient' });
      expect(divergenceOf(a[k])).toBe(divergenceOf(one));
    }
  }, 60_000);
});

describe('a unit does not depend on how it was batched', () => {
  it('alone, in a batch of 16 and in another order: the same trajectory to the stated tolerance', async () => {
    const unit = cfg({ seed: 31, algo: 'lngd', steps: 80 });
    const others = Array.from({ length: 15 }, (_, k) => cfg({ seed: 32 + Math.floor(k / 2), algo: k % 2 ? 'gd' : 'lngd-gauss', steps: 80 }));
    const [alone] = await trainBatch([unit], { perSample: true });
    const big = await trainBatch([...others.slice(0, 7), unit, ...others.slice(7)], { perSample: true });
    const reversed = await trainBatch([unit, ...others].reverse(), { perSample: true });
    expect(alone.batch.runs).toBe(1);
    expect(big[7].batch.runs).toBe(16);
    for (const r of [big[7], reversed[15]]) {
      expect(compareTrajectories(r.trajectory, alone.trajectory, unit.n, unit.nTest)).toEqual([]);
    }
  }, 60_000);

  it('the engine requested explicitly (weight, reference) trains the run alone, with that engine', async () => {
    const c = cfg({ seed: 41, algo: 'gd', steps: 20 });
    for (const engine of ['weight', 'reference'] as const) {
      const [r] = await trainBatch([c], { engine });
      expect(r.engine).toBe(engine);
      expect(r.batch.mode).toBe('alone');
      const one = await train(c, { engine });
      expect(JSON.stringify(r.trajectory)).toBe(JSON.stringify(one.trajectory));
    }
  }, 60_000);
});

describe('resources', () => {
  it('no tensor leaks over 10,000 steps (clean windows, measurements, a replayed divergence)', async () => {
    await initBackend();
    const tiny = { n: 6, nTest: 10, d: 12, m: 2, evalEvery: 500, eta: 0.3 };
    const before = tf.memory().numTensors;
    const configs = [
      cfg({ ...tiny, seed: 51, steps: 10_000 }), cfg({ ...tiny, seed: 51, algo: 'lngd', steps: 10_000 }),
      cfg({ ...tiny, seed: 52, algo: 'lngd', eta: 200, steps: 10_000 }), cfg({ ...tiny, seed: 52, algo: 'gd', eta: 1e30, steps: 10_000 }),
    ];
    const r1 = await trainBatch(configs);
    expect(r1[2].final.diverged?.reason).toBe('exploding');
    expect(r1[3].final.diverged?.reason).toBe('nan');
    expect(r1[0].final.step).toBe(10_000);
    expect(tf.memory().numTensors).toBe(before);
    await trainBatch(configs.slice(0, 2).map((c) => resolveConfig(c, { steps: 2000 })));
    expect(tf.memory().numTensors).toBe(before);
    // the step kernels' own buffers (outside tfjs's tensor count): programs run again and again
    // reuse the memory the first ones freed, so the wasm heap stops growing
    const heap = () => (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
    // (~1.5 MB of buffers a program: 20 leaked programs would grow the heap)
    const again = configs.slice(0, 2).map((c) => resolveConfig(c, { n: 100, m: 20, nTest: 1000, d: 200, steps: 20, evalEvery: 10 }));
    await trainBatch(again);
    const size = heap();
    for (let i = 0; i < 20; i++) await trainBatch(again);
    expect(heap()).toBe(size);
  }, 60_000);
});

describe('batches for the workers (sweeps)', () => {
  it('runs on one data set stay together, the batches are balanced and cover every run once', () => {
    const configs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => ['gd', 'lngd'].map((algo) => cfg({ seed, algo })));
    const batches = planBatches(configs, 2);
    expect(batches).toHaveLength(2);
    expect(batches.map((b) => b.length)).toEqual([8, 8]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(configs.map((_, k) => k));
    for (const b of batches) {
      const seeds = new Set(b.map((k) => configs[k].seed));
      expect(seeds.size).toBe(4);
    }
    // one data set with many runs is split rather than leaving a worker idle
    const shared = Array.from({ length: 10 }, (_, k) => cfg({ seed: 1, eta: 0.1 + k / 10 }));
    expect(planBatches(shared, 2)).toHaveLength(2);
    // at most 64 runs a batch
    const many = Array.from({ length: 200 }, (_, k) => cfg({ seed: k + 1 }));
    expect(Math.max(...planBatches(many, 2).map((b) => b.length))).toBeLessThanOrEqual(64);
  });

  it('work enough for it is cut into several batches a worker, whole data sets, a multiple of the workers (a slow worker then takes fewer)', () => {
    const sized = (n: number, nTest: number, d: number) => (seed: number, algo: string, over = {}) => resolveConfig(DEFAULT_CONFIG, { n, nTest, d, m: 20, steps: 2000, evalEvery: 100, seed, algo, ...over });
    const paper = sized(200, 2000, 2000), claim = sized(30, 1000, 1200);
    const sweep = (at: typeof paper, seeds: number) => Array.from({ length: seeds }, (_, s) => ['gd', 'lngd'].map((algo) => at(s + 1, algo))).flat();
    // the bench's paper-size workload: 8 batches of one seed's gd and lngd runs
    const configs = sweep(paper, 8);
    const batches = planBatches(configs, 2);
    expect(batches).toHaveLength(2 * BATCHES_PER_WORKER);
    for (const b of batches) {
      expect(b.map((k) => configs[k].algo).sort()).toEqual(['gd', 'lngd']);
      expect(new Set(b.map((k) => configs[k].seed)).size).toBe(1);
    }
    expect(batches.flat().sort((a, b) => a - b)).toEqual(configs.map((_, k) => k));
    // no batch below MIN_BATCH_SECONDS for it, and a multiple of the workers
    const cost = (b: number[]) => b.reduce((a, k) => a + runSeconds(claimRuns[k]), 0);
    const claimRuns = sweep(claim, 64);
    const claimBatches = planBatches(claimRuns, 2);
    expect(claimBatches.length % 2).toBe(0);
    expect(claimBatches.length).toBeGreaterThan(2);
    for (const b of claimBatches) expect(cost(b)).toBeGreaterThanOrEqual(MIN_BATCH_SECONDS);
    expect(planBatches(sweep(claim, 16), 2)).toHaveLength(2);
    // one data set's runs are not split further for balance (its data would be drawn again)
    const shared = Array.from({ length: 10 }, (_, k) => paper(1, 'gd', { eta: 0.1 + k / 10 }));
    expect(planBatches(shared, 2)).toHaveLength(2);
    // one worker: several batches too (the in-process path trains them in turn)
    expect(planBatches(configs, 1)).toHaveLength(BATCHES_PER_WORKER);
  });

  it('small work trains in the calling process: the claim-size sweep of 16 runs, not 64, not the paper size, not unbatched runs', () => {
    const claimSize = (seed: number, algo: string, over = {}) => resolveConfig(DEFAULT_CONFIG, { n: 30, nTest: 1000, d: 1200, m: 20, steps: 2000, evalEvery: 100, seed, algo, ...over });
    const sweep = (seeds: number, over = {}) => Array.from({ length: seeds }, (_, s) => ['gd', 'lngd'].map((algo) => claimSize(s + 1, algo, over))).flat();
    expect(inProcessPays(sweep(8))).toBe(true);
    expect(inProcessPays(sweep(32))).toBe(false);
    expect(inProcessPays(sweep(8, { n: 200, nTest: 2000, d: 2000 }))).toBe(false);
    expect(inProcessPays(sweep(8, { samRho: 0.1 }))).toBe(false);
    expect(inProcessPays(sweep(8), 'weight')).toBe(false);
    // the estimate grows with every size that costs time
    const base = runSeconds(claimSize(1, 'gd'));
    for (const over of [{ n: 60 }, { m: 40 }, { steps: 4000 }, { d: 2400 }, { nTest: 2000 }]) expect(runSeconds(claimSize(1, 'gd', over)), JSON.stringify(over)).toBeGreaterThan(base);
  });
});

describe('the bulk normal generator (data noise, initial weights)', () => {
  it('draws N(0, 1): moments and tails of 2e6 draws, reproducible per stream', () => {
    const N = 2_000_000;
    const x = fillNormal(stream(5, 'test'), new Float64Array(N), 1);
    let s = 0, s2 = 0, s4 = 0, t2 = 0, t3 = 0;
    for (const v of x) {
      s += v;
      s2 += v * v;
      s4 += v ** 4;
      if (Math.abs(v) > 2) t2++;
      if (Math.abs(v) > 3) t3++;
    }
    expect(Math.abs(s / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(s4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
    expect(Math.abs(t2 / N - 0.0455003)).toBeLessThan(5 * Math.sqrt(0.0455 / N));
    expect(Math.abs(t3 / N - 0.0026998)).toBeLessThan(5 * Math.sqrt(0.0027 / N));
    const again = fillNormal(stream(5, 'test'), new Float64Array(1000), 1);
    expect(Array.from(again)).toEqual(Array.from(x.subarray(0, 1000)));
    // a stream's uniforms and its bulk normals are independent sequences
    const r = stream(5, 'test');
    r.uniform();
    expect(Array.from(fillNormal(r, new Float64Array(1000), 1))).toEqual(Array.from(again));
  });
});
