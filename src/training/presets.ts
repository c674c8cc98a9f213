import * as fs from 'fs';
import * as path from 'path';
import { fixturesDir } from '../util/paths';
import { ConfigError, DEFAULT_CONFIG, resolveConfig, TrainConfig } from './config';

/**
 * Named settings, one file NAME.json each: `{ "description", "source", "notes", "config" }`.
 * `config` holds any subset of the training keys; the rest come from DEFAULT_CONFIG. They live in
 * the presets/ folder of the paper they belong to (properties/A/presets, ...: registered with the
 * paper, see addPresetFolder) and in fixtures/presets (settings of no paper, e.g. small).
 */
export interface Preset {
  name: string;
  description: string;
  source: string;
  notes: string[];
  config: TrainConfig;
}

const folders: string[] = [];

/** Add a folder of presets (the registry adds each registered paper's `folder`/presets). */
export function addPresetFolder(dir: string): void {
  const abs = path.resolve(dir);
  if (!folders.includes(abs)) folders.push(abs);
}

/** Every preset's file by name; a name in two folders is an error naming both. */
function presetFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of [fixturesDir('presets'), ...folders]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const name = f.slice(0, -5), file = path.join(dir, f);
      const seen = out.get(name);
      if (seen) throw new ConfigError('preset', `preset ${JSON.stringify(name)} is defined twice: ${seen} and ${file}`);
      out.set(name, file);
    }
  }
  return out;
}

export function presetNames(): string[] {
  return [...presetFiles().keys()].sort();
}

export function loadPreset(name: string): Preset {
  const files = presetFiles();
  const file = files.get(name);
  if (!file) throw new ConfigError('preset', `unknown preset ${JSON.stringify(name)} (known: ${[...files.keys()].sort().join(', ')})`);
  let raw: { description?: string; source?: string; notes?: string[]; config?: Record<string, unknown> };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('preset', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw.config || typeof raw.config !== 'object') throw new ConfigError(`preset ${name}`, `${file} has no "config" object`);
  let config: TrainConfig;
  try {
    config = resolveConfig(DEFAULT_CONFIG, raw.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`preset ${name}: ${e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
  return { name, description: raw.description ?? '', source: raw.source ?? '', notes: raw.notes ?? [], config };
}
