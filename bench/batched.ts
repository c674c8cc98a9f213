/**
 * The batched trainer in `npm run bench` (issue 8): the two workloads side by side with a batched
 * NumPy peer (bench/numpy_peer.py), runs per second at the claim size by batch size, and where the
 * time of a paper-size step goes.
 *
 * Workloads (whole process, wall clock, as a user runs them): 8 seeds x {GD, label-noise GD} = 16
 * runs, 2000 steps, evaluation every 100, q 2, p 0.1, A 2, sigma_p 0.5, sigma_0 0.01, eta 1, at
 *   paper size: n 200, nTest 2000, d 2000, m 20 (the paper-a-main preset)
 *   claim size: n 30, nTest 1000, d 1200, m 20
 * claimcheck: `node bin/claimcheck.js sweep --preset paper-a-main [--set ...] --axis seed=1..8
 * --grid 8 --algo gd,lngd`, the command of the issue, with claimcheck's own choice of workers (one
 * per core, handed batches as they fall idle: at the paper size 8 batches of one seed's 2 runs; in
 * its own process below ~1 s of training, the claim size: plan.ts inProcessPays, planBatches); the
 * peer:
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 python3 bench/numpy_peer.py
 * ...` (this machine sets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which slow OpenBLAS down; they are
 * unset for the peer's command alone). The two alternate, round by round; the ratio is
 * peer seconds / claimcheck seconds (above 1: claimcheck is faster), median over rounds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/backend/backend';
import { initWeights, makeDataset } from '../src/data/signalNoise';
import { DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../src/training/config';
import { BatchProgram, BatchRun } from '../src/training/batched/program';
import { trainBatch } from '../src/training/batched/trainBatch';
import { train } from '../src/training/train';

export interface Workload {
  name: 'paper size' | 'claim size';
  shape: { n: number; nTest: number; d: number; m: number };
  /** --set flags of the sweep beyond the preset */
  set: string[];
}

/** how the sweep trained, from its run.json: "2 workers, 8 batches of 2 runs" */
export function howRan(workers: number | undefined, batches: number[] | undefined): string {
  if (workers === undefined) return '?';
  const where = workers === 0 ? 'in its own process' : `${workers} workers`;
  if (!batches || batches.length === 0) return where;
  const sizes = [...new Set(batches)].sort((a, b) => b - a).join(' or ');
  return `${where}, ${batches.length} batch${batches.length === 1 ? '' : 'es'} of ${sizes} runs`;
}

export const WORKLOADS: Workload[] = [
  { name: 'paper size', shape: { n: 200, nTest: 2000, d: 2000, m: 20 }, set: [] },
  { name: 'claim size', shape: { n: 30, nTest: 1000, d: 1200, m: 20 }, set: ['n=30', 'nTest=1000', 'd=1200'] },
];

/** The targets: claimcheck at least this fraction of the peer's speed. */
export const WORKLOAD_TARGETS: Record<Workload['name'], number> = { 'paper size': 0.8, 'claim size': 1.0 };

export interface WorkloadResult {
  name: string;
  shape: Workload['shape'];
  steps: number;
  claimcheck: { command: string; seconds: number[]; median: number; ok: boolean; error?: string; workers?: number; batches?: number[] };
  peer: {
    command: string;
    seconds: number[];
    median: number;
    ok: boolean;
    skipped?: string;
    error?: string;
    /** the peer's own phase timings and BLAS report (last round) */
    report?: { seconds: Record<string, number>; msPerStep: number; blas: Record<string, unknown>; numpy: string; finalTestError: Record<string, number[]> };
  };
  /** peer seconds / claimcheck seconds, per round, median (above 1: claimcheck faster) */
  ratio: number;
  target: number;
  pass: boolean;
  /** claimcheck's final mean test errors, as a sanity check against the peer's */
  claimcheckTestError?: Record<string, number>;
}

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? '').slice(0, 200);
}

/** python3 with numpy, or why not. */
export function peerAvailable(): string | null {
  const p = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (p.error) return `python3 not found (${p.error.message})`;
  if (p.status !== 0) return `numpy not importable: ${lastLine(p.stderr || '')}`;
  return null;
}

function peerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '2' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

