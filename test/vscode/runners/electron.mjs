// Runs the suite with @vscode/test-electron: desktop VS Code given by VSCODE_EXECUTABLE, or
// downloaded (needs access to VS Code's download site). On Linux it needs a display (xvfb-run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';

/**
 * Returns 0 (passed), 1 (tests ran and failed) or 2 (VS Code ran no test: launch failure).
 * Throws when VS Code cannot be had (download failure). onLine gets each line VS Code prints;
 * `file` is opened in an editor from the start.
 */
export async function runWithElectron({ workspace, extDev, extTests, file, onLine = () => {}, vscodeExecutablePath = process.env.VSCODE_EXECUTABLE, version = process.env.VSCODE_VERSION || '1.100.3' }) {
  const { runTests } = await import('@vscode/test-electron');
  const ud = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vscode-ud-'));
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'security.workspace.trust.enabled': false }));
  let sawCount = false;
  const tee = (dst) => {
    let buf = '';
    return new Writable({
      write(chunk, _enc, cb) {
        dst.write(chunk);
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop();
        for (const l of lines) {
          if (/^\d+ passed, \d+ failed$/.test(l.trim())) sawCount = true;
          onLine(l);
        }
        cb();
      },
    });
  };
  try {
    await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version }),
      extensionDevelopmentPath: extDev,
      extensionTestsPath: extTests,
      stdout: tee(process.stdout),
      stderr: tee(process.stderr),
      launchArgs: [workspace, ...(file ? [file] : []), '--disable-extensions', `--user-data-dir=${ud}`, `--extensions-dir=${path.join(ud, 'ext')}`],
    });
    return 0;
  } catch (e) {
    if (e?.name === 'TestRunFailedError' || e?.constructor?.name === 'TestRunFailedError') return sawCount ? 1 : 2;
    throw e;
  }
}
