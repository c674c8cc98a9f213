export { trainBatch, batchable } from './trainBatch';
export { dataKey, planBatches } from './plan';
export type { BatchOptions, BatchLayout, BatchedTrainResult } from './trainBatch';
export { BatchProgram } from './program';
export type { BatchRun, RunOutcome, ProgramOptions, ProgramStats } from './program';
