// The language service (server/src/service) on real trees with real symlinks:
// the seed (its three email links made real symlinks) plus an include case.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const svc = require('../../dist/service.js');

const SEED = '/work/shared/tools/hcron-oracle/seed/events';
const CTX = { serverName: 'hcron.example.com', hostName: 'hcron.example.com' };
const NOW = new Date(2026, 0, 5, 10, 7); // Monday 2026-01-05 10:07 local
const OPTS = { now: NOW, user: 'alice' };

let tmp;
let events;

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const n of fs.readdirSync(from)) {
    const src = path.join(from, n);
    const dst = path.join(to, n);
    const st = fs.lstatSync(src);
    if (st.isDirectory()) copyTree(src, dst);
    else fs.writeFileSync(dst, fs.readFileSync(src));
  }
}

const EXTRA = {
  'inc/common': 'H=host.from.include\nMAILTO=ops@abc.xyz\n',
  uses_inc: [
    'as_user=',
    'include /inc/common',
    'host=$H',
    'command=echo $H \\',
    '  more $HCRON_EVENT_NAME',
    'notify_email=$MAILTO',
    'notify_message=Line1\\nLine2 on $HCRON_EVENT_NAME',
    'when_month=*',
    'when_day=*',
    'when_hour=3',
    'when_minute=0,30',
    'when_dow=1-5',
    'next_event=simple:/failover/bob@abc.xyz : nothere',
    '',
  ].join('\n'),
  'sub/dir/child': 'as_user=\nhost=h\ncommand=c\nnotify_email=\nnotify_message=\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\nnext_event=sibling\n',
  'sub/dir/sibling': 'template_name=sibling\nnotify_message=from $HCRON_EVENT_CHAIN[0] via $HCRON_TRIGGER_NAME\n',
};

function load() {
  const scan = engine.scanEventsDir(events);
  const config = engine.makeConfig(null);
  const loaded = engine.judgeScan(scan, config, CTX);
  return engine.stateFromJudgements(loaded.tree, loaded.src, CTX, config, loaded.verdict.judgements, loaded.verdict.records);
}

