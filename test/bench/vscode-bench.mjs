// VS Code row of npm run bench: code-server (VS Code served to headless
// chromium, scripts/lib/code-server.mjs) opens a workspace holding a generated
// tree with one event file open from the start; a tiny extensionTests module
// reads the extension's API: activatedAt (Date.now() at the top of activate()),
// firstDiagnosticsAt (when that file's first non-empty diagnostics were shown:
// the extension's early ones, made before the server started, or the server's)
// and firstServerDiagnosticsAt (the server's first). One clock: the extension host's.
//
//   node test/bench/vscode-bench.mjs WORKSPACE FILE [--runs N] [--extension DIR ...]
// With several --extension folders (built copies of the extension), their runs are interleaved.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM, codeServerInstalled, launchChromium, startCodeServer, workbenchUrl } from '../../scripts/lib/code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Why the row cannot be measured here, or undefined. */
export function vscodeUnavailable() {
  if (!CHROMIUM) return 'chromium is not installed';
  if (!codeServerInstalled()) return 'code-server is not installed (npm start or npm run test:vscode installs it into .cache/)';
  return undefined;
}

/**
 * One VS Code session: ms from activation to the first diagnostics of `file` shown (`first`) and
 * to the server's first (`server`; undefined for a build that does not tell them apart).
 * `extension`: the folder of the extension (a built copy, to compare two builds).
 */
export async function measureVsCodeOnce({ workspace, file, timeoutMs = 180000, extension = REPO }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vscode-bench-'));
  const out = path.join(dir, 'result.json');
  const uri = pathToFileURL(file).href;
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `const vscode = require('vscode');
const fs = require('fs');
exports.run = async () => {
  const ext = vscode.extensions.getExtension('hcron-tools.hcron-language-tools');
  const api = await ext.activate();
  const t0 = Date.now();
  let at;
  const server = () => (api.firstServerDiagnosticsAt ?? api.firstDiagnosticsAt).get(${JSON.stringify(uri)});
  while (!((at = api.firstDiagnosticsAt.get(${JSON.stringify(uri)})) && server()) && Date.now() - t0 < ${timeoutMs}) await new Promise((r) => setTimeout(r, 5));
  fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ activatedAt: api.activatedAt, firstDiagnosticsAt: at ?? null, serverAt: api.firstServerDiagnosticsAt ? server() ?? null : undefined, startup: api.startup, open: vscode.workspace.textDocuments.map((d) => d.uri.toString()).includes(${JSON.stringify(uri)}) }));
};
`,
  );
  let cs;
  let browser;
  try {
    cs = await startCodeServer({ workspace });
    const c = await launchChromium();
    browser = c.browser;
    const page = await c.context.newPage();
    let done;
    const finished = new Promise((r) => (done = r));
    await page.exposeFunction('codeAutomationLog', () => {});
    await page.exposeFunction('codeAutomationExit', (code) => done(code));
    page.on('crash', () => done('page crashed'));
    await page.goto(workbenchUrl(cs, { folder: workspace, extDev: extension, extTests: dir, file }));
    const timer = setTimeout(() => done('timeout'), timeoutMs + 60000);
    const code = await finished;
    clearTimeout(timer);
    if (!fs.existsSync(out)) throw new Error(`the VS Code session ended (${code}) without a result`);
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    if (!r.firstDiagnosticsAt) throw new Error('no diagnostics for the open file');
    if (r.serverAt === null) throw new Error('no diagnostics from the server for the open file');
    const server = r.serverAt === undefined ? undefined : r.serverAt - r.activatedAt;
    const logged = activationLogged(cs.runDir);
    const fromLog = logged === undefined ? undefined : r.firstDiagnosticsAt - logged;
    if (process.env.HCRON_BENCH_STARTUP)
      process.stderr.write(
        `activation logged ${logged === undefined ? '?' : r.activatedAt - logged} ms before activate(); client started +${r.startup?.clientStartAt - r.activatedAt} ms, running +${r.startup?.clientRunningAt - r.activatedAt} ms, first diagnostics +${r.firstDiagnosticsAt - r.activatedAt} ms, the server's +${server} ms\n`,
      );
    return { first: r.firstDiagnosticsAt - r.activatedAt, server, fromLog };
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * When the extension host logged that it activates the extension (`ExtensionService#_doActivateExtension`
 * in remoteexthost.log, local time to the millisecond): before it loads the extension's module, so
 * earlier than `activatedAt`. Undefined when the log does not say.
 */
function activationLogged(runDir) {
  const logs = path.join(runDir, 'ud', 'logs');
  try {
    for (const session of fs.readdirSync(logs)) {
      const file = path.join(logs, session, 'exthost1', 'remoteexthost.log');
      if (!fs.existsSync(file)) continue;
      const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.includes('_doActivateExtension hcron-tools.hcron-language-tools'));
      const m = line && /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
      if (m) return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime();
    }
  } catch {
    // no log: not told
  }
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [workspace, file] = process.argv.slice(2);
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 1;
  const extensions = process.argv.flatMap((a, k) => (a === '--extension' ? [path.resolve(process.argv[k + 1])] : []));
  if (!extensions.length) extensions.push(REPO);
  const ms = new Map(extensions.map((e) => [e, { first: [], server: [], fromLog: [] }]));
  for (let k = 0; k < runs; k++)
    for (const extension of extensions) {
      const t = await measureVsCodeOnce({ workspace, file, extension });
      for (const key of ['first', 'server', 'fromLog']) if (t[key] !== undefined) ms.get(extension)[key].push(t[key]);
      console.log(`${extension}: activation -> first diagnostics: ${t.first} ms (the server's: ${t.server ?? '-'} ms; from the activation VS Code logged: ${t.fromLog ?? '-'} ms)`);
    }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const of = (label, a) => (a.length ? `; ${label}: median ${median(a)} ms (${a.join(', ')})` : '');
  if (runs > 1)
    for (const [e, t] of ms)
      console.log(`${e}: median ${median(t.first)} ms of ${t.first.length} (${t.first.join(', ')})${of("the server's", t.server)}${of('from the activation VS Code logged', t.fromLog)}`);
}
