import { initBackend } from '../../backend/backend';
import { Dataset, initWeights, makeDataset } from '../../data/signalNoise';
import { type EngineChoice, type TrainConfig } from '../config';
import { train, TrainResult } from '../train';
import { checkResources } from '../limits';
import { BatchProgram, BatchRun, ProgramStats, RunOutcome } from './program';
import { dataKey, initKey, notBatchable, shapeKey } from './plan';
import type { KernelsName } from './stepKernels';

/**
 * trainBatch: many training runs as a few batched programs (program.ts), with the results train()
 * would give run by run (same seeds, same label streams, same measurements; numbers equal up to
 * float32 rounding, see test/trainer.batched.test.ts for the tolerance).
 *
 * - Runs batch when their engine is `auto` or `coefficient`; `weight` and `reference` runs are
 *   trained one by one by train().
 * - Runs are grouped by shape: equal n, m, q, nTest, noise variant, steps and evalEvery share a
 *   program (no padding); everything else (seed, d, A, sigmaP, sigma0, eta, p, algorithm and its
 *   parameters, fixed flips, divergeLoss) varies freely inside a program.
 * - The data of a data set (seed, n, nTest, d, A, sigmaP, noise, signal patch, flip rates) are
 *   drawn once and shared by every run on it, as is the initialisation (seed, m, d, sigma0).
 * - A run the program has to give up on (a NaN/Inf it cannot isolate, see program.ts) is retrained
 *   alone by train() with the coefficient engine, never reported from a contaminated batch.
 */

export interface BatchOptions {
  engine?: EngineChoice;
  perSample?: boolean;
  /** data sets drawn earlier, aligned with the configs (undefined: drawn here, once per data set) */
  data?: (Dataset | undefined)[];
  /** read per-run losses back every this many steps (default 32) */
  checkEvery?: number;
  /** upper bound on C x N (state elements) of one program (default 4e6) */
  maxStateElements?: number;
  /** the programs' step kernels (program.ts ProgramOptions.kernels; default auto) */
  kernels?: 'auto' | 'js' | 'wasm-unfused';
}

/** Where a run was trained: recorded in its result (`batch`). */
export interface BatchLayout {
  /** 'batched': one of `runs` runs of a program; 'alone': train() (engine requested, or fallback) */
  mode: 'batched' | 'alone';
  /** why a run was trained alone */
  reason?: string;
  program?: number;
  programs?: number;
  runs?: number;
  dataSets?: number;
  slots?: number;
  /** the state's shape, rows (data set, variant, filter) x columns (sample, and the two signal columns) */
  state?: [number, number];
  /** which kernels ran the program's steps: tfjs-wasm's own, or typed-array loops (matMuls on tfjs or not) */
  kernels?: KernelsName;
  checkEvery?: number;
  replayedWindows?: number;
}

export type BatchedTrainResult = TrainResult & { batch: BatchLayout };

export { batchable, notBatchable } from './plan';