let state;
const doc = (p) => ({ state, path: p, text: state.src.text(state.judgement(engine.nameOf(p))?.ref.content ?? p) });
/** Offset of the n-th occurrence of `needle` in a doc's text, plus `delta`. */
function at(d, needle, delta = 0, nth = 0) {
  let k = -1;
  for (let i = 0; i <= nth; i++) {
    k = d.text.indexOf(needle, k + 1);
    assert.ok(k >= 0, `${needle} not in ${d.path}`);
  }
  return k + delta;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-svc-'));
  events = path.join(tmp, 'events');
  copyTree(SEED, events);
  for (const n of ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz']) {
    const p = path.join(events, 'failover', n);
    fs.rmSync(p);
    fs.symlinkSync('email_target_template', p);
  }
  for (const [rel, text] of Object.entries(EXTRA)) {
    fs.mkdirSync(path.dirname(path.join(events, rel)), { recursive: true });
    fs.writeFileSync(path.join(events, rel), text);
  }
  state = load();
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('setup', () => {
  test('links are real symlinks and load as events', () => {
    assert.ok(fs.lstatSync(path.join(events, 'failover/bob@abc.xyz')).isSymbolicLink());
    const j = state.judgement('/failover/bob@abc.xyz');
    assert.equal(j.ref.content, 'events/failover/email_target_template');
    assert.equal(state.record('/failover/bob@abc.xyz').status, 'accepted');
    assert.equal(state.record('/uses_inc').status, 'accepted');
  });
});

describe('definition', () => {
  test('failover_event=/failover/bob@abc.xyz goes to the template file, not the link', () => {
    const d = doc('events/regular_bob');
    assert.deepEqual(svc.definition(d, at(d, 'bob@abc.xyz', 2)), [{ file: 'events/failover/email_target_template', start: 0, end: 0 }]);
  });
  test('relative piece resolves against the event folder', () => {
    const d = doc('events/simple');
    assert.deepEqual(svc.definition(d, at(d, 'failover_simple', 3)), [{ file: 'events/failover_simple', start: 0, end: 0 }]);
    const c = doc('events/sub/dir/child');
    assert.deepEqual(svc.definition(c, at(c, 'sibling')), [{ file: 'events/sub/dir/sibling', start: 0, end: 0 }]);
  });
  test('each piece of a multi-piece value has its own target; a missing one has none', () => {
    const d = doc('events/uses_inc');
    assert.deepEqual(svc.definition(d, at(d, 'simple:')), [{ file: 'events/simple', start: 0, end: 0 }]);
    assert.deepEqual(svc.definition(d, at(d, '/failover/bob') + 3), [{ file: 'events/failover/email_target_template', start: 0, end: 0 }]);
    assert.deepEqual(svc.definition(d, at(d, 'nothere', 2)), []);
  });
  test('include goes to the included file', () => {
    const d = doc('events/uses_inc');
    assert.deepEqual(svc.definition(d, at(d, '/inc/common', 1)), [{ file: 'events/inc/common', start: 0, end: 0 }]);
  });
  test('$H goes to the assignment in the included file', () => {
    const d = doc('events/uses_inc');
    const incText = state.src.text('events/inc/common');
    const hStart = incText.indexOf('H=');
    assert.deepEqual(svc.definition(d, at(d, '$H', 1)), [{ file: 'events/inc/common', start: hStart, end: hStart + 1 }]);
    // on a continuation line too
    assert.deepEqual(svc.definition(d, at(d, '$H', 1, 1)), [{ file: 'events/inc/common', start: hStart, end: hStart + 1 }]);
  });
  test('a built-in has no location', () => {
    const d = doc('events/uses_inc');
    assert.deepEqual(svc.definition(d, at(d, '$HCRON_EVENT_NAME', 3)), []);
  });
  test('a reference to an earlier assignment in the same file', () => {
    const text = 'X=a\nY=$X:b\n';
    const s2 = withFile('events/tmp_ref', text);
    const d = { state: s2, path: 'events/tmp_ref', text };
    assert.deepEqual(svc.definition(d, text.indexOf('$X') + 1), [{ file: 'events/tmp_ref', start: 0, end: 1 }]);
  });
});

/** A state with one more file (re-scanned from disk). */
function withFile(rel, text) {
  fs.writeFileSync(path.join(events, rel.replace(/^events\//, '')), text);
  try {
    return load();
  } finally {
    fs.rmSync(path.join(events, rel.replace(/^events\//, '')));
  }
}

describe('hover', () => {
  test("template's notify_message: every caller and every link's clock run", () => {
    const d = doc('events/failover/email_target_template');
    const h = svc.hover(d, at(d, 'Failed event', 2), OPTS);
    assert.ok(h, 'hover');
    assert.match(h.markdown, /Failed event \(\/regular_bob\)/);
    assert.match(h.markdown, /Failed event \(\/failover\/bob@abc\.xyz\)/);
    assert.match(h.markdown, /Failed event \(\/failover\/pager@abc\.xyz\)/);
    assert.match(h.markdown, /as failover_event of `\/regular_bob`/);
    assert.match(h.markdown, /not scheduled by the clock \(rejected: template\)/);
    assert.match(h.markdown, /```text\nFailed event/);
    const line = d.text.split('\n').find((l) => l.startsWith('notify_message'));
    assert.equal(h.start, d.text.indexOf(line) + 'notify_message='.length);
  });
  test('notify_message escapes and placeholders', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, 'Line1', 1), OPTS);
    assert.match(h.markdown, /Line1\nLine2 on \/uses_inc/);
  });
  test('notify_email through a symlink document', () => {
    const d = { state, path: 'events/failover/bob@abc.xyz', text: state.src.text('events/failover/email_target_template') };
    const h = svc.hover(d, at(d, '$HCRON_EVENT_NAME[-1]', 2), OPTS);
    assert.match(h.markdown, /`bob@abc\.xyz`/);
    assert.match(h.markdown, /`pager@abc\.xyz`/);
  });
  test('late-only variables show as placeholders; chained trigger', () => {
    const d = doc('events/sub/dir/sibling');
    const h = svc.hover(d, at(d, 'from', 1), OPTS);
    assert.match(h.markdown, /from \/sub\/dir\/child via failover|from \/sub\/dir\/child via next/);
    assert.match(h.markdown, /as next_event of `\/sub\/dir\/child`/);
  });
  test('when_* shows the set, the words and the next five runs', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, '0,30'), OPTS);
    assert.match(h.markdown, /\*\*when_minute\*\*: 0, 30/);
    assert.match(h.markdown, /Schedule: at minute 0, 30 past hour 3/);
    const runs = h.markdown.match(/^- \d{4}-\d\d-\d\d \d\d:\d\d/gm);
    assert.equal(runs.length, 5);
    assert.equal(runs[0], '- 2026-01-06 03:00');
    assert.equal(runs[1], '- 2026-01-06 03:30');
  });
  test("a field's note reads the run's final values: an empty notify_subject names the host and user assigned after it", () => {
    const text = 'as_user=\nhost=h1.example.com\ncommand=/bin/true\nnotify_email=a@b\nnotify_subject=\nnotify_message=\nhost=h$HCRON_EVENT_NAME[-1].example.com\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\n';
    const s2 = withFile('events/tmp_subject', text);
    const h = svc.hover({ state: s2, path: 'events/tmp_subject', text }, text.indexOf('notify_subject=') + 2, OPTS);
    assert.match(h.markdown, /empty: hcron uses `hcron \([^)]*\): "\/tmp_subject" executed at [^@`]+@htmp_subject\.example\.com`/);
    const h2 = svc.hover({ state: s2, path: 'events/tmp_subject', text }, text.indexOf('notify_email=a') + 'notify_email='.length, OPTS);
    assert.match(h2.markdown, /`a@b`/);
  });
  test('when_* on a template says it is not scheduled', () => {
    const d = doc('events/failover/common');
    const h = svc.hover(d, at(d, 'when_minute', 2), OPTS);
    assert.match(h.markdown, /hcron field/);
    assert.match(h.markdown, /does not schedule it by the clock \(rejected: template\)/);
  });
  test('field name docs and nearest field for unknown names', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, 'host', 1), OPTS);
    assert.match(h.markdown, /\*\*`host`\*\* — hcron field/);
    assert.match(h.markdown, /`host\.from\.include`/);
    const text = 'notify_mesage=x\n';
    const s2 = withFile('events/tmp_typo', text);
    const h2 = svc.hover({ state: s2, path: 'events/tmp_typo', text }, 2, OPTS);
    assert.match(h2.markdown, /plain variable/);
    assert.match(h2.markdown, /Did you mean the field `notify_message`/);
  });
  test('chain piece: resolved name, status, runnable', () => {
    const d = doc('events/regular_bob');
    const h = svc.hover(d, at(d, 'bob@abc.xyz'), OPTS);
    assert.match(h.markdown, /`\/failover\/bob@abc\.xyz`: accepted — symlink to `\/failover\/email_target_template`/);
    assert.match(h.markdown, /Runnable/);
    const s = doc('events/simple');
    const h2 = svc.hover(s, at(s, 'failover_simple'), OPTS);
    assert.match(h2.markdown, /→ `\/failover_simple`/);
    assert.match(h2.markdown, /rejected \(template\)/);
    const u = doc('events/uses_inc');
    assert.match(svc.hover(u, at(u, 'nothere'), OPTS).markdown, /Does not exist/);
  });
  test('template_name: compared with the last part of every name of the file', () => {
    const d = doc('events/failover/email_target_template');
    const h = svc.hover(d, at(d, 'template_name=', 16), OPTS);
    assert.match(h.markdown, /`\/failover\/email_target_template`: last part `email_target_template`.*equal: a template/);
    assert.match(h.markdown, /`\/failover\/bob@abc\.xyz` \(symlink\): last part `bob@abc\.xyz`.*differs: not a template.*hcron schedules it/);
  });
  test('include: resolved file and its status', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, '/inc/common', 2), OPTS);
    assert.match(h.markdown, /File: `events\/inc\/common`/);
    assert.match(h.markdown, /rejected \(not fully specified, missing field \(as_user\)\)/);
    assert.match(h.markdown, /Defines: `H`, `MAILTO`/);
  });
  test('hover on a continuation line maps through the join', () => {
    const d = doc('events/uses_inc');
    const off = at(d, '$HCRON_EVENT_NAME', 3);
    const h = svc.hover(d, off, OPTS);
    assert.equal(d.text.slice(h.start, h.end), '$HCRON_EVENT_NAME');
    assert.match(h.markdown, /→ `\/uses_inc`/);
  });
  test('include keyword: the whole line', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, 'include', 2), OPTS);
    assert.equal(d.text.slice(h.start, h.end), 'include /inc/common');
  });
  test('$ reference: where it comes from and its values', () => {
    const d = doc('events/uses_inc');
    const h = svc.hover(d, at(d, '$MAILTO', 2), OPTS);
    assert.match(h.markdown, /line 2 of `\/inc\/common` \(included\)/);
    assert.match(h.markdown, /`ops@abc\.xyz`/);
  });
  test('nothing at a blank spot', () => {
    const text = 'A=1\n\nB=2\n';
    const s2 = withFile('events/tmp_blank', text);
    assert.equal(svc.hover({ state: s2, path: 'events/tmp_blank', text }, 4, OPTS), null);
  });
  test('caps the number of ways to run', () => {
    const dir = path.join(events, 'many');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'tmpl'), 'as_user=\nhost=h\ncommand=c\nnotify_email=\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\ntemplate_name=tmpl\nnotify_message=x $HCRON_EVENT_CHAIN[0]\n');
    for (let i = 0; i < 25; i++) fs.symlinkSync('tmpl', path.join(dir, `l${String(i).padStart(2, '0')}`));
    try {
      const s2 = engine.stateFromJudgements(...(() => {
        const scan = engine.scanEventsDir(events);
        const config = engine.makeConfig('{"max_events_per_user": 1000}');
        const l = engine.judgeScan(scan, config, CTX);
        return [l.tree, l.src, CTX, config, l.verdict.judgements, l.verdict.records];
      })());
      const text = s2.src.text('events/many/tmpl');
      const h = svc.hover({ state: s2, path: 'events/many/tmpl', text }, text.indexOf('x $'), OPTS);
      assert.match(h.markdown, /and 5 more ways to run/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe('completion', () => {
  test('field names at the start of a line, skipping assigned ones, in skeleton order', () => {
    const text = 'as_user=\nhost=x\n\n';
    const s2 = withFile('events/tmp_new', text);
    const items = svc.completion({ state: s2, path: 'events/tmp_new', text }, text.length - 1);
    const labels = items.filter((i) => i.kind === 'field').map((i) => i.label);
    assert.deepEqual(labels.slice(0, 5), ['description', 'contact', 'url', 'label', 'command']);
    assert.ok(!labels.includes('host') && !labels.includes('as_user'));
    assert.deepEqual(labels.slice(-2), ['when_year', 'when_expire']);
    assert.equal(items.find((i) => i.label === 'command').insertText, 'command=');
    assert.ok(items.some((i) => i.kind === 'keyword' && i.label === 'include'));
  });
  test('event names in failover_event values, absolute and relative', () => {
    const d = doc('events/regular_common');
    const off = at(d, 'failover_event=', 'failover_event='.length);
    const items = svc.completion(d, off);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('/failover/common'));
    assert.ok(labels.includes('failover/common'));
    assert.ok(labels.includes('/failover/bob@abc.xyz'));
    const it = items.find((i) => i.label === '/failover/common');
    assert.equal(it.kind, 'event');
    assert.equal(it.replaceStart, off);
    assert.equal(it.replaceEnd, off + '/failover/common'.length);
    assert.match(it.detail, /rejected: template/);
  });
  test('event names after ":" and relative to a sub folder', () => {
    const text = 'next_event=sibling:';
    const s2 = withFile('events/sub/dir/tmp_c', text);
    const items = svc.completion({ state: s2, path: 'events/sub/dir/tmp_c', text }, text.length);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('child'));
    assert.ok(labels.includes('/sub/dir/child'));
    assert.ok(!labels.includes('simple'), 'relative names only from the own folder down');
  });
  test('event names after include', () => {
    const text = 'include /inc/co';
    const s2 = withFile('events/tmp_i', text);
    const items = svc.completion({ state: s2, path: 'events/tmp_i', text }, text.length);
    const it = items.find((i) => i.label === '/inc/common');
    assert.ok(it);
    assert.equal(it.replaceStart, 'include '.length);
  });
  test('variables after $ and #: built-ins and earlier assignments (through includes)', () => {
    const text = 'include /inc/common\nA=1\nB=$\nC=2\n';
    const s2 = withFile('events/tmp_v', text);
    const off = text.indexOf('$') + 1;
    const labels = svc.completion({ state: s2, path: 'events/tmp_v', text }, off).map((i) => i.label);
    for (const n of ['A', 'H', 'MAILTO', 'HCRON_EVENT_NAME', 'HCRON_EVENT_CHAIN', 'HCRON_TRIGGER_NAME', 'HCRON_SCHEDULE_DATETIME']) assert.ok(labels.includes(n), n);
    assert.ok(!labels.includes('C'), 'later assignment');
    assert.ok(!labels.includes('B'), 'the line itself');
    const t2 = 'X=1\nY=#X';
    const s3 = withFile('events/tmp_v2', t2);
    const items = svc.completion({ state: s3, path: 'events/tmp_v2', text: t2 }, t2.length);
    const x = items.find((i) => i.label === 'X');
    assert.equal(x.replaceStart, t2.length - 1);
  });
  test('when_* value forms with descriptions', () => {
    const text = 'when_minute=';
    const s2 = withFile('events/tmp_w', text);
    const items = svc.completion({ state: s2, path: 'events/tmp_w', text }, text.length);
    const labels = items.map((i) => i.label);
    for (const l of ['*', '*/5', '0']) assert.ok(labels.includes(l), l);
    assert.equal(items.find((i) => i.label === '*/15').detail, '0, 15, 30, 45');
    const t2 = 'when_dow=';
    const s3 = withFile('events/tmp_w2', t2);
    const i2 = svc.completion({ state: s3, path: 'events/tmp_w2', text: t2 }, t2.length);
    assert.match(i2.find((i) => i.label === '1-5').detail, /Monday – 5 Friday/);
  });
});

