import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import type { ClaimJob, EvalOutcome, Job, TrainJob, WorkerMessage, TrainBatchJob } from './protocol';
import type { TrainResult } from '../training/train';
import type { Claim } from '../claims/types';
import { InputError } from '../claims/constants';
import { registeredModules } from '../claims/registry';
import type { ClaimModule } from '../claims/registry';
import { RunError } from '../util/errors';

/**
 * Spreads evaluations over worker processes (default: one per core), each with its own tfjs
 * backend. With `workers: 0` everything runs in this process (tests, debugging, custom claims).
 *
 * Reliability (README "Faults and exit codes"):
 * - workers start on demand (a run whose every result is already stored starts none), or at once
 *   when the caller knows the jobs are coming (`prestart`, a fresh run);
 * - a worker that fails to start (e.g. an unavailable CLAIMCHECK_BACKEND) fails the run with its error;
 * - a worker that dies is replaced and its job retried once; a second death records the job as
 *   `error` (claim jobs) or fails the run (training jobs);
 * - a job running longer than the time limit (CLAIMCHECK_TIMEOUT seconds, default 1800; 0 = none;
 *   a batch of k training runs gets k times that) is stopped (its worker killed and replaced) and
 *   recorded as `error` (claims) or fails the run (training jobs);
 * - workers exit quietly when the parent goes (IPC disconnect), and nothing is ever written to a
 *   closed channel (no EPIPE / ERR_IPC_CHANNEL_CLOSED traces);
 * - more workers than cores are capped at the cores, with a note on stderr.
 */
export interface EvaluatorPool {
  evaluate(job: Omit<ClaimJob, 'kind'>): Promise<EvalOutcome>;
  train(job: Omit<TrainJob, 'kind'>): Promise<TrainResult>;
  /** any job kind of protocol.ts (a worker runs it with runJobHere) */
  run(job: Job): Promise<unknown>;
  /** several training runs as batched programs (src/training/batched): one result per config, in order */
  trainBatch?(job: Omit<TrainBatchJob, 'kind'>): Promise<TrainResult[]>;
  readonly size: number;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** per-job time limit in ms (default from CLAIMCHECK_TIMEOUT, else 30 min; 0 = none) */
  timeoutMs?: number;
  /** where notes go (default stderr) */
  note?: (line: string) => void;
  /** the claim modules each worker loads (by its first claim job; default: every module registered when it starts) */
  modules?: readonly ClaimModule[];
  /**
   * workers to start at once, for a caller that knows it has that many jobs coming (a fresh run):
   * their start-up overlaps the caller's own remaining set-up. Default 0: workers start on demand.
   */
  prestart?: number;
}

/** Default per-evaluation time limit: long enough for the heaviest claim evaluation at a large budget. */
export const DEFAULT_TIMEOUT_S = 1800;

export function cores(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** CLAIMCHECK_WORKERS if set (a whole number), else one per core. */
export function defaultWorkers(): number {
  const env = process.env.CLAIMCHECK_WORKERS;
  if (env !== undefined && env !== '') {
    if (!/^\d+$/.test(env.trim())) throw new InputError(`CLAIMCHECK_WORKERS=${JSON.stringify(env)}: must be a whole number >= 0 (0 = in this process)`);
    return Number(env.trim());
  }
  return cores();
}

/** The per-job time limit in ms from CLAIMCHECK_TIMEOUT (seconds; 0 = none). */
export function timeoutFromEnv(): number {
  const env = process.env.CLAIMCHECK_TIMEOUT;
  if (env === undefined || env === '') return DEFAULT_TIMEOUT_S * 1000;
  const v = Number(env);
  if (!Number.isFinite(v) || v < 0) throw new InputError(`CLAIMCHECK_TIMEOUT=${JSON.stringify(env)}: must be a number of seconds >= 0 (0 = no limit)`);
  return v * 1000;
}

/**
 * A worker's environment: the parent's, minus NODE_EXTRA_CA_CERTS. Node reads that certificate
 * file at start-up (~40 ms a process on the machine the README measures); a worker opens no TLS
 * connection.
 */
export function workerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CLAIMCHECK_WORKERS: '0', CLAIMCHECK_WORKER: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * V8 flags of the workers: --single-threaded (no background compiler or garbage-collector
 * threads) when the workers fill the cores. Each worker then is one thread; with helper threads, a
 * worker's background compilation and collection took time slices from the other worker's
 * training (measured on the README's 2-core machine: a paper-size sweep ~3% faster, the set-up's
 * products of one worker pinned to a core 287 ms instead of 430 ms). With spare cores the helpers
 * run there for free, and the workers keep them.
 */
export function workerV8Flags(workers: number, coreCount: number): string[] {
  return workers >= coreCount ? ['--single-threaded'] : [];
}

/** The worker entry next to this module: compiled JS, or TS run through ts-node when under ts. */
function workerEntry(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'worker.js');
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  return { file: path.join(__dirname, 'worker.ts'), execArgv: ['-r', 'ts-node/register/transpile-only'] };
}

