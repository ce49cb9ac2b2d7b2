// npm test: every suite (unit, grammar, protocol, Neovim, real VS Code), then one closing line
// "total: N passed, N failed" that CI reads. A suite that cannot run counts as failed, never skipped.
// Every suite runs with TMPDIR in one folder of this run, removed at the end: the suites make
// thousands of trees, servers, code-server and chromium profiles there (~1.5 GB a run), and a
// test that dies mid-way must not leave them in /tmp. HCRON_KEEP_TMP=1 keeps the folder.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

const suites = [
  { name: 'node', cmd: process.execPath, args: ['--test', '--test-reporter=tap', ...['test/unit', 'test/grammar', 'test/lsp'].filter((d) => fs.existsSync(path.join(repo, d)))] },
];
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
if (pkg.scripts?.['test:vscode']) suites.push({ name: 'vscode', cmd: 'npm', args: ['run', '-s', 'test:vscode'] });

const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-tests-'));
fs.chmodSync(runTmp, 0o755); // the permission tests run hcron-check as nobody on trees made here

/** Removes the run's folder, whatever the tests left there (folders made unreadable included). */
function removeRunTmp() {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
      return true;
    } catch {
      openUp(runTmp);
    }
  }
  return false;
}

function openUp(dir) {
  try {
    fs.chmodSync(dir, 0o700);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) openUp(path.join(dir, e.name));
  } catch {
    // gone or not ours: rmSync says what is left
  }
}

for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    if (!process.env.HCRON_KEEP_TMP) removeRunTmp();
    process.exit(130);
  });

function runSuite(s) {
  return new Promise((resolve) => {
    const child = spawn(s.cmd, s.args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: runTmp } });
    let out = '';
    const tee = (stream, dst) =>
      stream.on('data', (d) => {
        out += d;
        dst.write(d);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => {
      let passed = 0;
      let failed = 0;
      const tap = [...out.matchAll(/^# (pass|fail) (\d+)$/gm)];
      const plain = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)];
      if (tap.length) for (const m of tap) m[1] === 'pass' ? (passed += +m[2]) : (failed += +m[2]);
      else if (plain.length) {
        passed = +plain[plain.length - 1][1];
        failed = +plain[plain.length - 1][2];
      }
      if (code !== 0 && failed === 0) failed = 1; // the suite broke without counting: a failure
      if (passed + failed === 0) failed = 1; // ran nothing: a failure
      resolve({ name: s.name, passed, failed, code });
    });
  });
}

let passed = 0;
let failed = 0;
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  console.log(`\n=== ${s.name} tests ===`);
  const r = await runSuite(s);
  console.log(`${s.name}: ${r.passed} passed, ${r.failed} failed`);
  passed += r.passed;
  failed += r.failed;
}
if (process.env.HCRON_KEEP_TMP) console.log(`the tests' files are kept in ${runTmp}`);
else if (!removeRunTmp()) console.log(`could not remove all of ${runTmp}`);
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
