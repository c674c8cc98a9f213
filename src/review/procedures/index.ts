import { PAPERS } from '../../claims/registry';
import type { Procedure } from '../types';
import { compare, notReproducible } from './compare';
import { etaGrid } from './etaGrid';
import { patchCount } from './patchCount';
import { timeVsWidth } from './timeVsWidth';
import { threeLayer } from './threeLayer';
import { smallNetSelection } from './smallNetSelection';
import { mnistGrid } from './mnistGrid';

/**
 * The procedures that rerun catalogue rows, by the name a row's `procedure` field gives
 * (properties/<paper>/review/*.json): the generic ones here (one entry per line: a one-line import and a
 * one-line entry), and those a paper declares with its own formulas (definePaper({ review:
 * { procedures } }), e.g. properties/A/review/initScale.ts), found through the registered papers.
 */
export const PROCEDURES: Record<string, Procedure> = {
  compare,
  'eta-grid': etaGrid,
  'not-reproducible': notReproducible,
  'patch-count': patchCount,
  'time-vs-width': timeVsWidth,
  'three-layer': threeLayer,
  'small-net-selection': smallNetSelection,
  'mnist-grid': mnistGrid,
};

/** The procedures the registered papers declare, by name. */
function paperProcedures(): Record<string, Procedure> {
  return Object.assign({}, ...PAPERS.map((p) => p.review?.procedures ?? {}));
}

/** The procedure of this name (generic, or declared by a registered paper); undefined when none. */
export function procedureFor(name: string): Procedure | undefined {
  return Object.prototype.hasOwnProperty.call(PROCEDURES, name) ? PROCEDURES[name] : paperProcedures()[name];
}

export function procedureNames(): string[] {
  return [...new Set([...Object.keys(PROCEDURES), ...Object.keys(paperProcedures())])].sort();
}
