import * as path from 'path';
import { CLAIMS, loadClaimModule } from '../claims/registry';
import { ConstantsProfile, InputError, loadProfile } from '../claims/constants';
import { TIERS, Tier } from '../claims/types';
import type { EngineChoice } from '../training/config';
import { FlagSpec, UsageError } from './args';
import { packageRoot } from '../util/paths';

/** The flags several commands share, declared once (commands spread the ones they take). */
export const COMMON_FLAGS = {
  constants: { kind: 'string', help: 'constants profile: a name in fixtures/constants or a JSON file (default "default")' },
  engine: { kind: 'string', help: 'training engine: auto | weight | coefficient | reference (default auto)' },
  workers: { kind: 'int', help: 'worker processes (default: one per core, except a metric sweep under ~1 s of training: this process; 0 = in this process)' },
  quiet: { kind: 'boolean', help: 'no progress line' },
  help: { kind: 'boolean', help: 'this help' },
  'claims-from': { kind: 'list', help: 'a module (.js, .cjs or .mjs) exporting claims or papers of your own (defineClaim/definePaper); repeatable; workers load it too' },
} satisfies Record<string, FlagSpec>;

/**
 * --claims-from FILE (repeatable): load each module and register its claims and papers before the
 * command resolves claim ids. A bad path or a module exporting nothing is one line and exit 2.
 */
export async function loadClaimsFrom(flag: unknown): Promise<void> {
  const files = Array.isArray(flag) ? (flag as string[]) : typeof flag === 'string' ? [flag] : [];
  for (const f of files) await loadClaimModule(f, { flag: '--claims-from' });
}

/** Flags shared by the commands that run claims. */
export function profileFromFlag(flag: unknown): ConstantsProfile {
  return loadProfile(typeof flag === 'string' ? flag : 'default', CLAIMS);
}

/**
 * --tier literal|paper|working|robustness|all (comma lists allowed). The old --mode is still read:
 * in-regime meant the region the suite chose (now `working`), both = working,robustness.
 */
export function tiersFromFlags(flags: Record<string, unknown>, fallback: Tier[]): Tier[] {
  if (flags.tier !== undefined && flags.mode !== undefined) throw new UsageError('give --tier or --mode, not both (--mode is the old name)');
  if (flags.mode !== undefined) {
    const map: Record<string, Tier[]> = { 'in-regime': ['working'], robustness: ['robustness'], both: ['working', 'robustness'] };
    const list = String(flags.mode).split(',').map((s) => s.trim());
    const out: Tier[] = [];
    for (const m of list) {
      if (!map[m]) throw new UsageError(`--mode must be in-regime, robustness or both (got ${JSON.stringify(m)}); prefer --tier ${TIERS.join('|')}|all`);
      for (const t of map[m]) if (!out.includes(t)) out.push(t);
    }
    return out;
  }
  if (flags.tier === undefined) return fallback;
  const list = String(flags.tier).split(',').map((s) => s.trim());
  if (list.includes('all')) return [...TIERS];
  for (const t of list) if (!TIERS.includes(t as Tier)) throw new UsageError(`--tier must be ${TIERS.join(', ')} or all (got ${JSON.stringify(t)})`);
  return [...new Set(list)] as Tier[];
}

export const TIER_FLAGS = {
  tier: { kind: 'string', help: `tiers: ${TIERS.join(' | ')} | all, comma-separated` },
  mode: { kind: 'string', help: 'old name of --tier: in-regime (= working) | robustness | both' },
} satisfies Record<string, FlagSpec>;

export function engineFromFlag(flag: unknown): EngineChoice {
  const e = typeof flag === 'string' ? flag : 'auto';
  if (!['auto', 'weight', 'coefficient', 'reference'].includes(e)) throw new UsageError(`--engine must be one of auto, weight, coefficient, reference (got ${JSON.stringify(e)})`);
  return e as EngineChoice;
}

export function positiveInt(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be a positive integer (got ${JSON.stringify(v)})`);
  return v;
}

export function reportsBase(): string {
  // an installed package (node_modules/claimcheck) writes its reports where it is run, not into node_modules
  const root = packageRoot();
  const base = root.split(path.sep).includes('node_modules') ? process.cwd() : root;
  return process.env.CLAIMCHECK_REPORTS ?? path.join(base, 'reports');
}

export { InputError };
