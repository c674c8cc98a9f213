import type { Constants, EngineSettings, Evaluation, Mode, Regime } from '../claims/types';
import type { EngineChoice, TrainConfig } from '../training/config';
import type { TrainResult } from '../training/train';

/** Jobs the evaluator pool runs in its worker processes (one tfjs backend each). */
export interface ClaimJob {
  kind: 'claim';
  claimId: string;
  regime: Regime;
  mode: Mode;
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

export type Job = ClaimJob | TrainJob;

export interface EvalOutcome {
  evaluation: Evaluation;
  seconds: number;
  backend: string;
  /** set when evaluate threw: the verdict is then `inconclusive` and this says why */
  error?: string;
}

export type WorkerMessage =
  | { type: 'ready'; backend: string }
  | { type: 'result'; id: number; outcome: EvalOutcome | TrainResult }
  | { type: 'failed'; id: number; message: string };
