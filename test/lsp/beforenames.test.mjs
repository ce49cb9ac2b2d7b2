// Documents open while the tree is read are judged on the members lstat
// finds around them (engine/probe.ts judgeNear, workspace.ts publishNear) and
// published at once, seconds before the names walk ends. That first
// publication must be what the whole load publishes for them, and a document
// the neighbourhood cannot stand for (a hard-linked file, an include
// fragment, a template) waits for the names.
//
// The names walk is held back for real: hang-fs.cjs makes the listing of the
// tree's last folder (zzz_slow) sleep in the reading thread, so the walk ends
// seconds after the documents are open. With max_events_per_user at hcron's
// default (25: loadIndexes finds where the load order cuts) and raised.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { REPO, startServer, tmpDir } from './helpers.mjs';

const BASE = 'as_user=\nhost=h.example.com\nnotify_email=\nnotify_message=m\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_dow=*\n';
const SLEEP_MS = 2500;

function makeTree() {
  const ws = tmpDir('hcron-beforenames-');
  const events = path.join(ws, '.hcron', 'before.example.com', 'events');
  const facts = generateRealistic(events, { events: 1500 });
  const w = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(events, rel)), { recursive: true });
    fs.writeFileSync(path.join(events, rel), text);
  };
  w('aa/missing_target', BASE + 'command=x\nwhen_minute=3\nfailover_event=/no/such/event\nnext_event=/failover/common\n');
  w('aa/bad_minute', BASE + 'command=x\nwhen_minute=75\n');
  w('aa/hard1', BASE + 'command=x\nwhen_minute=4\n');
  fs.linkSync(path.join(events, 'aa/hard1'), path.join(events, 'aa/hard2'));
  w('aa/via_link/real', BASE + 'command=x\nwhen_minute=5\nfailover_event=/aa/alias\n');
  fs.symlinkSync('via_link/real', path.join(events, 'aa/alias'));
  w('zz_late/bad_minute', BASE + 'command=x\nwhen_minute=75\n'); // last but one folder: far past 25 events in load order
  w('zzz_slow/last', BASE + 'command=x\nwhen_minute=6\n');
  return { ws, events, facts };
}

const loadEnd = (s) => s.logs.findIndex((l) => / loaded in /.test(l));
const quickLine = (s, archive) => s.logs.some((l) => l.includes(` ${archive} judged on its neighbourhood while the tree is read`));
const shape = (ds) => ds.map((d) => ({ range: d.range, code: d.code, severity: d.severity, message: d.message }));

