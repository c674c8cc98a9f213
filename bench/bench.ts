/**
 * `npm run bench` (node dist/bench/bench.js [--quick] [--json]): the three training engines side
 * by side, in one process, at two sizes (the paper-a-main preset's shape and the small preset),
 * plus the start-up time of the CLI as shipped (compiled JavaScript) against the same CLI run
 * through ts-node.
 *
 * Every number is measured in this run, under the same process state: engines are interleaved
 * round by round (the order rotates every round) after one warm-up run per engine and size, so
 * the ratios compare runs made seconds apart. Absolute timings depend on the machine and its
 * load; only the ratios are meant to be compared across machines. Nothing here is asserted by a
 * test: the acceptance lines are informational and the exit code is 0 either way.
 *
 * Time is measured twice: process CPU time (process.cpuUsage, all threads) and wall clock. The
 * machines this runs on are often shared, and wall-clock rates then depend on how much of a core
 * the run got, which differs between a 0.3 ms and a 100 ms step; CPU time does not, so steps/s
 * and the ratios judged by the acceptance lines are in CPU time. tfjs-wasm runs one thread in
 * node; with a multi-threaded backend (tfjs-node) CPU time adds up the threads, so read the wall
 * columns there.
 *
 * Per run (one whole train() call, data generation and evaluations included):
 *   steps/s       steady-state GD steps per CPU second: the steps after the first third of the run
 *                 (the first steps of every run pay for V8 collecting the data generation's
 *                 garbage), up to step steps-1; the runs measure only at step 0 and at the end
 *                 (evalEvery = steps), so no evaluation falls in between. Comparable across step
 *                 counts and sizes
 *   wall steps/s  the same in wall-clock time; core share = CPU / wall over those steps
 *   run wall/cpu  the whole train() call
 *   setup         data generation, engine set-up (uploads, Gram matrices), first evaluation, and
 *                 what the first third of the steps cost beyond the steady-state rate
 *   final         the last forward pass and the final evaluation (train and test predictions)
 *   est. full     setup + presetSteps / (steps/s) + (preset evaluations - 1) * final: projected
 *                 CPU time of the preset's own run (its step count and evalEvery)
 *   tf peak       tf.memory().numBytes high-water (live tensor bytes), sampled every step
 *   rss peak      process RSS high-water, sampled every 10 steps and around the call. In this
 *                 process it is shared by all runs (the wasm heap only grows), so every engine is
 *                 also run once in a fresh child process: its RSS peak and growth over the
 *                 process after loading tfjs
 * A full garbage collection (and 100 ms for its background threads) precedes every run, outside
 * the timings.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/backend';
import { EngineName, resolveConfig, TrainConfig } from '../src/training/config';
import { loadPreset } from '../src/training/presets';
import './builtin'; // registers the built-in papers (the presets live in their folders)
import { train } from '../src/training/train';
import { atomicWriteJson } from '../src/util/atomicWrite';
import { packageRoot } from '../src/util/paths';
import { VERSION } from '../src/version';
import { benchBatchSizes, benchStepBreakdown, benchWorkloads, renderBatched, StepBreakdown, WorkloadResult } from './batched';

const ENGINES: readonly EngineName[] = ['weight', 'coefficient', 'reference'];
const PAIRS: readonly [EngineName, EngineName][] = [
  ['coefficient', 'weight'],
  ['coefficient', 'reference'],
  ['weight', 'reference'],
];
/** The acceptance on the paper-a-main size (steps/s ratios). */
const ACCEPTANCE: readonly { size: string; faster: EngineName; slower: EngineName; atLeast: number }[] = [
  { size: 'paper-a-main', faster: 'coefficient', slower: 'weight', atLeast: 3 },
  { size: 'paper-a-main', faster: 'coefficient', slower: 'reference', atLeast: 10 },
];

interface SizeSpec {
  name: string;
  preset: string;
  /** steps per measured run, by engine */
  steps: Record<EngineName, number>;
}

