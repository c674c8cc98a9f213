import { claimContext } from './context';
import type { ConstantsProfile } from './constants';
import { findClaim, PAPERS } from './registry';
import type { Regime } from './types';

/**
 * The audit of a setting (`claimcheck assumptions`, verify's audit table): the hypotheses of every
 * registered paper's assumption claims (its `audits.claims`, e.g. paper A's assumption and paper
 * B's conditions), clause by clause.
 */
export function auditedClaimIds(): string[] {
  return [...new Set(PAPERS.flatMap((p) => p.audits?.claims ?? []))];
}

export function auditSetting(config: Regime, profile: ConstantsProfile) {
  return auditedClaimIds().map((id) => {
    const claim = findClaim(id);
    const rep = claim.hypotheses(config, claimContext(claim, profile));
    return { claim: id, title: claim.title, holds: rep.holds, violated: rep.clauses.filter((c) => !c.holds).map((c) => c.id), clauses: rep.clauses };
  });
}

/** The presets every registered paper has verify audit (its `audits.presets`), in paper order. */
export function auditedPresets(): string[] {
  return [...new Set(PAPERS.flatMap((p) => p.audits?.presets ?? []))];
}
