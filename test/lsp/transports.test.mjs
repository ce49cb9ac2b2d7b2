// The other transports of bin/hcron-language-server: --node-ipc (what the
// VS Code client uses) and --socket=PORT.
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import rpc from 'vscode-jsonrpc/node';
import { seedWorkspace, SERVER_BIN, uriOf, posOf } from './helpers.mjs';

async function exercise(conn, ws, events) {
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => {});
  const diags = new Promise((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', (p) => {
      if (p.uri.endsWith('/email_target_template') && p.diagnostics.length) resolve(p.diagnostics);
    }),
  );
  conn.listen();
  const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: uriOf(ws), workspaceFolders: [{ uri: uriOf(ws), name: 'ws' }], capabilities: {} });
  assert.ok(init.capabilities.hoverProvider);
  conn.sendNotification('initialized', {});
  const tpl = path.join(events, 'failover/email_target_template');
  const text = fs.readFileSync(tpl, 'utf8');
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(tpl), languageId: 'hcron', version: 1, text } });
  const d = await diags;
  assert.ok(d.some((x) => x.code === 'symlinked-template'));
  const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(tpl) }, position: posOf(text, 'notify_message=', 3) });
  assert.ok(h.contents.value.includes('Failed event (/regular_bob)'));
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
}

const exited = (child) => new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (c) => r(c))));

test('--node-ipc', async () => {
  const { ws, events } = seedWorkspace();
  const child = cp.fork(SERVER_BIN, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  try {
    await exercise(conn, ws, events);
    assert.equal(await exited(child), 0);
  } finally {
    conn.dispose();
    child.kill();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('--socket=PORT', async () => {
  const { ws, events } = seedWorkspace();
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const socketP = new Promise((r) => server.once('connection', r));
  const child = cp.spawn(process.execPath, [SERVER_BIN, `--socket=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const socket = await socketP;
  const conn = rpc.createMessageConnection(new rpc.SocketMessageReader(socket), new rpc.SocketMessageWriter(socket));
  try {
    await exercise(conn, ws, events);
    assert.equal(await exited(child), 0);
  } finally {
    conn.dispose();
    socket.destroy();
    server.close();
    child.kill();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
