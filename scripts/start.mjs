// npm start: the extension in a real VS Code on examples/, in development mode.
//   * a desktop `code` on PATH:  code --extensionDevelopmentPath=<repo> examples
//   * otherwise (or --code-server): code-server (installed into .cache/ when missing) on
//     127.0.0.1 without auth; prints the URL that opens examples/ with the extension loaded.
// Env: PORT (code-server port, default 8711, or a free one), HCRON_START_WS (folder to open).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, REPO, startCodeServer, workbenchUrl } from './lib/code-server.mjs';

const ws = path.resolve(process.env.HCRON_START_WS || path.join(REPO, 'examples'));
const forceCodeServer = process.argv.includes('--code-server');

const b = spawnSync(process.execPath, ['esbuild.mjs', '--sourcemap'], { cwd: REPO, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);

// hcron's verdict on the bundled trees first, from the same engine the editor uses.
for (const server of fs.readdirSync(path.join(ws, '.hcron'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  const events = path.join(ws, '.hcron', server, 'events');
  if (!fs.existsSync(events)) continue;
  console.log(`\n$ hcron-check status ${path.relative(REPO, events)}`);
  spawnSync(path.join(REPO, 'bin/hcron-check'), ['status', events], { stdio: 'inherit' });
  console.log(`$ hcron-check lint ${path.relative(REPO, events)}`);
  spawnSync(path.join(REPO, 'bin/hcron-check'), ['lint', path.relative(REPO, events)], { stdio: 'inherit', cwd: REPO });
}
console.log('');

function desktopCode() {
  if (process.env.VSCODE_IPC_HOOK_CLI) return undefined; // inside a remote/code-server terminal: `code` is its remote CLI
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, 'code');
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

const code = forceCodeServer ? undefined : desktopCode();
if (code) {
  console.log(`${code} --extensionDevelopmentPath=${REPO} ${ws}`);
  const c = spawn(code, [`--extensionDevelopmentPath=${REPO}`, ws], { stdio: 'inherit' });
  c.on('exit', (n) => process.exit(n ?? 0));
} else {
  let port = Number(process.env.PORT || 8711);
  try {
    const net = await import('node:net');
    await new Promise((res, rej) => {
      const s = net.createServer().once('error', rej).listen(port, '127.0.0.1', () => s.close(res));
    });
  } catch {
    port = await freePort();
  }
  const cs = await startCodeServer({ workspace: ws, port });
  const url = workbenchUrl(cs, { folder: ws, extDev: REPO });
  console.log(`
code-server (VS Code 1.100.3) is serving ${ws} with the hcron extension in development mode.
Open this URL in a browser on this machine (forward port ${cs.port} to reach it from elsewhere):

  ${url}

(Without the ?payload part the extension is not loaded.) Rebuild with "npm run build", then
"Developer: Reload Window" in the page. code-server's log: ${cs.log}
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await cs.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cs.child.on('exit', (n) => {
    if (stopping) return;
    console.error(`code-server exited (${n}); log: ${cs.log}`);
    process.exit(1);
  });
}