function sizeSpecs(quick: boolean): SizeSpec[] {
  return [
    {
      name: 'paper-a-main',
      preset: 'paper-a-main',
      // The float64 reference takes ~50 ms a step at this size: fewer steps, compared in steps/s.
      // The coefficient engine's steps are short (~0.5 ms): more of them, to get past the transient.
      steps: quick ? { weight: 60, coefficient: 150, reference: 6 } : { weight: 300, coefficient: 600, reference: 60 },
    },
    {
      name: 'small',
      preset: 'small',
      steps: quick ? { weight: 200, coefficient: 200, reference: 200 } : { weight: 400, coefficient: 400, reference: 400 },
    },
  ];
}

/** Warm-up runs: JIT, wasm kernels and heap sizes settle before anything is timed. */
const WARMUP_STEPS = 10;

interface RunSample {
  size: string;
  engine: EngineName;
  round: number; // -1 for the warm-up
  steps: number;
  backend: string;
  /** the whole train() call */
  runWallSeconds: number;
  runCpuSeconds: number;
  /** the steady-state steps: from the end of step floor(steps/3) to the end of step steps-1 */
  loopWallSeconds: number;
  loopCpuSeconds: number;
  /** steady-state steps / loopCpuSeconds: the primary measure */
  stepsPerSecond: number;
  /** the same in wall-clock time: what this (possibly busy) machine delivered */
  wallStepsPerSecond: number;
  /** loopCpu / loopWall: the share of a core the run got (1 on an idle machine) */
  coreShare: number;
  /** CPU seconds: data, engine set-up, first evaluation, and the transient of the first steps */
  setupCpuSeconds: number;
  /** CPU seconds: the last forward pass and the final evaluation */
  finalCpuSeconds: number;
  /** CPU seconds projected for the preset's own run (its steps and evalEvery) */
  estFullCpuSeconds: number;
  rssPeakMB: number;
  rssBeforeMB: number;
  tfPeakMB: number;
  tfPeakTensors: number;
  finalTestError: number;
  diverged: boolean;
}

/** RSS and live tensor bytes high-water marks; `sampleRss` costs a syscall, `sampleTf` a counter read. */
class MemorySampler {
  rssPeak = 0;
  tfPeakBytes = 0;
  tfPeakTensors = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    this.sampleRss();
    // Catches asynchronous phases (the training loop itself is synchronous and sampled by onStep).
    this.timer = setInterval(() => this.sampleRss(), 10);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sampleRss();
  }

  sampleRss(): void {
    const r = process.memoryUsage.rss();
    if (r > this.rssPeak) this.rssPeak = r;
    this.sampleTf();
  }

  sampleTf(): void {
    const m = tf.memory();
    if (m.numBytes > this.tfPeakBytes) this.tfPeakBytes = m.numBytes;
    if (m.numTensors > this.tfPeakTensors) this.tfPeakTensors = m.numTensors;
  }
}

const MB = 1024 * 1024;

/**
 * A full garbage collection before every run (untimed), so that no run pays for the garbage of
 * the previous one (a paper-a-size run leaves ~70 MB of data arrays behind). `npm run bench`
 * starts node without --expose-gc; the flag can still be turned on at run time.
 */
const collectGarbage: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
})();

/** Wall clock and process CPU time (user + system, all threads), in seconds. */
interface Stamp {
  wall: number;
  cpu: number;
}
const stamp = (): Stamp => {
  const c = process.cpuUsage();
  return { wall: Number(process.hrtime.bigint()) / 1e9, cpu: (c.user + c.system) / 1e6 };
};
const now = (): bigint => process.hrtime.bigint();
const secs = (a: bigint, b: bigint): number => Number(b - a) / 1e9;

/** Measurements the preset's own run makes: steps 0, E, 2E, ... and the last. */
function evaluationCount(steps: number, evalEvery: number): number {
  return Math.floor(steps / evalEvery) + 1 + (steps % evalEvery === 0 ? 0 : 1);
}

