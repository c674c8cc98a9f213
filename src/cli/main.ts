import * as fs from 'fs';
import * as path from 'path';
import { describeError, exitCodeOf, oneLine } from '../util/errors';
import { packageRoot, packFolder } from '../util/paths';
type Command = (argv: string[]) => Promise<number>;

/**
 * Commands are loaded on demand: `train` does not pay for loading vega, resvg and every claim
 * module (whole-process start-up is what a user feels).
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; help: string; papersOnDemand?: true }> = {
  train: { load: async () => (await import('./trainCommand')).trainCommand, help: 'train one configuration and print its measurements' },
  presets: { load: async () => (await import('./presetsCommand')).presetsCommand, help: 'list the named settings (the papers\' presets/ folders and fixtures/presets)' },
  list: { load: async () => (await import('./listCommand')).listCommand, help: 'list the claims with their sources and hypotheses' },
  check: { load: async () => (await import('./checkCommand')).checkCommand, help: 'test claims as properties over drawn regimes' },
  calibrate: { load: async () => (await import('./calibrateCommand')).calibrateCommand, help: 're-derive calibrated constants on the calibration seed stream and write a profile' },
  replay: { load: async () => (await import('./replayCommand')).replayCommand, help: 're-evaluate one result from its seed and path' },
  assumptions: { load: async () => (await import('./assumptionsCommand')).assumptionsCommand, help: "audit a setting against each paper's assumptions (paper A's assumption, paper B's conditions, a plug-in paper's audits)" },
  verify: { load: async () => (await import('./verifyCommand')).verifyCommand, help: 'the main job: every claim in each tier, figures and a report in reports/latest' },
  // a metric sweep needs the presets but no claim: the command registers the papers when it does
  sweep: { load: async () => (await import('./sweepCommand')).sweepCommand, help: 'map a training metric or a claim over named axes (phase diagrams)', papersOnDemand: true },
  report: { load: async () => (await import('./reportCommand')).reportCommand, help: 'render (or merge shards of) a results folder' },
  review: { load: async () => (await import('./reviewCommand')).reviewCommand, help: "rerun the review threads' experiments and questions, a verdict per row" },
};

/**
 * The CLI is one of the two places that hand the built-in papers (properties/index.ts) to the
 * engine (the other is the package entry, src/index.ts); workers load the same module by path.
 */
export async function registerBuiltinPapers(): Promise<void> {
  const builtin = await import('../../properties');
  const { registerPapers } = await import('../claims/registry');
  registerPapers(builtin.PAPERS, { module: { file: builtin.MODULE_FILE, builtin: true } });
}

/**
 * The built-in papers' presets alone (the presets/ folder of each paper folder properties/ID, as
 * registerPapers adds them), without loading their claims (~150 ms): for a command that registers
 * the papers only when it needs a claim.
 */
async function registerBuiltinPresets(): Promise<void> {
  const { addPresetFolder } = await import('../training/presets');
  for (const id of fs.readdirSync(path.join(packageRoot(), 'properties')).sort()) {
    const dir = path.join(packFolder(id), 'presets');
    if (fs.existsSync(dir)) addPresetFolder(dir);
  }
}

function help(): string {
  const rows = Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(12)}${c.help}`);
  return `claimcheck: executable claims of ML theory papers\n\nusage: claimcheck <command> [flags]   (claimcheck <command> --help)\n\n${rows.join('\n')}\n`;
}

/** Run the CLI; returns the exit code. Errors in the input are reported in one line naming the field. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(help());
    return cmd ? 0 : 2;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    process.stderr.write(`claimcheck: unknown command ${JSON.stringify(cmd)} (known: ${Object.keys(COMMANDS).join(', ')}; claimcheck --help)\n`);
    return 2;
  }
  try {
    checkEnvironment();
    // the papers carry the presets (train, presets) as well as the claims
    if (c.papersOnDemand) await registerBuiltinPresets();
    else await registerBuiltinPapers();
    return await (await c.load())(rest);
  } catch (e) {
    return reportError(cmd, e);
  }
}

/** The settings read from the environment, checked before any command runs (bad values are exit 2). */
function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const bad = (name: string, why: string) => {
    throw new InputError(`${name}=${JSON.stringify(env[name])}: ${why}`);
  };
  const backend = env.CLAIMCHECK_BACKEND;
  if (backend !== undefined && backend !== '' && !['tensorflow', 'wasm', 'cpu', 'auto'].includes(backend)) bad('CLAIMCHECK_BACKEND', 'unknown backend (choose tensorflow, wasm, cpu or auto)');
  const workers = env.CLAIMCHECK_WORKERS;
  if (workers !== undefined && workers !== '' && !/^\s*\d+\s*$/.test(workers)) bad('CLAIMCHECK_WORKERS', 'must be a whole number >= 0 (0 = in this process)');
  const timeout = env.CLAIMCHECK_TIMEOUT;
  if (timeout !== undefined && timeout !== '' && !(Number(timeout) >= 0)) bad('CLAIMCHECK_TIMEOUT', 'must be a number of seconds >= 0 (0 = no limit)');
  const normals = env.CLAIMCHECK_NORMALS;
  if (normals !== undefined && normals !== '' && !['wasm', 'js'].includes(normals)) bad('CLAIMCHECK_NORMALS', 'unknown generator loops (choose wasm or js: the same draws either way)');
}

class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * One line on stderr, `claimcheck <cmd>: <message>`, and the exit code: 2 for bad input (a flag,
 * a field, a path), 3 for a run that failed or anything unexpected. The stack trace only with
 * CLAIMCHECK_DEBUG=1.
 */
export function reportError(cmd: string, e: unknown): number {
  const code = exitCodeOf(e);
  const prefix = cmd ? `claimcheck ${cmd}: ` : 'claimcheck: ';
  process.stderr.write(`${prefix}${oneLine(describeError(e))}\n`);
  if (debugEnabled() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return code;
}

export function debugEnabled(): boolean {
  const v = process.env.CLAIMCHECK_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}