export function inProcessPool(claims?: Map<string, Claim>): EvaluatorPool {
  // the evaluator (tfjs, the trainers) loads with the first job: a parent of workers never needs it
  const here = async (job: Job) => (await import('./evaluate')).runJobHere(job, claims);
  return {
    size: 1,
    evaluate: (job) => here({ kind: 'claim', ...job }) as Promise<EvalOutcome>,
    train: (job) => here({ kind: 'train', ...job }) as Promise<TrainResult>,
    trainBatch: (job) => here({ kind: 'trainBatch', ...job }) as Promise<TrainResult[]>,
    run: here,
    close: async () => {},
  };
}

/** An `error` outcome of a claim job the pool could not complete (worker died twice, time limit). */
function errorOutcome(message: string, seconds: number): EvalOutcome {
  return {
    evaluation: { verdict: 'error', margin: null, measurements: {}, hypotheses: { holds: false, clauses: [] }, note: `evaluation failed: ${message}` },
    seconds,
    backend: 'unknown',
    error: message,
  };
}

/** Rebuild a worker's error with its name, so bad input stays exit 2 and the rest exit 3. */
function remoteError(name: string | undefined, message: string): Error {
  const e = name === undefined || name === 'Error' ? new RunError(message) : new Error(message);
  if (name && name !== 'Error') e.name = name;
  return e;
}

interface Task {
  job: Job;
  attempts: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  id: number;
  child: ChildProcess;
  ready: boolean;
  task: Task | null;
  startedAt: number;
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  exited: boolean;
  stderr: string;
}

function describeJob(job: Job): string {
  if (job.kind === 'claim') return `${job.claimId} ${JSON.stringify(job.regime)}`.slice(0, 200);
  if (job.kind === 'train') return `train ${job.config.algo} n=${job.config.n} d=${job.config.d} m=${job.config.m} steps=${job.config.steps}`;
  const configs = (job as { configs?: unknown[] }).configs;
  if (Array.isArray(configs)) return `train batch of ${configs.length} runs`;
  return `${(job as { kind: string }).kind} job`;
}

/** A job's time limit: the per-evaluation limit, times the runs of a batch. */
function jobLimit(job: Job, perRun: number): number {
  const configs = (job as { configs?: unknown[] }).configs;
  return perRun * (Array.isArray(configs) ? Math.max(1, configs.length) : 1);
}

