import * as fs from 'fs';
import * as path from 'path';

/** The package root (the folder with package.json), found from this file in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('claimcheck: cannot find the package root');
    dir = up;
  }
  return dir;
}

export function fixturesDir(...parts: string[]): string {
  return path.join(packageRoot(), 'fixtures', ...parts);
}

/**
 * A built-in paper's folder in the package (properties/ID), where its presets and review rows live:
 * the same from properties/ID/index.ts and from its compiled dist/properties/ID/index.js.
 */
export function packFolder(id: string): string {
  return path.join(packageRoot(), 'properties', id);
}
