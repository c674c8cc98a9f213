import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { runJobHere } from './evaluate';
import type { ClaimJob, EvalOutcome, Job, TrainJob, WorkerMessage } from './protocol';
import type { TrainResult } from '../training/train';
import type { Claim } from '../claims/types';

/**
 * Spreads evaluations over worker processes (default: one per core), each with its own tfjs
 * backend. With `workers: 0` everything runs in this process (tests, debugging, custom claims).
 */
export interface EvaluatorPool {
  evaluate(job: Omit<ClaimJob, 'kind'>): Promise<EvalOutcome>;
  train(job: Omit<TrainJob, 'kind'>): Promise<TrainResult>;
  readonly size: number;
  close(): Promise<void>;
}

export function defaultWorkers(): number {
  const env = process.env.CLAIMCHECK_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** The worker entry next to this module: compiled JS, or TS run through ts-node when under ts. */
function workerEntry(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'worker.js');
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  return { file: path.join(__dirname, 'worker.ts'), execArgv: ['-r', 'ts-node/register/transpile-only'] };
}

export function inProcessPool(claims?: Map<string, Claim>): EvaluatorPool {
  return {
    size: 1,
    evaluate: (job) => runJobHere({ kind: 'claim', ...job }, claims) as Promise<EvalOutcome>,
    train: (job) => runJobHere({ kind: 'train', ...job }) as Promise<TrainResult>,
    close: async () => {},
  };
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

export function createPool(workers = defaultWorkers(), claims?: Map<string, Claim>): EvaluatorPool {
  if (workers <= 0) return inProcessPool(claims);
  const entry = workerEntry();
  const pending = new Map<number, { resolve: (o: EvalOutcome | TrainResult) => void; reject: (e: Error) => void; slot: Slot }>();
  const queue: (() => void)[] = [];
  let nextId = 1;
  let closing = false;
  const slots: Slot[] = Array.from({ length: workers }, () => {
    const child = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, CLAIMCHECK_WORKERS: '0' } });
    let markReady: () => void = () => {};
    const slot: Slot = { child, busy: false, ready: new Promise<void>((r) => (markReady = r)) };
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') markReady();
      else {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        slot.busy = false;
        if (msg.type === 'result') p.resolve(msg.outcome);
        else p.reject(new Error(`worker job failed: ${msg.message}`));
        queue.shift()?.();
      }
    });
    child.on('exit', (code, signal) => {
      if (closing) return;
      for (const [id, p] of pending) {
        if (p.slot === slot) {
          pending.delete(id);
          p.reject(new Error(`evaluation worker exited (${signal ?? code}) during an evaluation`));
        }
      }
    });
    return slot;
  });

  async function acquire(): Promise<Slot> {
    for (;;) {
      const free = slots.find((s) => !s.busy && s.child.exitCode === null);
      if (free) {
        free.busy = true;
        await free.ready;
        return free;
      }
      if (slots.every((s) => s.child.exitCode !== null)) throw new Error('every evaluation worker has exited');
      await new Promise<void>((r) => queue.push(r));
    }
  }

  async function run(job: Job): Promise<EvalOutcome | TrainResult> {
    const slot = await acquire();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, slot });
      slot.child.send({ id, job });
    });
  }

  return {
    size: workers,
    evaluate: (job) => run({ kind: 'claim', ...job }) as Promise<EvalOutcome>,
    train: (job) => run({ kind: 'train', ...job }) as Promise<TrainResult>,
    async close() {
      closing = true;
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((r) => {
              if (s.child.exitCode !== null) return r();
              s.child.once('exit', () => r());
              s.child.disconnect();
            }),
        ),
      );
    },
  };
}
