// npm run test:vscode: the Mocha suites of test/vscode/suite and test/vscode/startup (a session that
// opens with an event already in an editor) in a real VS Code, one session each.
//
// Runner choice (HCRON_VSCODE_RUNNER=electron|code-server forces one):
//   1. VSCODE_EXECUTABLE set (a desktop VS Code)     -> @vscode/test-electron with it
//   2. chromium present                               -> code-server (installed into .cache/ when missing)
//   3. otherwise                                      -> @vscode/test-electron downloading VS Code
// When the chosen runner cannot run, the next one is tried; when none can, the run FAILS.
// Always closes with a plain "N passed, N failed" line (both sessions together).
//
// --vsix: run the suite against the packaged extension instead of the repository: `npm run
// package`, unzip the .vsix, and load its extension/ folder (minified bundles, .vscodeignore).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, ensureCodeServer, REPO } from '../../scripts/lib/code-server.mjs';
import { removedAtExit } from '../helpers/trees.mjs';
import { buildSuite } from './build.mjs';
import { makeWorkspace } from './fixture.mjs';
import { runWithCodeServer } from './runners/code-server.mjs';
import { runWithElectron } from './runners/electron.mjs';

const t0 = Date.now();
const fail = (why) => {
  console.error(`test:vscode: ${why}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
};

// 1. the extension itself (client + server bundles)
const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
if (b.status !== 0) fail('the build failed');
for (const f of ['dist/client.js', 'dist/server.js']) if (!fs.existsSync(path.join(REPO, f))) fail(`${f} is missing after the build`);

let extDev = REPO;
if (process.argv.includes('--vsix')) {
  const p = spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = path.join(REPO, 'hcron-language-tools.vsix');
  if (p.status !== 0 || !fs.existsSync(vsix)) fail('npm run package failed');
  const dir = removedAtExit(fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vsix-')));
  const u = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, dir], { stdio: 'inherit' });
  if (u.status !== 0) fail('cannot unzip the .vsix (python3 -m zipfile)');
  extDev = path.join(dir, 'extension');
  console.log(`packaged extension (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB) unpacked in ${extDev}`);
}

// 2. the suites and the workspace: the main suite, then a session that opens with an event
// already in an editor (test/vscode/startup: the diagnostics shown before the server starts)
// (HCRON_VSCODE_SUITES=startup runs only that one)
const only = process.env.HCRON_VSCODE_SUITES?.split(',');
const suites = [
  { name: 'suite', extTests: await buildSuite('suite') },
  { name: 'startup', extTests: await buildSuite('startup'), file: '.hcron/test.example.com/events/bad_when' },
].filter((s) => !only || only.includes(s.name));
const workspace = makeWorkspace(removedAtExit(fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vscode-ws-'))));
console.log(`workspace: ${workspace}`);

// 3. the runner
const forced = process.env.HCRON_VSCODE_RUNNER;
const order = forced ? [forced] : process.env.VSCODE_EXECUTABLE ? ['electron', 'code-server'] : CHROMIUM ? ['code-server', 'electron'] : ['electron'];

let passedLine;
/** Mocha's closing line (suite/index.ts). */
const CLOSING = /^(\d+) passed, (\d+) failed$/m;
const seeLine = (s) => {
  const m = CLOSING.exec(s);
  if (m) passedLine = m[0];
};
const origLog = console.log;
console.log = (...args) => {
  seeLine(args.map(String).join(' '));
  origLog(...args);
};

/** One suite in one VS Code session: its exit code (undefined: no runner could start VS Code) and its closing line. */
async function runSuite({ name, extTests, file }) {
  passedLine = undefined;
  let code;
  for (const runner of order) {
    console.log(`\n--- running the ${name} suite with ${runner === 'electron' ? '@vscode/test-electron' : 'code-server + headless chromium'} ---`);
    const opened = file && path.join(workspace, file);
    if (runner === 'code-server') {
      if (!CHROMIUM) {
        console.error('code-server runner: chromium is not installed (apt-get install chromium)');
        continue;
      }
      try {
        ensureCodeServer();
      } catch (e) {
        console.error(`code-server runner: ${e.message}`);
        continue;
      }
      code = await runWithCodeServer({ workspace, extDev, extTests, file: opened, timeoutMs: Number(process.env.TEST_TIMEOUT_MS || 240000) });
    } else if (runner === 'electron') {
      try {
        code = await runWithElectron({ workspace, extDev, extTests, file: opened, onLine: seeLine });
      } catch (e) {
        console.error(`@vscode/test-electron runner could not run: ${e?.message ?? e}`);
        continue;
      }
    } else fail(`unknown HCRON_VSCODE_RUNNER=${runner}`);
    if (code !== 2) break; // the runner ran the suite (pass or fail): that's the verdict
  }
  return { code, line: passedLine };
}

let passed = 0;
let failed = 0;
let broken = false;
for (const suite of suites) {
  const { code, line } = await runSuite(suite);
  if (code === undefined) {
    console.log = origLog;
    fail('no runner could start VS Code (need chromium for code-server, or VSCODE_EXECUTABLE / a VS Code download for test-electron)');
  }
  const m = line && CLOSING.exec(line);
  if (code === 2 || !m) {
    console.error(`test:vscode: the ${suite.name} suite ran no test (${code === 2 ? 'the runner broke' : 'no closing line'})`);
    broken = true;
    continue;
  }
  passed += Number(m[1]);
  // a suite that failed without a failing test (Mocha's "no test ran") counts as one failure
  failed += Number(m[2]) + (code === 0 || Number(m[2]) ? 0 : 1);
}

console.log = origLog;
console.log(`test:vscode took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (broken) failed++;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
