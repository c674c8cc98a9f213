import type { Job, WorkerMessage } from './protocol';

/**
 * A worker process of the evaluator pool: one tfjs backend, jobs one at a time. It never writes to
 * a closed channel, exits quietly when its parent goes (IPC disconnect; long trainings yield to the
 * event loop every ~200 ms so the disconnect is seen), and reports a failure to start (e.g. an
 * unavailable backend, a claim module that does not load) as one message instead of a stack trace.
 * It starts with the backend alone: the code of each job kind is loaded by its first job
 * (evaluate.ts), and the claim modules by the first claim job (training jobs never need them).
 */
function send(msg: WorkerMessage): void {
  if (!process.connected || !process.send) return;
  // the callback keeps a failed send (parent gone) from becoming an 'error' event
  process.send(msg, undefined, {}, () => {});
}

const debug = () => Boolean(process.env.CLAIMCHECK_DEBUG && process.env.CLAIMCHECK_DEBUG !== '0');

process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (e) => {
  if (debug()) process.stderr.write(`${e.stack ?? e}\n`);
  else process.stderr.write(`${String((e as Error).message ?? e).split('\n')[0]}\n`);
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  process.stderr.write(`${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
  process.exit(70);
});

/** The claim modules the parent registered (its start-up argument): loaded once, by the first claim job. */
let claimModules: Promise<void> | null = null;
function loadClaimModules(): Promise<void> {
  claimModules ??= (async () => {
    const arg = process.argv[2];
    if (!arg) return;
    const { loadClaimModule } = await import('../claims/registry');
    for (const m of JSON.parse(arg) as { file: string; builtin: boolean }[]) await loadClaimModule(m.file, { flag: 'claim module', builtin: m.builtin });
  })();
  return claimModules;
}

/** The worker cannot work (no backend, a claim module that does not load): the pool fails the run with this message. */
function startFailed(e: unknown): void {
  send({ type: 'start-failed', message: (e as Error).message ?? String(e) });
  process.exitCode = 1;
  process.disconnect?.();
}

void (async () => {
  let backend: string;
  try {
    backend = await (await import('../backend/backend')).initBackend();
  } catch (e) {
    startFailed(e);
    return;
  }
  process.on('message', async (msg: { id: number; job: Job }) => {
    if (msg.job.kind === 'claim') {
      try {
        await loadClaimModules();
      } catch (e) {
        startFailed(e);
        return;
      }
    }
    try {
      injectFault();
      const { runJobHere } = await import('./evaluate');
      send({ type: 'result', id: msg.id, outcome: (await runJobHere(msg.job)) as never });
    } catch (e) {
      const err = e as Error;
      send({ type: 'failed', id: msg.id, message: err?.message ?? String(e), name: err?.name });
    }
  });
  send({ type: 'ready', backend });
})();

/**
 * Fault injection for the fault-injection tests (test/faults.test.ts), never set in normal use:
 * CLAIMCHECK_TEST_FAULT = die (the worker SIGKILLs itself on every job), die-once:FILE (only the
 * first job of the run, marked by creating FILE), hang (spins forever: the time limit must stop it),
 * throw (the job throws).
 */
function injectFault(): void {
  const f = process.env.CLAIMCHECK_TEST_FAULT;
  if (!f) return;
  if (f === 'die') process.kill(process.pid, 'SIGKILL');
  if (f.startsWith('die-once:')) {
    try {
      require('fs').writeFileSync(f.slice('die-once:'.length), String(process.pid), { flag: 'wx' });
      process.kill(process.pid, 'SIGKILL');
    } catch {
      // marked: an earlier worker already died once
    }
  }
  if (f === 'hang') for (;;);
  if (f === 'throw') throw new Error('injected fault (CLAIMCHECK_TEST_FAULT=throw)');
}
