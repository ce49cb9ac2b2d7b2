// A load has two halves (workspace.ts load, lintInBackground): every event is
// judged for its verdict and indexes (most while the tree is read), then
// requests are answered, and the findings of every event follow in the
// background. Here: a hover that knows every caller is answered before the
// findings are made; a document opened meanwhile gets its diagnostics before
// they are; closed files are published only once all are made, with what a
// server that judges everything whole publishes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { countCallers } from '../bench/lsp-bench.mjs';
import { startServer, tmpDir } from './helpers.mjs';

const SETTINGS = { overrides: { max_events_per_user: 1000000 } };
const judgedLine = (s) => s.logs.findIndex((l) => / events judged in /.test(l));
const loadedLine = (s) => s.logs.findIndex((l) => / loaded in /.test(l));

describe('a load in two halves: verdicts and indexes, then the findings in the background', () => {
  let ws;
  let events;
  let facts;
  let callers;
  const servers = [];
  before(() => {
    ws = tmpDir('hcron-twohalves-');
    events = path.join(ws, '.hcron', 'halves.example.com', 'events');
    facts = generateRealistic(events, { events: 20000 });
    callers = countCallers(events, facts).callers;
  });
  after(async () => {
    for (const s of servers) await s.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('answers requests before the findings are made; closed files are published after them, as a whole-judgement server publishes', async () => {
    const s = await startServer({ folder: ws, settings: SETTINGS });
    servers.push(s);
    const tpl = path.join(events, facts.templatePath);
    const bad = path.join(events, facts.bad.slice(1));
    s.open(tpl);
    const h = await s.request('textDocument/hover', s.at(tpl, 'notify_message=', 3), 60000);
    const logsAtHover = s.logs.length;
    assert.match(h.contents.value, new RegExp(`and ${callers - 20} more way`), 'the hover knows every caller');
    assert.ok(judgedLine(s) >= 0 && judgedLine(s) < logsAtHover, `judged before the hover: ${s.logs.join(' | ')}`);
    // the findings of 20,000 events take seconds: a document opened now is published before they are all made
    s.open(bad);
    await s.until(() => loadedLine(s) >= 0, 'the findings of every event', 120000);
    assert.ok(loadedLine(s) >= logsAtHover, 'the hover was answered while the findings were being made');
    const badFirst = s.publications.find((p) => p.path === bad);
    assert.ok(badFirst && badFirst.count > 0, 'the opened event has its findings');
    assert.ok(badFirst.logs <= loadedLine(s), `the opened document is published before the load ends (${badFirst.logs} vs ${loadedLine(s)})`);
    // closed files: only once every finding is made
    await s.until(() => s.publications.some((p) => !s.docs.has(p.path)), 'closed files published', 60000);
    const early = s.publications.filter((p) => !s.docs.has(p.path) && p.logs <= loadedLine(s));
    assert.deepEqual(early.map((p) => p.path), [], 'no closed file is published before its findings are all made');

    // the same tree judged whole (no compact or early verdicts): the same diagnostics
    const w = await startServer({ folder: ws, settings: SETTINGS, env: { HCRON_WHOLE_JUDGEMENTS: '1' } });
    servers.push(w);
    w.open(tpl);
    w.open(bad);
    await w.until(() => loadedLine(w) >= 0, 'the whole-judgement load', 120000);
    const settle = async (x) => {
      for (let n = -1; n !== x.publications.length; ) {
        n = x.publications.length;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await settle(s);
    await settle(w);
    const view = (x) => [...x.diagnostics].filter(([, p]) => p.diagnostics.length).map(([f, p]) => [f, p.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`)]).sort();
    const a = view(s);
    assert.ok(a.length > 100, `${a.length} files with findings`);
    assert.deepEqual(a, view(w));
  });

  // The reading thread that read the tree is ended at once (treeReader.ts BIG_READ: its heap holds
  // a big tree's garbage); a file created afterwards is read by a new one.
  it('reads a file created after the load of a big tree (a new reading thread)', async () => {
    const s = servers[0];
    const fresh = path.join(events, 'team00', 'ingest', 'zz_fresh');
    fs.writeFileSync(fresh, 'command=/bin/true\nwhen_minute=77\nwhen_hour=*\nwhen_day=*\nwhen_month=*\nwhen_dow=*\n');
    s.watched([[fresh, 1]]);
    const t0 = performance.now();
    for (;;) {
      const { trees } = await s.request('hcron/trees');
      const e = trees[0].events.find((x) => x.name === '/team00/ingest/zz_fresh');
      if (e) {
        assert.deepEqual([e.status, e.reason], ['rejected', 'bad when_* setting']);
        break;
      }
      assert.ok(performance.now() - t0 < 60000, 'the new file was never read');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
