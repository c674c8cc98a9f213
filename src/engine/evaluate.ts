import type { Claim } from '../claims/types';
import type { TrainResult } from '../training/train';
import type { ClaimJob, EvalOutcome, Job, TrainJob } from './protocol';

/**
 * Runs jobs in this process. Each job kind loads only what it needs, on its first job: a worker of
 * a metric sweep (training batches) never loads the claim machinery, and none of them loads
 * anything before its first job but the backend (worker start-up is on the clock of every run).
 */

/** Evaluate one regime in this process; an exception becomes an `error` outcome with the message (retried on resume). */
export async function evaluateHere(job: Omit<ClaimJob, 'kind'>, given?: Claim): Promise<EvalOutcome> {
  // the registry (every property module) is loaded only when a claim is named by id
  const claim = given ?? (await import('../claims/registry')).findClaim(job.claimId);
  const backend = await (await import('../backend/backend')).initBackend();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const cpuSeconds = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  try {
    const evaluation = await claim.evaluate(job.regime, {
      constants: job.constants,
      all: job.all,
      settings: job.settings,
      tier: job.tier,
      stream: job.stream ?? 'score',
      engine: job.engine,
    });
    return { evaluation, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuSeconds: cpuSeconds(), backend };
  } catch (e) {
    const err = e as Error;
    return {
      evaluation: { verdict: 'error', margin: null, measurements: {}, hypotheses: { holds: false, clauses: [] }, note: `evaluation failed: ${err.message}` },
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
      cpuSeconds: cpuSeconds(),
      backend,
      error: err.stack ?? err.message,
    };
  }
}

export async function trainHere(job: Omit<TrainJob, 'kind'>): Promise<TrainResult> {
  return (await import('../training/train')).train(job.config, { engine: job.engine, perSample: job.perSample });
}

export async function runJobHere(job: Job, claims?: Map<string, Claim>): Promise<EvalOutcome | TrainResult | TrainResult[]> {
  if (job.kind === 'trainBatch') return (await import('../training/batched/trainBatch')).trainBatch(job.configs, { engine: job.engine, perSample: job.perSample });
  return job.kind === 'claim' ? evaluateHere(job, claims?.get(job.claimId)) : trainHere(job);
}
