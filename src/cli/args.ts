/**
 * A small, strict command-line parser: every flag is declared, an unknown flag or a missing or
 * malformed value is a `UsageError` naming the flag.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'string' | 'int' | 'number' | 'boolean' | 'list';

export interface FlagSpec {
  kind: FlagKind;
  /** for 'list': the flag may repeat, values accumulate */
  help: string;
  default?: string | number | boolean;
}

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
      flags[name] = v;
    } else flags[name] = value;
  }
  return { flags, positional };
}

export function usage(command: string, synopsis: string, spec: Record<string, FlagSpec>): string {
  const lines = Object.entries(spec).map(([k, s]) => `  --${k}${s.kind === 'boolean' ? '' : ' <' + s.kind + '>'}`.padEnd(28) + s.help);
  return `usage: claimcheck ${command} ${synopsis}\n${lines.join('\n')}\n`;
}
