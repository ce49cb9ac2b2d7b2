// The language server over a real stdio connection, on the seed tree built
// on disk (real symlinks) under <tmp>/.hcron/hcron.example.com/events.
// Run `npm run build` first (npm test does).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LINKS, messages, posOf, seedWorkspace, startServer, uriOf, pathOf } from './helpers.mjs';

const EVENT = (extra = []) =>
  ['as_user=', 'host=h1.example.com', 'command=/bin/true', 'notify_email=', 'notify_message=', 'when_month=*', 'when_day=*', 'when_hour=*', 'when_minute=7', 'when_dow=*', ...extra].join('\n') + '\n';

const EXTRA = {
  // rejected: bad when_* setting, caused by line 9 (0-based 8)
  broken: EVENT([]).replace('when_minute=7', 'when_minute=60'),
  // a chain to an event that does not exist
  chainer: EVENT(['failover_event=nope']),
  // a dropped link
  dangling: { link: 'nothere' },
  // include and variables
  'includes/common': 'as_user=\nhost=thishostdoesnotexist\n',
  with_include: 'include /includes/common\nX=hello\ncommand=echo $X\nnotify_email=\nnotify_message=$X world\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=5\nwhen_dow=*\n',
};

describe('hcron language server on the seed tree (stdio)', () => {
  let s, ws, events, p;
  before(async () => {
    ({ ws, events } = seedWorkspace(EXTRA));
    p = (rel) => path.join(events, rel);
    s = await startServer({ folder: ws });
    s.open(p('regular_bob'));
    s.open(p('failover/email_target_template'));
    s.open(p('with_include'));
    await s.diags(p('failover/email_target_template'), (d) => d.length > 0);
  });
  after(async () => {
    const code = await s?.shutdown();
    assert.equal(code, 0, 'server exits with 0 after shutdown/exit');
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('announces every feature in initialize', () => {
    const c = s.init.capabilities;
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'completionProvider', 'documentLinkProvider', 'textDocumentSync'])
      assert.ok(c[k], k);
    assert.equal(s.init.serverInfo.name, 'hcron-language-server');
  });

  it('registers the file watcher dynamically for the discovered tree', () => {
    const w = s.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(w, 'didChangeWatchedFiles registered');
    assert.equal(pathOf(w.registerOptions.watchers[0].globPattern.baseUri), events);
  });

  it('rejected event: one status diagnostic with hcron reason at the causing line', async () => {
    const d = await s.diags(p('broken'));
    const st = d.filter((x) => x.code === 'hcron-status');
    assert.equal(st.length, 1);
    assert.equal(st[0].severity, 1);
    assert.equal(st[0].source, 'hcron');
    assert.match(st[0].message, /^rejected: bad when_\* setting/);
    assert.equal(st[0].range.start.line, 8);
    assert.ok(d.some((x) => x.code === 'bad-when' && x.range.start.line === 8), 'finer finding too');
  });

  it('templates get an information diagnostic', async () => {
    for (const rel of ['failover/email_target_template', 'failover/common', 'failover_simple']) {
      const d = await s.diags(p(rel));
      const t = d.find((x) => x.code === 'template');
      assert.ok(t, rel);
      assert.equal(t.severity, 3);
      assert.equal(t.range.start.line, 10, 'on the template_name line');
    }
  });

  it('symlinked template: a warning on template_name naming the three links, related info on each link', async () => {
    const d = await s.diags(p('failover/email_target_template'));
    const w = d.find((x) => x.code === 'symlinked-template');
    assert.ok(w);
    assert.equal(w.severity, 2);
    assert.equal(w.range.start.line, 10);
    for (const l of LINKS) assert.ok(w.message.includes(`/failover/${l}`), l);
    assert.deepEqual(w.relatedInformation.map((r) => pathOf(r.location.uri)).sort(), LINKS.map((l) => p('failover/' + l)).sort());
  });

  it('a dropped link is reported on the link itself', async () => {
    const d = await s.diags(p('dangling'));
    assert.equal(d.length, 1);
    assert.equal(d[0].code, 'dropped');
    assert.match(d[0].message, /hcron drops \/dangling: dangling symlink/);
  });

  it('chain to a missing event', async () => {
    const d = await s.diags(p('chainer'));
    const m = d.find((x) => x.code === 'chain-missing');
    assert.ok(m);
    assert.equal(m.range.start.line, 10);
    assert.equal(m.range.start.character, 'failover_event='.length);
    assert.match(m.message, /\/nope does not exist/);
  });

  it('the accepted symlink targeted by regular_bob is flagged there, with related info', async () => {
    const d = await s.diags(p('regular_bob'));
    const c = d.find((x) => x.code === 'chain-target-scheduled');
    assert.ok(c);
    assert.equal(pathOf(c.relatedInformation[0].location.uri), p('failover/bob@abc.xyz'));
  });

  it('definition: failover_event piece -> through the symlink to the template file', async () => {
    const r = await s.request('textDocument/definition', s.at(p('regular_bob'), '/failover/bob@abc.xyz', 5));
    assert.equal(r.length, 1);
    assert.equal(pathOf(r[0].uri), p('failover/email_target_template'));
  });

  it('definition: include line -> the included file', async () => {
    const r = await s.request('textDocument/definition', s.at(p('with_include'), '/includes/common', 3));
    assert.equal(pathOf(r[0].uri), p('includes/common'));
  });

  it('definition: $X -> its assignment', async () => {
    const r = await s.request('textDocument/definition', s.at(p('with_include'), 'echo $X', 6));
    assert.equal(pathOf(r[0].uri), p('with_include'));
    assert.deepEqual(r[0].range.start, { line: 1, character: 0 });
  });

  it('hover on the template notify_message shows the mail for the caller /regular_bob', async () => {
    const h = await s.request('textDocument/hover', s.at(p('failover/email_target_template'), 'notify_message=', 3));
    assert.equal(h.contents.kind, 'markdown');
    assert.ok(h.contents.value.includes('Failed event (/regular_bob)'), h.contents.value);
    assert.ok(h.range && h.range.start.line === 4);
  });

  it('completion: fields at a line start, variables after $, events in chain values', async () => {
    const fields = (await s.request('textDocument/completion', s.at(p('with_include'), 'command=', 0))).map((i) => i.label);
    assert.ok(fields.includes('failover_event') && fields.includes('next_event'), fields.join());
    const vars = (await s.request('textDocument/completion', s.at(p('with_include'), '$X', 1))).map((i) => i.label);
    assert.ok(vars.includes('X') && vars.includes('HCRON_EVENT_NAME'), vars.join());
    const evs = await s.request('textDocument/completion', s.at(p('regular_bob'), '/failover/bob', 10));
    assert.ok(evs.some((i) => i.label === '/failover/email_target_template'));
    assert.ok(evs.every((i) => i.kind !== undefined));
  });

  it('document symbols list the fields', async () => {
    const r = await s.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(p('regular_bob')) } });
    const names = r.map((x) => x.name);
    assert.ok(names.includes('failover_event') && names.includes('as_user'), names.join());
    const fo = r.find((x) => x.name === 'failover_event');
    assert.equal(fo.range.start.line, 10);
  });

  it('workspace symbols find events by name with their status', async () => {
    const r = await s.request('workspace/symbol', { query: 'regular' });
    assert.deepEqual(r.map((x) => x.name).sort(), ['/regular_bob', '/regular_common']);
    assert.match(r[0].containerName, /accepted/);
  });

  it('references from a chain piece: the callers and the links', async () => {
    const r = await s.request('textDocument/references', { ...s.at(p('regular_bob'), '/failover/bob', 3), context: { includeDeclaration: true } });
    const files = r.map((x) => pathOf(x.uri));
    assert.ok(files.includes(p('regular_bob')));
    for (const l of LINKS) assert.ok(files.includes(p('failover/' + l)), l);
  });

  it('document links: chain pieces and include lines', async () => {
    const r = await s.request('textDocument/documentLink', { textDocument: { uri: uriOf(p('regular_bob')) } });
    assert.equal(r.length, 1);
    assert.equal(pathOf(r[0].target), p('failover/email_target_template'));
    const inc = await s.request('textDocument/documentLink', { textDocument: { uri: uriOf(p('with_include')) } });
    assert.equal(pathOf(inc[0].target), p('includes/common'));
  });

  it('hcron/trees: every tree, counts and statuses', async () => {
    const { trees } = await s.request('hcron/trees');
    assert.equal(trees.length, 1);
    const t = trees[0];
    assert.equal(t.root, events);
    assert.equal(t.server, 'hcron.example.com');
    assert.deepEqual(t.counts, { accepted: 8, rejected: 5, templates: 3, dropped: 1, ignored: 0 });
    const bob = t.events.find((e) => e.name === '/failover/bob@abc.xyz');
    assert.deepEqual({ ...bob, uri: pathOf(bob.uri) }, { name: '/failover/bob@abc.xyz', status: 'accepted', type: 'normal', reason: 'passed', uri: p('failover/bob@abc.xyz') });
    assert.equal(t.events.find((e) => e.name === '/dangling').status, 'dropped');
  });

  it('hcron/statusText: the hcron-info -es text', async () => {
    const { text } = await s.request('hcron/statusText', { root: events });
    assert.equal(
      text,
      [
        'rejected:bad when_* setting:/broken',
        'accepted::/chainer',
        'accepted::/failover/bob@abc.xyz',
        'rejected:template:/failover/common',
        'rejected:template:/failover/email_target_template',
        'accepted::/failover/pager@abc.xyz',
        'accepted::/failover/webmaster@abc.xyz',
        'rejected:template:/failover_simple',
        'rejected:not fully specified, missing field (command):/includes/common',
        'accepted::/regular_bob',
        'accepted::/regular_common',
        'accepted::/simple',
        'accepted::/with_include',
        '',
      ].join('\n'),
    );
  });

  it('hcron/expand: the link run as failover of /regular_bob', async () => {
    const { text } = await s.request('hcron/expand', { uri: uriOf(p('failover/bob@abc.xyz')), trigger: 'failover', after: '/regular_bob' });
    assert.match(text, /HCRON_EVENT_CHAIN=\/regular_bob:\/failover\/bob@abc\.xyz/);
    assert.match(text, /^mail\.to=bob@abc\.xyz$/m);
    assert.match(text, /^mail\.body="Failed event \(\/regular_bob\)"$/m);
    assert.match(text, /^notify_message=Failed event \(\/regular_bob\)$/m);
    const as = await s.request('hcron/expand', { uri: uriOf(p('failover/email_target_template')), asName: '/failover/pager@abc.xyz' });
    assert.match(as.text, /^notify_email=pager@abc\.xyz$/m);
    const inc = await s.request('hcron/expand', { uri: uriOf(p('with_include')) });
    assert.match(inc.text, /^host=thishostdoesnotexist {3}# from \/includes\/common$/m);
    assert.match(inc.text, /^notify_message=hello world$/m);
  });

  it('bad requests never kill the server', async () => {
    await assert.rejects(s.request('hcron/statusText', { root: '/nowhere' }), /no event tree/);
    await assert.rejects(s.request('hcron/expand', {}), /wants/);
    assert.equal(await s.request('textDocument/hover', { textDocument: { uri: 'file:///not/a/tree/file' }, position: { line: 0, character: 0 } }), null);
    assert.equal(await s.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 99, character: 99 } }), null);
    assert.deepEqual(await s.request('textDocument/definition', { textDocument: { uri: uriOf(p('regular_bob')) }, position: { line: 999, character: 5 } }), []);
    await assert.rejects(s.request('hcron/noSuchRequest', {}), /Unhandled method|not found/i);
    // still answering
    const h = await s.request('textDocument/hover', s.at(p('failover/email_target_template'), 'notify_message=', 3));
    assert.ok(h.contents.value.includes('Failed event (/regular_bob)'));
  });
});

