import type { ConstantsProfile } from './constants';
import type { Claim, ClaimContext, EvalContext, Tier } from './types';
import type { EngineChoice } from '../training/config';

/** The context a claim sees: its constants, everyone's constants and the engine settings. */
export function claimContext(claim: Claim, profile: ConstantsProfile): ClaimContext {
  return { constants: profile.claims[claim.id], all: profile.claims, settings: profile.settings };
}

export function evalContext(claim: Claim, profile: ConstantsProfile, tier: Tier, engine: EngineChoice): EvalContext {
  return { ...claimContext(claim, profile), tier, engine };
}
