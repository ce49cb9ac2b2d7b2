// The editing functions of the language service (server/src/service: codeActions, rename,
// codeLens, inlayHints, chainGraph, callHierarchy, format) on trees built on disk with real
// symlinks and hard links, through dist/service.js.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { BASE, seedTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const svc = require('../../dist/service.js');

const CTX = { serverName: 'hcron.example.com', hostName: 'hcron.example.com' };

function stateOf(events, overrides = { max_events_per_user: 1000 }) {
  const scan = engine.scanEventsDir(events);
  const config = engine.makeConfig(null, overrides);
  const l = engine.judgeScan(scan, config, CTX);
  return engine.stateFromJudgements(l.tree, l.src, CTX, config, l.verdict.judgements, l.verdict.records);
}

function tree(spec, { seed = false } = {}) {
  const events = seed ? seedTree() : path.join(tmpdir(), 'events');
  writeTree(events, spec);
  return events;
}

const docOf = (state, events, rel, text) => ({ state, path: 'events/' + rel, text: text ?? fs.readFileSync(path.join(events, rel), 'utf8') });
const fixes = (d) => svc.codeActions(d, 0, d.text.length);
const apply = (text, edits) => svc.applyEdits(text, edits);

describe('format', () => {
  it('removes blanks around "=" and at line ends, keeps values', () => {
    const t = 'a  =  b c \nX\t=\t1\t\n';
    assert.equal(apply(t, svc.formatEdits(t)), 'a=b c\nX=1\n');
  });

  it('keeps a backslash followed by spaces (removing them would make a continuation)', () => {
    const t = 'X=a \\  \nY=1\n';
    assert.deepEqual(svc.formatEdits(t), []);
  });

  it('keeps the leading spaces of a continuation line and the spaces before a joint', () => {
    const t = 'NOTE=one \\\n   two  \n';
    assert.equal(apply(t, svc.formatEdits(t)), 'NOTE=one \\\n   two\n');
  });

  it('never turns an assignment into an include line, nor touches include lines', () => {
    for (const t of ['include  x= y\n', 'include   /inc/common   \n'.trimEnd() + '\n', 'include =x\n']) {
      const out = apply(t, svc.formatEdits(t));
      assert.equal(out.split('\n')[0].split(/\s+/).length, t.split('\n')[0].trim().split(/\s+/).length, JSON.stringify(out));
    }
    assert.equal(apply('include /inc/x  \n', svc.formatEdits('include /inc/x  \n')), 'include /inc/x\n');
  });

  it('CRLF: blanks before the CR go, the CR stays; comments lose trailing blanks only', () => {
    const t = 'a = b  \r\n# note = x  \r\n';
    assert.equal(apply(t, svc.formatEdits(t)), 'a=b\r\n# note = x\r\n');
  });

  it('an already normal file has no edits', () => {
    assert.deepEqual(svc.formatEdits(BASE), []);
    assert.deepEqual(svc.formatEdits(''), []);
  });

  it('each logical line means the same to hcron after formatting (seeded random files)', () => {
    let seed = 7;
    const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const parts = ['a', 'include', ' ', '  ', '\t', '=', '\\', '\n', 'x', '#', '\r\n', '$X'];
    for (let i = 0; i < 2000; i++) {
      let t = '';
      for (let k = rnd(30); k > 0; k--) t += parts[rnd(parts.length)];
      const before = engine.processLines(t, 'events/x').map((l) => l.text);
      const out = apply(t, svc.formatEdits(t));
      const after = engine.processLines(out, 'events/x').map((l) => l.text);
      const meaning = (s) => {
        const inc = engine.includeDirective(s);
        if (inc) return 'inc ' + inc.arg;
        const eq = s.indexOf('=');
        return eq < 0 ? 'bad ' + s : `set ${s.slice(0, eq).trim()}=${s.slice(eq + 1).trim()}`;
      };
      assert.deepEqual(after.map(meaning), before.map(meaning), JSON.stringify(t));
    }
  });
});

