import { modelOf, patchesOf, samRhoOf, sourceOf, type EngineChoice, type TrainConfig } from '../config';

/**
 * How runs are grouped for the batched trainer (trainBatch.ts), without loading the trainer (and
 * tfjs): the keys that decide which runs share a data set, an initialisation and a program, and
 * the batches a worker pool hands out.
 */

export function dataKey(c: TrainConfig): string {
  return JSON.stringify([c.seed, c.n, c.nTest, c.d, c.A, c.sigmaP, c.noise, c.signalPatch, c.tauPlus, c.tauMinus]);
}

export function initKey(c: TrainConfig): string {
  return JSON.stringify([c.seed, c.m, c.d, c.sigma0]);
}

export function shapeKey(c: TrainConfig): string {
  return JSON.stringify([c.n, c.m, c.q, c.nTest, c.noise, c.steps, c.evalEvery]);
}

/**
 * Rough seconds of a run in a batched program on one core (tfjs-wasm): its Gram products
 * (2 (2m) (n+2)^2 flops a step at 30 GFLOP/s), its share of a step's other kernels and host work
 * (~6 us a run), and its data set's set-up (the test cross-Gram at 30 GFLOP/s and ~4 ns per
 * test-noise value drawn). A cost model, not a prediction: the gemm now runs at ~50 GFLOP/s on the
 * README's machine, and the model's constants are the ones that rank batches and classify the
 * measured in-process/worker crossovers (inProcessPays) correctly.
 */
export function runSeconds(c: TrainConfig): number {
  const step = (4 * c.m * (c.n + 2) ** 2) / 3e10 + 6e-6;
  const setup = (2 * c.nTest * c.d * (c.n + 2 * c.m + 1)) / 3e10 + c.nTest * c.d * 4e-9;
  return (c.steps + 1) * step + setup;
}

/**
 * Below this much estimated training (runSeconds summed), runs train faster in the calling process
 * than on forked workers. Measured with `claimcheck sweep` on the README's 2-core machine: a worker
 * costs a node start, tfjs and a JIT warm-up of its own, and two workers run at ~1.5x one process's
 * speed, not 2x. In-process won at 16 and 32 runs of the claim size (estimates 0.45 s and 0.9 s) and
 * lost at 64 (1.8 s); at the paper size it lost from 4 runs (1.24 s).
 */
export const IN_PROCESS_SECONDS = 1;

/**
 * Whether training `configs` in this process beats forking workers: every run batches (runs that
 * train one by one cost far more than runSeconds says) and their estimated work is below
 * IN_PROCESS_SECONDS.
 */
export function inProcessPays(configs: TrainConfig[], engine: EngineChoice = 'auto'): boolean {
  let total = 0;
  for (const c of configs) {
    if (notBatchable(c, engine) !== null) return false;
    total += runSeconds(c);
  }
  return total < IN_PROCESS_SECONDS;
}

/**
 * Batches per worker that planBatches aims for, and the least estimated work (runSeconds) a batch
 * is cut down to for that. The pool hands out batches as workers fall idle, so several batches a
 * worker let a worker that runs slower (a busy or throttled vCPU: this machine's two vCPUs have
 * been measured at 1x and 0.5x speed at once) take fewer of them instead of finishing last. Smaller
 * batches cost nothing measurable at the paper size (one seed's 2 runs a batch trained ~3% faster
 * than 4 seeds' 8 runs in one program, its operands staying in cache); a batch's fixed cost (its
 * program's set-up, a round trip to the worker) is a few per cent of MIN_BATCH_SECONDS.
 */
export const BATCHES_PER_WORKER = 4;
export const MIN_BATCH_SECONDS = 0.5;

/**
 * Split runs into batches (jobs) for `workers` workers. Runs on one data set stay together (its
 * data are drawn once, its Gram matrix shared) unless that would leave a worker idle; a batch holds
 * at most `maxRuns` runs and, where the runs allow, about `maxSeconds` of estimated work, so that
 * results (and resumable progress) come in steadily; there are at least `workers` batches when
 * there are that many runs, and up to BATCHES_PER_WORKER a worker while a batch keeps at least
 * MIN_BATCH_SECONDS of work. Units are placed largest first onto the lightest batch, preferring a
 * batch that already holds their shape (runs of one shape share a program). Batches are returned
 * largest first, as config indices.
 */
