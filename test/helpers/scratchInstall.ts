import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A package-lock for a scratch folder that installs the packed claimcheck tarball (and vitest), made
 * from the project's own lock: every package entry keeps its version and integrity, so `npm ci
 * --offline` takes the tarballs `npm ci` already put in the npm cache (no registry metadata needed).
 */
export function scratchLock(projectRoot: string, tarball: string, extra: Record<string, string>) {
  const lock = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package-lock.json'), 'utf8'));
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  const rel = `file:${tarball}`;
  const deps = { claimcheck: rel, ...extra };
  const packages: Record<string, Record<string, unknown>> = {
    '': { name: 'claimcheck-scratch', version: '0.0.0', dependencies: deps },
    'node_modules/claimcheck': {
      version: pkg.version, resolved: rel, integrity, license: pkg.license,
      dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies, bin: pkg.bin, engines: pkg.engines,
    },
  };
  for (const [k, v] of Object.entries(lock.packages as Record<string, Record<string, unknown>>)) {
    if (!k.startsWith('node_modules/')) continue;
    const { dev: _dev, devOptional, ...rest } = v as Record<string, unknown> & { dev?: boolean; devOptional?: boolean };
    packages[k] = devOptional ? { ...rest, optional: true } : rest;
  }
  return {
    packageJson: { name: 'claimcheck-scratch', version: '0.0.0', private: true, dependencies: deps },
    lock: { name: 'claimcheck-scratch', version: '0.0.0', lockfileVersion: 3, requires: true, packages },
  };
}
