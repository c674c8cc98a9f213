import { ConfigError } from '../training/config';
import { UsageError } from './args';
import { trainCommand } from './trainCommand';
import { presetsCommand } from './presetsCommand';
import { listCommand } from './listCommand';
import { checkCommand } from './checkCommand';
import { replayCommand } from './replayCommand';
import { assumptionsCommand } from './assumptionsCommand';
import { sweepCommand } from './sweepCommand';
import { reportCommand } from './reportCommand';
import { verifyCommand } from './verifyCommand';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  train: { run: trainCommand, help: 'train one configuration and print its measurements' },
  presets: { run: presetsCommand, help: 'list the named settings in fixtures/presets' },
  list: { run: listCommand, help: 'list the claims with their sources and hypotheses' },
  check: { run: checkCommand, help: 'test claims as properties over drawn regimes' },
  replay: { run: replayCommand, help: 're-evaluate one result from its seed and path' },
  assumptions: { run: assumptionsCommand, help: "audit a setting against paper A's assumption and paper B's conditions" },
  verify: { run: verifyCommand, help: 'the main job: every claim in both modes, figures and a report in reports/latest' },
  sweep: { run: sweepCommand, help: 'map a training metric or a claim over named axes (phase diagrams)' },
  report: { run: reportCommand, help: 'render (or merge shards of) a results folder' },
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
    return await c.run(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || (e as Error).name === 'StoreCorruptError' || (e as Error).name === 'InputError') {
      process.stderr.write(`claimcheck ${cmd}: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
