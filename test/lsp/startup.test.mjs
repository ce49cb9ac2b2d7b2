// Start-up: the server reads the workspace folders' trees during the handshake
// (from `initialize`, with the caps of initializationOptions.settings; or from
// its start, when the client names the folders in HCRON_READ_EARLY), in a
// thread that posts what it read in parts. The first load takes that read only
// when the settings fetched after `initialized` have the same caps.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE, run } from '../helpers/trees.mjs';
import { startServer, tmpDir } from './helpers.mjs';

const servers = [];
after(async () => {
  for (const s of servers) await s.shutdown().catch(() => undefined);
});

/** A workspace with .hcron/start.example.com/events: `n` events in 5 folders, a hard link whose names are far apart, one bad event. */
function workspace(n) {
  const ws = tmpDir('hcron-lsp-startup-');
  const events = path.join(ws, '.hcron', 'start.example.com', 'events');
  for (let i = 0; i < n; i++) {
    const p = path.join(events, `team${i % 5}`, `job${String(i).padStart(5, '0')}`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, BASE);
  }
  fs.linkSync(path.join(events, 'team0', 'job00000'), path.join(events, 'team4', 'zz-same'));
  fs.writeFileSync(path.join(events, 'team2', 'bad'), BASE.replace('when_minute=*', 'when_minute=61'));
  return { ws, events };
}

const lines = (t) => t.split('\n').filter(Boolean);

async function statusOf(s, events) {
  const root = (await s.request('hcron/trees', {})).trees.find((t) => t.root === events)?.root;
  assert.ok(root, 'the tree is known');
  return (await s.request('hcron/statusText', { root })).text;
}

describe('start-up reads', () => {
  it('a tree of several thousand files (read in parts) has the status hcron-check gives, and the open file its findings', { timeout: 120_000 }, async () => {
    const { ws, events } = workspace(3000);
    const s = await startServer({ folder: ws });
    servers.push(s);
    const bad = path.join(events, 'team2', 'bad');
    s.open(bad);
    const d = await s.diags(bad, (x) => x.length > 0, 60_000);
    assert.match(d.map((x) => x.message).join('\n'), /61/);
    const text = await statusOf(s, events);
    assert.equal(text, run(['status', events]).stdout);
    assert.equal(lines(text).length, 3001);
    await s.shutdown();
  });

  it('caps in initializationOptions that the fetched settings change: the tree is read again with the fetched ones', { timeout: 60_000 }, async () => {
    const { ws, events } = workspace(40);
    // read during the handshake with a cap of 10, but the settings say: no cap
    const s = await startServer({ folder: ws, initializationOptions: { settings: { maxFiles: 10 } }, settings: {} });
    servers.push(s);
    assert.equal(lines(await statusOf(s, events)).length, 41);
    await s.shutdown();
    // read during the handshake without a cap, but the settings say 10
    const s2 = await startServer({ folder: ws, initializationOptions: { settings: {} }, settings: { maxFiles: 10 } });
    servers.push(s2);
    assert.equal(lines(await statusOf(s2, events)).length, 8); // events, team0 and 8 files
    await s2.shutdown();
  });

  it('the same caps in initializationOptions and settings: one read of the tree serves the first load', { timeout: 60_000 }, async () => {
    const { ws, events } = workspace(40);
    const s = await startServer({ folder: ws, initializationOptions: { settings: { maxFiles: 10 } }, settings: { maxFiles: 10 } });
    servers.push(s);
    assert.equal(lines(await statusOf(s, events)).length, 8);
    const all = () => [...s.diagnostics.values()].flatMap((d) => d.diagnostics.map((x) => x.message)).join('\n');
    await s.until(() => /more than the cap of 10 files and folders/.test(all()), 'a cap finding');
    await s.shutdown();
  });

  it('initializationOptions with complete: true are every setting: the first load does not ask workspace/configuration; a change later does', { timeout: 60_000 }, async () => {
    const { ws, events } = workspace(40);
    // workspace/configuration would say: no cap; the complete initializationOptions say 10
    const s = await startServer({ folder: ws, initializationOptions: { settings: { maxFiles: 10 }, complete: true }, settings: {} });
    servers.push(s);
    let asked = 0;
    s.conn.onRequest('workspace/configuration', (p) => (asked++, p.items.map((it) => (it.section === 'hcron' ? s.settings : null))));
    assert.equal(lines(await statusOf(s, events)).length, 8);
    assert.equal(asked, 0);
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.until(() => asked > 0, 'the settings asked for');
    assert.equal(lines(await statusOf(s, events)).length, 41);
    await s.shutdown();
  });

  /** A server started with HCRON_READ_EARLY in its environment (a client may start it so). */
  async function startEarly(value, opts) {
    process.env.HCRON_READ_EARLY = value;
    try {
      return await startServer(opts);
    } finally {
      delete process.env.HCRON_READ_EARLY;
    }
  }

  it('HCRON_READ_EARLY: read before the handshake; used only with the caps of the fetched settings', { timeout: 60_000 }, async () => {
    const { ws, events } = workspace(40);
    const bad = path.join(events, 'team2', 'bad');
    let s = await startEarly(JSON.stringify({ folders: [ws], settings: { maxFiles: 10 } }), { folder: ws, settings: {} });
    servers.push(s);
    assert.equal(lines(await statusOf(s, events)).length, 41);
    await s.shutdown();
    s = await startEarly(JSON.stringify({ folders: [ws], settings: {} }), { folder: ws, settings: {} });
    servers.push(s);
    s.open(bad);
    await s.diags(bad, (x) => x.length > 0, 30_000);
    assert.equal(await statusOf(s, events), run(['status', events]).stdout);
    await s.shutdown();
    // a folder the workspace does not have is read for nothing, and forgotten
    const other = workspace(5);
    s = await startEarly(JSON.stringify({ folders: [other.ws], settings: {} }), { folder: ws, settings: {} });
    servers.push(s);
    assert.equal(lines(await statusOf(s, events)).length, 41);
    assert.deepEqual((await s.request('hcron/trees', {})).trees.map((t) => t.root), [events]);
    await s.shutdown();
  });

  it('a malformed HCRON_READ_EARLY is said on stderr and changes nothing', { timeout: 60_000 }, async () => {
    const { ws, events } = workspace(20);
    for (const v of ['{not json', JSON.stringify({ folders: 'nope' }), JSON.stringify({ folders: [42, null], settings: 7 })]) {
      const s = await startEarly(v, { folder: ws, settings: {} });
      servers.push(s);
      assert.equal(lines(await statusOf(s, events)).length, 21);
      await s.shutdown();
      if (v.startsWith('{not')) assert.match(s.stderr, /HCRON_READ_EARLY/);
    }
  });
});
