import { regimeHash } from '../util/canonical';
import type { Constants, EngineSettings, Mode, Regime } from '../claims/types';

/**
 * The store key of one evaluation: claim, mode, regime and everything else the verdict depends
 * on (the claim's constants, the engine settings, the engine choice). Equal keys are the same
 * experiment, which is what makes `--resume` and shrink caching exact.
 */
export function resultKey(claimId: string, mode: Mode, regime: Regime, constants: Constants, settings: EngineSettings, engine: string): string {
  return `${claimId}/${mode}/${regimeHash({ regime, constants, settings, engine })}`;
}
