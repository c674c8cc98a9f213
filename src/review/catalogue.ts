import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../claims/constants';
import { ConfigError, DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../training/config';
import { loadPreset, presetNames } from '../training/presets';
import { PAPERS } from '../claims/registry';
import { fixturesDir } from '../util/paths';
import { rowFileName } from './common';
import { procedureFor, procedureNames } from './procedures';
import type { CatalogueRow } from './types';

/**
 * The review thread as data (issue 9): <paper>-<NN>.json, one row per file, in the review/ folder
 * of the paper it belongs to (properties/A/review, ...: found through the registered papers'
 * `folder`). Every field is checked on load; a malformed row is a one-line InputError naming the
 * file and the field (exit 2), never a half-run review.
 */

/** The catalogue's folders: each registered paper's review/ folder (and fixtures/review if present), or the one folder CLAIMCHECK_REVIEW_CATALOGUE names (tests, a catalogue of your own). */
export function catalogueDirs(): string[] {
  const env = process.env.CLAIMCHECK_REVIEW_CATALOGUE;
  if (env !== undefined && env !== '') return [env];
  const dirs = [fixturesDir('review'), ...PAPERS.flatMap((p) => (p.folder ? [path.join(p.folder, 'review')] : []))];
  return [...new Set(dirs)].filter((d) => fs.existsSync(d));
}

/** The file of a row (e.g. "A-07.json") in the catalogue's folders. */
export function rowFile(fileName: string): string {
  for (const d of catalogueDirs()) if (fs.existsSync(path.join(d, fileName))) return path.join(d, fileName);
  throw new InputError(`${fileName}: no such row file in the review catalogue (${catalogueDirs().join(', ')})`);
}

export { rowFileName };

class RowError extends InputError {
  constructor(file: string, field: string, why: string) {
    super(`${file}: field ${field}: ${why}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validate one parsed row (`file` names it in errors). */
export function validateRow(raw: unknown, file: string): CatalogueRow {
  const bad = (field: string, why: string) => new RowError(file, field, why);
  if (!isObj(raw)) throw bad('(row)', 'the file must hold one JSON object');
  const str = (k: string, required = true): string | undefined => {
    const v = raw[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw bad(k, `must be a non-empty string (got ${JSON.stringify(v)})`);
    return v;
  };
  const known = new Set(['row', 'paper', 'source', 'statement', 'kind', 'expectation', 'prediction', 'procedure', 'settings', 'levels', 'measure', 'notReproducible', 'description', 'notes']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw bad(k, `unknown field (known: ${[...known].join(', ')})`);
  const row = raw.row;
  if (typeof row !== 'number' || !Number.isInteger(row) || row < 1 || row > 99) throw bad('row', `must be an integer from 1 to 99 (got ${JSON.stringify(row)})`);
  const paper = raw.paper;
  const ids = PAPERS.map((p) => p.id);
  if (typeof paper !== 'string' || !ids.includes(paper)) throw bad('paper', `must be a registered paper's id: ${ids.map((x) => JSON.stringify(x)).join(', ')} (got ${JSON.stringify(paper)})`);
  const expected = rowFileName(paper, row);
  if (path.basename(file) !== expected) throw bad('row', `paper ${paper} row ${row} belongs in ${expected}`);
  const source = raw.source;
  if (!isObj(source)) throw bad('source', 'must be an object { "who": "reviewer" | "authors", "where": "..." }');
  if (source.who !== 'reviewer' && source.who !== 'authors') throw bad('source.who', `must be "reviewer" or "authors" (got ${JSON.stringify(source.who)})`);
  if (typeof source.where !== 'string' || source.where.trim() === '') throw bad('source.where', 'must be a non-empty string');
  const kind = raw.kind;
  if (kind !== 'reported' && kind !== 'question') throw bad('kind', `must be "reported" or "question" (got ${JSON.stringify(kind)})`);
  const statement = str('statement')!;
  const expectation = str('expectation')!;
  const measure = str('measure')!;
  const prediction = str('prediction', false);
  if (kind === 'question' && prediction === undefined) throw bad('prediction', 'a question row is judged against what the theory predicts: say what, and from where');
  const procedure = str('procedure')!;
  if (!procedureFor(procedure)) throw bad('procedure', `unknown procedure ${JSON.stringify(procedure)} (known: ${procedureNames().join(', ')})`);
  const notReproducible = str('notReproducible', false);
  const settings = raw.settings ?? {};
  if (!isObj(settings)) throw bad('settings', 'must be an object');
  if (settings.preset !== undefined) {
    if (typeof settings.preset !== 'string' || !presetNames().includes(settings.preset)) {
      throw bad('settings.preset', `unknown preset ${JSON.stringify(settings.preset)} (known: ${presetNames().join(', ')})`);
    }
  }
  if (settings.set !== undefined) {
    if (!isObj(settings.set)) throw bad('settings.set', 'must be an object of training keys');
    try {
      const base: TrainConfig = typeof settings.preset === 'string' ? loadPreset(settings.preset).config : DEFAULT_CONFIG;
      resolveConfig(base, settings.set);
    } catch (e) {
      if (e instanceof ConfigError) throw bad(`settings.set.${e.field}`, e.message.slice(e.field.length + 2));
      throw e;
    }
  }
  const levels = raw.levels;
  if (levels !== undefined) {
    if (!isObj(levels)) throw bad('levels', 'must be an object of named numbers');
    for (const [k, v] of Object.entries(levels)) if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`levels.${k}`, `must be a finite number (got ${JSON.stringify(v)})`);
  }
  const notes = raw.notes;
  if (notes !== undefined && !(Array.isArray(notes) && notes.every((n) => typeof n === 'string'))) throw bad('notes', 'must be a list of strings');
  return {
    ...(notes !== undefined ? { notes: notes as string[] } : {}),
    row, paper, source: { who: source.who, where: source.where }, statement, kind, expectation,
    ...(prediction !== undefined ? { prediction } : {}),
    procedure, settings: settings as CatalogueRow['settings'],
    ...(levels !== undefined ? { levels: levels as Record<string, number> } : {}),
    measure,
    ...(notReproducible !== undefined ? { notReproducible } : {}),
  };
}

/** Every row of the catalogue (one folder, or several), sorted by paper and row; duplicate rows and unreadable files are errors. */
export function loadCatalogue(dirs: string | readonly string[] = catalogueDirs()): CatalogueRow[] {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  if (list.length === 0) throw new InputError('the review catalogue is empty: no registered paper has a review/ folder');
  for (const dir of list) if (!fs.existsSync(dir)) throw new InputError(`${dir}: the review catalogue folder is missing`);
  const files = list.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f)));
  const rows: CatalogueRow[] = [];
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(`${shown}: not valid JSON (${(e as Error).message})`);
    }
    rows.push(validateRow(raw, shown));
  }
  const seen = new Map<string, string>();
  for (const r of rows) {
    const k = `${r.paper}${r.row}`;
    if (seen.has(k)) throw new InputError(`${list.join(', ')}: row ${r.row} of paper ${r.paper} is defined twice`);
    seen.set(k, k);
  }
  return rows.sort((a, b) => a.paper.localeCompare(b.paper) || a.row - b.row);
}

/** The rows a `claimcheck review [--paper P] [--row N,M]` asks for; an unknown row is a one-line error. */
export function selectRows(all: readonly CatalogueRow[], opts: { paper?: string; rows?: readonly number[] }): CatalogueRow[] {
  const byPaper = opts.paper ? all.filter((r) => r.paper === opts.paper) : [...all];
  if (opts.paper && byPaper.length === 0) {
    const withRows = [...new Set(all.map((r) => r.paper))].join(', ');
    throw new InputError(`--paper ${opts.paper}: that paper has no review-thread rows (papers with rows: ${withRows})`);
  }
  if (!opts.rows || opts.rows.length === 0) return byPaper;
  return opts.rows.map((n) => {
    const r = byPaper.find((x) => x.row === n);
    if (!r) {
      const known = byPaper.map((x) => x.row).join(', ');
      throw new InputError(`--row ${n}: no such row${opts.paper ? ` of paper ${opts.paper}` : ''} in the catalogue (known: ${known})`);
    }
    return r;
  });
}
