// Test entry loaded by VS Code (extensionTestsPath): the same for @vscode/test-electron and for the
// code-server runner. Runs every *.test.js beside it with Mocha and prints "N passed, N failed".
import * as fs from 'node:fs';
import * as path from 'node:path';
import type MochaType from 'mocha';

// mocha 12's package entry is ESM; its CommonJS build is required directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha: typeof MochaType = require('mocha/lib/mocha.cjs');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: Number(process.env.HCRON_TEST_TIMEOUT_MS || 30000), reporter: 'spec' });
  if (process.env.HCRON_TEST_GREP) mocha.grep(process.env.HCRON_TEST_GREP);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    try {
      const runner = mocha.run((failures) => {
        console.log(`${passed} passed, ${failed} failed`);
        if (failures > 0 || failed > 0) reject(new Error(`${failed} test(s) failed`));
        else if (passed === 0) reject(new Error('no test ran'));
        else resolve();
      });
      runner.on('pass', () => passed++);
      runner.on('fail', () => failed++);
    } catch (e) {
      console.error(e);
      console.log(`${passed} passed, ${failed + 1} failed`);
      reject(e);
    }
  });
}
