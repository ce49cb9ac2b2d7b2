// code-server (VS Code 1.100.3 served to a browser) for this project: install it into .cache/ when
// missing, start it on 127.0.0.1 with its own user-data/extensions/HOME folders, stop it.
// Used by `npm start` (no desktop VS Code), `npm run test:vscode` and `npm run screenshots`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || path.join(REPO, '.cache', 'code-server');
export const CHROMIUM = process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

const entry = () => path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function codeServerInstalled() {
  return fs.existsSync(path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`)) && fs.existsSync(entry());
}

/** Runs scripts/install-code-server.sh when code-server is missing. Throws when it fails. */
export function ensureCodeServer() {
  if (codeServerInstalled()) return;
  console.log(`code-server ${CODE_SERVER_VERSION} is not installed in ${CODE_SERVER_DIR}: installing it (about a minute)`);
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'install-code-server.sh'), CODE_SERVER_DIR], { stdio: 'inherit' });
  if (r.status !== 0 || !codeServerInstalled()) throw new Error(`installing code-server failed (exit ${r.status})`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

/**
 * Starts code-server on 127.0.0.1 (no auth) serving `workspace`.
 * Returns { url, host, port, runDir, log, stop() }.
 */
export async function startCodeServer({ workspace, port, settings = {}, quiet = true } = {}) {
  ensureCodeServer();
  port = port || (await freePort());
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-code-server-'));
  for (const d of ['ud/User', 'ext', 'xdg', 'home']) fs.mkdirSync(path.join(runDir, d), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  fs.writeFileSync(path.join(runDir, 'config.yaml'), 'auth: none\n');
  const log = path.join(runDir, 'code-server.log');
  const out = fs.openSync(log, 'a');
  const env = { ...process.env, HOME: path.join(runDir, 'home'), XDG_CONFIG_HOME: path.join(runDir, 'xdg'), XDG_DATA_HOME: path.join(runDir, 'xdg'), XDG_CACHE_HOME: path.join(runDir, 'xdg') };
  delete env.VSCODE_IPC_HOOK_CLI;
  const args = [
    entry(), '--config', path.join(runDir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', path.join(runDir, 'ud'), '--extensions-dir', path.join(runDir, 'ext'),
  ];
  if (workspace) args.push(workspace);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', quiet ? out : 'inherit', quiet ? out : 'inherit'], detached: false });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`code-server exited at start; log: ${log}\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    if (Date.now() - t0 > 30000) {
      child.kill();
      throw new Error(`code-server did not answer within 30 s; log: ${log}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    runDir,
    log,
    child,
    /** Stops it; resolves once it has exited (5 s at most) and its folder (settings, logs) is removed (HCRON_KEEP_TMP=1 keeps it). */
    stop() {
      fs.closeSync(out);
      const remove = () => process.env.HCRON_KEEP_TMP !== '1' && fs.rmSync(runDir, { recursive: true, force: true });
      if (exited) return Promise.resolve(remove());
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve(remove());
        };
        const timer = setTimeout(done, 5000);
        child.once('exit', done);
        child.kill('SIGTERM');
      });
    },
  };
}

/** The workbench URL opening `folder`, loading the extension at `extDev` in development mode. */
export function workbenchUrl(cs, { folder, extDev, extTests, file } = {}) {
  const payload = [];
  if (extDev) payload.push(['extensionDevelopmentPath', `vscode-remote://${cs.host}${extDev}`]);
  if (extTests) payload.push(['extensionTestsPath', `vscode-remote://${cs.host}${extTests}`]);
  if (file) payload.push(['openFile', `vscode-remote://${cs.host}${file}`]);
  let q = folder ? `folder=${encodeURIComponent(folder)}` : '';
  if (payload.length) q += `${q ? '&' : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `${cs.url}/${q ? '?' + q : ''}`;
}

/** Headless Debian chromium through playwright-core (own HOME/XDG folders). */
export async function launchChromium({ viewport } = {}) {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  const { chromium } = await import('playwright-core');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  // its HOME goes with it (HCRON_KEEP_TMP=1 keeps it)
  const close = browser.close.bind(browser);
  browser.close = async (...a) => {
    try {
      await close(...a);
    } finally {
      if (process.env.HCRON_KEEP_TMP !== '1') fs.rmSync(home, { recursive: true, force: true });
    }
  };
  const context = await browser.newContext({ viewport: viewport || { width: 1400, height: 900 } });
  return { browser, context, home };
}
