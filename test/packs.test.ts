import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as builtin from '../properties';
import { definePaper } from '../src/claims/paper';
import { findPaper } from '../src/claims/registry';
import { catalogueDirs, loadCatalogue } from '../src/review/catalogue';
import { procedureFor } from '../src/review/procedures';
import { addPresetFolder, loadPreset, presetNames } from '../src/training/presets';

/** Paper packs (issue 11): one folder per paper, declared once, found through the registered papers. */

const ROOT = path.join(__dirname, '..');

/** The relative imports of a TypeScript file, resolved to paths inside the repository. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)'(\.[^']*)'/g)].map((m) => m[1]);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)));
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('paper packs', () => {
  it('only the two entries import properties/, and nothing outside src/cli imports src/cli', () => {
    const src = tsFiles(path.join(ROOT, 'src'));
    expect(src.length).toBeGreaterThan(50);
    const intoProperties = src.filter((f) => importsOf(f).some((i) => i === 'properties' || i.startsWith('properties/'))).map((f) => path.relative(ROOT, f));
    expect(intoProperties.sort()).toEqual(['src/cli/main.ts', 'src/index.ts']);
    const outside = [...src, ...tsFiles(path.join(ROOT, 'properties'))].filter((f) => !path.relative(ROOT, f).startsWith('src/cli/'));
    const intoCli = outside.filter((f) => importsOf(f).some((i) => i.startsWith('src/cli/') || i === 'src/cli'));
    expect(intoCli.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('every built-in paper is its own folder: claims, presets and review rows there', () => {
    for (const p of builtin.PAPERS) {
      expect(findPaper(p.id)).toBe(p);
      // its claim modules are in its folder (one per claim, named after the id)
      for (const c of p.claims) expect(fs.existsSync(path.join(ROOT, 'properties', p.id, `${c.id.slice(p.id.length + 1)}.ts`)), c.id).toBe(true);
      if (!p.folder) continue;
      expect(p.folder).toBe(path.join(ROOT, 'properties', p.id));
      // the presets it names are files of its own presets/ folder
      for (const name of [...(p.presets ?? []), ...(p.audits?.presets ?? [])]) {
        expect(fs.existsSync(path.join(p.folder, 'presets', `${name}.json`)), `${p.id}: ${name}`).toBe(true);
        expect(loadPreset(name).name).toBe(name);
      }
    }
    // every review row is in the folder of its paper, and its procedure is found
    const rows = loadCatalogue();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(fs.existsSync(path.join(findPaper(r.paper)!.folder!, 'review', `${r.paper}-${String(r.row).padStart(2, '0')}.json`))).toBe(true);
      expect(procedureFor(r.procedure), r.procedure).toBeTypeOf('function');
    }
    expect(catalogueDirs().map((d) => path.relative(ROOT, d)).sort()).toEqual(['properties/A/review', 'properties/B/review']);
    // a paper's own procedure is not among the generic ones: it comes from the paper's declaration
    expect(procedureFor('init-scale')).toBe(builtin.paperA.review?.procedures?.['init-scale']);
  });

  it('a preset name defined in two folders is an error naming both', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-presets-'));
    const before = presetNames();
    fs.writeFileSync(path.join(dir, 'only-here.json'), JSON.stringify({ description: 'x', config: { n: 10 } }));
    addPresetFolder(dir);
    expect(presetNames()).toEqual([...before, 'only-here'].sort());
    expect(loadPreset('only-here').config.n).toBe(10);
    fs.writeFileSync(path.join(dir, 'paper-b.json'), JSON.stringify({ config: {} }));
    expect(() => presetNames()).toThrow(/"paper-b" is defined twice: .*properties\/B\/presets\/paper-b\.json and .*paper-b\.json/);
    fs.rmSync(path.join(dir, 'paper-b.json'));
    fs.rmSync(path.join(dir, 'only-here.json'));
    expect(presetNames()).toEqual(before);
  });

  it('definePaper checks the folder', () => {
    const claims = builtin.paperC.claims;
    expect(() => definePaper({ id: 'C', reference: 'r', claims, folder: 'relative/path' })).toThrow(/paper C: folder: must be an absolute path/);
    expect(definePaper({ id: 'C', reference: 'r', claims, folder: __dirname }).folder).toBe(__dirname);
  });
});