describe('quick fixes', () => {
  it('missing fields go after their predecessor in hcron\'s order; the title says what hcron then says', () => {
    const events = tree({ p: 'as_user=\ncommand=x\nnotify_email=\nwhen_day=*\nwhen_hour=*\nwhen_dow=*\n' });
    const state = stateOf(events);
    const d = docOf(state, events, 'p');
    const f = fixes(d).find((x) => x.finding.code === 'hcron-status');
    assert.equal(f.title, 'Add the missing fields host, notify_message, when_month, when_minute (empty; then rejected: bad when_* setting — fill in the when_* values)');
    assert.equal(apply(d.text, f.change.edits), 'as_user=\nhost=\ncommand=x\nnotify_email=\nnotify_message=\nwhen_month=\nwhen_day=*\nwhen_hour=*\nwhen_minute=\nwhen_dow=*\n');
    assert.equal(f.preferred, false);
  });

  it('missing fields at the end of a file without a final newline', () => {
    const events = tree({ p: BASE.replace('when_dow=*\n', 'when_dow=*').replace('host=h1.example.com\n', '') + '\nX=1' });
    const state = stateOf(events);
    const d = docOf(state, events, 'p');
    const f = fixes(d).find((x) => x.finding.code === 'hcron-status');
    assert.ok(apply(d.text, f.change.edits).startsWith('as_user=\nhost=\ncommand'));
    assert.equal(f.preferred, true);
  });

  it('template_name that lost its file name: two ways back to a template', () => {
    const events = tree({ renamed: BASE + 'template_name=old_name\n' });
    const state = stateOf(events);
    const t = fixes(docOf(state, events, 'renamed')).map((x) => x.title);
    assert.deepEqual(t, ['Make it a template again: template_name=renamed', 'Make it a template again: template_name=$HCRON_EVENT_NAME[-1] (follows renames and symlinks)']);
  });

  it('no typo fix to a field that is set elsewhere; unknown when_ names are fixed', () => {
    const events = tree({ a: BASE + 'hots=x\n', b: BASE.replace('when_minute=*', 'when_minutes=5') });
    const state = stateOf(events);
    assert.ok(!fixes(docOf(state, events, 'a')).some((x) => x.finding.code === 'unknown-field'));
    const f = fixes(docOf(state, events, 'b')).find((x) => x.finding.code === 'unknown-when-field');
    assert.equal(f.title, 'Change "when_minutes" to "when_minute"');
  });

  it('${name}: not when the next character would extend the name; command $X can go to the shell', () => {
    const events = tree({ a: BASE.replace('notify_message=', 'notify_message=${host}name ${host}') });
    const state = stateOf(events);
    const d = docOf(state, events, 'a');
    const fs_ = fixes(d).filter((x) => x.finding.code === 'brace-reference');
    // lint reports the first ${...} of a value; it is followed by "name": no fix
    assert.equal(fs_.length, 0);
  });

  it('chain pieces with ../ are spelled absolute when they leave the folder', () => {
    const events = tree({ 'a/b': BASE + 'next_event=../c\n', c: BASE + 'template_name=c\n' });
    const state = stateOf(events);
    const f = fixes(docOf(state, events, 'a/b')).find((x) => x.finding.code === 'chain-dot');
    assert.equal(f.change.edits[0].newText, '/c');
    assert.equal(svc.spellPiece('/a/x/y', ['/a/b'], true), 'x/y');
    assert.equal(svc.spellPiece('/a/x', ['/a/b', '/c/d'], true), '/a/x');
    assert.equal(svc.spellPiece('/a/x', ['/a/b'], false), '/a/x');
  });

  it('a missing target: a symlink to a template whose template_name follows the name is offered first, not scheduled', () => {
    const events = tree({
      caller: BASE + 'failover_event=/fo/someone\n',
      'fo/tpl': BASE + 'notify_email=$HCRON_EVENT_NAME[-1]\ntemplate_name=$HCRON_EVENT_NAME[-1]\n',
      'other/tpl2': BASE + 'template_name=tpl2\n',
    });
    const state = stateOf(events);
    const fs_ = fixes(docOf(state, events, 'caller')).filter((x) => x.finding.code === 'chain-missing');
    assert.deepEqual(fs_.map((x) => x.title), ['Create /fo/someone as a symlink to the template /fo/tpl', 'Create /fo/someone as a copy of the template /other/tpl2']);
    assert.deepEqual(fs_[0].command, { command: 'hcron.createSymlink', link: 'events/fo/someone', target: 'tpl' });
    assert.equal(fs_[0].preferred, true);
  });

  it('no target is created under a name hcron would ignore', () => {
    const events = tree({ caller: BASE + 'failover_event=/.hidden\n', tpl: BASE + 'template_name=tpl\n' });
    const state = stateOf(events);
    assert.ok(!fixes(docOf(state, events, 'caller')).some((x) => x.finding.code === 'chain-missing'));
  });

  it('hard links: one fix on the template replaces all of them', () => {
    const events = tree({ a_tpl: BASE + 'template_name=a_tpl\n' });
    fs.linkSync(path.join(events, 'a_tpl'), path.join(events, 'b1'));
    fs.linkSync(path.join(events, 'a_tpl'), path.join(events, 'b2'));
    const state = stateOf(events);
    const f = fixes(docOf(state, events, 'a_tpl')).find((x) => x.finding.code === 'hard-linked-template');
    assert.equal(f.title, 'Replace the 2 hard links (/b1, /b2) by symlinks (hcron loads only one name of a hard-linked file)');
    assert.deepEqual(f.command.links.map((l) => [l.file, l.target]), [['events/b1', 'a_tpl'], ['events/b2', 'a_tpl']]);
  });

  it('only the findings in the requested range', () => {
    const events = tree({ p: 'as_user=\ncommand=x\nnotify_mesage=m\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\n' });
    const state = stateOf(events);
    const d = docOf(state, events, 'p');
    const at = d.text.indexOf('notify_mesage');
    const r = svc.codeActions(d, at + 2, at + 2).map((x) => x.finding.code);
    assert.ok(r.includes('unknown-field'));
    assert.ok(!svc.codeActions(d, d.text.indexOf('when_day'), d.text.indexOf('when_day')).some((x) => x.finding.code === 'unknown-field'));
  });
});

