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
    tiers: ['working', 'robustness'],
    constants: { threshold: { default: threshold, help: 'the threshold', provenance: 'chosen', source: 'test' } },
    hypotheses: (r: Regime) => ({ holds: (r.y as number) <= 80, clauses: [{ id: 'y', text: 'y <= 80', holds: (r.y as number) <= 80 }] }),
    regimes: (tier) => fc.record({ x: fc.integer({ min: 0, max: tier === 'working' ? 40 : 100 }), y: fc.integer({ min: 0, max: 100 }) }),
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

/**
 * A per-seed claim with a known answer: each of `seeds` units holds unless its seed is divisible by
 * `breakEvery` (so the hold rate is known exactly); the paper tier has two named settings.
 */
export function perSeedClaim(id = 'T.seeds', breakEvery = 0, seeds = 6): Claim {
  return {
    id,
    title: 'per-seed units',
    source: { paper: 'C', result: 'test claim', reference: 'none' },
    statement: 'every seed holds', predicate: 'seed % breakEvery != 0',
    kind: 'regime',
    tiers: ['paper', 'working', 'robustness'],
    constants: {},
    hypotheses: () => ({ holds: true, clauses: [] }),
    regimes: () => fc.record({ seed: fc.integer({ min: 1, max: 1000 }) }),
    paperSettings: () => [
      { preset: 'fake-1', regime: { n: 1 }, source: 'test' },
      { preset: 'fake-2', regime: { n: 2 }, source: 'test' },
    ],
    evaluate: async (r) => {
      const base = r.seed as number;
      const units = Array.from({ length: seeds }, (_, i) => {
        const seed = base + i;
        const breaks = breakEvery > 0 && seed % breakEvery === 0;
        return { seed, verdict: breaks ? ('breaks' as const) : ('holds' as const), margin: breaks ? -1 : 1 };
      });
      return { verdict: units.some((u) => u.verdict === 'breaks') ? 'breaks' : 'holds', margin: null, measurements: {}, hypotheses: { holds: true, clauses: [] }, units };
    },
  };
}
