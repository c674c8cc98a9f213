import type { Claim } from './types';

/** A claim as `list --json` shows it: its tiers, links, working-region bounds with provenance, every constant. */
export function claimListing(c: Claim) {
  const constants = Object.fromEntries(Object.entries(c.constants).map(([k, s]) => [k, {
    default: s.default, help: s.help,
    provenance: s.provenance ?? null, source: s.source ?? null, calibrated: Boolean(s.calibrated), region: Boolean(s.region),
  }]));
  const region = Object.entries(c.constants).filter(([, s]) => s.region).map(([name, s]) => ({
    name, value: s.default, provenance: s.provenance ?? null, source: s.source ?? null, calibrated: Boolean(s.calibrated), help: s.help,
  }));
  return {
    id: c.id, title: c.title, kind: c.kind, source: c.source, statement: c.statement, predicate: c.predicate,
    tiers: [...c.tiers],
    ...(c.links ? { links: [...c.links] } : {}),
    ...(c.derivedFrom ? { derivedFrom: c.derivedFrom } : {}),
    ...(c.paperNote ? { paperNote: c.paperNote } : {}),
    region,
    calibrated: Object.entries(c.constants).filter(([, s]) => s.calibrated).map(([k]) => k),
    constants,
  };
}

export type ClaimListing = ReturnType<typeof claimListing>;
