import fc from 'fast-check';
import type { Claim, Regime } from '../../src/claims/types';
import type { ConstantsProfile } from '../../src/claims/constants';
import { SETTINGS_SPEC } from '../../src/claims/constants';
import type { EngineSettings } from '../../src/claims/types';

/**
 * A claim with a known answer: it breaks exactly when x > threshold (margin threshold - x), so
 * hold rates, shrinking and replay can be checked without training anything.
 */
export function thresholdClaim(id = 'T.threshold', threshold = 50): Claim {
  return {
    id,
    title: 'x stays at most the threshold',
    source: { paper: 'C', result: 'test claim', reference: 'none' },
    statement: 'x <= threshold',
    predicate: 'x <= threshold',
    kind: 'regime',
    constants: { threshold: { default: threshold, help: 'the threshold' } },
    hypotheses: (r: Regime) => ({ holds: (r.y as number) <= 80, clauses: [{ id: 'y', text: 'y <= 80', holds: (r.y as number) <= 80 }] }),
    regimes: (mode) => fc.record({ x: fc.integer({ min: 0, max: mode === 'in-regime' ? 40 : 100 }), y: fc.integer({ min: 0, max: 100 }) }),
    evaluate: async (r, ctx) => {
      const t = ctx.constants.threshold;
      const x = r.x as number;
      return {
        verdict: x > t ? 'breaks' : 'holds',
        margin: t - x,
        measurements: { x },
        hypotheses: { holds: (r.y as number) <= 80, clauses: [] },
      };
    },
  };
}

export function settings(over: Partial<EngineSettings> = {}): EngineSettings {
  const s = Object.fromEntries(Object.entries(SETTINGS_SPEC).map(([k, v]) => [k, v.default])) as unknown as EngineSettings;
  return { ...s, ...over };
}

export function profileFor(claims: Claim[], over: Partial<EngineSettings> = {}): ConstantsProfile {
  return {
    name: 'test',
    description: '',
    file: '(test)',
    settings: settings(over),
    claims: Object.fromEntries(claims.map((c) => [c.id, Object.fromEntries(Object.entries(c.constants).map(([k, v]) => [k, v.default]))])),
  };
}
