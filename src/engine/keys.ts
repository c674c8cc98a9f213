import { regimeHash } from '../util/canonical';
import type { Constants, EngineSettings, Regime, SeedStream, Tier } from '../claims/types';

/**
 * The store key of one evaluation: claim, tier, regime and everything else the verdict depends
 * on (the claim's constants, the engine settings, the engine choice, the seed stream). Equal keys
 * are the same experiment, which is what makes `--resume` and shrink caching exact.
 */
export function resultKey(claimId: string, tier: Tier, regime: Regime, constants: Constants, settings: EngineSettings, engine: string, stream: SeedStream = 'score'): string {
  const what = stream === 'score' ? { regime, constants, settings, engine } : { regime, constants, settings, engine, stream };
  return `${claimId}/${tier}/${regimeHash(what)}`;
}