describe('symbols', () => {
  test('document symbols: assignments and includes of the own file only', () => {
    const d = doc('events/uses_inc');
    const syms = svc.documentSymbols(d);
    assert.equal(syms[0].name, 'as_user');
    assert.equal(syms[1].name, 'include /inc/common');
    assert.equal(syms[1].kind, 'include');
    assert.equal(syms[1].detail, '/inc/common');
    assert.ok(!syms.some((s) => s.name === 'H'), 'included names are not symbols of this file');
    const host = syms.find((s) => s.name === 'host');
    assert.equal(host.kind, 'field');
    assert.equal(host.detail, '$H');
    assert.equal(d.text.slice(host.selStart, host.selEnd), 'host');
    assert.equal(d.text.slice(host.start, host.end), 'host=$H');
    const cmd = syms.find((s) => s.name === 'command');
    assert.equal(d.text.slice(cmd.start, cmd.end), 'command=echo $H \\\n  more $HCRON_EVENT_NAME');
  });
  test('workspace symbols: substring and fuzzy, with status', () => {
    const r = svc.workspaceSymbols(state, 'bob');
    const names = r.map((s) => s.name);
    assert.ok(names.includes('/failover/bob@abc.xyz'));
    assert.ok(names.includes('/regular_bob'));
    const tmpl = svc.workspaceSymbols(state, 'fetmpl').find((s) => s.name === '/failover/email_target_template');
    assert.ok(tmpl, 'fuzzy');
    assert.equal(tmpl.status, 'rejected: template');
    assert.deepEqual(tmpl.loc, { file: 'events/failover/email_target_template', start: 0, end: 0 });
    assert.equal(svc.workspaceSymbols(state, '/simple')[0].name, '/simple');
  });
});

