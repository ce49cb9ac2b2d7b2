// The open documents are judged and published before the rest of the tree
// (workspace.ts judgeOpenFirst), both those open when the pass starts and
// those opened during it. An include fragment must be known as one in that
// early publication already: the early pass finds its includers by a text
// test (mayInclude) that must not miss an include line, whatever spelling it
// uses (relative, "..", nested, tabs and CRLF).
//
// Order is tested where the test controls it: documents open before a reload
// (a settings change that reads the tree again), and a document opened once
// the pass has reported progress on a tree whose pass takes far longer than
// one message.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { REPO, startServer, tmpDir } from './helpers.mjs';

const FIELDS = 'command=x\nnotify_message=y\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=3\nwhen_dow=*\n';
// fragment -> the event text that includes it
const CASES = {
  'includes/frag_rel': 'include ../../includes/frag_rel\n',
  'includes/frag_dot': 'include /team00/../includes/frag_dot\n',
  'includes/frag_nested': 'include /includes/mid\n', // includes/mid says "include frag_nested" (relative to includes/)
  'includes/frag_dots': 'include ./.././../includes/frag_dots\n',
  'includes/frag_tab': 'include\t/includes/frag_tab\r\n',
};
const SETTINGS = { overrides: { max_events_per_user: 1000000 } };

/** A realistic tree of `n` events plus the fragments of CASES and their includers. */
function makeTree(n) {
  const ws = tmpDir('hcron-openfirst-');
  const events = path.join(ws, '.hcron', 'openfirst.example.com', 'events');
  const bad = path.join(events, generateRealistic(events, { events: n }).bad.slice(1));
  fs.mkdirSync(path.join(events, 'zz/inc'), { recursive: true });
  for (const [frag, inc] of Object.entries(CASES)) {
    fs.writeFileSync(path.join(events, frag), 'as_user=\nhost=h.example.com\nnotify_email=\n');
    fs.writeFileSync(path.join(events, 'zz/inc', path.basename(frag)), inc + FIELDS);
  }
  fs.writeFileSync(path.join(events, 'includes/mid'), 'include frag_nested\n');
  return { ws, events, bad };
}

const loads = (s) => s.logs.filter((l) => / loaded in /.test(l)).length;
/** The index in s.logs of the k-th (1-based) "loaded in" line: a publication with `logs` ≤ it came before that load ended. */
const loadEnd = (s, k) => s.logs.map((l, i) => (/ loaded in /.test(l) ? i : -1)).filter((i) => i >= 0)[k - 1];

