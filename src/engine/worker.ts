import { initBackend } from '../backend/backend';
import { runJobHere } from './evaluate';
import type { Job, WorkerMessage } from './protocol';

/** A worker process of the evaluator pool: one tfjs backend, jobs one at a time. */
function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

void (async () => {
  const backend = await initBackend();
  process.on('message', async (msg: { id: number; job: Job }) => {
    try {
      send({ type: 'result', id: msg.id, outcome: await runJobHere(msg.job) });
    } catch (e) {
      send({ type: 'failed', id: msg.id, message: (e as Error).stack ?? String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', backend });
})();