describe('references', () => {
  test('the template: its symlinks and every chain piece that reaches it', () => {
    const d = doc('events/failover/email_target_template');
    const refs = svc.references(d, 5);
    const rb = state.src.text('events/regular_bob');
    const k = rb.indexOf('/failover/bob@abc.xyz');
    assert.ok(refs.some((l) => l.file === 'events/regular_bob' && l.start === k && l.end === k + '/failover/bob@abc.xyz'.length));
    const ui = state.src.text('events/uses_inc');
    const k2 = ui.indexOf('/failover/bob@abc.xyz');
    assert.ok(refs.some((l) => l.file === 'events/uses_inc' && l.start === k2));
    for (const n of ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz']) assert.ok(refs.some((l) => l.file === `events/failover/${n}` && l.start === 0 && l.end === 0), n);
  });
  test('an include fragment: the include lines', () => {
    const d = doc('events/inc/common');
    const refs = svc.references(d, 0);
    const ui = state.src.text('events/uses_inc');
    assert.deepEqual(refs, [{ file: 'events/uses_inc', start: ui.indexOf('/inc/common'), end: ui.indexOf('/inc/common') + '/inc/common'.length }]);
  });
  test('on a chain piece: the references of the target', () => {
    const d = doc('events/simple');
    const refs = svc.references(d, at(d, 'failover_simple', 1));
    assert.deepEqual(refs, [{ file: 'events/simple', start: at(d, 'failover_simple'), end: at(d, 'failover_simple') + 'failover_simple'.length }]);
  });
});

describe('document links', () => {
  test('chain pieces and include arguments', () => {
    const d = doc('events/uses_inc');
    const links = svc.documentLinks(d);
    const by = (s) => links.find((l) => d.text.slice(l.start, l.end) === s);
    assert.equal(by('/inc/common').target, 'events/inc/common');
    assert.equal(by('simple').target, 'events/simple');
    assert.equal(by('/failover/bob@abc.xyz').target, 'events/failover/email_target_template');
    assert.equal(by('nothere'), undefined);
    const r = doc('events/regular_bob');
    assert.deepEqual(svc.documentLinks(r).map((l) => l.target), ['events/failover/email_target_template']);
  });
});

describe('stale state', () => {
  test('positions come from ctx.text even when the state holds older text', () => {
    const d = doc('events/regular_bob');
    const text = '# a new comment line\n' + d.text;
    const off = text.indexOf('bob@abc.xyz');
    assert.deepEqual(svc.definition({ state, path: 'events/regular_bob', text }, off), [{ file: 'events/failover/email_target_template', start: 0, end: 0 }]);
  });
});