describe('edits of open documents and disk changes', () => {
  let s, ws, events, p;
  before(async () => {
    ({ ws, events } = seedWorkspace({
      chainer: EVENT(['failover_event=nope:/newdir/x']),
      'inc/common': 'host=h2.example.com\n',
      includer: 'include /inc/common\n' + EVENT().replace('host=h1.example.com\n', ''),
    }));
    p = (rel) => path.join(events, rel);
    s = await startServer({ folder: ws });
    s.open(p('failover/email_target_template'));
    s.open(p('regular_bob'));
    await s.diags(p('regular_bob'), (d) => d.length > 0);
    await s.diags(p('chainer'), (d) => d.length > 0);
  });
  after(async () => {
    await s?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('an unsaved template edit reaches its links and its callers (and undoing it restores them)', async () => {
    const tpl = p('failover/email_target_template');
    const bob = p('failover/bob@abc.xyz');
    const codes = (fp) => (s.diagnostics.get(fp)?.diagnostics ?? []).map((d) => d.code);
    assert.ok(codes(tpl).includes('symlinked-template'));
    assert.ok(!codes(bob).includes('template'));
    assert.ok(codes(p('regular_bob')).includes('chain-target-scheduled'));
    const hoverBefore = (await s.request('textDocument/hover', s.at(p('regular_bob'), '/failover/bob', 3))).contents.value;
    assert.match(hoverBefore, /accepted/);
    const original = s.docs.get(tpl).text;
    treesChangedBefore: {
      const before = s.treesChanged;
      s.change(tpl, original.replace('template_name=email_target_template', 'template_name=$HCRON_EVENT_NAME[-1]'));
      // the link (not open) now is a template itself
      await s.diags(bob, (d) => d.some((x) => x.code === 'template'));
      // the template lost its warning
      await s.diags(tpl, (d) => !d.some((x) => x.code === 'symlinked-template'));
      // the caller's finding about the scheduled target is gone
      await s.diags(p('regular_bob'), (d) => !d.some((x) => x.code === 'chain-target-scheduled'));
      await s.until(() => s.treesChanged > before, 'hcron/treesChanged');
    }
    const hoverAfter = (await s.request('textDocument/hover', s.at(p('regular_bob'), '/failover/bob', 3))).contents.value;
    assert.match(hoverAfter, /template/);
    assert.notEqual(hoverAfter, hoverBefore);
    // hover on the link's file (not open: the server shows the unsaved template text)
    const linkHover = await s.request('textDocument/hover', { textDocument: { uri: uriOf(bob) }, position: posOf(original, 'template_name=', 2) });
    assert.match(linkHover.contents.value, /\$HCRON_EVENT_NAME\[-1\]/);
    const { trees } = await s.request('hcron/trees');
    assert.equal(trees[0].events.find((e) => e.name === '/failover/bob@abc.xyz').type, 'template');
    // the disk is unchanged
    assert.match(fs.readFileSync(tpl, 'utf8'), /template_name=email_target_template/);
    // undo
    s.change(tpl, original);
    await s.diags(bob, (d) => !d.some((x) => x.code === 'template'));
    await s.diags(p('regular_bob'), (d) => d.some((x) => x.code === 'chain-target-scheduled'));
    await s.diags(tpl, (d) => d.some((x) => x.code === 'symlinked-template'));
  });

  it('an unsaved edit of an include fragment reaches the events that include it', async () => {
    const frag = p('inc/common');
    const text = s.open(frag);
    await s.diags(frag, (d) => d.some((x) => x.code === 'include-fragment'));
    s.change(frag, text + 'this line has no equals sign\n');
    const d = await s.diags(p('includer'), (x) => x.some((y) => y.code === 'hcron-status'));
    const st = d.find((y) => y.code === 'hcron-status');
    assert.match(st.message, /^rejected: bad definition/);
    assert.equal(st.range.start.line, 0, 'shown on the include line');
    assert.equal(pathOf(st.relatedInformation?.[0]?.location.uri ?? d.find((y) => y.code === 'no-equals').relatedInformation[0].location.uri), frag);
    s.change(frag, text);
    await s.diags(p('includer'), (x) => !x.some((y) => y.code === 'hcron-status'));
    s.close(frag);
  });

  it('closing an edited document falls back to the disk text', async () => {
    const tpl = p('failover/email_target_template');
    const original = s.docs.get(tpl).text;
    s.change(tpl, original.replace('when_minute=*', 'when_minute=61'));
    await s.diags(p('failover/bob@abc.xyz'), (d) => d.some((x) => x.code === 'hcron-status' && /bad when/.test(x.message)));
    s.close(tpl);
    await s.diags(p('failover/bob@abc.xyz'), (d) => !d.some((x) => x.code === 'hcron-status'));
    s.open(tpl);
  });

  it('a file created on disk (didChangeWatchedFiles) satisfies a chain; deleting it brings chain-missing back', async () => {
    const chainer = p('chainer');
    const missing = (d) => messages(d, 'chain-missing');
    let d = await s.diags(chainer, (x) => missing(x).length === 2);
    fs.writeFileSync(p('nope'), EVENT(['template_name=nope']));
    s.watched([[p('nope'), 1]]);
    d = await s.diags(chainer, (x) => missing(x).length === 1);
    assert.match(missing(d)[0], /\/newdir\/x does not exist/);
    // a new folder with a file, announced by the folder alone
    fs.mkdirSync(p('newdir'));
    fs.writeFileSync(p('newdir/x'), EVENT(['template_name=x']));
    s.watched([[p('newdir'), 1]]);
    d = await s.diags(chainer, (x) => missing(x).length === 0);
    const st = await s.request('hcron/statusText', { root: events });
    assert.match(st.text.text ?? st.text, /rejected:template:\/newdir\/x/);
    // delete both
    fs.rmSync(p('nope'));
    fs.rmSync(p('newdir'), { recursive: true });
    s.watched([[p('nope'), 3], [p('newdir'), 3]]);
    d = await s.diags(chainer, (x) => missing(x).length === 2);
    const after = await s.request('hcron/statusText', { root: events });
    assert.doesNotMatch(after.text, /nope|newdir/);
  });

  it('a new symlink to the template is named in its warning; a file changed on disk is judged again', async () => {
    const tpl = p('failover/email_target_template');
    fs.symlinkSync('email_target_template', p('failover/ops@abc.xyz'));
    s.watched([[p('failover/ops@abc.xyz'), 1]]);
    await s.diags(tpl, (d) => d.some((x) => x.code === 'symlinked-template' && x.message.includes('/failover/ops@abc.xyz') && x.relatedInformation.length === 4));
    // regular_common is not open: change it on disk
    fs.writeFileSync(p('regular_common'), fs.readFileSync(p('regular_common'), 'utf8').replace('when_dow=*', 'when_dow=mon'));
    s.watched([[p('regular_common'), 2]]);
    const d = await s.diags(p('regular_common'), (x) => x.some((y) => y.code === 'hcron-status'));
    assert.match(d.find((y) => y.code === 'hcron-status').message, /^rejected: bad when_\* setting/);
  });
});
