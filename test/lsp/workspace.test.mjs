// Workspace model over stdio: tree discovery (settings, unknown trees),
// settings (hcron.conf, overrides, severity, reconfiguration), the Node
// watcher fallback, $/progress on a large tree, cancellation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import rpc from 'vscode-jsonrpc/node';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { seedWorkspace, startServer, tmpDir, pathOf, uriOf } from './helpers.mjs';

const EVENT = (extra = []) =>
  ['as_user=', 'host=h1.example.com', 'command=/bin/true', 'notify_email=', 'notify_message=', 'when_month=*', 'when_day=*', 'when_hour=*', 'when_minute=7', 'when_dow=*', ...extra].join('\n') + '\n';

describe('tree discovery', () => {
  it('hcron.eventTrees globs name trees outside .hcron/<server>/events; serverName is used', async () => {
    const ws = tmpDir();
    for (const t of ['alpha', 'beta']) {
      fs.mkdirSync(path.join(ws, 'custom', t, 'events'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'custom', t, 'events', 'job'), EVENT([`failover_event=/${t}-missing`]));
    }
    fs.mkdirSync(path.join(ws, 'node_modules/x/.hcron/s/events'), { recursive: true }); // skipped by the walk
    const s = await startServer({ folder: ws, settings: { eventTrees: ['custom/*/events'], serverName: 'set.example.com' } });
    try {
      const { trees } = await s.request('hcron/trees');
      assert.deepEqual(trees.map((t) => t.root).sort(), ['alpha', 'beta'].map((t) => path.join(ws, 'custom', t, 'events')));
      assert.ok(trees.every((t) => t.server === 'set.example.com'));
      const d = await s.diags(path.join(ws, 'custom/beta/events/job'));
      assert.ok(d.some((x) => x.code === 'chain-missing' && x.message.includes('/beta-missing')));
      const exp = await s.request('hcron/expand', { uri: trees[0].events[0].uri });
      assert.match(exp.text, /^HCRON_SERVER_NAME=set\.example\.com$/m);
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('a removed workspace folder takes its tree along (diagnostics cleared, not listed); added again, it is back', async () => {
    const a = tmpDir();
    const b = tmpDir();
    const job = (ws) => path.join(ws, '.hcron/s.example.com/events/job');
    for (const ws of [a, b]) {
      fs.mkdirSync(path.dirname(job(ws)), { recursive: true });
      fs.writeFileSync(job(ws), EVENT(['failover_event=/missing']));
    }
    const s = await startServer({ folder: a, folders: [a, b] });
    const roots = async () => (await s.request('hcron/trees')).trees.map((t) => t.root).sort();
    const change = (added, removed) =>
      s.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: added.map((f) => ({ uri: uriOf(f), name: path.basename(f) })), removed: removed.map((f) => ({ uri: uriOf(f), name: path.basename(f) })) } });
    try {
      for (const ws of [a, b]) await s.diags(job(ws), (d) => d.some((x) => x.code === 'chain-missing'));
      assert.deepEqual(await roots(), [a, b].map((ws) => path.dirname(job(ws))).sort());
      change([], [b]);
      await s.diags(job(b), (d) => d.length === 0);
      assert.deepEqual(await roots(), [path.dirname(job(a))]);
      assert.ok(s.logs.some((l) => l.includes('no longer in the workspace')));
      // a change on disk in the removed folder publishes nothing
      const before = s.publications.length;
      fs.writeFileSync(job(b), EVENT(['failover_event=/other-missing']));
      s.watched([[job(b), 2]]);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(s.publications.slice(before).filter((p) => p.path === job(b)), []);
      // the folder that stays is untouched
      assert.ok(s.diagnostics.get(job(a)).diagnostics.some((x) => x.code === 'chain-missing'));
      change([b], []);
      await s.diags(job(b), (d) => d.some((x) => x.code === 'chain-missing' && x.message.includes('/other-missing')));
      assert.deepEqual(await roots(), [a, b].map((ws) => path.dirname(job(ws))).sort());
    } finally {
      await s.shutdown();
      for (const ws of [a, b]) fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('a document opened from a tree nobody found adds its tree', async () => {
    const ws = tmpDir();
    const other = tmpDir();
    const ev = path.join(other, 'x', 'events');
    fs.mkdirSync(path.join(ev, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(ev, 'sub', 'a'), EVENT(['when_dow=7']));
    const s = await startServer({ folder: ws });
    try {
      assert.deepEqual((await s.request('hcron/trees')).trees, []);
      s.open(path.join(ev, 'sub', 'a'));
      const d = await s.diags(path.join(ev, 'sub', 'a'), (x) => x.length > 0);
      assert.match(d.find((x) => x.code === 'hcron-status').message, /rejected: bad when_\* setting/);
      const { trees } = await s.request('hcron/trees');
      assert.equal(trees.length, 1);
      assert.equal(trees[0].root, ev);
      assert.equal(trees[0].events[0].name, '/sub/a');
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('settings', () => {
  it('hcron.conf path, overrides and per-code severity; workspace/didChangeConfiguration applies new ones', async () => {
    const { ws, events } = seedWorkspace();
    const conf = path.join(ws, 'hcron.conf');
    fs.writeFileSync(conf, '{\n  "names_to_ignore_regexp": "regular_common",\n  "max_events_per_user": 25,\n}\n');
    const settings = { configFile: conf, overrides: { max_events_per_user: 5 }, severity: { localhost: 'off', template: 'hint' } };
    const s = await startServer({ folder: ws, settings });
    const tpl = path.join(events, 'failover/email_target_template');
    try {
      s.open(tpl);
      let d = await s.diags(tpl, (x) => x.length > 0);
      assert.ok(!d.some((x) => x.code === 'localhost'), 'localhost is off');
      assert.equal(d.find((x) => x.code === 'template').severity, 4, 'template re-graded to hint');
      let { trees } = await s.request('hcron/trees');
      assert.equal(trees[0].counts.ignored, 1);
      assert.equal(trees[0].events.find((e) => e.name === '/regular_common').status, 'ignored');
      // load order: regular files by name, then the links: /simple is the 5th -> maximum events reached
      const st = await s.request('hcron/statusText', { root: events });
      assert.match(st.text, /^accepted:maximum events reached:\/simple$/m);
      assert.ok((await s.diags(path.join(events, 'simple'))).some((x) => x.code === 'max-events'));
      // new settings, the way VS Code sends them (flat keys, null/empty = unset)
      s.settings = { configFile: '', maxEventsPerUser: null, namesToIgnoreRegexp: null, allowLocalhost: true, serverName: '', severity: {}, eventTrees: [] };
      const before = s.treesChanged;
      s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { hcron: s.settings } });
      d = await s.diags(tpl, (x) => x.some((y) => y.code === 'template' && y.severity === 3));
      assert.ok(!d.some((x) => x.code === 'localhost'), 'allow_localhost: no localhost warning');
      await s.diags(path.join(events, 'simple'), (x) => !x.some((y) => y.code === 'max-events'));
      await s.until(() => s.treesChanged > before, 'treesChanged');
      ({ trees } = await s.request('hcron/trees'));
      assert.equal(trees[0].counts.ignored, 0);
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('an unreadable hcron.conf falls back to the sample values and says so', async () => {
    const { ws } = seedWorkspace();
    const s = await startServer({ folder: ws, settings: { configFile: path.join(ws, 'nope.conf') } });
    try {
      const { trees } = await s.request('hcron/trees');
      assert.equal(trees[0].counts.accepted, 6);
      await s.until(() => s.logs.some((l) => /cannot read .*nope\.conf/.test(l)), 'a message about the config');
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('watching without dynamic registration', () => {
  it('falls back to a Node watcher: a file created on disk updates the diagnostics', async () => {
    const { ws, events } = seedWorkspace({ chainer: EVENT(['next_event=later']) });
    const caps = { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } };
    const s = await startServer({ folder: ws, capabilities: caps });
    try {
      const chainer = path.join(events, 'chainer');
      await s.diags(chainer, (d) => d.some((x) => x.code === 'chain-missing'));
      assert.ok(!s.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
      fs.writeFileSync(path.join(events, 'later'), EVENT(['template_name=later']));
      await s.diags(chainer, (d) => !d.some((x) => x.code === 'chain-missing'));
      fs.rmSync(path.join(events, 'later'));
      await s.diags(chainer, (d) => d.some((x) => x.code === 'chain-missing'));
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('large tree', () => {
  it('loads in the background with $/progress; a waiting request can be cancelled', async () => {
    const ws = tmpDir();
    const events = path.join(ws, '.hcron', 'big.example.com', 'events');
    const facts = generateRealistic(events, { events: 3000 });
    const s = await startServer({ folder: ws, settings: { overrides: { max_events_per_user: 100000 } } });
    try {
      const src = new rpc.CancellationTokenSource();
      const tpl = path.join(events, 'failover/mail_template');
      const pending = s.conn.sendRequest('textDocument/hover', s.at(tpl, 'notify_message=', 3), src.token);
      src.cancel();
      await assert.rejects(pending, (e) => e.code === -32800);
      const { trees } = await s.request('hcron/trees');
      assert.ok(trees[0].events.filter((e) => e.status !== 'ignored' && e.status !== 'dropped').length >= facts.events);
      const kinds = s.progress.map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.ok(kinds.includes('end'));
      assert.match(s.progress[0].value.title, /big\.example\.com/);
      // still serving
      const h = await s.request('textDocument/hover', s.at(tpl, 'notify_message=', 3));
      assert.match(h.contents.value, /more ways? to run/);
      // the findings follow the verdicts: closed files are published once all are made
      await s.until(() => s.logs.some((l) => / loaded in /.test(l)), 'the findings of every event');
      await s.until(() => s.diagnostics.size > 0, 'diagnostics of closed files');
      assert.ok(s.diagnostics.size <= 5000);
      assert.ok([...s.diagnostics.keys()].every((p) => p.startsWith(events)), pathOf);
    } finally {
      await s.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
