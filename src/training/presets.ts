import * as fs from 'fs';
import * as path from 'path';
import { fixturesDir } from '../util/paths';
import { ConfigError, DEFAULT_CONFIG, resolveConfig, TrainConfig } from './config';

/**
 * Named settings in fixtures/presets/NAME.json: `{ "description", "source", "notes", "config" }`.
 * `config` holds any subset of the training keys; the rest come from DEFAULT_CONFIG.
 */
export interface Preset {
  name: string;
  description: string;
  source: string;
  notes: string[];
  config: TrainConfig;
}

export function presetNames(): string[] {
  return fs
    .readdirSync(fixturesDir('presets'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadPreset(name: string): Preset {
  const names = presetNames();
  if (!names.includes(name)) throw new ConfigError('preset', `unknown preset ${JSON.stringify(name)} (known: ${names.join(', ')})`);
  const file = path.join(fixturesDir('presets'), `${name}.json`);
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
