import { claimModule, CLAIMS, loadClaimModule } from '../claims/registry';
import { InputError } from '../claims/constants';
import { isPaper } from '../claims/paper';
import type { Paper } from '../claims/paper';
import type { Claim } from '../claims/types';

/** What the API's functions take as claims: claims, papers, lists of them, or claim ids of registered claims. */
export type ClaimsInput = Claim | Paper | string | readonly (Claim | Paper | string)[];

/** Flatten claims, papers and ids (`all`: every registered claim) to a list of claims, each once. */
export function claimsOf(input: ClaimsInput): Claim[] {
  const list = (Array.isArray(input) ? input : [input]) as (Claim | Paper | string)[];
  const out: Claim[] = [];
  for (const x of list) {
    const add = typeof x === 'string'
      ? (x === 'all' ? [...CLAIMS] : [registered(x)])
      : isPaper(x) ? [...x.claims] : [x];
    for (const c of add) if (!out.includes(c)) out.push(c);
  }
  if (out.length === 0) throw new InputError('claims: name at least one claim');
  return out;
}

function registered(id: string): Claim {
  const c = CLAIMS.find((x) => x.id === id);
  if (!c) throw new InputError(`unknown claim id ${JSON.stringify(id)} (known: ${CLAIMS.map((x) => x.id).join(', ') || 'none'}; load a module with claimsFrom)`);
  return c;
}

/**
 * The CommonJS module (in require's cache) that exports this claim object, directly, in a list, as
 * part of an exported paper or under `default`: workers and printed replay commands load it by path.
 */
export function exportingModule(claim: Claim): string | null {
  const has = (v: unknown, depth: number): boolean => {
    if (v === claim) return true;
    if (v === null || typeof v !== 'object' || depth > 2) return false;
    if (isPaper(v)) return v.claims.includes(claim);
    return (Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)).some((x) => has(x, depth + 1));
  };
  for (const [file, m] of Object.entries(require.cache)) {
    if (!m) continue;
    try {
      if (has(m.exports, 0)) return file;
    } catch {
      // a module whose exports throw on access: not ours
    }
  }
  return null;
}

/**
 * Make the claims known to the registry by the module that declares them, so worker processes can
 * load them and replay commands can name it. With workers, a claim no module exports is an error;
 * in this process it is evaluated as given (its replay then works through the API only).
 */
export async function ensureLoadable(claims: readonly Claim[], workers: number): Promise<Claim[]> {
  const local: Claim[] = [];
  for (const c of claims) {
    if (CLAIMS.includes(c) && claimModule(c.id)) continue;
    const file = exportingModule(c);
    if (file) {
      await loadClaimModule(file, { flag: 'claim module' });
      if (CLAIMS.includes(c)) continue;
    }
    // a module loaded by path (claimsFrom) declares this id: workers evaluate that module's copy
    if (workers > 0 && claimModule(c.id)) continue;
    if (workers > 0) {
      throw new InputError(`claim ${c.id}: worker processes load claims from modules, and no loaded CommonJS module exports it (export it from a file and pass claimsFrom: [file], or use workers: 0)`);
    }
    local.push(c);
  }
  return local;
}
