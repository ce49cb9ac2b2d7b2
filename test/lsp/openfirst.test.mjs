// The open documents are judged and published before the rest of the tree
// (workspace.ts judgeOpenFirst). An include fragment open from the start must
// be known as one in that first publication already: the early pass finds its
// includers by a text test (mayInclude) that must not miss an include line,
// whatever spelling it uses (relative, "..", nested, tabs and CRLF).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { startServer, tmpDir } from './helpers.mjs';

let ws;
let events;
let s;
let bad;
const FIELDS = 'command=x\nnotify_message=y\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=3\nwhen_dow=*\n';
// fragment -> the event text that includes it
const CASES = {
  'includes/frag_rel': 'include ../../includes/frag_rel\n',
  'includes/frag_dot': 'include /team00/../includes/frag_dot\n',
  'includes/frag_nested': 'include /includes/mid\n', // includes/mid says "include frag_nested" (relative to includes/)
  'includes/frag_dots': 'include ./.././../includes/frag_dots\n',
  'includes/frag_tab': 'include\t/includes/frag_tab\r\n',
};

describe('open documents first: include fragments are known in their first publication', () => {
  before(async () => {
    ws = tmpDir('hcron-openfirst-');
    events = path.join(ws, '.hcron', 'openfirst.example.com', 'events');
    bad = path.join(events, generateRealistic(events, { events: 3000 }).bad.slice(1));
    fs.mkdirSync(path.join(events, 'zz/inc'), { recursive: true });
    for (const [frag, inc] of Object.entries(CASES)) {
      fs.writeFileSync(path.join(events, frag), 'as_user=\nhost=h.example.com\nnotify_email=\n');
      fs.writeFileSync(path.join(events, 'zz/inc', path.basename(frag)), inc + FIELDS);
    }
    fs.writeFileSync(path.join(events, 'includes/mid'), 'include frag_nested\n');
    s = await startServer({ folder: ws, settings: { overrides: { max_events_per_user: 1000000 } } });
    for (const frag of Object.keys(CASES)) s.open(path.join(events, frag));
    await s.request('hcron/trees'); // the whole load
    await s.until(() => s.logs.some((l) => / loaded in /.test(l)), 'the load');
  });

  after(async () => {
    await s?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  for (const frag of Object.keys(CASES))
    it(`${frag} (${CASES[frag].trim().split('\n').pop()})`, async () => {
      const fp = path.join(events, frag);
      await s.diags(fp, (d) => d.some((x) => x.code === 'include-fragment'));
      const first = s.publications.find((p) => p.path === fp);
      assert.ok(first.codes.includes('include-fragment'), `first publication: ${first.codes}`);
      // and it came early: before the full load published the other files' findings
      const other = s.publications.findIndex((p) => p.path === bad);
      assert.ok(other >= 0 && s.publications.indexOf(first) < other, 'published with the open documents, before the rest of the tree');
    });
});