export function createPool(workers = defaultWorkers(), claims?: Map<string, Claim>, opts: PoolOptions = {}): EvaluatorPool {
  if (!Number.isInteger(workers) || workers < 0) throw new InputError(`--workers must be a whole number >= 0 (got ${workers}; 0 = in this process)`);
  if (workers === 0) return inProcessPool(claims);
  const note = opts.note ?? ((line: string) => process.stderr.write(`claimcheck: ${line}\n`));
  const n = cores();
  if (workers > n) {
    note(`--workers ${workers} is more than the ${n} cores here; using ${n}`);
    workers = n;
  }
  const timeoutMs = opts.timeoutMs ?? timeoutFromEnv();
  const entry = workerEntry();
  const v8Flags = workerV8Flags(workers, n);
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextSlot = 1;
  let nextId = 1;
  let closing = false;
  let fatal: Error | null = null;
  const inFlight = new Map<number, Task>();

  function failAll(e: Error): void {
    if (fatal) return;
    fatal = e;
    for (const t of queue.splice(0)) t.reject(e);
    for (const s of slots) {
      if (s.task) {
        const t = s.task;
        s.task = null;
        t.reject(e);
      }
      kill(s);
    }
  }

  function kill(s: Slot): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    if (!s.exited) {
      try {
        s.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  function settleLost(s: Slot, t: Task, why: string): void {
    const seconds = (Date.now() - s.startedAt) / 1000;
    if (t.job.kind === 'claim') t.resolve(errorOutcome(`${why} (${describeJob(t.job)})`, seconds));
    else t.reject(new RunError(`${why}: ${describeJob(t.job)}`));
  }

  function spawn(): Slot {
    // the worker's start-up argument: the modules that declare the claims (built-in papers, --claims-from)
    const modules = opts.modules ?? registeredModules();
    const child = fork(entry.file, [JSON.stringify(modules)], {
      execArgv: [...entry.execArgv, ...v8Flags],
      // stderr is read here (never inherited): a dying worker's output becomes part of one error line
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: workerEnv(),
    });
    const slot: Slot = { id: nextSlot++, child, ready: false, task: null, startedAt: Date.now(), timer: null, timedOut: false, exited: false, stderr: '' };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      slot.stderr = (slot.stderr + d).slice(-4000);
    });
    child.on('error', () => {
      // send/kill on a dead child: the 'exit' handler decides what happens to its job
    });
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        dispatch();
      } else if (msg.type === 'start-failed') {
        failAll(new RunError(`an evaluation worker could not start: ${msg.message}`));
      } else {
        const t = slot.task;
        if (!t || inFlight.get(msg.id) !== t) return;
        inFlight.delete(msg.id);
        slot.task = null;
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        if (msg.type === 'result') t.resolve(msg.outcome);
        else t.reject(remoteError(msg.name, msg.message));
        dispatch();
      }
    });
    child.on('exit', (code, signal) => {
      slot.exited = true;
      if (slot.timer) clearTimeout(slot.timer);
      slots.splice(slots.indexOf(slot), 1);
      if (closing || fatal) return;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = slot.stderr.trim().split('\n').filter(Boolean).pop();
      if (!slot.ready) {
        failAll(new RunError(`an evaluation worker exited while starting (${how})${tail ? ': ' + tail : ''}`));
        return;
      }
      const t = slot.task;
      slot.task = null;
      if (t) {
        for (const [id, x] of inFlight) if (x === t) inFlight.delete(id);
        if (slot.timedOut) settleLost(slot, t, `stopped after the time limit of ${jobLimit(t.job, timeoutMs) / 1000} s (--timeout or CLAIMCHECK_TIMEOUT, per evaluation)`);
        else if (t.attempts < 2) {
          note(`an evaluation worker died (${how}) during ${describeJob(t.job)}; retrying it once in a new worker`);
          queue.unshift(t);
        }
        else settleLost(slot, t, `the evaluation worker died twice (last: ${how}${tail ? ', ' + tail : ''})`);
      }
      dispatch();
    });
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    if (fatal || closing) return;
    while (queue.length > 0) {
      const free = slots.find((s) => s.ready && !s.task && !s.exited);
      if (!free) {
        // start workers up to the pool size, as many as there are queued jobs not already awaiting one
        const starting = slots.filter((s) => !s.ready).length;
        for (let k = Math.min(workers - slots.length, queue.length - starting); k > 0; k--) spawn();
        return;
      }
      const t = queue.shift()!;
      t.attempts++;
      free.task = t;
      free.startedAt = Date.now();
      free.timedOut = false;
      const id = nextId++;
      inFlight.set(id, t);
      if (timeoutMs > 0) {
        free.timer = setTimeout(() => {
          free.timedOut = true;
          kill(free);
        }, Math.min(jobLimit(t.job, timeoutMs), 2 ** 31 - 1));
      }
      free.child.send({ id, job: t.job }, (err) => {
        // the worker is gone: its 'exit' retries the job
        if (err) kill(free);
      });
    }
  }

  function run(job: Job): Promise<unknown> {
    if (fatal) return Promise.reject(fatal);
    if (closing) return Promise.reject(new RunError('the evaluator pool is closed'));
    return new Promise((resolve, reject) => {
      queue.push({ job, attempts: 0, resolve, reject });
      dispatch();
    });
  }

  for (let k = Math.min(opts.prestart ?? 0, workers); k > 0; k--) spawn();

  return {
    size: workers,
    evaluate: (job) => run({ kind: 'claim', ...job }) as Promise<EvalOutcome>,
    train: (job) => run({ kind: 'train', ...job }) as Promise<TrainResult>,
    trainBatch: (job) => run({ kind: 'trainBatch', ...job }) as Promise<TrainResult[]>,
    run,
    async close() {
      closing = true;
      for (const t of queue.splice(0)) t.reject(new RunError('the evaluator pool was closed'));
      await Promise.all(
        [...slots].map(
          (s) =>
            new Promise<void>((r) => {
              if (s.exited) return r();
              const force = setTimeout(() => kill(s), 5000);
              s.child.once('exit', () => {
                clearTimeout(force);
                r();
              });
              // a worker still starting has nothing to finish: stopped at once, not after its start-up
              if (s.child.connected && s.ready) s.child.disconnect();
              else kill(s);
            }),
        ),
      );
    },
  };
}
