import * as path from 'path';
import { atomicWriteJson } from '../util/atomicWrite';
import { fixturesDir } from '../util/paths';
import { SETTINGS_SPEC } from './constants';
import { CLAIMS, claimModule } from './registry';
import type { Claim } from './types';

/**
 * The default constants profile, generated from the constants every claim declares (with their
 * defaults and help), so fixtures/constants/default.json always lists every constant the suite
 * picks. A test checks that the committed file equals this; `npm run constants:write` rewrites it.
 */
export function defaultProfileJson(claims: readonly Claim[] = CLAIMS.filter((c) => claimModule(c.id)?.builtin)) {
  const section = (specs: Record<string, { default: number; help: string }>) =>
    Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
  const help = (specs: Record<string, { help: string }>) => Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.help]));
  return {
    name: 'default',
    description:
      'The constants claimcheck picks for the asymptotic statements of the papers (O, Omega, Theta with unnamed constants), ' +
      'and the engine settings. Edit a copy and pass it with --constants FILE; every report prints the profile it used. ' +
      'The meaning of each constant is in fixtures/constants/README.md and `claimcheck list --json`.',
    settings: section(SETTINGS_SPEC),
    claims: Object.fromEntries(claims.map((c) => [c.id, section(c.constants)])),
    help: { settings: help(SETTINGS_SPEC), claims: Object.fromEntries(claims.map((c) => [c.id, help(c.constants)])) },
  };
}

if (require.main === module) {
  // the package entry registers the built-in papers (src/ never imports properties/ itself)
  require('../index');
  const file = path.join(fixturesDir('constants'), 'default.json');
  atomicWriteJson(file, defaultProfileJson());
  process.stdout.write(`wrote ${file}\n`);
}
