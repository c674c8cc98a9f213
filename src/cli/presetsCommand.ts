import { loadPreset, presetNames } from '../training/presets';
import { parseArgs } from './args';

export async function presetsCommand(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { json: { kind: 'boolean', help: 'print JSON' } }, 'presets');
  const presets = presetNames().map(loadPreset);
  if (flags.json) process.stdout.write(JSON.stringify(presets) + '\n');
  else for (const p of presets) process.stdout.write(`${p.name.padEnd(18)}${p.description}\n`);
  return 0;
}
