// examples/custom-claim through the PACKED package, as a user gets it: `npm pack`, installed into a
// scratch folder offline from the npm cache (`npm ci` filled it), then the example's paper pack
// through the API (node run.js), through `claimcheck check --claims-from ./claims.js --workers 2`,
// and through the vitest helper (claimcheck/vitest) with the scratch folder's own vitest. Without
// the packages in the cache (and no registry) the test is skipped with a note saying so.
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from 'vitest';
import { scratchLock } from './helpers/scratchInstall';

const root = path.resolve(__dirname, '..');
const example = path.join(root, 'examples/custom-claim');

/** The environment of a child process that is not part of this vitest run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k) && k !== 'CLAIMCHECK_REPORTS') env[k] = v;
  return { ...env, CLAIMCHECK_DEBUG: '', FORCE_COLOR: '0', NO_COLOR: '1' };
}

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('examples/custom-claim runs from the packed package: API, --claims-from with 2 workers, claimcheck/vitest', async (ctx) => {
  const t0 = Date.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'claimcheck-pack-'));
  // dist is built by `npm test` (tsc) before vitest: pack it as is
  const packed = sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], root);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = path.join(scratch, packed.stdout.trim().split('\n').pop()!);
  const app = path.join(scratch, 'app');
  fs.mkdirSync(app);
  const vitestVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/vitest/package.json'), 'utf8')).version;
  const { packageJson, lock } = scratchLock(root, tarball, { vitest: vitestVersion });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(packageJson, null, 2));
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  const install = sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  if (install.code !== 0) {
    const why = install.stderr.split('\n').find((l) => /ENOTCACHED|ENOTFOUND|EAI_AGAIN|network/i.test(l));
    if (why) {
      const note = `skipped: the packed package's dependencies are not all in the npm cache and the registry is not used (${why.trim()}); run \`npm ci\` first`;
      process.stderr.write(`example.pack: ${note}\n`);
      ctx.skip(note);
    }
    expect(install.code, install.stderr).toBe(0);
  }
  const installed = Date.now();

  // the user's view: require('claimcheck') exposes the API, with declaration files
  const probe = sh(process.execPath, ['-e', "const c = require('claimcheck'); console.log(typeof c.defineClaim, typeof c.checkClaims, c.CLAIMS.length, require.resolve('claimcheck'))"], app);
  expect(probe.stdout).toMatch(/^function function 15 .*node_modules\/claimcheck\/dist\/src\/index\.js\n$/);
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/claimcheck/package.json'), 'utf8'));
  expect(fs.readFileSync(path.join(app, 'node_modules/claimcheck', pkg.types), 'utf8')).toMatch(/checkClaims/);

  // the papers' presets ship in their folders (properties/<paper>/presets) and are found from the package
  const presets = sh('npx', ['--no', 'claimcheck', 'presets'], app);
  expect(presets.code, presets.stderr).toBe(0);
  for (const name of ['paper-a-main', 'paper-b', 'small']) expect(presets.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));

  // the example, as its README says to copy it
  for (const f of ['claims.js', 'run.js', 'paper-p', 'test']) fs.cpSync(path.join(example, f), path.join(app, f), { recursive: true });

  // 1. the API (in this process and over 2 workers)
  const viaApi = sh(process.execPath, ['run.js'], app);
  expect(viaApi.code, viaApi.stderr).toBe(0);
  expect(viaApi.stdout).toMatch(/in process: P\.perceptron working: HOLDS/);
  expect(viaApi.stdout).toMatch(/2 workers: +P\.perceptron working: HOLDS/);

  // 2. the CLI with --claims-from and 2 workers
  const viaCli = sh('npx', ['--no', 'claimcheck', 'check', 'P.perceptron', '--claims-from', './claims.js', '--workers', '2', '--runs', '40', '--quiet', '--out', 'reports/check'], app);
  expect(viaCli.code, viaCli.stderr).toBe(0);
  expect(viaCli.stdout).toMatch(/P\.perceptron\s+working\s+HOLDS/);
  // a plug-in that breaks: its replay command works exactly as printed, here
  fs.copyFileSync(path.join(__dirname, 'api.fixtures/claims.js'), path.join(app, 'plugin.js'));
  const broken = sh('npx', ['--no', 'claimcheck', 'check', 'T.threshold', '--claims-from', './plugin.js', '--workers', '2', '--runs', '20', '--json', '--quiet', '--out', 'reports/t'], app);
  expect(broken.code, broken.stderr).toBe(0);
  const cx = JSON.parse(broken.stdout.trim().split('\n')[0]).counterexample;
  expect(cx.replay).toContain(`--claims-from ${path.join(fs.realpathSync(app), 'plugin.js')}`);
  const replayed = JSON.parse(execFileSync('sh', ['-c', `${cx.replay} --json`], { cwd: app, encoding: 'utf8', env: cleanEnv() }));
  expect(replayed.regime).toEqual(cx.regime);
  expect(replayed.verdict).toBe('breaks');

  // 3. the vitest helper: the example's test passes; a breaking claim fails with its counterexample
  // and replay command; an undecided one is skipped with the reason
  fs.writeFileSync(path.join(app, 'test/threshold.test.mjs'), "import { claimTest } from 'claimcheck/vitest';\nclaimTest('T.threshold', { claimsFrom: ['./plugin.js'], runs: 20, seed: 1 });\n");
  fs.writeFileSync(path.join(app, 'test/undecided.test.mjs'), "import { claimTest } from 'claimcheck/vitest';\nclaimTest('T.below', { claimsFrom: ['./plugin.js'], runs: 3, seed: 1 });\n");
  const viaVitest = sh('npx', ['--no', 'vitest', 'run', '--reporter=json', '--outputFile=vitest.json'], app);
  expect(viaVitest.code).toBe(1);
  const report = JSON.parse(fs.readFileSync(path.join(app, 'vitest.json'), 'utf8'));
  const byFile = Object.fromEntries(report.testResults.map((f: { name: string; assertionResults: { status: string; failureMessages: string[] }[] }) => [path.basename(f.name), f.assertionResults[0]]));
  expect(byFile['perceptron.test.mjs'].status).toBe('passed');
  expect(byFile['threshold.test.mjs'].status).toBe('failed');
  expect(byFile['threshold.test.mjs'].failureMessages.join('\n')).toMatch(/T\.threshold working: BREAKS[\s\S]*counterexample \{"x":\d+\}[\s\S]*replay: npx claimcheck replay T\.threshold .*--claims-from /);
  expect(byFile['undecided.test.mjs'].status).toBe('skipped');
  process.stderr.write(`example.pack: pack + offline install ${((installed - t0) / 1000).toFixed(0)} s, runs ${((Date.now() - installed) / 1000).toFixed(0)} s\n`);
  // a few hundred MB of node_modules: removed in the background, not on the test's clock
  spawn('rm', ['-rf', scratch], { detached: true, stdio: 'ignore' }).unref();
}, 300_000);
