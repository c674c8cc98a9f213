import type { Procedure } from '../types';
import { compare, notReproducible } from './compare';
import { etaGrid } from './etaGrid';
import { patchCount } from './patchCount';
import { initScale } from './initScale';
import { timeVsWidth } from './timeVsWidth';
import { patchPosition } from './patchPosition';
import { asymmetricFlips } from './asymmetricFlips';
import { noiseVsSignal } from './noiseVsSignal';
import { threeLayer } from './threeLayer';
import { smallNetSelection } from './smallNetSelection';
import { mnistGrid } from './mnistGrid';

/**
 * The procedures that rerun catalogue rows, by the name a row's `procedure` field gives
 * (fixtures/review/*.json). One entry per line: add a procedure with a one-line import and a
 * one-line entry.
 */
export const PROCEDURES: Record<string, Procedure> = {
  compare,
  'eta-grid': etaGrid,
  'not-reproducible': notReproducible,
  'patch-count': patchCount,
  'init-scale': initScale,
  'time-vs-width': timeVsWidth,
  'patch-position': patchPosition,
  'asymmetric-flips': asymmetricFlips,
  'noise-vs-signal': noiseVsSignal,
  'three-layer': threeLayer,
  'small-net-selection': smallNetSelection,
  'mnist-grid': mnistGrid,
};

export function procedureNames(): string[] {
  return Object.keys(PROCEDURES).sort();
}
