export { trainBatch, batchable, dataKey, planBatches } from './trainBatch';
export type { BatchOptions, BatchLayout, BatchedTrainResult } from './trainBatch';
export { BatchProgram } from './program';
export type { BatchRun, RunOutcome, ProgramOptions, ProgramStats } from './program';
