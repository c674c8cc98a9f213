import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { addPresetFolder } from '../training/presets';
import { InputError } from './constants';
import { isClaimLike, isPaper, validateClaim } from './paper';
import type { Paper } from './paper';
import type { Claim } from './types';

/**
 * The runtime registry of papers and claims. Nothing here knows the built-in papers: the entry
 * points (the CLI's main, the package entry src/index.ts, a test setup file) register
 * properties/index.ts, and `--claims-from FILE` registers a user's module. Each registration
 * remembers the module it came from, so worker processes load the same modules at start-up
 * (src/engine/pool.ts) and a printed replay command names them.
 */

/** A module the claims came from: workers require it at start-up. */
export interface ClaimModule {
  /** absolute path of the module file */
  file: string;
  /** the built-in papers (properties/index): not named in replay commands */
  builtin: boolean;
}

interface Origin {
  module: ClaimModule | null;
  paper: string;
}

const papers: Paper[] = [];
const claims: Claim[] = [];
const origins = new Map<string, Origin>();
const modules: ClaimModule[] = [];

/** Every registered claim, in registration order (papers in order, each paper's claims in its order). A live view. */
export const CLAIMS: readonly Claim[] = claims;
/** Every registered paper (loose plug-in claims are grouped into a paper per `source.paper`). A live view. */
export const PAPERS: readonly Paper[] = papers;

export interface RegisterOptions {
  /** the module the papers/claims were loaded from (null: defined in this process only) */
  module?: ClaimModule | null;
  /** how the source is named in errors, e.g. "--claims-from ./x.js" */
  label?: string;
}

function addClaim(c: Claim, paper: string, o: RegisterOptions): boolean {
  const known = origins.get(c.id);
  const existing = claims.find((x) => x.id === c.id);
  if (existing === c) return false;
  if (existing && known) {
    const where = known.module?.builtin ? `the built-in paper ${known.paper}` : known.module ? `${known.module.file}` : 'a claim defined in this process';
    throw new InputError(`${o.label ?? 'claim'}: claim id ${JSON.stringify(c.id)} is already declared by ${where}`);
  }
  claims.push(c);
  origins.set(c.id, { module: o.module ?? null, paper });
  return true;
}

/** Register declared papers (definePaper). Registering the same objects again is a no-op. */
export function registerPapers(ps: readonly Paper[], o: RegisterOptions = {}): void {
  for (const p of ps) {
    if (papers.includes(p)) continue;
    p.claims.forEach((c, i) => validateClaim(c, `${o.label ?? 'paper'} ${p.id}: claims[${i}]`));
    const fresh = p.claims.filter((c) => addClaim(c, p.id, o));
    if (fresh.length > 0) papers.push(p);
    if (p.folder) addPresetFolder(path.join(p.folder, 'presets'));
  }
  noteModule(o.module);
}

/** Register loose claims: each joins a paper of its `source.paper` made for this source. */
export function registerClaims(cs: readonly Claim[], o: RegisterOptions = {}): void {
  const groups = new Map<string, Claim[]>();
  cs.forEach((c, i) => {
    validateClaim(c, `${o.label ?? 'claim'}${cs.length > 1 ? `[${i}]` : ''}`);
    if (addClaim(c, c.source.paper, o)) groups.set(c.source.paper, [...(groups.get(c.source.paper) ?? []), c]);
  });
  for (const [id, list] of groups) papers.push({ id, reference: list[0].source.reference, claims: list });
  noteModule(o.module);
}

function noteModule(m: ClaimModule | null | undefined): void {
  if (m && !modules.some((x) => x.file === m.file)) modules.push(m);
}

/** What a module exports, read as papers and claims: the default export or the named ones, single or in lists. */
export function exportsOf(mod: unknown): { papers: Paper[]; claims: Claim[] } {
  const out = { papers: [] as Paper[], claims: [] as Claim[] };
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isPaper(v)) out.papers.push(v);
    else if (isClaimLike(v)) out.claims.push(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, depth));
    else if (depth < 2) for (const x of Object.values(v as Record<string, unknown>)) visit(x, depth + 1);
  };
  visit(mod, 0);
  // a claim that is also in an exported paper belongs to the paper
  const inPapers = new Set(out.papers.flatMap((p) => p.claims));
  out.claims = out.claims.filter((c) => !inPapers.has(c));
  return out;
}

/** Register what a loaded module exports. */
export function registerModuleExports(mod: unknown, o: RegisterOptions = {}): { papers: number; claims: number } {
  const { papers: ps, claims: cs } = exportsOf(mod);
  if (ps.length === 0 && cs.length === 0) {
    throw new InputError(`${o.label ?? 'module'}: exports no claims or papers (export defineClaim(...)/definePaper(...) results, as default or named exports)`);
  }
  registerPapers(ps, o);
  registerClaims(cs, o);
  return { papers: ps.length, claims: cs.length + ps.reduce((a, p) => a + p.claims.length, 0) };
}

/** Resolve a module file as given on the command line (relative to the working folder). */
export function resolveModuleFile(file: string, label: string): string {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new InputError(`${label}: no such file ${abs}`);
  if (fs.statSync(abs).isDirectory()) {
    try {
      return createRequire(abs).resolve(abs);
    } catch {
      throw new InputError(`${label}: ${abs} is a folder without an index or package main`);
    }
  }
  return abs;
}

// a real dynamic import (TypeScript would turn `import()` into `require` under CommonJS)
const importESM = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;

/** Load a module of claims (CommonJS, or ESM by dynamic import) and register its exports. */
export async function loadClaimModule(file: string, o: { flag?: string; builtin?: boolean } = {}): Promise<{ papers: number; claims: number }> {
  const label = `${o.flag ?? '--claims-from'} ${file}`;
  const abs = resolveModuleFile(file, label);
  let mod: unknown;
  try {
    mod = abs.endsWith('.mjs') ? await importESM(pathToFileURL(abs).href) : createRequire(abs)(abs);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ERR_REQUIRE_ESM') mod = await importESM(pathToFileURL(abs).href);
    else throw new InputError(`${label}: the module failed to load: ${String(err?.message ?? e).split('\n')[0]}`);
  }
  return registerModuleExports(mod, { module: { file: abs, builtin: Boolean(o.builtin) }, label });
}

/** The modules to load in a worker so it knows every registered claim, in registration order. */
export function registeredModules(): readonly ClaimModule[] {
  return modules;
}

/** The module a claim came from (null: defined in this process, or unknown). */
export function claimModule(id: string): ClaimModule | null {
  return origins.get(id)?.module ?? null;
}

/** The papers registered from plug-in modules (not built in). */
export function pluginModules(): ClaimModule[] {
  return modules.filter((m) => !m.builtin);
}

export function findClaim(id: string): Claim {
  const c = claims.find((x) => x.id === id);
  if (!c) {
    const hint = claims.length === 0 ? 'no claims are registered' : `known: ${claims.map((x) => x.id).join(', ')}`;
    throw new InputError(`unknown claim id ${JSON.stringify(id)} (${hint}; a claim of your own: --claims-from FILE)`);
  }
  return c;
}

/** `all` or a list of ids -> claims; unknown ids are errors naming them. */
export function selectClaims(ids: string[]): Claim[] {
  if (ids.length === 0) throw new InputError('name at least one claim id, or all (claimcheck list shows them)');
  if (ids.includes('all')) return [...claims];
  return ids.map(findClaim);
}

/** The registered paper with this id (the first, when loose claims made a second one). */
export function findPaper(id: string): Paper | undefined {
  return papers.find((p) => p.id === id);
}
