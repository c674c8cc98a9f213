import { execFile, execFileSync } from 'child_process';
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

const REV_ARGS = ['rev-parse', 'HEAD'];
const STATUS_ARGS = ['status', '--porcelain', '--untracked-files=no'];
const revision = (rev: string, status: string) => (status.trim() ? `${rev.trim()}-dirty` : rev.trim());

/** The git revision of the claimcheck checkout (with "-dirty" for local changes), or null. */
export function gitRevision(): string | null {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return revision(git(REV_ARGS), git(STATUS_ARGS));
  } catch {
    return null;
  }
}

/** gitRevision without blocking this process (a sweep asks while its workers train). */
export async function gitRevisionAsync(): Promise<string | null> {
  const git = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile('git', args, { cwd: packageRoot(), encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
  try {
    const [rev, status] = await Promise.all([git(REV_ARGS), git(STATUS_ARGS)]);
    return revision(rev, status);
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
    // two git commands: not run again when run.json already recorded the revision
    gitRevision: recorded.gitRevision !== undefined ? recorded.gitRevision : gitRevision(),
    node: process.version,
    libraries: libraryVersions(),
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    finishedAt: new Date().toISOString(),
    ...recorded,
  };
}
