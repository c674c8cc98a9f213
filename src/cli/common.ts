import * as path from 'path';
import { CLAIMS } from '../claims/registry';
import { ConstantsProfile, InputError, loadProfile } from '../claims/constants';
import { MODES, Mode } from '../claims/types';
import type { EngineChoice } from '../training/config';
import { FlagSpec, UsageError } from './args';
import { packageRoot } from '../util/paths';

/** The flags several commands share, declared once (commands spread the ones they take). */
export const COMMON_FLAGS = {
  constants: { kind: 'string', help: 'constants profile: a name in fixtures/constants or a JSON file (default "default")' },
  engine: { kind: 'string', help: 'training engine: auto | weight | coefficient | reference (default auto)' },
  workers: { kind: 'int', help: 'worker processes (default: one per core; 0 = in this process)' },
  quiet: { kind: 'boolean', help: 'no progress line' },
  help: { kind: 'boolean', help: 'this help' },
} satisfies Record<string, FlagSpec>;

/** Flags shared by the commands that run claims. */
export function profileFromFlag(flag: unknown): ConstantsProfile {
  return loadProfile(typeof flag === 'string' ? flag : 'default', CLAIMS);
}

export function modesFromFlag(flag: unknown, fallback: Mode[]): Mode[] {
  if (flag === undefined) return fallback;
  const list = String(flag).split(',').map((s) => s.trim());
  const modes = list.includes('both') ? [...MODES] : list;
  for (const m of modes) if (!MODES.includes(m as Mode)) throw new UsageError(`--mode must be in-regime, robustness or both (got ${JSON.stringify(m)})`);
  return modes as Mode[];
}

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
  return process.env.CLAIMCHECK_REPORTS ?? path.join(packageRoot(), 'reports');
}

export { InputError };
