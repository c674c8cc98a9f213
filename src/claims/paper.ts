import * as path from 'path';
import type { EvaluatorPool } from '../engine/pool';
import type { DynamicsFigure } from '../report/model';
import type { Procedure } from '../review/types';
import type { EngineChoice } from '../training/config';
import { InputError } from './constants';
import { TIERS } from './types';
import type { Claim, ClaimSource, Tier } from './types';

/**
 * A paper pack's declaration: everything the engine (verify, assumptions, the figures) needs to know
 * about a paper beyond its claims, declared once with `definePaper` and registered with the runtime
 * registry (src/claims/registry.ts). Adding a paper is its folder plus one line in properties/index.ts.
 */

/** A phase diagram verify draws for the paper: a sweep over two axes of a preset (the `sweep` command's flags). */
export interface PhaseFigure {
  /** the base setting (a preset: NAME.json in a paper's presets/ folder) */
  preset: string;
  /** axes as `sweep --axis` reads them, e.g. "snr=0.03..0.10" or "m=1..40:log" */
  axes: readonly string[];
  /** which grid size of the verify plan sets the points per axis */
  grid: 'heatmapGrid' | 'separationGrid';
  /** a training metric of some algorithms, or a claim's verdict in a tier (at the plan's screen replicates) */
  target: { kind: 'metric'; metric: string; algos: readonly string[] } | { kind: 'claim'; claim: string; tier: Tier };
}

/** Training-dynamics figures of the paper (not stored: made by verify and by a merge). */
export interface DynamicsFigures {
  /** training runs they take (the progress bar's units) */
  units: number;
  make(pool: EvaluatorPool, engine: EngineChoice): Promise<DynamicsFigure[]>;
}

export interface PaperFigures {
  dynamics?: DynamicsFigures;
  phases?: readonly PhaseFigure[];
}

/** Which settings verify audits for this paper, and which claims' hypotheses an audit reports. */
export interface PaperAudits {
  /** presets the paper itself trains: audited in every verify report */
  presets: readonly string[];
  /** the claims whose hypotheses are the paper's assumptions/conditions (`claimcheck assumptions`) */
  claims: readonly string[];
}

/** The paper's review thread: procedures its catalogue rows name that use the paper's own formulas. */
export interface PaperReview {
  /** by the name a row's `procedure` field gives (src/review/procedures has the generic ones) */
  procedures?: Readonly<Record<string, Procedure>>;
}

export interface Paper {
  /** the short id its claims carry in `source.paper` and as the prefix of their ids (e.g. "A") */
  id: string;
  /** the full citation */
  reference: string;
  /**
   * the paper's folder (absolute): its presets are `presets/*.json` there and its review-thread rows
   * `review/*.json` (both optional), found through the registered papers
   */
  folder?: string;
  title?: string;
  /** the paper's claims, in report order */
  claims: readonly Claim[];
  /** named settings of the paper (its folder's presets/NAME.json) */
  presets?: readonly string[];
  audits?: PaperAudits;
  figures?: PaperFigures;
  review?: PaperReview;
}

/** What `defineClaim` accepts: a claim whose paper may be any short id (a plug-in paper "D", "mine", ...). */
export type ClaimDefinition = Omit<Claim, 'source'> & { source: Omit<ClaimSource, 'paper'> & { paper: string } };

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function bad(where: string, why: string): never {
  throw new InputError(`${where}: ${why}`);
}

