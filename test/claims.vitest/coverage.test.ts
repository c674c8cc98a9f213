// Every built-in claim has a claimTest in this folder (a new claim cannot be left out).
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { expect, test } from 'vitest';

const require = createRequire(import.meta.url);

test('every built-in claim is checked by a claimTest in test/claims.vitest', () => {
  const api = require('../../dist/src/index.js');
  const text = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts')
    .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
  const missing = api.CLAIMS.map((c: { id: string }) => c.id).filter((id: string) => !text.includes(`'${id}'`));
  expect(missing).toEqual([]);
});