async function runOnce(size: string, preset: TrainConfig, engine: EngineName, steps: number, round: number): Promise<RunSample> {
  if (steps < 4) throw new Error(`bench: at least 4 steps per run (got ${steps})`);
  const config = resolveConfig(preset, { steps, evalEvery: steps });
  collectGarbage();
  // Let V8's concurrent sweeper threads finish: their CPU time would count against this run.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const mem = new MemorySampler();
  const rssBefore = process.memoryUsage.rss();
  // Ends of step `settle`, of step steps-1 and of the final measurement (train() calls
  // onStep(steps) last). The first steps of every run are slower (V8 collects the garbage of the
  // data generation, caches fill), so the GD-step rate is taken over the last two thirds.
  const settle = Math.max(1, Math.floor(steps / 3));
  let s0: Stamp | null = null, sPen: Stamp | null = null, sFin: Stamp | null = null;
  mem.start();
  const start = stamp();
  const r = await train(config, {
    engine,
    onStep: (t, total) => {
      if (t === settle) s0 = stamp();
      if (t === total - 1) sPen = stamp();
      if (t === total) sFin = stamp();
      if (t % 10 === 0) mem.sampleRss();
      else mem.sampleTf();
    },
  });
  const end = stamp();
  mem.stop();
  if (r.final.diverged || !s0 || !sPen || !sFin) {
    // A diverged run stops early and its timings are meaningless; the presets do not diverge.
    throw new Error(`bench: ${size}/${engine} stopped early (diverged: ${JSON.stringify(r.final.diverged)})`);
  }
  const [a, b, f]: Stamp[] = [s0, sPen, sFin];
  const loopWall = b.wall - a.wall;
  const loopCpu = b.cpu - a.cpu;
  const timed = steps - 1 - settle;
  const stepCpu = loopCpu / timed;
  const setupCpu = a.cpu - start.cpu - settle * stepCpu;
  const finalCpu = f.cpu - b.cpu;
  const evals = evaluationCount(preset.steps, preset.evalEvery);
  return {
    size,
    engine,
    round,
    steps,
    backend: r.backend,
    runWallSeconds: end.wall - start.wall,
    runCpuSeconds: end.cpu - start.cpu,
    loopWallSeconds: loopWall,
    loopCpuSeconds: loopCpu,
    stepsPerSecond: timed / loopCpu,
    wallStepsPerSecond: timed / loopWall,
    coreShare: loopCpu / loopWall,
    setupCpuSeconds: setupCpu,
    finalCpuSeconds: finalCpu,
    estFullCpuSeconds: setupCpu + preset.steps * stepCpu + (evals - 1) * finalCpu,
    rssPeakMB: mem.rssPeak / MB,
    rssBeforeMB: rssBefore / MB,
    tfPeakMB: mem.tfPeakBytes / MB,
    tfPeakTensors: mem.tfPeakTensors,
    finalTestError: r.final.testError,
    diverged: r.final.diverged !== null,
  };
}

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: number[]): Spread {
  const f = xs.filter((x) => Number.isFinite(x));
  return { median: median(f), min: f.length ? Math.min(...f) : NaN, max: f.length ? Math.max(...f) : NaN };
}

interface EngineSummary {
  engine: EngineName;
  backend: string;
  steps: number;
  rounds: number;
  stepsPerSecond: Spread;
  wallStepsPerSecond: number;
  coreShare: number;
  runWallSeconds: Spread;
  runCpuSeconds: number;
  setupCpuSeconds: number;
  finalCpuSeconds: number;
  estFullCpuSeconds: number;
  rssPeakMB: number;
  tfPeakMB: number;
  finalTestError: number;
}

interface RatioSummary {
  faster: EngineName;
  slower: EngineName;
  /** per-round ratio of steps/s in CPU time (faster / slower): runs of one round are seconds apart */
  stepsPerSecond: Spread;
  /** the same in wall-clock time (includes the load of other processes) */
  wallStepsPerSecond: Spread;
  /** per-round ratio of the projected CPU time of full preset runs (slower / faster) */
  estFullRun: Spread;
  /** per-round ratio of the whole train() calls (wall, CPU); only when both ran the same steps */
  wholeRunWall: Spread | null;
  wholeRunCpu: Spread | null;
}