/** Check a claim's shape (one-line errors naming the field), so a plug-in's mistake is found at load time. */
export function validateClaim(c: unknown, where = 'claim'): asserts c is Claim {
  if (typeof c !== 'object' || c === null) bad(where, 'must be an object (defineClaim({ id, title, ... }))');
  const x = c as Record<string, unknown>;
  if (typeof x.id !== 'string' || !ID.test(x.id)) bad(`${where}.id`, `must be a non-empty id of letters, digits, '.', '_' or '-' (got ${JSON.stringify(x.id)})`);
  const at = `${where} ${x.id}`;
  for (const k of ['title', 'statement', 'predicate']) if (typeof x[k] !== 'string') bad(`${at}: ${k}`, 'must be a string');
  const src = x.source as Record<string, unknown> | undefined;
  if (!src || typeof src.paper !== 'string' || typeof src.result !== 'string' || typeof src.reference !== 'string') bad(`${at}: source`, 'must be { paper, result, reference } (strings)');
  if (x.kind !== 'regime' && x.kind !== 'scaling') bad(`${at}: kind`, `must be "regime" or "scaling" (got ${JSON.stringify(x.kind)})`);
  if (!Array.isArray(x.tiers) || x.tiers.length === 0 || x.tiers.some((t) => !TIERS.includes(t as Tier))) bad(`${at}: tiers`, `must be a non-empty list of ${TIERS.join(', ')}`);
  if (typeof x.constants !== 'object' || x.constants === null) bad(`${at}: constants`, 'must be an object of constant specs ({} when none)');
  for (const [k, s] of Object.entries(x.constants as Record<string, { default?: unknown; help?: unknown }>)) {
    if (typeof s?.default !== 'number' || !Number.isFinite(s.default)) bad(`${at}: constants.${k}.default`, 'must be a finite number');
    if (typeof s.help !== 'string') bad(`${at}: constants.${k}.help`, 'must be a string');
  }
  for (const k of ['hypotheses', 'regimes', 'evaluate']) if (typeof x[k] !== 'function') bad(`${at}: ${k}`, 'must be a function');
}

/** Declare a claim: identity plus validation (the contract is `Claim` in src/claims/types.ts). */
export function defineClaim(c: ClaimDefinition | Claim): Claim {
  validateClaim(c);
  return c as Claim;
}

/** Declare a paper pack: identity plus validation (ids unique, claims belong to the paper, audit claims exist). */
export function definePaper(p: Omit<Paper, 'claims'> & { claims: readonly (Claim | ClaimDefinition)[] }): Paper {
  if (typeof p !== 'object' || p === null) bad('paper', 'must be an object (definePaper({ id, reference, claims }))');
  if (typeof p.id !== 'string' || !ID.test(p.id)) bad('paper.id', `must be a short id such as "A" (got ${JSON.stringify(p.id)})`);
  const at = `paper ${p.id}`;
  if (typeof p.reference !== 'string' || !p.reference) bad(`${at}: reference`, 'must be the citation (a non-empty string)');
  if (p.folder !== undefined && (typeof p.folder !== 'string' || !path.isAbsolute(p.folder))) bad(`${at}: folder`, `must be an absolute path, e.g. __dirname (got ${JSON.stringify(p.folder)})`);
  if (!Array.isArray(p.claims) || p.claims.length === 0) bad(`${at}: claims`, 'must be a non-empty list of claims');
  const ids = new Set<string>();
  p.claims.forEach((c, i) => {
    validateClaim(c, `${at}: claims[${i}]`);
    if (ids.has(c.id)) bad(`${at}: claims`, `claim id ${JSON.stringify(c.id)} appears twice`);
    if (c.source.paper !== p.id) bad(`${at}: claims[${i}] ${c.id}`, `its source.paper is ${JSON.stringify(c.source.paper)}, not ${JSON.stringify(p.id)}`);
    ids.add(c.id);
  });
  for (const id of p.audits?.claims ?? []) if (!ids.has(id)) bad(`${at}: audits.claims`, `${JSON.stringify(id)} is not one of its claims`);
  for (const f of p.figures?.phases ?? []) {
    if (f.target.kind === 'claim' && !ids.has(f.target.claim)) bad(`${at}: figures.phases`, `${JSON.stringify(f.target.claim)} is not one of its claims`);
    if (f.axes.length === 0) bad(`${at}: figures.phases (${f.preset})`, 'name at least one axis');
  }
  return p as Paper;
}

/** True for what definePaper returns (or a plain object of that shape): used to read plug-in modules. */
export function isPaper(x: unknown): x is Paper {
  const o = x as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.reference === 'string' && Array.isArray(o.claims);
}

/** True for an object that looks like a claim (validated when registered). */
export function isClaimLike(x: unknown): x is Claim {
  const o = x as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.evaluate === 'function';
}