describe('rename', () => {
  it('a moved caller gets its relative pieces rewritten; pieces into a moved folder follow it', () => {
    const events = tree({ 'a/x': BASE + 'next_event=y:sub/z\n', 'a/y': BASE + 'template_name=y\n', 'a/sub/z': BASE + 'template_name=z\n', other: BASE + 'next_event=/a/sub/z\n' });
    const state = stateOf(events);
    let p = svc.renameMembers(state, [{ from: 'events/a/x', to: 'events/b/x' }]);
    assert.deepEqual(p.change.edits.map((e) => e.newText), ['/a/y', '/a/sub/z']);
    p = svc.renameMembers(state, [{ from: 'events/a/sub', to: 'events/a/deeper/sub' }]);
    assert.deepEqual(p.change.edits.map((e) => [e.file, e.newText]).sort(), [['events/a/x', 'deeper/sub/z'], ['events/other', '/a/deeper/sub/z']]);
    assert.deepEqual(p.conflicts, []);
  });

  it('relative include lines keep their relative form (with ..), absolute ones stay absolute', () => {
    const events = tree({ 'a/x': BASE.replace('host=h1.example.com\n', '') + 'include common\n', 'a/common': 'host=h\n', 'b/y': BASE.replace('host=h1.example.com\n', '') + 'include /a/common\n' });
    const state = stateOf(events);
    const p = svc.renameMembers(state, [{ from: 'events/a/common', to: 'events/inc/common' }]);
    assert.deepEqual(p.change.edits.map((e) => [e.file, e.newText]).sort(), [['events/a/x', '../inc/common'], ['events/b/y', '/inc/common']]);
  });

  it('a symlink moved elsewhere, and symlinks to a moved file, get new texts', () => {
    const events = tree({ t: BASE + 'template_name=$HCRON_EVENT_NAME[-1]\n', 'l/one': { link: '../t' }, two: { link: 't' } });
    const state = stateOf(events);
    let p = svc.renameMembers(state, [{ from: 'events/l/one', to: 'events/one' }]);
    assert.deepEqual(p.change.ops, [{ kind: 'relink', file: 'events/one', target: 't', was: '../t' }]);
    p = svc.renameMembers(state, [{ from: 'events/t', to: 'events/d/t' }]);
    assert.deepEqual(p.change.ops.map((o) => [o.file, o.target]), [['events/l/one', '../d/t'], ['events/two', 'd/t']]);
    assert.deepEqual(p.warnings, []);
  });

  it('reports verdicts that change: a template whose template_name comes from an include', () => {
    const events = tree({ tpl: BASE + 'include /inc/tn\n', 'inc/tn': 'template_name=tpl\n' });
    const state = stateOf(events);
    const p = svc.renameMembers(state, [{ from: 'events/tpl', to: 'events/tpl2' }]);
    assert.deepEqual(p.change.edits, []);
    assert.deepEqual(p.warnings, ['/tpl (then /tpl2) would be accepted (now rejected: template)']);
  });

  it('prepareRename refuses hard-linked files and targets named by chain values with variables', () => {
    const events = tree({ c1: BASE + 'failover_event=tgt\n', tgt: BASE + 'template_name=tgt\n', c2: BASE + 'X=\nnext_event=tgt$X\n', c3: BASE + 'failover_event=h\n', h: BASE + 'template_name=h\n' });
    fs.linkSync(path.join(events, 'h'), path.join(events, 'h2'));
    const state = stateOf(events);
    const d1 = docOf(state, events, 'c1');
    assert.match(svc.prepareRename(d1, d1.text.indexOf('tgt') + 1).error, /^\/c2 names it in next_event=tgt\$X, a value with variables/);
    const d3 = docOf(state, events, 'c3');
    assert.match(svc.prepareRename(d3, d3.text.lastIndexOf('=h') + 1).error, /hard-linked/);
  });

  it('variables: refused when an included file uses them, or when the new name is taken', () => {
    const events = tree({ e: 'X=1\nY=2\ninclude /inc/uses\n' + BASE, 'inc/uses': 'Z=$X\n' });
    const state = stateOf(events);
    const d = docOf(state, events, 'e');
    assert.match(svc.prepareRename(d, 0).error, /also used in the included file \/inc\/uses/);
    const y = d.text.indexOf('Y=');
    assert.deepEqual(svc.prepareRename(d, y), { start: y, end: y + 1, placeholder: 'Y' });
    assert.match(svc.rename(d, y, 'X').error, /already used/);
    assert.match(svc.rename(d, y, 'when_x').error, /means something to hcron/);
  });
});

