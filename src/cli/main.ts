import { ConfigError } from '../training/config';
import { UsageError } from './args';
type Command = (argv: string[]) => Promise<number>;

/**
 * Commands are loaded on demand: `train` does not pay for loading vega, resvg and every claim
 * module (whole-process start-up is what a user feels).
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  train: { load: async () => (await import('./trainCommand')).trainCommand, help: 'train one configuration and print its measurements' },
  presets: { load: async () => (await import('./presetsCommand')).presetsCommand, help: 'list the named settings in fixtures/presets' },
  list: { load: async () => (await import('./listCommand')).listCommand, help: 'list the claims with their sources and hypotheses' },
  check: { load: async () => (await import('./checkCommand')).checkCommand, help: 'test claims as properties over drawn regimes' },
  replay: { load: async () => (await import('./replayCommand')).replayCommand, help: 're-evaluate one result from its seed and path' },
  assumptions: { load: async () => (await import('./assumptionsCommand')).assumptionsCommand, help: "audit a setting against paper A's assumption and paper B's conditions" },
  verify: { load: async () => (await import('./verifyCommand')).verifyCommand, help: 'the main job: every claim in both modes, figures and a report in reports/latest' },
  sweep: { load: async () => (await import('./sweepCommand')).sweepCommand, help: 'map a training metric or a claim over named axes (phase diagrams)' },
  report: { load: async () => (await import('./reportCommand')).reportCommand, help: 'render (or merge shards of) a results folder' },
};

function help(): string {
  const rows = Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(12)}${c.help}`);
  return `claimcheck: executable claims of ML theory papers\n\nusage: claimcheck <command> [flags]   (claimcheck <command> --help)\n\n${rows.join('\n')}\n`;
}

/** Run the CLI; returns the exit code. Errors in the input are reported in one line naming the field. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === 'help') {
    process.stdout.write(help());
    return cmd ? 0 : 2;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    process.stderr.write(`claimcheck: unknown command ${JSON.stringify(cmd)}\n\n${help()}`);
    return 2;
  }
  try {
    return await (await c.load())(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || (e as Error).name === 'StoreCorruptError' || (e as Error).name === 'InputError') {
      process.stderr.write(`claimcheck ${cmd}: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
