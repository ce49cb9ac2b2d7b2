// Compact judgements (server/src/compactJudgement.ts): the server keeps only
// a verdict-sized judgement of events that are not open and judges their lines
// again when a request asks. Two servers on the same tree, one compact (the
// default) and one keeping every judgement whole (HCRON_WHOLE_JUDGEMENTS=1),
// must publish the same diagnostics and give the same answers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { startServer, tmpDir, uriOf } from './helpers.mjs';

let ws;
let events;
let compact;
let whole;
const tpl = () => path.join(events, 'failover/mail_template');
const common = () => path.join(events, 'includes/common');

const loadLine = (s) => s.logs.find((l) => / loaded in /.test(l)) ?? '';
const kept = (s) => Number(/; (\d+) judgements kept whole/.exec(loadLine(s))?.[1]);

/** Diagnostics of every file, as published last (by fs path). */
function published(s) {
  return Object.fromEntries([...s.diagnostics].map(([p, d]) => [p, d.diagnostics]).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The same request to both servers. */
async function both(method, params) {
  return Promise.all([compact.request(method, params), whole.request(method, params)]);
}

describe('compact judgements answer like whole ones', () => {
  before(async () => {
    ws = tmpDir('hcron-compact-');
    events = path.join(ws, '.hcron', 'compact.example.com', 'events');
    generateRealistic(events, { events: 600 });
    // a shared include with a relative chain piece, an include through a variable, an event that chains to a later one
    fs.writeFileSync(path.join(events, 'includes/chain'), 'next_event=../post/job000002\n');
    fs.mkdirSync(path.join(events, 'team00/extra'), { recursive: true });
    fs.writeFileSync(path.join(events, 'team00/extra/a'), 'include /includes/common\ninclude /includes/chain\ncommand=a\nnotify_message=x\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=1\nwhen_dow=*\nfailover_event=../../failover/ops3@example.com\n');
    fs.writeFileSync(path.join(events, 'team00/extra/b'), 'include /includes/$HCRON_EVENT_NAME[-1]ommon\ncommand=b\nnotify_message=y\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=2\nwhen_dow=*\nnext_event=/zz/last\n');
    fs.mkdirSync(path.join(events, 'zz'));
    fs.writeFileSync(path.join(events, 'zz/last'), 'include /includes/common\ncommand=z\nnotify_message=z\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=bad\nwhen_dow=*\n');
    const opts = { folder: ws, settings: { overrides: { max_events_per_user: 1000000 } } };
    [compact, whole] = await Promise.all([startServer(opts), startServer({ ...opts, env: { HCRON_WHOLE_JUDGEMENTS: '1' } })]);
    for (const s of [compact, whole]) {
      s.open(tpl());
      await s.request('hcron/trees'); // waits for the load
      await s.until(() => loadLine(s), 'the load log line');
    }
  });

  after(async () => {
    await Promise.all([compact?.shutdown(), whole?.shutdown()]);
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('keeps only the open document whole, or everything on request', () => {
    assert.ok(kept(compact) <= 41, loadLine(compact)); // the template and its 40 symlinks (open)
    assert.ok(kept(whole) > 600, loadLine(whole));
  });

  it('publishes the same diagnostics for every file', async () => {
    await new Promise((r) => setTimeout(r, 300)); // background publications settle
    const a = published(compact);
    assert.ok(Object.keys(a).length > 5);
    assert.deepEqual(a, published(whole));
  });

  it('references, call hierarchy, symbols and completion', async () => {
    const refs = { ...compact.at(tpl(), 'command='), context: { includeDeclaration: true } };
    const [r1, r2] = await both('textDocument/references', refs);
    assert.ok(r1.length > 300);
    assert.deepEqual(r1, r2);
    for (const s of [compact, whole]) s.open(common());
    const [c1, c2] = await both('textDocument/references', { ...compact.at(common(), 'host='), context: { includeDeclaration: true } });
    assert.ok(c1.length > 500); // every include line
    assert.deepEqual(c1, c2);
    const [items] = await both('textDocument/prepareCallHierarchy', compact.at(tpl(), 'command='));
    const [i1, i2] = await both('callHierarchy/incomingCalls', { item: items[0] });
    assert.deepEqual(i1, i2);
    const [w1, w2] = await both('workspace/symbol', { query: 'job00' });
    assert.deepEqual(w1, w2);
  });

  it('hovers and definitions on events that were compact until opened', async () => {
    const files = ['team00/extra/a', 'team00/extra/b', 'zz/last'].map((f) => path.join(events, f));
    for (const dir of ['team01/ingest', 'team02/models']) for (const f of fs.readdirSync(path.join(events, dir)).slice(0, 5)) files.push(path.join(events, dir, f));
    for (const f of files) {
      for (const s of [compact, whole]) s.open(f);
      const text = fs.readFileSync(f, 'utf8');
      for (const needle of ['command=', 'failover_event=', 'next_event=', 'include ']) {
        if (!text.includes(needle)) continue;
        const at = compact.at(f, needle, needle.length + 1);
        assert.deepEqual(...(await both('textDocument/hover', at)), `hover at ${needle} in ${f}`);
        assert.deepEqual(...(await both('textDocument/definition', at)), `definition at ${needle} in ${f}`);
      }
    }
  });

  it('plans renames of files and folders the same way (willRenameFiles)', async () => {
    const moves = [
      [path.join(events, 'team00'), path.join(events, 'team00x')],
      [path.join(events, 'includes/common'), path.join(events, 'includes/shared')],
      [path.join(events, 'team01/post'), path.join(events, 'team01/post2')],
      [path.join(events, 'zz/last'), path.join(events, 'zz/final')],
    ];
    const edits = [];
    for (const [from, to] of moves) {
      const [a, b] = await both('workspace/willRenameFiles', { files: [{ oldUri: uriOf(from), newUri: uriOf(to) }] });
      assert.deepEqual(a, b, `${from} -> ${to}`);
      edits.push(JSON.stringify(a ?? null).split('"newText"').length - 1);
    }
    assert.ok(edits[0] > 0 && edits[1] > 500 && edits[3] > 0, `edits per plan: ${edits}`); // not all empty
  });

  it('logs no verdict that differs when judged again', () => {
    assert.deepEqual(compact.logs.filter((l) => /internal:/.test(l)), []);
  });
});
