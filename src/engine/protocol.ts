import type { Constants, EngineSettings, Evaluation, Regime, SeedStream, Tier } from '../claims/types';
import type { EngineChoice, TrainConfig } from '../training/config';
import type { TrainResult } from '../training/train';

/** Jobs the evaluator pool runs in its worker processes (one tfjs backend each). */
export interface ClaimJob {
  kind: 'claim';
  claimId: string;
  regime: Regime;
  tier: Tier;
  stream?: SeedStream;
  engine: EngineChoice;
  constants: Constants;
  all: Record<string, Constants>;
  settings: EngineSettings;
}

export interface TrainJob {
  kind: 'train';
  config: TrainConfig;
  engine: EngineChoice;
  perSample: boolean;
}

/** Several training runs as batched programs (src/training/batched): one result per config, in order. */
export interface TrainBatchJob {
  kind: 'trainBatch';
  configs: TrainConfig[];
  engine: EngineChoice;
  perSample: boolean;
}

export type Job = ClaimJob | TrainJob | TrainBatchJob;

export interface EvalOutcome {
  evaluation: Evaluation;
  seconds: number;
  /** CPU time (user + system) of the evaluating process during the evaluation; a worker runs one evaluation at a time */
  cpuSeconds?: number;
  backend: string;
  /** set when evaluate threw (or its worker died twice, or it hit the time limit): the verdict is then `error` and this says why */
  error?: string;
}

export type WorkerMessage =
  | { type: 'ready'; backend: string }
  /** the worker could not initialise (e.g. its tfjs backend): the pool fails the run with this message */
  | { type: 'start-failed'; message: string }
  | { type: 'result'; id: number; outcome: EvalOutcome | TrainResult }
  /** the job threw: `name` is the error's class name (bad input stays exit 2 in the parent) */
  | { type: 'failed'; id: number; message: string; name?: string };