describe('open documents first: include fragments are known in their first publication', () => {
  let t;
  let s;
  before(async () => {
    t = makeTree(3000);
    s = await startServer({ folder: t.ws, settings: SETTINGS });
    for (const frag of Object.keys(CASES)) s.open(path.join(t.events, frag));
    await s.request('hcron/trees'); // the whole load
    await s.until(() => loads(s) === 1, 'the load');
  });

  after(async () => {
    await s?.shutdown();
    fs.rmSync(t.ws, { recursive: true, force: true });
  });

  for (const frag of Object.keys(CASES))
    it(`${frag} (${CASES[frag].trim().split('\n').pop()})`, async () => {
      const fp = path.join(t.events, frag);
      await s.diags(fp, (d) => d.some((x) => x.code === 'include-fragment'));
      const first = s.publications.find((p) => p.path === fp);
      assert.ok(first.codes.includes('include-fragment'), `first publication: ${first.codes}; ${s.publications.filter((p) => p.path === fp).length} publications, logs ${s.logs.join(' | ')}`);
    });

  it('a reload while the load is still publishing: no file is cleared meanwhile', async () => {
    const mark = s.publications.length;
    s.settings = { ...SETTINGS, maxFileBytes: 4 * 1024 * 1024 }; // a new read limit: the tree is read again
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.until(() => loads(s) === 2, 'the second load');
    // nothing changed on disk: every file published with findings keeps them
    const cleared = s.publications.slice(mark).filter((p) => p.count === 0 && !s.docs.has(p.path));
    assert.deepEqual(cleared.map((p) => p.path), []);
  });

  it('documents open when the tree is read again are published before the rest of it, as fragments', async () => {
    // the last load's publications go out in slices after its log line: let them end
    await s.until(() => s.publications.some((p) => p.path === t.bad && p.logs > loadEnd(s, 2)), 'the second load published');
    for (let n = -1; n !== s.publications.length; ) {
      n = s.publications.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const mark = s.publications.length;
    s.settings = { ...SETTINGS, maxFileBytes: 8 * 1024 * 1024 }; // a new read limit: the tree is read again
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.until(() => loads(s) === 3, 'the third load');
    await s.until(() => s.publications.slice(mark).some((p) => p.path === t.bad), 'the rest of the tree republished');
    const after = s.publications.slice(mark);
    const other = after.findIndex((p) => p.path === t.bad);
    for (const frag of Object.keys(CASES)) {
      const i = after.findIndex((p) => p.path === path.join(t.events, frag));
      assert.ok(i >= 0 && i < other, `${frag}: published (${i}) before the rest of the tree (${other}); first: ${after.slice(0, 3).map((p) => path.basename(p.path))}`);
      assert.ok(after[i].codes.includes('include-fragment'), `${frag}: ${after[i].codes}`);
      assert.ok(after[i].logs <= loadEnd(s, 3), `${frag}: published before the third load ended`);
    }
  });
});

describe('open documents first: a document opened while the tree is judged', () => {
  let t;
  let s;
  before(async () => {
    t = makeTree(20000);
    // A hard link: the names walk cannot see it (a file to it, a hard link to the read), so the
    // read's tree is not the names' and the verdicts judged during the read are not taken
    // (earlyVerdicts.ts usable): the pass after the read judges all 20,000 events, long enough
    // to open a document during it. Without it the pass has nearly nothing left to judge.
    fs.linkSync(path.join(t.events, 'includes/night'), path.join(t.events, 'zz/night-again'));
  });

  after(async () => {
    await s?.shutdown();
    fs.rmSync(t.ws, { recursive: true, force: true });
  });

  it('is published during the pass, before the load ends, as a fragment', async () => {
    s = await startServer({ folder: t.ws, settings: SETTINGS });
    // the judging pass has begun and has more than a second's work left on this tree
    await s.until(() => s.progress.some((p) => p.value.kind === 'report' && /judged/.test(p.value.message ?? '')), 'progress of the judging pass', 60000);
    const fp = path.join(t.events, 'includes/frag_tab');
    s.open(fp);
    await s.until(() => loads(s) === 1, 'the load', 60000);
    await s.diags(fp, (d) => d.some((x) => x.code === 'include-fragment'));
    const first = s.publications.find((p) => p.path === fp);
    assert.ok(first.logs <= loadEnd(s, 1), `published before the load ended (${s.logs.join(' | ')})`);
    assert.ok(first.codes.includes('include-fragment'), `first publication: ${first.codes}`);
  });
});

// The reading thread sends the tree's names before it reads the texts: an open
// event whose files are read is published from them, long before the read
// ends (here a file late in walk order takes 3 s to open: a slow mount,
// test/helpers/hang-fs.cjs). An include fragment is not: its includers are
// known only once every text is read.
describe('open documents first: published from the names while the texts are read', () => {
  let t;
  let s;
  before(async () => {
    t = makeTree(3000);
    fs.mkdirSync(path.join(t.events, 'zzzz'));
    fs.writeFileSync(path.join(t.events, 'zzzz/slow'), FIELDS);
  });

  after(async () => {
    await s?.shutdown();
    fs.rmSync(t.ws, { recursive: true, force: true });
  });

  it('an event is published seconds before the read ends, with the findings of the full load; a fragment after it', async () => {
    s = await startServer({
      folder: t.ws,
      settings: SETTINGS,
      nodeArgs: ['--require', path.join(REPO, 'test/helpers/hang-fs.cjs')],
      env: { HCRON_TEST_HANG: JSON.stringify({ match: 'zzzz/slow', sleepMs: 3000 }) },
    });
    const frag = path.join(t.events, 'includes/frag_rel');
    s.open(t.bad);
    s.open(frag);
    await s.until(() => loads(s) === 1, 'the load', 30000);
    await s.diags(frag, (d) => d.some((x) => x.code === 'include-fragment'));
    const early = s.publications.find((p) => p.path === t.bad);
    const fragFirst = s.publications.find((p) => p.path === frag);
    assert.ok(early.count > 0, 'the event has findings');
    assert.ok(fragFirst.at - early.at > 2000, `published ${Math.round(fragFirst.at - early.at)} ms before the fragment, which waits for the whole read`);
    assert.ok(fragFirst.codes.includes('include-fragment'), `the fragment's first publication: ${fragFirst.codes}`);
    // what was published from the names is what the full load says
    await s.until(() => s.publications.filter((p) => p.path === t.bad).length >= 2, 'the load publishing the event again');
    const final = s.publications.filter((p) => p.path === t.bad).at(-1);
    assert.deepEqual(early.codes, final.codes);
    assert.deepEqual(s.diagnostics.get(t.bad).diagnostics.length, early.count);
  });
});
