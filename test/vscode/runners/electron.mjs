// Runs the suite with @vscode/test-electron: desktop VS Code given by VSCODE_EXECUTABLE, or
// downloaded (needs access to VS Code's download site). On Linux it needs a display (xvfb-run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function runWithElectron({ workspace, extDev, extTests, vscodeExecutablePath = process.env.VSCODE_EXECUTABLE, version = process.env.VSCODE_VERSION || '1.100.3' }) {
  const { runTests } = await import('@vscode/test-electron');
  const ud = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vscode-ud-'));
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'security.workspace.trust.enabled': false }));
  try {
    return await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version }),
      extensionDevelopmentPath: extDev,
      extensionTestsPath: extTests,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${ud}`, `--extensions-dir=${path.join(ud, 'ext')}`],
    });
  } catch (e) {
    if (typeof e === 'number') return e ? 1 : 0;
    throw e;
  }
}
