import fc from 'fast-check';
import type { Claim, ClaimContext, Regime, Tier } from '../claims/types';
import { SEED_DRAW_MAX } from '../claims/seedStreams';

/**
 * The regime at a fast-check path: "i" is the i-th draw of the run with this seed, "i:j:k..." a
 * node of its shrink tree. This is fast-check's own replay mechanism (Hypothesis-style replayable
 * failures), so a printed (seed, path) pair reproduces the regime exactly.
 */
export function regimeAt(arb: fc.Arbitrary<Regime>, seed: number, path: string): Regime {
  let captured: Regime | undefined;
  fc.check(
    fc.property(arb, (v) => {
      captured ??= v;
      return true;
    }),
    { seed, path, numRuns: 1 },
  );
  if (captured === undefined) throw new Error(`no regime at seed ${seed} path ${path}`);
  return captured;
}

/** The seeds of the paper tier's units: drawn (not chosen), uniform on [1, SEED_DRAW_MAX]. */
const paperSeed = fc.noBias(fc.integer({ min: 1, max: SEED_DRAW_MAX })).map((seed) => ({ seed }) as Regime);

/**
 * The regime of run `path` in a tier. Paper tier: run i is the claim's named setting i mod P (so
 * every setting is covered once runs >= P) with its seed drawn at path i; other tiers: the claim's
 * arbitrary at that path.
 */
export function tierRegimeAt(claim: Claim, tier: Tier, ctx: ClaimContext, seed: number, path: string): Regime {
  if (tier === 'paper') {
    const settings = claim.paperSettings?.(ctx) ?? [];
    if (settings.length === 0) throw new Error(`${claim.id} has no paper-tier settings`);
    const i = Number(path.split(':')[0]);
    const s = settings[i % settings.length];
    return { ...s.regime, seed: regimeAt(paperSeed, seed, String(i)).seed, preset: s.preset };
  }
  if (tier === 'robustness' && !path.includes(':')) {
    // the claim's named robustness regimes come first (a reviewer's counterexample), then drawn ones
    const named = claim.robustnessSettings?.(ctx) ?? [];
    const i = Number(path);
    if (i < named.length) return { ...named[i].regime, seed: regimeAt(paperSeed, seed, path).seed, preset: named[i].preset };
  }
  return regimeAt(claim.regimes(tier, ctx), seed, path);
}

/** Whether a claim has anything to evaluate in a tier. */
export function hasTier(claim: Claim, tier: Tier, ctx: ClaimContext): boolean {
  if (!claim.tiers.includes(tier)) return false;
  return tier !== 'paper' || (claim.paperSettings?.(ctx).length ?? 0) > 0;
}
