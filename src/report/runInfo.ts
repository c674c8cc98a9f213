import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../util/paths';
import type { RunInfo } from './model';

export function claimcheckVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}

/** Installed versions of the libraries whose behaviour the results depend on. */
export function libraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'fast-check', 'jstat', 'seedrandom']) {
    try {
      out[name] = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [packageRoot()] }), 'utf8')).version;
    } catch {
      // not installed (tfjs-node is optional)
    }
  }
  return out;
}

/** The git revision of the claimcheck checkout (with "-dirty" for local changes), or null. */
export function gitRevision(): string | null {
  try {
    const root = packageRoot();
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${rev}-dirty` : rev;
  } catch {
    return null;
  }
}

/** Run information; `recorded` (what run.json kept from the run itself) wins over this process's view. */
export function runInfo(
  base: Pick<RunInfo, 'runId' | 'kind' | 'argv' | 'seed' | 'budget' | 'startedAt' | 'backends' | 'seconds'>,
  recorded: Partial<RunInfo> = {},
): RunInfo {
  return {
    ...base,
    version: claimcheckVersion(),
    gitRevision: gitRevision(),
    node: process.version,
    libraries: libraryVersions(),
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    finishedAt: new Date().toISOString(),
    ...recorded,
  };
}
