import type { ConstantsProfile } from '../claims/constants';
import type { Claim } from '../claims/types';
import type { ClaimDeclaration } from '../report/model';

/**
 * What the report must say about each claim's constants: its tiers, its working-region bounds with
 * their provenance (paper, citing the clause; or chosen, with the reason) at the values used, and
 * every calibrated constant (chosen by looking at results: fitted on calibration seeds only).
 */
export function claimDeclarations(claims: readonly Claim[], profile: ConstantsProfile): ClaimDeclaration[] {
  return claims.map((c) => {
    const used = profile.claims[c.id] ?? {};
    const entries = Object.entries(c.constants);
    return {
      id: c.id,
      tiers: [...c.tiers],
      ...(c.links ? { links: [...c.links] } : {}),
      ...(c.derivedFrom ? { derivedFrom: c.derivedFrom } : {}),
      ...(c.paperNote ? { paperNote: c.paperNote } : {}),
      region: entries.filter(([, s]) => s.region).map(([name, s]) => ({
        name, value: used[name] ?? s.default, provenance: s.provenance ?? null, source: s.source ?? null, calibrated: Boolean(s.calibrated),
      })),
      calibrated: entries.filter(([, s]) => s.calibrated).map(([name, s]) => ({ name, value: used[name] ?? s.default, source: s.source ?? null })),
      undeclared: entries.filter(([, s]) => !s.provenance).map(([name]) => name),
    };
  });
}
