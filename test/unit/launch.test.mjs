// The language server's Node options (server/src/launch.ts): bin/hcron-language-server
// carries them on its #! line, and a server started through that line runs with them.
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO, SERVER_BIN, SERVER_NODE_OPTIONS } from '../lsp/helpers.mjs';

test("bin/hcron-language-server's #! line holds launch.ts's options", () => {
  const src = fs.readFileSync(path.join(REPO, 'server/src/launch.ts'), 'utf8');
  const list = /SERVER_NODE_OPTIONS: readonly string\[\] = \[([^\]]*)\]/.exec(src);
  assert.ok(list, 'launch.ts declares SERVER_NODE_OPTIONS as a list of strings');
  const declared = [...list[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
  assert.ok(declared.length > 0);
  assert.deepEqual(SERVER_NODE_OPTIONS, declared);
  assert.match(fs.readFileSync(SERVER_BIN, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env -S node /);
});

test('the server started through its #! line runs with them and answers', async () => {
  const child = cp.spawn(SERVER_BIN, ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const answer = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"serverInfo"')) resolve(out);
      });
      child.on('exit', (c) => reject(new Error(`the server exited (${c}) before answering`)));
    });
    assert.match(answer, /"name":"hcron-language-server"/);
    const argv = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const at = argv.findIndex((a) => a.endsWith('hcron-language-server'));
    assert.ok(at > 0, argv.join(' '));
    assert.deepEqual(argv.slice(1, at), SERVER_NODE_OPTIONS);
  } finally {
    child.kill();
  }
});
