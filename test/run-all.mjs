// npm test: every suite (unit, grammar, protocol, Neovim, real VS Code), then one closing line
// "total: N passed, N failed" that CI reads. A suite that cannot run counts as failed, never skipped.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

const suites = [
  { name: 'node', cmd: process.execPath, args: ['--test', '--test-reporter=tap', ...['test/unit', 'test/grammar', 'test/lsp'].filter((d) => fs.existsSync(path.join(repo, d)))] },
];
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
if (pkg.scripts?.['test:vscode']) suites.push({ name: 'vscode', cmd: 'npm', args: ['run', '-s', 'test:vscode'] });

function runSuite(s) {
  return new Promise((resolve) => {
    const child = spawn(s.cmd, s.args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
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
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
