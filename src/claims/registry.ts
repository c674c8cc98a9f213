import { InputError } from './constants';
import type { Claim } from './types';
import { claim as aAsm } from '../../properties/A.asm';
import { claim as aGdOverfits } from '../../properties/A.gd-overfits';
import { claim as aLngdGeneralizes } from '../../properties/A.lngd-generalizes';
import { claim as aNoiseBounded } from '../../properties/A.noise-bounded';
import { claim as aStage1 } from '../../properties/A.stage1';
import { claim as aSeparation } from '../../properties/A.separation';
import { claim as aTimeRatio } from '../../properties/A.time-ratio';
import { claim as aChain } from '../../properties/A.chain';
import { claim as bStage1 } from '../../properties/B.stage1';
import { claim as bStage2 } from '../../properties/B.stage2';
import { claim as bEarlyStop } from '../../properties/B.early-stop';
import { claim as bLog2 } from '../../properties/B.log2';
import { claim as bNoiseless } from '../../properties/B.noiseless';
import { claim as bChain } from '../../properties/B.chain';
import { claim as cBoundary } from '../../properties/C.boundary';

/** Every claim, in the order of spec/claims.md. */
export const CLAIMS: readonly Claim[] = [
  aAsm, aGdOverfits, aLngdGeneralizes, aNoiseBounded, aStage1, aSeparation, aTimeRatio, aChain,
  bStage1, bStage2, bEarlyStop, bLog2, bNoiseless, bChain,
  cBoundary,
];

export function findClaim(id: string): Claim {
  const c = CLAIMS.find((x) => x.id === id);
  if (!c) throw new InputError(`unknown claim id ${JSON.stringify(id)} (known: ${CLAIMS.map((x) => x.id).join(', ')})`);
  return c;
}

/** `all` or a list of ids -> claims; unknown ids are errors naming them. */
export function selectClaims(ids: string[]): Claim[] {
  if (ids.length === 0) throw new InputError('name at least one claim id, or all (claimcheck list shows them)');
  if (ids.includes('all')) return [...CLAIMS];
  return ids.map(findClaim);
}