export function planBatches(configs: TrainConfig[], workers: number, maxRuns = 64, maxSeconds = 8): number[][] {
  if (configs.length === 0) return [];
  const cost = (u: number[]) => u.reduce((a, k) => a + runSeconds(configs[k]), 0);
  const all = configs.map((_, k) => k);
  const total = cost(all);
  const w = Math.max(workers, 1);
  const needed = Math.min(configs.length, Math.max(w, Math.ceil(total / maxSeconds), Math.ceil(configs.length / maxRuns)));
  const perBatch = Math.ceil(configs.length / needed);
  const groups = new Map<string, number[]>();
  configs.forEach((c, k) => {
    const key = JSON.stringify([shapeKey(c), dataKey(c)]);
    groups.set(key, [...(groups.get(key) ?? []), k]);
  });
  const units: number[][] = [];
  for (const g of groups.values()) for (let i = 0; i < g.length; i += perBatch) units.push(g.slice(i, i + perBatch));
  units.sort((a, b) => cost(b) - cost(a));
  // more batches for balance only as whole units: a data set is not split (drawn and set up again) for it
  // (a multiple of the workers where there are units enough: equal batches, one left over, would
  // leave a worker idle at the end; fewer units than that become a batch each)
  const perWorker = Math.min(BATCHES_PER_WORKER, Math.floor(total / (MIN_BATCH_SECONDS * w)));
  const balance = Math.min(units.length, w * perWorker);
  const count = Math.max(needed, balance);
  const batches = Array.from({ length: count }, () => ({ runs: [] as number[], cost: 0, shapes: new Set<string>() }));
  for (const u of units) {
    const c = cost(u);
    const shape = shapeKey(configs[u[0]]);
    const fits = batches.filter((b) => b.runs.length + u.length <= Math.max(perBatch, maxRuns));
    const pool = fits.length > 0 ? fits : batches;
    const lightest = pool.reduce((a, b) => (b.cost < a.cost ? b : a));
    const sameShape = pool.filter((b) => b.shapes.has(shape) && b.cost <= lightest.cost + c / 2);
    const target = sameShape.length > 0 ? sameShape.reduce((a, b) => (b.cost < a.cost ? b : a)) : lightest;
    target.runs.push(...u);
    target.cost += c;
    target.shapes.add(shape);
  }
  return batches.filter((b) => b.runs.length > 0).sort((a, b) => b.cost - a.cost).map((b) => b.runs.sort((x, y) => x - y));
}

/**
 * Why a run cannot join a batched program, or null when it can: an engine other than auto or
 * coefficient, a non-integer q (the kernels' activation powers assume an integer q), SAM (its
 * ascent step needs the gradient's norm per run before the step), K > 2 patches (the programs hold
 * one noise column per sample), another data source or the three-layer model. Those runs are
 * trained one by one by train(). Momentum batches (a velocity buffer beside the state).
 */
export function notBatchable(c: TrainConfig, engine: EngineChoice = 'auto'): string | null {
  if (!(engine === 'auto' || engine === 'coefficient')) return `engine ${engine} requested`;
  if (!(Number.isInteger(c.q) && c.q >= 1)) return `non-integer q=${c.q}`;
  if (samRhoOf(c) !== 0) return `samRho=${samRhoOf(c)}`;
  if (patchesOf(c) !== 2) return `K=${patchesOf(c)} patches`;
  if (sourceOf(c) !== 'synthetic') return `source ${sourceOf(c)}`;
  // the programs run the two-layer coefficient recurrences; three-layer trains on the autodiff engine
  if (modelOf(c) !== 'two-layer') return `model ${modelOf(c)}`;
  return null;
}

export function batchable(c: TrainConfig, engine: EngineChoice = 'auto'): boolean {
  return notBatchable(c, engine) === null;
}