for (const [label, settings] of [
  ["hcron's default max_events_per_user (25)", {}],
  ['max_events_per_user raised', { overrides: { max_events_per_user: 1000000 } }],
])
  describe(`documents open before the names walk: ${label}`, { timeout: 120_000 }, () => {
    let t;
    let s;
    let p;
    before(async () => {
      t = makeTree();
      p = (rel) => path.join(t.events, rel);
      s = await startServer({
        folder: t.ws,
        settings,
        nodeArgs: ['--require', path.join(REPO, 'test/helpers/hang-fs.cjs')],
        env: { HCRON_TEST_HANG: JSON.stringify({ match: `${path.sep}zzz_slow`, sleepMs: SLEEP_MS }) },
      });
      for (const rel of [t.facts.bad.slice(1), 'aa/missing_target', 'aa/bad_minute', 'zz_late/bad_minute', 'aa/hard1', 'aa/via_link/real', 'failover/mail_template', 'includes/common']) s.open(p(rel));
      await s.until(() => loadEnd(s) >= 0, 'the load', 60_000);
      await s.request('hcron/trees'); // every verdict known
      // the open documents' final publications
      await s.until(() => ['aa/bad_minute', 'aa/hard1', 'includes/common', 'failover/mail_template'].every((r) => s.diagnostics.has(p(r))), 'the publications', 20_000);
    });

    after(async () => {
      await s?.shutdown();
      fs.rmSync(t.ws, { recursive: true, force: true });
    });

    const firstOf = (rel) => s.publications.find((x) => x.path === p(rel));

    for (const rel of ['<bad>', 'aa/missing_target', 'aa/bad_minute', 'zz_late/bad_minute', 'aa/via_link/real'])
      it(`${rel}: published before the walk ended, as the whole load publishes it`, () => {
        const r = rel === '<bad>' ? t.facts.bad.slice(1) : rel;
        assert.ok(quickLine(s, `events/${r}`), `no quick judgement logged; logs: ${s.logs.join(' | ')}`);
        const first = firstOf(r);
        assert.ok(first && first.logs <= loadEnd(s), 'first publication after the load');
        assert.ok(first.count > 0, 'findings expected');
        assert.deepEqual(shape(first.diagnostics), shape(s.diagnostics.get(p(r)).diagnostics));
      });

    it('the bad events show what hcron will say: a minute out of range, a missing failover target', () => {
      for (const r of ['aa/bad_minute', 'zz_late/bad_minute']) assert.ok(firstOf(r).diagnostics.some((d) => d.message.includes('75')), `${r}: ${firstOf(r).codes.join()}`);
      assert.ok(firstOf('aa/missing_target').diagnostics.some((d) => d.message.includes('/no/such/event does not exist')), firstOf('aa/missing_target').codes.join());
      // hcron's load order cuts at 25 events: aa/ comes first, zz_late/ after some 1,500 events
      assert.ok(!firstOf('aa/bad_minute').codes.includes('max-events'));
      assert.equal(firstOf('zz_late/bad_minute').codes.includes('max-events'), !settings.overrides);
    });

    it('a hard-linked file, an include fragment and a template (its findings name its symlinks) wait for the names', () => {
      for (const r of ['aa/hard1', 'includes/common', 'failover/mail_template']) assert.ok(!quickLine(s, `events/${r}`), `${r} judged before the names`);
      assert.ok(firstOf('includes/common').codes.includes('include-fragment'), firstOf('includes/common').codes.join());
    });
  });

describe('documents named in initializationOptions.open: published during the handshake', { timeout: 120_000 }, () => {
  let t;
  let s;
  let p;
  const settings = { overrides: { max_events_per_user: 1000000 } };
  const docs = ['aa/missing_target', 'zz_late/bad_minute', 'aa/hard1'];
  before(async () => {
    t = makeTree();
    p = (rel) => path.join(t.events, rel);
    const outside = path.join(t.ws, 'notes.txt'); // not in an event tree: nothing to publish
    fs.writeFileSync(outside, 'x');
    s = await startServer({
      folder: t.ws,
      settings,
      initializationOptions: { settings, complete: true, open: [...docs.map((r) => `file://${p(r)}`), `file://${outside}`, 42] },
      nodeArgs: ['--require', path.join(REPO, 'test/helpers/hang-fs.cjs')],
      env: { HCRON_TEST_HANG: JSON.stringify({ match: `${path.sep}zzz_slow`, sleepMs: SLEEP_MS }) },
    });
    await s.until(() => loadEnd(s) >= 0, 'the load', 60_000);
    await s.request('hcron/trees');
  });
  after(async () => {
    await s?.shutdown();
    fs.rmSync(t.ws, { recursive: true, force: true });
  });

  it('published without didOpen, before the walk ended, as the load judges them once open', async () => {
    const handshake = (r) => s.logs.some((l) => l.includes(` events/${r} judged on its neighbourhood during the handshake`));
    for (const r of ['aa/missing_target', 'zz_late/bad_minute']) {
      assert.ok(handshake(r), `${r}: ${s.logs.join(' | ')}`);
      const first = s.publications.find((x) => x.path === p(r));
      assert.ok(first && first.logs <= loadEnd(s) && first.count > 0, `${r}: first publication`);
    }
    assert.ok(!handshake('aa/hard1'), 'a hard-linked file waits for the names');
    assert.ok(!s.publications.some((x) => x.path.endsWith('notes.txt')));
    // the same findings once the documents are open and the tree loaded
    for (const r of ['aa/missing_target', 'zz_late/bad_minute']) {
      const early = shape(s.publications.find((x) => x.path === p(r)).diagnostics);
      const n = s.publications.length;
      s.open(p(r));
      await s.until(() => s.publications.slice(n).some((x) => x.path === p(r)), `${r} published once open`);
      assert.deepEqual(early, shape(s.diagnostics.get(p(r)).diagnostics), r);
    }
  });
});