function summarize(runs: RunSample[], engine: EngineName): EngineSummary {
  const rs = runs.filter((r) => r.engine === engine);
  return {
    engine,
    backend: rs[0].backend,
    steps: rs[0].steps,
    rounds: rs.length,
    stepsPerSecond: spread(rs.map((r) => r.stepsPerSecond)),
    wallStepsPerSecond: median(rs.map((r) => r.wallStepsPerSecond)),
    coreShare: median(rs.map((r) => r.coreShare)),
    runWallSeconds: spread(rs.map((r) => r.runWallSeconds)),
    runCpuSeconds: median(rs.map((r) => r.runCpuSeconds)),
    setupCpuSeconds: median(rs.map((r) => r.setupCpuSeconds)),
    finalCpuSeconds: median(rs.map((r) => r.finalCpuSeconds)),
    estFullCpuSeconds: median(rs.map((r) => r.estFullCpuSeconds)),
    rssPeakMB: Math.max(...rs.map((r) => r.rssPeakMB)),
    tfPeakMB: Math.max(...rs.map((r) => r.tfPeakMB)),
    finalTestError: rs[rs.length - 1].finalTestError,
  };
}

function ratios(runs: RunSample[], faster: EngineName, slower: EngineName): RatioSummary {
  const rounds = [...new Set(runs.map((r) => r.round))];
  const pairs = rounds
    .map((k) => [runs.find((r) => r.round === k && r.engine === faster), runs.find((r) => r.round === k && r.engine === slower)])
    .filter((p): p is [RunSample, RunSample] => p[0] !== undefined && p[1] !== undefined);
  const sameSteps = pairs.every(([a, b]) => a.steps === b.steps);
  return {
    faster,
    slower,
    stepsPerSecond: spread(pairs.map(([a, b]) => a.stepsPerSecond / b.stepsPerSecond)),
    wallStepsPerSecond: spread(pairs.map(([a, b]) => a.wallStepsPerSecond / b.wallStepsPerSecond)),
    estFullRun: spread(pairs.map(([a, b]) => b.estFullCpuSeconds / a.estFullCpuSeconds)),
    wholeRunWall: sameSteps ? spread(pairs.map(([a, b]) => b.runWallSeconds / a.runWallSeconds)) : null,
    wholeRunCpu: sameSteps ? spread(pairs.map(([a, b]) => b.runCpuSeconds / a.runCpuSeconds)) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Peak memory of one engine in a fresh process

/**
 * In one long-lived process the RSS high-water is shared by every run (the wasm heap and the V8
 * heap keep what they once reserved), so the per-engine peak is also measured in a fresh child
 * process: `bench.js --probe-memory PRESET ENGINE STEPS` runs one train() call, sampled as above.
 */
interface MemoryProbe {
  size: string;
  engine: EngineName;
  steps: number;
  ok: boolean;
  error?: string;
  /** RSS after loading tfjs and initialising the backend, before train() */
  baselineMB?: number;
  /** sampled RSS high-water during train() */
  rssPeakMB?: number;
  /** rssPeakMB - baselineMB: what the run itself needed */
  rssGrowthMB?: number;
  /** the kernel's RSS high-water of the whole child process (getrusage maxrss) */
  maxRssMB?: number;
  tfPeakMB?: number;
}

async function probeMemoryChild(presetName: string, engine: EngineName, steps: number): Promise<void> {
  await initBackend();
  const preset = loadPreset(presetName).config;
  const baseline = process.memoryUsage.rss();
  const r = await runOnce(presetName, preset, engine, steps, 0);
  const out = { baselineMB: baseline / MB, rssPeakMB: r.rssPeakMB, tfPeakMB: r.tfPeakMB, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function probeMemory(size: SizeSpec, engine: EngineName, steps: number): MemoryProbe {
  const p = spawnSync(process.execPath, [__filename, '--probe-memory', size.preset, engine, String(steps)], {
    encoding: 'utf8',
    env: process.env,
  });
  const base = { size: size.name, engine, steps };
  if (p.error || p.status !== 0) return { ...base, ok: false, error: p.error?.message ?? `exit ${p.status}: ${firstError(p.stderr || '')}` };
  try {
    const o = JSON.parse(p.stdout) as { baselineMB: number; rssPeakMB: number; tfPeakMB: number; maxRssMB: number };
    return { ...base, ok: true, ...o, rssGrowthMB: o.rssPeakMB - o.baselineMB };
  } catch {
    return { ...base, ok: false, error: 'probe printed no JSON' };
  }
}

// ---------------------------------------------------------------------------------------------
// CLI start-up

interface CliVariant {
  name: string;
  command: string;
  args: string[];
}

interface CliTiming {
  name: string;
  command: string;
  seconds: number[];
  median: number;
  ok: boolean;
  error?: string;
  engine?: string;
  backend?: string;
}

function cliVariants(root: string): CliVariant[] {
  const trainArgs = ['train', '--preset', 'small', '--set', 'steps=1', '--json', '--quiet'];
  const variants: CliVariant[] = [
    { name: 'node -e 0 (bare node start-up)', command: 'node -e 0', args: ['-e', '0'] },
    {
      name: 'bin/claimcheck.js (compiled JS)',
      command: `node bin/claimcheck.js ${trainArgs.join(' ')}`,
      args: [path.join(root, 'bin', 'claimcheck.js'), ...trainArgs],
    },
    {
      name: 'ts-node transpile-only (sources)',
      command: `node -r ts-node/register/transpile-only bench/cliEntry.ts ${trainArgs.join(' ')}`,
      args: ['-r', 'ts-node/register/transpile-only', path.join(root, 'bench', 'cliEntry.ts'), ...trainArgs],
    },
  ];
  return variants;
}

/** The line of a child's stderr that says what went wrong. */
function firstError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? '').slice(0, 160);
}

function spawnOnce(root: string, v: CliVariant): { seconds: number; ok: boolean; error?: string; engine?: string; backend?: string } {
  const t0 = now();
  const p = spawnSync(process.execPath, v.args, { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 64 * MB });
  const seconds = secs(t0, now());
  if (p.error) return { seconds, ok: false, error: p.error.message };
  if (p.status !== 0) return { seconds, ok: false, error: `exit ${p.status}: ${firstError(p.stderr || '')}` };
  if (v.args[0] === '-e') return { seconds, ok: true };
  try {
    const out = JSON.parse(p.stdout) as { engine?: string; backend?: string };
    return { seconds, ok: true, engine: out.engine, backend: out.backend };
  } catch {
    return { seconds, ok: false, error: 'stdout is not one JSON object' };
  }
}

function benchCli(root: string, repeats: number): CliTiming[] {
  const variants = cliVariants(root);
  const timings: CliTiming[] = variants.map((v) => ({ name: v.name, command: v.command, seconds: [], median: NaN, ok: true }));
  // One untimed warm-up each (file-system cache), then interleaved repeats.
  for (let k = -1; k < repeats; k++) {
    variants.forEach((v, i) => {
      const t = timings[i];
      if (!t.ok) return;
      const r = spawnOnce(root, v);
      if (!r.ok) {
        t.ok = false;
        t.error = r.error;
        return;
      }
      if (r.engine) t.engine = r.engine;
      if (r.backend) t.backend = r.backend;
      if (k >= 0) t.seconds.push(r.seconds);
    });
  }
  for (const t of timings) t.median = median(t.seconds);
  return timings;
}

// ---------------------------------------------------------------------------------------------
// Output

const fx = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const fr = (s: Spread): string => `${fx(s.median, 1)}x (${fx(s.min, 1)}-${fx(s.max, 1)})`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

interface SizeReport {
  name: string;
  preset: string;
  shape: Pick<TrainConfig, 'n' | 'nTest' | 'd' | 'm' | 'q'>;
  presetSteps: number;
  presetEvalEvery: number;
  engines: EngineSummary[];
  ratios: RatioSummary[];
  memory: MemoryProbe[];
}

interface Acceptance {
  size: string;
  faster: EngineName;
  slower: EngineName;
  atLeast: number;
  /** median over rounds of the per-round steps/s ratio in CPU time (the criterion) */
  measured: number;
  /** for context: the same in wall-clock time, and the projected full preset runs */
  wallRatio: number;
  estFullRun: number;
  pass: boolean;
}

function render(report: BenchReport): string {
  const out: string[] = [];
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  out.push(
    `claimcheck ${report.claimcheckVersion} benchmark (${report.mode}): backend ${report.backend}, tfjs-core ${report.tfjsCore}, node ${report.node}, ` +
      `${report.cpus} cpus, load average ${load(report.loadAverage.start)} at start, ${load(report.loadAverage.end)} at end`,
  );
  out.push(
    `${report.rounds} interleaved round(s) per size after one warm-up run per engine; medians (min-max) over rounds. ` +
      'steps/s and the s columns are process CPU time (robust to other processes on the machine); "wall" columns are wall clock.',
  );
  for (const s of report.sizes) {
    out.push('');
    out.push(`== ${s.name}: n ${s.shape.n}, nTest ${s.shape.nTest}, d ${s.shape.d}, m ${s.shape.m}, q ${s.shape.q} (preset ${s.preset}: ${s.presetSteps} steps, evalEvery ${s.presetEvalEvery}) ==`);
    const rows: string[][] = [
      ['engine', 'backend', 'steps', 'steps/s', 'ms/step', 'wall steps/s', 'core share', 'run wall s', 'run cpu s', 'setup s', 'final s', 'est. full s'],
    ];
    for (const e of s.engines) {
      rows.push([
        e.engine,
        e.backend,
        String(e.steps),
        `${fx(e.stepsPerSecond.median, 1)} (${fx(e.stepsPerSecond.min, 1)}-${fx(e.stepsPerSecond.max, 1)})`,
        fx(1000 / e.stepsPerSecond.median, 2),
        fx(e.wallStepsPerSecond, 1),
        fx(e.coreShare, 2),
        fx(e.runWallSeconds.median, 2),
        fx(e.runCpuSeconds, 2),
        fx(e.setupCpuSeconds, 2),
        fx(e.finalCpuSeconds, 3),
        fx(e.estFullCpuSeconds, 1),
      ]);
    }
    out.push(table(rows));
    out.push('');
    const mrows: string[][] = [['memory', 'tf peak MB', 'rss peak MB (this process)', 'rss peak MB (fresh process)', 'rss growth MB (fresh process)']];
    for (const e of s.engines) {
      const p = s.memory.find((x) => x.engine === e.engine);
      mrows.push([
        e.engine,
        fx(e.tfPeakMB, 1),
        fx(e.rssPeakMB, 0),
        p?.ok ? fx(p.rssPeakMB ?? NaN, 0) : `failed: ${p?.error ?? ''}`,
        p?.ok ? fx(p.rssGrowthMB ?? NaN, 0) : '',
      ]);
    }
    out.push(table(mrows));
    out.push('');
    const rrows: string[][] = [['ratio (same run)', 'steps/s', 'wall steps/s', 'est. full preset run', 'whole train() wall', 'whole train() cpu']];
    for (const r of s.ratios) {
      rrows.push([
        `${r.faster} vs ${r.slower}`,
        fr(r.stepsPerSecond),
        fr(r.wallStepsPerSecond),
        fr(r.estFullRun),
        r.wholeRunWall ? fr(r.wholeRunWall) : 'n/a (steps differ)',
        r.wholeRunCpu ? fr(r.wholeRunCpu) : 'n/a (steps differ)',
      ]);
    }
    out.push(table(rrows));
  }
  out.push('');
  out.push(renderBatched(report.batched));
  if (report.cli.timings.length > 0) {
  out.push('== CLI start-up: whole process (wall), `train --preset small --set steps=1 --json --quiet` ==');
  const crows: string[][] = [['variant', 'median s', 'runs s', 'engine/backend']];
  for (const c of report.cli.timings) {
    crows.push([c.name, c.ok ? fx(c.median, 3) : 'FAILED', c.ok ? c.seconds.map((x) => x.toFixed(3)).join(' ') : (c.error ?? ''), c.engine ? `${c.engine}/${c.backend}` : '']);
  }
  out.push(table(crows));
  if (report.cli.tsNodeOverSeconds !== null) {
    out.push(`ts-node adds ${fx(report.cli.tsNodeOverSeconds, 3)} s to every invocation (${fx(report.cli.tsNodeRatio ?? NaN, 1)}x the compiled bin): the bin ships compiled JavaScript.`);
  } else {
    out.push('CLI start-up not compared: a variant failed (see above).');
  }
  out.push('');
  }
  out.push('== Acceptance (informational; the exit code is 0 either way) ==');
  for (const w of report.batched.workloads) {
    out.push(`${!Number.isFinite(w.ratio) ? 'n/a ' : w.pass ? 'PASS' : 'FAIL'}  ${w.name}: claimcheck sweep >= ${w.target}x the batched NumPy peer's speed (whole process): measured ${fx(w.ratio, 2)}x`);
  }
  for (const a of report.acceptance) {
    out.push(
      `${a.pass ? 'PASS' : 'FAIL'}  ${a.size}: ${a.faster} steps/s >= ${a.atLeast}x ${a.slower}: measured ${fx(a.measured, 1)}x` +
        ` (wall clock ${fx(a.wallRatio, 1)}x, est. full preset run ${fx(a.estFullRun, 1)}x)`,
    );
  }
  out.push('');
  out.push(`written: ${report.outFile}`);
  return out.join('\n') + '\n';
}

interface BenchReport {
  schema: 'claimcheck-bench/1';
  claimcheckVersion: string;
  createdAt: string;
  mode: 'quick' | 'full';
  rounds: number;
  backend: string;
  tfjsCore: string;
  node: string;
  platform: string;
  cpus: number;
  loadAverage: { start: number[]; end: number[] };
  maxRssMB: number;
  totalSeconds: number;
  outFile: string;
  sizes: SizeReport[];
  acceptance: Acceptance[];
  cli: { repeats: number; timings: CliTiming[]; tsNodeOverSeconds: number | null; tsNodeRatio: number | null };
  warmups: RunSample[];
  runs: RunSample[];
  batched: { workloads: WorkloadResult[]; batchSizes: Awaited<ReturnType<typeof benchBatchSizes>>; breakdown: StepBreakdown };
}

// ---------------------------------------------------------------------------------------------

function parseFlags(argv: string[]): { quick: boolean; json: boolean; batchedOnly: boolean } {
  const flags = { quick: false, json: false, batchedOnly: false };
  for (const a of argv) {
    if (a === '--quick') flags.quick = true;
    else if (a === '--json') flags.json = true;
    else if (a === '--batched-only') flags.batchedOnly = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--quick] [--json] [--batched-only]\n  --quick         fewer steps and one round (CI smoke)\n  --json          print the JSON report instead of the table\n  --batched-only  only the batched trainer: the workloads against the NumPy peer, batch sizes, step breakdown\nwrites reports/bench/latest.json\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown flag ${JSON.stringify(a)} (--quick, --json, --batched-only)\n`);
      process.exit(2);
    }
  }
  return flags;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--probe-memory') {
    const [preset, engine, steps] = process.argv.slice(3);
    if (!ENGINES.includes(engine as EngineName)) throw new Error(`bench --probe-memory: unknown engine ${JSON.stringify(engine)}`);
    return probeMemoryChild(preset, engine as EngineName, Number(steps));
  }
  const flags = parseFlags(process.argv.slice(2));
  const root = packageRoot();
  const outFile = path.join(root, 'reports', 'bench', 'latest.json');
  const rounds = flags.quick ? 1 : 3;
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const tStart = now();
  const loadStart = os.loadavg();
  const backend = await initBackend();
  log(`backend ${backend}, ${flags.quick ? 'quick' : 'full'} mode, ${rounds} round(s)`);

  const warmups: RunSample[] = [];
  const runs: RunSample[] = [];
  const sizes: SizeReport[] = [];
  for (const spec of flags.batchedOnly ? [] : sizeSpecs(flags.quick)) {
    const preset = loadPreset(spec.preset).config;
    for (const engine of ENGINES) {
      log(`${spec.name}: warm-up ${engine}`);
      warmups.push(await runOnce(spec.name, preset, engine, WARMUP_STEPS, -1));
    }
    const sizeRuns: RunSample[] = [];
    for (let k = 0; k < rounds; k++) {
      // Rotate the order so no engine always runs first (or right after the slowest one).
      const order = ENGINES.map((_, i) => ENGINES[(i + k) % ENGINES.length]);
      for (const engine of order) {
        const r = await runOnce(spec.name, preset, engine, spec.steps[engine], k);
        log(`${spec.name}: round ${k + 1}/${rounds} ${engine.padEnd(11)} ${r.steps} steps ${fx(r.stepsPerSecond, 1)} steps/s (wall ${fx(r.wallStepsPerSecond, 1)}), run ${fx(r.runWallSeconds)} s`);
        sizeRuns.push(r);
      }
    }
    runs.push(...sizeRuns);
    sizes.push({
      name: spec.name,
      preset: spec.preset,
      shape: { n: preset.n, nTest: preset.nTest, d: preset.d, m: preset.m, q: preset.q },
      presetSteps: preset.steps,
      presetEvalEvery: preset.evalEvery,
      engines: ENGINES.map((e) => summarize(sizeRuns, e)),
      ratios: PAIRS.map(([a, b]) => ratios(sizeRuns, a, b)),
      memory: ENGINES.map((e) => {
        log(`${spec.name}: peak memory of ${e} in a fresh process`);
        return probeMemory(spec, e, Math.max(4, Math.min(10, spec.steps[e])));
      }),
    });
  }

  log('CLI start-up (spawned processes)');
  const cliRepeats = flags.batchedOnly ? 0 : 3;
  const timings = flags.batchedOnly ? [] : benchCli(root, cliRepeats);
  const bin = timings[1];
  const tsn = timings[2];
  const cliOk = Boolean(bin?.ok && tsn?.ok);

  // The batched trainer (bench/batched.ts): the workloads against the NumPy peer, batch sizes, step breakdown.
  log('batched trainer: workloads against the NumPy peer (whole processes)');
  const workloads = benchWorkloads(root, { rounds: flags.quick ? 1 : 3, steps: 2000, log });
  log('batched trainer: runs per second by batch size');
  const batchSizes = await benchBatchSizes({ steps: flags.quick ? 500 : 2000, sizes: [1, 4, 16, 64], log });
  log('batched trainer: where a paper-size step goes');
  const breakdown = await benchStepBreakdown({ steps: flags.quick ? 40 : 200 });

  const acceptance: Acceptance[] = (flags.batchedOnly ? [] : ACCEPTANCE).map((a) => {
    const s = sizes.find((x) => x.name === a.size);
    const r = s?.ratios.find((x) => x.faster === a.faster && x.slower === a.slower);
    const measured = r ? r.stepsPerSecond.median : NaN;
    const wallRatio = r ? r.wallStepsPerSecond.median : NaN;
    const estFullRun = r ? r.estFullRun.median : NaN;
    return { ...a, measured, wallRatio, estFullRun, pass: measured >= a.atLeast };
  });

  const report: BenchReport = {
    schema: 'claimcheck-bench/1',
    claimcheckVersion: VERSION,
    createdAt: new Date().toISOString(),
    mode: flags.quick ? 'quick' : 'full',
    rounds,
    backend,
    tfjsCore: tf.version_core,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    loadAverage: { start: loadStart, end: os.loadavg() },
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    totalSeconds: secs(tStart, now()),
    outFile: path.relative(root, outFile),
    sizes,
    acceptance,
    cli: {
      repeats: cliRepeats,
      timings,
      tsNodeOverSeconds: cliOk ? tsn.median - bin.median : null,
      tsNodeRatio: cliOk ? tsn.median / bin.median : null,
    },
    warmups,
    runs,
    batched: { workloads, batchSizes, breakdown },
  };
  atomicWriteJson(outFile, report);
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : render(report));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