/** Train every config; results in the order of the configs. */
export async function trainBatch(configs: TrainConfig[], opts: BatchOptions = {}): Promise<BatchedTrainResult[]> {
  const requested = opts.engine ?? 'auto';
  const out: (BatchedTrainResult | undefined)[] = configs.map(() => undefined);
  const alone: { k: number; reason: string }[] = [];
  const batched: number[] = [];
  configs.forEach((c, k) => {
    const why = notBatchable(c, requested);
    if (why === null) batched.push(k);
    else alone.push({ k, reason: why });
  });
  if (batched.length > 0) {
    const backendName = await initBackend();
    // refuse before allocating, as train() does (sizes beyond this machine or wasm's 4 GB)
    for (const k of batched) checkResources(configs[k], 'coefficient', { perSample: opts.perSample, backend: backendName });
    const t0 = process.hrtime.bigint();
    const datasets = new Map<string, Dataset>();
    const inits = new Map<string, Float64Array>();
    const runOf = new Map<number, BatchRun>();
    for (const k of batched) {
      const c = configs[k];
      const dk = dataKey(c);
      const given = opts.data?.[k];
      let data = given ?? datasets.get(dk);
      if (!data) {
        // lean: the test noise is not stored but drawn again, row by row, when the program is built
        data = makeDataset(c, { lean: true });
        datasets.set(dk, data);
      } else if (given && !datasets.has(dk)) datasets.set(dk, given);
      const ik = initKey(c);
      let W0 = inits.get(ik);
      if (!W0) {
        W0 = initWeights(c);
        inits.set(ik, W0);
      }
      runOf.set(k, { config: c, data, W0 });
    }
    const programs = planPrograms(batched, configs, runOf, opts.maxStateElements ?? 4e6);
    const done: { k: number; stats: ProgramStats; program: number; outcome: RunOutcome }[] = [];
    for (const [p, members] of programs.entries()) {
      const program = new BatchProgram(members.map((k) => runOf.get(k)!), { perSample: opts.perSample, checkEvery: opts.checkEvery, kernels: opts.kernels });
      const outcomes = await program.run();
      members.forEach((k, i) => done.push({ k, stats: program.stats, program: p, outcome: outcomes[i] }));
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9 / batched.length;
    const backend = await initBackend();
    for (const { k, stats, program, outcome } of done) {
      if (outcome.status === 'fallback') {
        alone.push({ k, reason: 'fallback: a NaN/Inf the batch could not isolate' });
        continue;
      }
      const trajectory = outcome.trajectory;
      out[k] = {
        config: configs[k],
        backend,
        engine: 'coefficient',
        engineRequested: requested,
        seconds,
        final: { ...trajectory[trajectory.length - 1], diverged: outcome.diverged },
        trajectory,
        batch: {
          mode: 'batched',
          program,
          programs: programs.length,
          runs: stats.runs,
          dataSets: stats.dataSets,
          slots: stats.slots,
          state: [stats.rows, stats.cols],
          kernels: stats.kernels,
          checkEvery: opts.checkEvery ?? 32,
          replayedWindows: stats.replayedWindows,
        },
      };
    }
    for (const a of alone) {
      if (a.reason.startsWith('fallback')) {
        const k = a.k;
        const r = await train(configs[k], { engine: 'coefficient', data: materialize(runOf.get(k)!.data), perSample: opts.perSample });
        out[k] = { ...r, engineRequested: requested, batch: { mode: 'alone', reason: a.reason } };
      }
    }
  }
  for (const a of alone) {
    if (out[a.k]) continue;
    const given = opts.data?.[a.k];
    const r = await train(configs[a.k], { engine: requested, data: given && materialize(given), perSample: opts.perSample });
    out[a.k] = { ...r, batch: { mode: 'alone', reason: a.reason } };
  }
  return out as BatchedTrainResult[];
}

/** A data set with its test noise stored (a lean one's drawn again), for the one-run engines. */
function materialize(data: Dataset): Dataset {
  if (!data.testNoise) return data;
  const { count } = data.test;
  const d = data.d;
  const xi = new Float64Array(count * d);
  const xiNorm2 = new Float64Array(count);
  data.testNoise((i, row) => {
    xi.set(row, i * d);
    let s2 = 0;
    for (let k = 0; k < d; k++) s2 += row[k] * row[k];
    xiNorm2[i] = s2;
  });
  return { ...data, test: { ...data.test, xi, xiNorm2 }, testNoise: undefined };
}

/**
 * Split the batchable runs into programs: one per shape, cut (between data sets) where the state
 * would exceed `maxState` elements.
 */
function planPrograms(batched: number[], configs: TrainConfig[], runOf: Map<number, BatchRun>, maxState: number): number[][] {
  const byShape = new Map<string, number[]>();
  for (const k of batched) {
    const key = shapeKey(configs[k]);
    byShape.set(key, [...(byShape.get(key) ?? []), k]);
  }
  const programs: number[][] = [];
  for (const members of byShape.values()) {
    const bySet = new Map<Dataset, number[]>();
    for (const k of members) {
      const d = runOf.get(k)!.data;
      bySet.set(d, [...(bySet.get(d) ?? []), k]);
    }
    const { n, m } = configs[members[0]];
    let current: number[] = [];
    let sets = 0;
    let slots = 0;
    for (const runs of bySet.values()) {
      const nextSlots = Math.max(slots, runs.length);
      if (current.length > 0 && 2 * m * nextSlots * n * (sets + 1) > maxState) {
        programs.push(current);
        current = [];
        sets = 0;
        slots = 0;
      }
      current.push(...runs);
      sets++;
      slots = Math.max(slots, runs.length);
    }
    if (current.length > 0) programs.push(current);
  }
  return programs;
}