describe('lenses, hints, graph, call hierarchy', () => {
  it('a dropped symlink\'s lens says why; a rejected event has no next run', () => {
    const events = tree({ gone: { link: 'nowhere' }, bad: BASE.replace('when_minute=*', 'when_minute=61') });
    const state = stateOf(events);
    assert.deepEqual(svc.codeLenses(docOf(state, events, 'gone', ''), { now: new Date() }).map((l) => l.title), ['hcron: dropped — dangling symlink: /nowhere is not in the tree']);
    const t = svc.codeLenses(docOf(state, events, 'bad'), { now: new Date() }).map((l) => l.title);
    assert.deepEqual(t, ['hcron: rejected: bad when_* setting', 'no event chains to it', 'not scheduled (rejected: bad when_* setting)']);
  });

  it('an include fragment\'s lens says so', () => {
    const events = tree({ e: BASE + 'include /inc/common\n', 'inc/common': 'X=1\n' });
    const state = stateOf(events);
    assert.equal(svc.codeLenses(docOf(state, events, 'inc/common'), { now: new Date() })[0].title, 'hcron: include fragment of 1 event, and an event itself: rejected: not fully specified, missing field (as_user)');
  });

  it('the next run is computed from the when_* sets', () => {
    const events = tree({ e: BASE.replace('when_hour=*', 'when_hour=3').replace('when_minute=*', 'when_minute=30') });
    const state = stateOf(events);
    const l = svc.codeLenses(docOf(state, events, 'e'), { now: new Date(2026, 0, 5, 10, 7) }).find((x) => x.kind === 'next-run');
    assert.equal(l.title, 'next run: 2026-01-06 03:30 (Tue), then 2026-01-07 03:30 (Wed) — at minute 30 past hour 3');
  });

  it('inlay hints: a late variable in when_* stays literal at load', () => {
    const events = tree({ e: BASE.replace('when_minute=*', 'when_minute=$HCRON_ACTIVATE_DATETIME[4]') });
    const state = stateOf(events);
    const d = docOf(state, events, 'e');
    assert.deepEqual(svc.inlayHints(d, 0, d.text.length).map((h) => h.label), ['(stays literal at load)']);
  });

  it('chain graph: depth 0 is the event alone; maxNodes truncates; dropped links show as callers', () => {
    const spec = { hub: BASE + 'template_name=hub\n', dead: { link: 'hub/../nothing' } };
    for (let i = 0; i < 20; i++) spec[`c${i}`] = BASE + 'failover_event=hub\n';
    const events = tree(spec);
    const state = stateOf(events);
    assert.deepEqual(svc.chainGraph(state, '/hub', 0).nodes.map((n) => n.name), ['/hub']);
    const g = svc.chainGraph(state, '/hub', 1, 5);
    assert.equal(g.nodes.length, 5);
    assert.equal(g.truncated, true);
    const all = svc.chainGraph(state, '/hub', 1);
    assert.equal(all.nodes.filter((n) => n.depth === -1).length, 20);
    assert.ok(all.edges.every((e) => e.kind === 'failover'));
  });

  it('call hierarchy: a piece in an include fragment is reported at the include line of the caller', () => {
    const events = tree({ caller: BASE + 'include /inc/fo\n', 'inc/fo': 'failover_event=/tgt\n', tgt: BASE + 'template_name=tgt\n' });
    const state = stateOf(events);
    // the fragment is an event too (rejected: not fully specified, still runnable when chained)
    const inc = svc.incomingCalls(state, '/tgt').filter((c) => c.item.name === '/caller');
    assert.equal(inc.length, 1);
    const text = fs.readFileSync(path.join(events, 'caller'), 'utf8');
    assert.equal(text.slice(inc[0].ranges[0].start, inc[0].ranges[0].end), 'include /inc/fo');
    assert.deepEqual(svc.outgoingCalls(state, '/caller').map((c) => c.item.name), ['/tgt']);
  });
});
