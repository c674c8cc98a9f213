/**
 * A small, strict command-line parser: every flag is declared, an unknown flag or a missing or
 * malformed value is a `UsageError` naming the flag.
 */
import { UsageError } from '../util/errors';
export { UsageError };

export type FlagKind = 'string' | 'int' | 'number' | 'boolean' | 'list';

export interface FlagSpec {
  kind: FlagKind;
  /** for 'list': the flag may repeat, values accumulate */
  help: string;
  default?: string | number | boolean;
  /** for 'int' and 'number': the accepted range (else the shared range of a flag of this name, FLAG_RANGES) */
  min?: number;
  max?: number;
}

/** The largest seed: fast-check folds seeds to 32 bits, so every `--seed` stays in 0..2^31-1. */
export const MAX_SEED = 2147483647;

/**
 * Ranges of the flags several commands declare, by name: a command's own spec may override them.
 * Checked at parse time, before any work or output folder.
 */
export const FLAG_RANGES: Record<string, { min?: number; max?: number; what?: string }> = {
  seed: { min: 0, max: MAX_SEED, what: 'fast-check folds seeds to 32 bits' },
  workers: { min: 0, max: 4096 },
  runs: { min: 1, max: 1_000_000 },
  grid: { min: 1, max: 1000 },
  random: { min: 1, max: 1_000_000 },
  budget: { max: 1000 },
  'max-steps': { min: 1, max: 1e9 },
  timeout: { min: 0, max: 7 * 24 * 3600 },
};

/**
 * The commands that take positional arguments (claim ids); every other command refuses a stray
 * positional argument, so `claimcheck list extra` is an error and not silently ignored.
 */
const TAKES_POSITIONAL = new Set(['check', 'replay', 'calibrate']);

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

export interface Parsed {
  flags: ParsedFlags;
  positional: string[];
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): Parsed {
  const flags: ParsedFlags = {};
  const positional: string[] = [];
  for (const [name, s] of Object.entries(spec)) if (s.default !== undefined) flags[name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' && spec.help) {
      flags.help = true;
      continue;
    }
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (/^-[A-Za-z]/.test(a)) throw new UsageError(`unknown flag ${a} (flags are long, e.g. --help; see claimcheck ${command} --help)`);
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (!s) {
      throw new UsageError(`unknown flag --${name} (known: ${Object.keys(spec).map((k) => '--' + k).join(' ')})`);
    }
    if (s.kind === 'boolean') {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (s.kind === 'list') {
      const prev = (flags[name] as string[] | undefined) ?? [];
      flags[name] = [...prev, value];
    } else if (s.kind === 'int' || s.kind === 'number') {
      const v = Number(value);
      if (value.trim() === '' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`--${name} must be ${s.kind === 'int' ? 'an integer' : 'a number'} (got ${JSON.stringify(value)})`);
      }
      checkRange(name, s, v, value);
      flags[name] = v;
    } else {
      if (value === '') throw new UsageError(`--${name} needs a non-empty value`);
      flags[name] = value;
    }
  }
  if (positional.length > 0 && !TAKES_POSITIONAL.has(command) && !flags.help) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}: ${command} takes no positional arguments (claimcheck ${command} --help)`);
  }
  return { flags, positional };
}

function checkRange(name: string, s: FlagSpec, v: number, raw: string): void {
  const shared = FLAG_RANGES[name] ?? {};
  const min = s.min ?? shared.min;
  const max = s.max ?? shared.max;
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    const range = min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `>= ${min}` : `<= ${max}`;
    const why = shared.what && s.min === undefined && s.max === undefined ? `; ${shared.what}` : '';
    throw new UsageError(`--${name} must be ${s.kind === 'int' ? 'an integer' : 'a number'} ${range} (got ${raw}${why})`);
  }
}

export function usage(command: string, synopsis: string, spec: Record<string, FlagSpec>): string {
  const lines = Object.entries(spec).map(([k, s]) => `  --${k}${s.kind === 'boolean' ? '' : ' <' + s.kind + '>'}`.padEnd(28) + s.help);
  return `usage: claimcheck ${command} ${synopsis}\n${lines.join('\n')}\n`;
}

/** Flags that say how a run goes, not what it computes: left out of a printed "Reproduce" command. */
const RUN_ONLY_FLAGS = new Set(['out', 'shard', 'resume', 'quiet', 'workers', 'json', 'timeout', 'fresh', 'help']);

function shellQuote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that reproduces a run, runnable as printed: `npx claimcheck <cmd>` and the
 * flags that define the result (with their values, shell-quoted), without the ones that only say
 * where and how it runs (--out, --shard, --resume, --workers, --quiet, --json, --timeout).
 */
export function reproduceCommand(command: string, argv: string[], spec: Record<string, FlagSpec>): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      kept.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    const takesValue = s !== undefined && s.kind !== 'boolean' && eq < 0;
    const value = takesValue ? argv[++i] : undefined;
    if (RUN_ONLY_FLAGS.has(name)) continue;
    kept.push(a);
    if (value !== undefined) kept.push(value);
  }
  return ['npx claimcheck', command, ...kept.map(shellQuote)].join(' ');
}
