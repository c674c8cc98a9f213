import type { ConstantSpec } from '../types';

/** Constant specs with their provenance: read from the paper, or chosen by us (spec/claims.md, constants). */

/** A constant read from the paper (cite the clause). */
export function paperConst(spec: Omit<ConstantSpec, 'provenance' | 'source'>, source: string): ConstantSpec {
  return { ...spec, provenance: 'paper', source };
}

/** A constant of ours (say why); `calibrated` when its value was picked by looking at results. */
export function chosenConst(spec: Omit<ConstantSpec, 'provenance' | 'source'>, source: string, calibrated = false): ConstantSpec {
  return { ...spec, provenance: 'chosen', source, ...(calibrated ? { calibrated: true } : {}) };
}
