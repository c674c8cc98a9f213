import * as fs from 'fs';
import * as path from 'path';
import { fixturesDir } from '../util/paths';
import type { Claim, Constants, ConstantSpec, EngineSettings } from './types';

/**
 * The constants profile: every constant the suite picks for an asymptotic statement lives here,
 * in one named, user-editable JSON file (fixtures/constants/NAME.json), and is printed with
 * every result. Shape: { "name", "description", "settings": {...}, "claims": { "<id>": {...} } }.
 * Missing entries take the declared defaults; unknown or malformed entries are errors naming them.
 */
export interface ConstantsProfile {
  name: string;
  description: string;
  file: string;
  settings: EngineSettings;
  claims: Record<string, Constants>;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const SETTINGS_SPEC: Record<keyof EngineSettings, ConstantSpec> = {
  holdRateTarget: { default: 0.9, min: 0, max: 1, help: 'a claim holds when the lower Clopper-Pearson bound (multiplicity-corrected) of its hold rate over its units reaches this' },
  alpha: { default: 0.05, min: 0, max: 1, help: 'significance level of every test' },
  replicates: { default: 12, min: 1, integer: true, help: 'seeds per regime for per-seed claims: each seed is one unit of evidence (trained as one batch)' },
  maxSteps: { default: 20000, min: 1, integer: true, help: 'step budget of one training run' },
  shrinkBudget: { default: 10, min: 0, integer: true, help: 'evaluations spent shrinking one counterexample' },
  maxCounterexamples: { default: 1, min: 0, integer: true, help: 'breaking regimes shrunk per claim and tier' },
};

function checkValue(where: string, spec: ConstantSpec, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}: must be a finite number (got ${JSON.stringify(v)})`);
  if (spec.integer && !Number.isInteger(v)) throw new InputError(`${where}: must be an integer (got ${v})`);
  if (spec.min !== undefined && v < spec.min) throw new InputError(`${where}: must be >= ${spec.min} (got ${v})`);
  if (spec.max !== undefined && v > spec.max) throw new InputError(`${where}: must be <= ${spec.max} (got ${v})`);
  return v;
}

function resolveSection(where: string, specs: Record<string, ConstantSpec>, raw: unknown): Constants {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new InputError(`${where}: must be an object`);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(given)) {
    if (!(k in specs)) throw new InputError(`${where}.${k}: unknown constant (known: ${Object.keys(specs).join(', ') || 'none'})`);
  }
  const out: Constants = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = k in given ? checkValue(`${where}.${k}`, spec, given[k]) : spec.default;
  return out;
}

/** Load and validate a profile by name (fixtures/constants/NAME.json) or by file path. */
export function loadProfile(nameOrFile: string, claims: readonly Claim[]): ConstantsProfile {
  const file = nameOrFile.endsWith('.json') ? path.resolve(nameOrFile) : path.join(fixturesDir('constants'), `${nameOrFile}.json`);
  if (!fs.existsSync(file)) throw new InputError(`constants profile ${JSON.stringify(nameOrFile)}: no file ${file}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`constants profile ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`constants profile ${file}: must be a JSON object`);
  for (const k of Object.keys(raw)) {
    if (!['name', 'description', 'settings', 'claims', 'help'].includes(k)) throw new InputError(`constants profile ${file}: unknown field "${k}"`);
  }
  const settings = resolveSection(`${path.basename(file)}: settings`, SETTINGS_SPEC, raw.settings) as unknown as EngineSettings;
  const rawClaims = (raw.claims ?? {}) as Record<string, unknown>;
  if (typeof rawClaims !== 'object' || Array.isArray(rawClaims)) throw new InputError(`${path.basename(file)}: claims: must be an object`);
  const ids = claims.map((c) => c.id);
  // the generated default profile lists the built-in claims: a run that loads other claims (a
  // plug-in, a subset) takes the declared defaults of the claims it has and ignores the rest
  const isDefault = path.resolve(file) === path.resolve(path.join(fixturesDir('constants'), 'default.json'));
  for (const id of Object.keys(rawClaims)) {
    if (!ids.includes(id) && !isDefault) throw new InputError(`${path.basename(file)}: claims.${id}: unknown claim id (known: ${ids.join(', ')})`);
  }
  const resolved: Record<string, Constants> = {};
  for (const c of claims) resolved[c.id] = resolveSection(`${path.basename(file)}: claims.${c.id}`, c.constants, rawClaims[c.id]);
  return {
    name: typeof raw.name === 'string' ? raw.name : path.basename(file, '.json'),
    description: typeof raw.description === 'string' ? raw.description : '',
    file,
    settings,
    claims: resolved,
  };
}
