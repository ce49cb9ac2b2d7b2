// hcron/trees with { omitPlainUris: true } (what the VS Code client asks):
// an event comes without its URI exactly where the client's plain one
// (URI.file of root + name) is the server's, and with it where it is not: a
// name that is not UTF-8, a document the client opened under another spelling
// of its URI. Against the answer with every URI, on a tree with symlinks,
// dropped and ignored members.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { BASE } from '../helpers/trees.mjs';
import { startServer, tmpDir } from './helpers.mjs';

describe('hcron/trees without the plain URIs', { timeout: 60_000 }, () => {
  let ws;
  let events;
  let s;
  before(async () => {
    ws = tmpDir('hcron-lsp-trees-');
    events = path.join(ws, '.hcron', 'trees.example.com', 'events');
    fs.mkdirSync(path.join(events, 'team', 'sub'), { recursive: true });
    for (const n of ['a', 'b c', 'sub/d#1', 'tmpl']) fs.writeFileSync(path.join(events, 'team', n), BASE);
    fs.symlinkSync('tmpl', path.join(events, 'team', 'ops@example.com'));
    fs.symlinkSync('nowhere', path.join(events, 'team', 'dangling'));
    fs.writeFileSync(path.join(events, 'team', '.hidden'), BASE);
    // a name that is not UTF-8 (Latin-1 "café")
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(events, 'team') + '/'), Buffer.from([0x63, 0x61, 0x66, 0xe9])]), BASE);
    s = await startServer({ folder: ws });
    // opened under a spelling of its URI that is not vscode-uri's ("@" unescaped)
    const fp = path.join(events, 'team', 'ops@example.com');
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file://' + fp, languageId: 'hcron', version: 1, text: BASE } });
  });
  after(async () => {
    await s?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('every URI is the server\'s, sent only where the plain one differs', async () => {
    await s.until(() => s.diagnostics.size || s.logs.some((l) => / loaded in /.test(l)), 'the load');
    const all = await s.request('hcron/trees', {});
    const full = all.trees.find((t) => t.root === events);
    assert.ok(full, JSON.stringify(all).slice(0, 300) + s.logs.join(' | '));
    const all2 = await s.request('hcron/trees', { omitPlainUris: true });
    const light = all2.trees.find((t) => t.root === events);
    assert.ok(light, JSON.stringify(all2).slice(0, 300) + s.logs.join(' | '));
    assert.equal(light.events.length, full.events.length);
    const statuses = new Set(full.events.map((e) => e.status));
    for (const st of ['accepted', 'rejected', 'dropped', 'ignored']) assert.ok(statuses.has(st) || st === 'rejected', `a ${st} member`);
    const sent = [];
    for (const [i, e] of light.events.entries()) {
      const want = full.events[i];
      assert.equal(e.name, want.name);
      let plain; // the client's (client/src/trees.ts eventUri); a name that is not UTF-8 has none
      try {
        plain = URI.file(path.join(light.root, ...e.name.split('/'))).toString();
      } catch {
        plain = undefined;
      }
      assert.equal(e.uri ?? plain, want.uri, e.name);
      if (e.uri !== undefined) {
        assert.notEqual(e.uri, plain, `${e.name}: its plain URI was sent`);
        sent.push(e.name);
      }
    }
    assert.deepEqual(sent.sort(), ['/team/caf\udce9', '/team/ops@example.com']);
    // the answer is lighter by the URIs left out
    const omitted = full.events.filter((e, i) => light.events[i].uri === undefined).reduce((n, e) => n + JSON.stringify(e.uri).length + ',"uri":'.length, 0);
    assert.equal(JSON.stringify(light).length, JSON.stringify(full).length - omitted);
  });
});
