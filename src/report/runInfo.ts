import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../util/paths';
import type { RunInfo } from './model';

export function claimcheckVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
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
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    finishedAt: new Date().toISOString(),
    ...recorded,
  };
}
