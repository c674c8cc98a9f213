import { loadPreset, presetNames } from '../training/presets';
import { parseArgs, usage } from './args';

export async function presetsCommand(argv: string[]): Promise<number> {
  const spec = { json: { kind: 'boolean', help: 'print JSON' }, help: { kind: 'boolean', help: 'this help' } } as const;
  const { flags } = parseArgs(argv, spec, 'presets');
  if (flags.help) {
    process.stdout.write(usage('presets', '[--json]', spec));
    return 0;
  }
  const presets = presetNames().map(loadPreset);
  if (flags.json) process.stdout.write(JSON.stringify(presets) + '\n');
  else for (const p of presets) process.stdout.write(`${p.name.padEnd(18)}${p.description}\n`);
  return 0;
}