export function benchWorkloads(root: string, opts: { rounds: number; steps: number; log: (s: string) => void }): WorkloadResult[] {
  const missing = peerAvailable();
  const out: WorkloadResult[] = [];
  for (const w of WORKLOADS) {
    const stepSet = opts.steps === 2000 ? [] : [`steps=${opts.steps}`];
    const sets = [...w.set, ...stepSet].flatMap((s) => ['--set', s]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-bench-'));
    const ccArgs = [path.join(root, 'bin', 'claimcheck.js'), 'sweep', '--preset', 'paper-a-main', ...sets, '--axis', 'seed=1..8', '--grid', '8', '--algo', 'gd,lngd', '--quiet', '--json'];
    const peerArgs = [path.join(root, 'bench', 'numpy_peer.py'), '--n', String(w.shape.n), '--ntest', String(w.shape.nTest), '--d', String(w.shape.d), '--m', String(w.shape.m),
      '--seeds', '8', '--algos', 'gd,lngd', '--steps', String(opts.steps), '--eval-every', '100', '--q', '2', '--p', '0.1', '--A', '2', '--sigma-p', '0.5', '--sigma0', '0.01', '--eta', '1'];
    const r: WorkloadResult = {
      name: w.name,
      shape: w.shape,
      steps: opts.steps,
      claimcheck: { command: `node bin/claimcheck.js sweep --preset paper-a-main ${[...sets].join(' ')} --axis seed=1..8 --grid 8 --algo gd,lngd`.replace(/\s+/g, ' '), seconds: [], median: NaN, ok: true },
      peer: { command: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 python3 bench/numpy_peer.py ${peerArgs.slice(1).join(' ')}`, seconds: [], median: NaN, ok: missing === null, ...(missing ? { skipped: missing } : {}) },
      ratio: NaN,
      target: WORKLOAD_TARGETS[w.name],
      pass: false,
    };
    const ratios: number[] = [];
    // one untimed warm-up of each (file-system cache, numpy's import), then alternating rounds
    for (let k = -1; k < opts.rounds; k++) {
      const order = k % 2 === 0 ? ['cc', 'peer'] : ['peer', 'cc'];
      let cc = NaN, pe = NaN;
      for (const who of order) {
        if (who === 'cc' && r.claimcheck.ok) {
          const out = path.join(dir, `run${k + 1}`);
          const t0 = process.hrtime.bigint();
          const p = spawnSync(process.execPath, [...ccArgs, '--out', out], { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 64 * 2 ** 20 });
          const s = Number(process.hrtime.bigint() - t0) / 1e9;
          if (p.status !== 0) {
            r.claimcheck.ok = false;
            r.claimcheck.error = `exit ${p.status}: ${lastLine(p.stderr || '')}`;
          } else {
            cc = s;
            if (k >= 0) r.claimcheck.seconds.push(s);
            try {
              const summary = JSON.parse(p.stdout) as { points: { series: string; value: number | null }[] };
              const by: Record<string, number[]> = {};
              for (const pt of summary.points) if (typeof pt.value === 'number') (by[pt.series] ??= []).push(pt.value);
              r.claimcheckTestError = Object.fromEntries(Object.entries(by).map(([s2, v]) => [s2, v.reduce((a, b) => a + b, 0) / v.length]));
              // the workers the sweep chose (run.json)
              const meta = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as { workers?: number; batches?: number[] };
              r.claimcheck.workers = meta.workers;
              r.claimcheck.batches = meta.batches;
            } catch {
              // the summary is informational
            }
          }
          fs.rmSync(out, { recursive: true, force: true });
        }
        if (who === 'peer' && r.peer.ok) {
          const t0 = process.hrtime.bigint();
          const p = spawnSync('python3', peerArgs, { cwd: root, encoding: 'utf8', env: peerEnv(), maxBuffer: 64 * 2 ** 20 });
          const s = Number(process.hrtime.bigint() - t0) / 1e9;
          if (p.status !== 0) {
            r.peer.ok = false;
            r.peer.error = `exit ${p.status}: ${lastLine(p.stderr || '')}`;
          } else {
            pe = s;
            if (k >= 0) r.peer.seconds.push(s);
            try {
              r.peer.report = JSON.parse(p.stdout);
            } catch {
              // informational
            }
          }
        }
      }
      if (k >= 0) {
        ratios.push(pe / cc);
        opts.log(`${w.name}: round ${k + 1}/${opts.rounds} claimcheck ${cc.toFixed(2)} s, peer ${Number.isFinite(pe) ? pe.toFixed(2) + ' s' : 'n/a'}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    r.claimcheck.median = median(r.claimcheck.seconds);
    r.peer.median = median(r.peer.seconds);
    r.ratio = median(ratios);
    r.pass = r.ratio >= r.target;
    out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Runs per second at the claim size, by batch size (in this process: one worker's core)

export interface BatchSizeRow {
  batch: number;
  seeds: number;
  steps: number;
  wallSeconds: number;
  cpuSeconds: number;
  runsPerSecond: number;
  /** per step of the program (all runs) */
  msPerStep: number;
  layout: string;
}

function claimConfig(steps: number): TrainConfig {
  return resolveConfig(DEFAULT_CONFIG, { n: 30, nTest: 1000, d: 1200, m: 20, q: 2, A: 2, sigmaP: 0.5, sigma0: 0.01, eta: 1, p: 0.1, steps, evalEvery: 100 });
}

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

export async function benchBatchSizes(opts: { steps: number; sizes: number[]; log: (s: string) => void }): Promise<{ rows: BatchSizeRow[]; oneRun: BatchSizeRow }> {
  await initBackend();
  const base = claimConfig(opts.steps);
  const configs = (runs: number, seed0: number) => Array.from({ length: runs }, (_, k) => resolveConfig(base, { seed: seed0 + Math.floor(k / 2), algo: k % 2 ? 'lngd' : 'gd' }));
  // warm-up (JIT, kernels, the wasm heap)
  await trainBatch(configs(2, 9000).map((c) => resolveConfig(c, { steps: 20 })));
  const rows: BatchSizeRow[] = [];
  let seed0 = 1000;
  for (const b of opts.sizes) {
    const cs = configs(b, seed0);
    seed0 += 100;
    const c0 = cpuNow();
    const t0 = process.hrtime.bigint();
    const rs = await trainBatch(cs);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuNow() - c0;
    const l = rs[0].batch;
    rows.push({ batch: b, seeds: Math.ceil(b / 2), steps: opts.steps, wallSeconds: wall, cpuSeconds: cpu, runsPerSecond: b / cpu, msPerStep: (1000 * cpu) / (opts.steps + 1), layout: l.state ? `${l.dataSets} data sets x ${l.slots} slots, state ${l.state[0]} x ${l.state[1]}` : l.mode });
    opts.log(`batch ${b}: ${(b / cpu).toFixed(2)} runs/s (cpu ${cpu.toFixed(2)} s, wall ${wall.toFixed(2)} s)`);
  }
  // the one-run coefficient engine (train()), for reference: 2 runs
  const cs = configs(2, seed0);
  const c0 = cpuNow();
  const t0 = process.hrtime.bigint();
  for (const c of cs) await train(c, { engine: 'coefficient' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuNow() - c0;
  const oneRun: BatchSizeRow = { batch: 1, seeds: 1, steps: opts.steps, wallSeconds: wall, cpuSeconds: cpu, runsPerSecond: 2 / cpu, msPerStep: (1000 * cpu) / 2 / (opts.steps + 1), layout: 'train(), one run at a time' };
  opts.log(`one-run engine: ${(2 / cpu).toFixed(2)} runs/s`);
  return { rows, oneRun };
}

// ---------------------------------------------------------------------------------------------
// Where a paper-size step goes: a program of 4 seeds x {gd, lngd} (a worker's share of the
// workload; the sweep hands it out as 4 batches of one seed), kernel by kernel

export interface StepBreakdown {
  runs: number;
  steps: number;
  /** wall ms per step, the loop as trainBatch runs it (min over blocks) */
  msPerStep: number;
  /** kernel time per step by kind (ms), and its share */
  kernels: { kind: string; ms: number; share: number }[];
  /** the Gram products' flops per step and the rate they ran at */
  gramGflops: number;
  gramGflopPerSecond: number;
  /** what a step of the peer's matmuls would take at this rate */
  setupMs: number;
}

export async function benchStepBreakdown(opts: { steps: number }): Promise<StepBreakdown> {
  await initBackend();
  const base = resolveConfig(DEFAULT_CONFIG, { n: 200, nTest: 2000, d: 2000, m: 20, q: 2, A: 2, sigmaP: 0.5, sigma0: 0.01, eta: 1, p: 0.1, steps: 100000, evalEvery: 100000 });
  const runs: BatchRun[] = [];
  for (let s = 1; s <= 4; s++) {
    const c = resolveConfig(base, { seed: 500 + s });
    const data = makeDataset(c, { lean: true });
    const W0 = initWeights(c);
    for (const algo of ['gd', 'lngd'] as const) runs.push({ config: resolveConfig(c, { algo }), data, W0 });
  }
  const t0 = process.hrtime.bigint();
  const p = new BatchProgram(runs, {});
  const setupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // the program's private step, driven directly (as BatchProgram.window does)
  type Kern = Record<string, (...args: unknown[]) => unknown>;
  const prog = p as unknown as {
    k: Kern; lossRows: unknown[]; drawLabels(t: number, slot: number): unknown; setLabels(sl: unknown): void;
    forward(row: unknown): void; update(): void; dispose(): void;
  };
  let t = 0;
  const step = () => {
    prog.setLabels(prog.drawLabels(t++, 0));
    prog.forward(prog.lossRows[0]);
    prog.update();
  };
  for (let i = 0; i < 20; i++) step();
  let best = Infinity;
  const per = Math.max(5, Math.floor(opts.steps / 10));
  for (let b = 0; b < 10; b++) {
    const s0 = process.hrtime.bigint();
    for (let i = 0; i < per; i++) step();
    best = Math.min(best, Number(process.hrtime.bigint() - s0) / 1e6 / per);
  }
  // kernel times: the program's kernel calls timed one by one
  const times = new Map<string, number[]>();
  const timed = (obj: Record<string, unknown>, name: string, kindOf: (args: unknown[]) => string) => {
    const orig = obj[name] as (...args: unknown[]) => unknown;
    obj[name] = (...args: unknown[]) => {
      const s0 = process.hrtime.bigint();
      const r = orig.apply(obj, args);
      const kind = kindOf(args);
      if (!kind) return r; // counted by its caller (reduceRows' own matMul)
      const arr = times.get(kind) ?? [];
      arr.push(Number(process.hrtime.bigint() - s0) / 1e6);
      times.set(kind, arr);
      return r;
    };
    return () => {
      obj[name] = orig;
    };
  };
  const restore = [
    timed(prog.k, 'matMul', (args) => (args[4] === 202 ? 'Gram products (4 matMuls 80 x 202 @ 202 x 202)' : '')),
    timed(prog.k, 'activate', () => 'activation and filter sums (fused pass)'),
    timed(prog.k, 'descend', () => 'update (fused pass)'),
    timed(prog.k, 'reduceRows', () => 'filter sums (transpose + matMul)'),
    timed(prog.k, 'samplesIn', () => 'per sample: outputs, loss, g, class sums (fused passes)'),
    timed(prog.k, 'samplesOut', () => 'per sample: outputs, loss, g, class sums (fused passes)'),
    timed(prog.k, 'unary', () => 'per sample: sigmoid, softplus, mean (tfjs-wasm kernels)'),
    timed(prog.k, 'binary', () => 'per sample: sigmoid, softplus, mean (tfjs-wasm kernels)'),
    timed(prog.k, 'mean', () => 'per sample: sigmoid, softplus, mean (tfjs-wasm kernels)'),
  ];
  const timedSteps = Math.max(20, Math.floor(opts.steps / 2));
  const w0 = process.hrtime.bigint();
  for (let i = 0; i < timedSteps; i++) step();
  const wallTimed = Number(process.hrtime.bigint() - w0) / 1e6 / timedSteps;
  restore.forEach((r) => r());
  prog.dispose();
  const kernels: StepBreakdown['kernels'] = [];
  let kernelTotal = 0;
  for (const [kind, arr] of times) {
    const ms = arr.reduce((a, b) => a + b, 0) / timedSteps;
    kernelTotal += ms;
    kernels.push({ kind, ms, share: 0 });
  }
  kernels.push({ kind: 'outside kernels (labels on the host, the calls, timing)', ms: Math.max(0, wallTimed - kernelTotal), share: 0 });
  for (const k of kernels) k.share = k.ms / wallTimed;
  kernels.sort((a, b) => b.ms - a.ms);
  const gram = kernels.find((k) => k.kind.startsWith('Gram'));
  const gramGflops = (4 * 2 * 80 * 202 * 202) / 1e9;
  return { runs: runs.length, steps: timedSteps, msPerStep: best, kernels, gramGflops, gramGflopPerSecond: gram ? gramGflops / (gram.ms / 1000) : NaN, setupMs };
}

// ---------------------------------------------------------------------------------------------

const fx = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function renderBatched(b: { workloads: WorkloadResult[]; batchSizes: { rows: BatchSizeRow[]; oneRun: BatchSizeRow }; breakdown: StepBreakdown }): string {
  const out: string[] = [];
  out.push('== Workloads: 8 seeds x {gd, lngd} = 16 runs, evalEvery 100, q 2, p 0.1, A 2, sigma_p 0.5, sigma_0 0.01, eta 1; whole process, wall clock ==');
  const rows: string[][] = [['workload', 'steps', 'claimcheck s', 'NumPy peer s', 'speed vs peer', 'target', '', 'claimcheck runs', 'peer BLAS']];
  for (const w of b.workloads) {
    const blas = w.peer.report?.blas as { kernel?: string; threads?: number; source?: string } | undefined;
    rows.push([
      `${w.name} (n ${w.shape.n}, nTest ${w.shape.nTest}, d ${w.shape.d}, m ${w.shape.m})`,
      String(w.steps),
      w.claimcheck.ok ? `${fx(w.claimcheck.median)} (${w.claimcheck.seconds.map((s) => s.toFixed(2)).join(' ')})` : `FAILED ${w.claimcheck.error ?? ''}`,
      w.peer.skipped ? `skipped: ${w.peer.skipped}` : w.peer.ok ? `${fx(w.peer.median)} (${w.peer.seconds.map((s) => s.toFixed(2)).join(' ')})` : `FAILED ${w.peer.error ?? ''}`,
      `${fx(w.ratio)}x`,
      `>= ${w.target}x`,
      Number.isFinite(w.ratio) ? (w.pass ? 'PASS' : 'FAIL') : 'n/a',
      howRan(w.claimcheck.workers, w.claimcheck.batches),
      blas ? `${blas.kernel ?? '?'}, ${blas.threads ?? '?'} threads (${blas.source})` : '',
    ]);
  }
  out.push(table(rows));
  out.push('speed vs peer = peer seconds / claimcheck seconds (median of per-round ratios; above 1 claimcheck is faster).');
  for (const w of b.workloads) {
    out.push(`  ${w.name}: claimcheck: ${w.claimcheck.command}`);
    out.push(`  ${w.name}: peer:       ${w.peer.command}`);
    const ps = w.peer.report?.seconds;
    if (ps) out.push(`  ${w.name}: peer phases: import ${fx(ps.import)} s, data ${fx(ps.data)} s, Gram set-up ${fx(ps.setup)} s, training ${fx(ps.train)} s (${fx(w.peer.report!.msPerStep, 3)} ms/step)`);
    const te = w.claimcheckTestError;
    const pe = w.peer.report?.finalTestError;
    if (te && pe) {
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      out.push(`  ${w.name}: final test error, claimcheck gd ${fx(te.gd ?? NaN, 3)} lngd ${fx(te.lngd ?? NaN, 3)}; peer gd ${fx(mean(pe.gd ?? []), 3)} lngd ${fx(mean(pe.lngd ?? []), 3)} (different data draws, same model)`);
    }
  }
  out.push('');
  out.push(`== Runs per second at the claim size (n 30, nTest 1000, d 1200, m 20, ${b.batchSizes.rows[0]?.steps ?? '?'} steps, evalEvery 100), one core, by batch size ==`);
  const br: string[][] = [['batch', 'runs/s (cpu)', 'cpu s', 'wall s', 'ms per program step', 'layout']];
  for (const r of [...b.batchSizes.rows, b.batchSizes.oneRun]) {
    br.push([r.layout.startsWith('train()') ? 'one-run engine' : String(r.batch), fx(r.runsPerSecond), fx(r.cpuSeconds), fx(r.wallSeconds), fx(r.msPerStep, 3), r.layout]);
  }
  out.push(table(br));
  out.push('');
  const d = b.breakdown;
  out.push(`== Where a paper-size step goes: ${d.runs} runs in one program (4 seeds x {gd, lngd}: a worker's share), ${fx(d.msPerStep, 3)} ms/step (min), set-up ${fx(d.setupMs / 1000)} s ==`);
  const kr: string[][] = [['part', 'ms/step', 'share']];
  for (const k of d.kernels) kr.push([k.kind, fx(k.ms, 3), `${fx(100 * k.share, 0)}%`]);
  out.push(table(kr));
  out.push(`Gram products: ${fx(d.gramGflops * 1000, 1)} MFLOP per step at ${fx(d.gramGflopPerSecond, 1)} GFLOP/s (tfjs-wasm, one thread).`);
  return out.join('\n') + '\n';
}
