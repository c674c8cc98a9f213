import type { Tier } from '../../claims/types';

/**
 * The texts of the headings other sections link to. A link targets a heading's GitHub anchor (see
 * doc/model.ts), so each text here is unique in a report and says what it heads.
 */
export const SECTIONS = {
  verdicts: 'Verdicts',
  claims: 'Claims in detail',
  regions: 'Working regions and their provenance',
  calibrated: 'Calibrated constants',
  joint: 'Joint claims',
  cross: 'Cross-region matrices',
  audit: 'Assumption audit',
  phases: 'Phase diagrams',
  dynamics: 'Training dynamics',
  morris: 'Morris sensitivity',
  counterexamples: 'Minimal counterexamples',
  profile: 'Constants profile',
} as const;

export const claimHeading = (id: string) => `Claim ${id}`;
export const tierHeading = (id: string, tier: Tier) => `${id}, ${tier} tier`;
export const regionHeading = (id: string) => `${id}: region`;
export const jointHeading = (id: string, tier: Tier) => `Links of ${id}, ${tier} tier`;
export const morrisHeading = (id: string) => `Morris screen of ${id}`;
export const claimMapHeading = (id: string) => `Verdict map of ${id}`;
export const counterexamplesHeading = (id: string, tier: Tier, n: number) => `${id} (${tier} tier): ${n} counterexample${n === 1 ? '' : 's'}`;
export const counterexampleHeading = (id: string, tier: Tier, i: number) => `${id} ${tier} #${i + 1}`;
