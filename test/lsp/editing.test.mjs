// Editing features over stdio (issue #7): quick fixes, server commands for
// symlinks, rename (prepare, chain piece, include, variable, willRenameFiles
// + didRenameFiles with symlinks re-pointed), code lenses, inlay hints, call
// hierarchy, hcron/chainGraph and formatting, on trees built on disk with
// real symlinks and hard links: the seed copied from examples/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE, seedTree, tmpdir, writeTree } from '../helpers/trees.mjs';
import { pathOf, posOf, startServer, uriOf } from './helpers.mjs';

const CAPS = {
  workspace: {
    configuration: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    fileOperations: { willRename: true, didRename: true },
    codeLens: { refreshSupport: true },
    inlayHint: { refreshSupport: true },
  },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
    rename: { prepareSupport: true },
    callHierarchy: {},
    inlayHint: {},
    codeLens: {},
  },
};
const SETTINGS = { overrides: { max_events_per_user: 1000 } };

function offsetOf(text, pos) {
  let off = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', off);
    off = nl < 0 ? text.length : nl + 1;
  }
  return off + pos.character;
}

function applyTextEdits(text, edits) {
  const es = edits.map((e) => ({ s: offsetOf(text, e.range.start), e: offsetOf(text, e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  for (const e of es) text = text.slice(0, e.s) + e.t + text.slice(e.e);
  return text;
}

/** Apply a WorkspaceEdit to the disk like a client, telling the server what changed. */
async function applyEdit(s, edit, { didRename = true } = {}) {
  const changed = [];
  const renames = [];
  const changes = edit.documentChanges ?? Object.entries(edit.changes ?? {}).map(([uri, edits]) => ({ textDocument: { uri }, edits }));
  for (const c of changes) {
    if (c.kind === 'create') {
      const p = pathOf(c.uri);
      assert.ok(!fs.existsSync(p), `create: ${p} must not exist`);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, '');
      changed.push([p, 1]);
    } else if (c.kind === 'rename') {
      const a = pathOf(c.oldUri);
      const b = pathOf(c.newUri);
      fs.renameSync(a, b);
      renames.push({ oldUri: c.oldUri, newUri: c.newUri });
      changed.push([a, 3], [b, 1]);
    } else if (c.kind === undefined) {
      const p = pathOf(c.textDocument.uri);
      const open = s.docs.get(p);
      const text = applyTextEdits(open?.text ?? fs.readFileSync(p, 'utf8'), c.edits);
      if (open) s.change(p, text);
      fs.writeFileSync(p, text);
      changed.push([p, 2]);
    }
  }
  if (renames.length && didRename) s.conn.sendNotification('workspace/didRenameFiles', { files: renames });
  s.watched(changed);
}

const codes = (d) => d.map((x) => x.code);

describe('editing features on the seed tree (stdio)', () => {
  let s, ws, events, p;
  before(async () => {
    ws = tmpdir('hcron-edit-');
    events = seedTree(ws);
    writeTree(events, {
      partial: 'as_user=\ncommand=/bin/true\nnotify_mesage=done\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=5\nwhen_dow=*\n',
      dotted: BASE.replace('when_minute=*', 'when_minute=7') + 'failover_event=./simple\n',
      dotted_nowhere: BASE.replace('when_minute=*', 'when_minute=7') + 'failover_event=./nothere\n',
      braces: BASE.replace('notify_message=', 'notify_message=on ${host} and ${nope}').replace('command=/bin/true', 'command=echo $host') + 'when_minute=3\n',
      wants_alice: BASE.replace('when_minute=*', 'when_minute=9') + 'failover_event=/failover/alice@abc.xyz\n',
      wants_carol: BASE.replace('when_minute=*', 'when_minute=9') + 'next_event=/failover/carol\n',
      'vars/uses': 'X=1\n' + BASE.replace('when_minute=*', 'when_minute=$X').replace('command=/bin/true', 'command=echo $X #X') + 'notify_subject=$X[0]\n',
      'sub/child': BASE.replace('when_minute=*', 'when_minute=11') + 'next_event=sib:/simple\n',
      'sub/sib': BASE + 'template_name=sib\n',
      'a/x': BASE.replace('when_minute=*', 'when_minute=12') + 'include /inc/chain\n',
      'b/y': BASE.replace('when_minute=*', 'when_minute=13') + 'include /inc/chain\n',
      'a/t': BASE + 'template_name=t\n',
      'b/t': BASE + 'template_name=t\n',
      'inc/chain': 'failover_event=t\n',
      'inc/common': 'X_FROM_INC=1\n',
      incl: BASE.replace('when_minute=*', 'when_minute=14') + 'include inc/common\n',
      spaced: 'as_user =  \nhost= h1.example.com   \ncommand  =/bin/echo a  b \\  \nnotify_email=\nnotify_message=one \\\n   two  \nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=15\nwhen_dow=*\ninclude  x= y\n',
      linked_target: BASE + 'template_name=$HCRON_EVENT_NAME[-1]\n',
      'links/alias': { link: '../linked_target' },
    });
    fs.linkSync(path.join(events, 'regular_common'), path.join(events, 'zz_hard'));
    p = (rel) => path.join(events, rel);
    s = await startServer({ folder: ws, settings: SETTINGS, capabilities: CAPS });
    s.conn.onRequest('window/showMessageRequest', (m) => {
      s.logs.push('showMessage: ' + m.message);
      return null;
    });
    await s.request('hcron/trees');
  });
  after(async () => {
    await s?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  const actions = async (rel, needle = null) => {
    const fp = p(rel);
    const text = s.docs.get(fp)?.text ?? s.open(fp);
    const lines = text.split('\n');
    const range = needle ? { start: posOf(text, needle), end: posOf(text, needle, needle.length) } : { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
    return s.request('textDocument/codeAction', { textDocument: { uri: uriOf(fp) }, range, context: { diagnostics: [] } });
  };

  it('announces the editing features', () => {
    const c = s.init.capabilities;
    assert.deepEqual(c.codeActionProvider.codeActionKinds, ['quickfix']);
    assert.equal(c.renameProvider.prepareProvider, true);
    for (const k of ['codeLensProvider', 'inlayHintProvider', 'callHierarchyProvider', 'documentFormattingProvider']) assert.ok(c[k], k);
    assert.deepEqual(c.executeCommandProvider.commands, ['hcron.createSymlink', 'hcron.replaceHardLink']);
    assert.ok(c.workspace.fileOperations.willRename && c.workspace.fileOperations.didRename);
    assert.ok(c.workspace.workspaceFolders, 'the workspace capabilities merged, not replaced');
    assert.ok(c.experimental.hcron.requests.includes('hcron/chainGraph'));
  });

  it('quick fix: add the missing required fields in hcron\'s order; the result is re-judged', async () => {
    const fp = p('partial');
    await s.diags(fp, (d) => d.some((x) => x.code === 'hcron-status'));
    const acts = await actions('partial');
    const add = acts.find((a) => /^Add the missing fields host, notify_email, notify_message/.test(a.title));
    assert.ok(add, acts.map((a) => a.title).join('\n'));
    assert.equal(add.kind, 'quickfix');
    assert.equal(add.diagnostics[0].code, 'hcron-status');
    const text = applyTextEdits(s.docs.get(fp).text, add.edit.documentChanges[0].edits);
    assert.match(text, /^as_user=\nhost=\ncommand=\/bin\/true\nnotify_email=\nnotify_message=\nnotify_mesage=done\n/);
    s.change(fp, text);
    await s.diags(fp, (d) => !d.some((x) => x.code === 'hcron-status'));
  });

  it('quick fix: a typo\'d field name becomes the nearest field, only when that field is not set already', async () => {
    const fp = p('partial');
    // notify_message is now set (previous test): renaming notify_mesage would silently override it
    let acts = await actions('partial', 'notify_mesage');
    assert.ok(!acts.some((a) => /Change "notify_mesage"/.test(a.title)), acts.map((a) => a.title).join('\n'));
    s.change(fp, s.docs.get(fp).text.replace('notify_message=\n', ''));
    await s.diags(fp, (d) => d.some((x) => x.code === 'unknown-field'));
    acts = await actions('partial', 'notify_mesage');
    const fix = acts.find((a) => a.title === 'Change "notify_mesage" to "notify_message"');
    assert.ok(fix, acts.map((a) => a.title).join('\n'));
    assert.equal(fix.isPreferred, true);
    s.change(fp, applyTextEdits(s.docs.get(fp).text, fix.edit.documentChanges[0].edits));
    const d = await s.diags(fp, (x) => !x.some((y) => y.code === 'unknown-field'));
    assert.ok(!codes(d).includes('hcron-status'), 'accepted now');
  });

  it('quick fix: the symlinked template becomes template_name=$HCRON_EVENT_NAME[-1]; every link is then a template', async () => {
    const fp = p('failover/email_target_template');
    await s.diags(fp, (d) => d.some((x) => x.code === 'symlinked-template'));
    const acts = await actions('failover/email_target_template', 'template_name=email');
    const fix = acts.find((a) => a.diagnostics[0].code === 'symlinked-template');
    assert.ok(fix);
    assert.match(fix.title, /template_name=\$HCRON_EVENT_NAME\[-1\]/);
    const before = s.docs.get(fp).text;
    s.change(fp, applyTextEdits(before, fix.edit.documentChanges[0].edits));
    assert.match(s.docs.get(fp).text, /^template_name=\$HCRON_EVENT_NAME\[-1\]/m);
    await s.diags(fp, (d) => !d.some((x) => x.code === 'symlinked-template'));
    const { trees } = await s.request('hcron/trees');
    const bob = trees[0].events.find((e) => e.name === '/failover/bob@abc.xyz');
    assert.equal(bob.type, 'template');
    s.change(fp, before);
    await s.diags(fp, (d) => d.some((x) => x.code === 'symlinked-template'));
  });

  it('quick fix: ./x chain pieces become a name hcron resolves, only when that event exists', async () => {
    let acts = await actions('dotted', './simple');
    const fix = acts.find((a) => a.diagnostics[0].code === 'chain-dot');
    assert.ok(fix);
    assert.equal(fix.title, 'Write "./simple" as "simple" (hcron does not normalise chain names)');
    assert.equal(fix.edit.documentChanges[0].edits[0].newText, 'simple');
    acts = await actions('dotted_nowhere', './nothere');
    assert.ok(!acts.some((a) => a.diagnostics[0].code === 'chain-dot'), 'no fix to a name that does not exist either');
  });

  it('quick fix: ${name} outside command becomes $name when the variable is defined; $name in command can be left to the shell', async () => {
    const acts = await actions('braces');
    const titles = acts.map((a) => a.title);
    assert.ok(titles.includes('Write $host (hcron has no ${NAME} form)'), titles.join('\n'));
    assert.ok(!titles.some((t) => t.includes('$nope')), 'not for an undefined name (it would stay literal)');
    assert.ok(titles.includes('Leave $host to the shell: write ${host}'), titles.join('\n'));
  });

  it('quick fix: a missing failover target is created from a template, as a symlink when its notify_email uses $HCRON_EVENT_NAME[-1]', async () => {
    const fp = p('wants_alice');
    await s.diags(fp, (d) => d.some((x) => x.code === 'chain-missing'));
    const acts = await actions('wants_alice', 'alice');
    const link = acts.find((a) => a.command?.command === 'hcron.createSymlink');
    assert.ok(link, acts.map((a) => a.title).join('\n'));
    assert.match(link.title, /^Create \/failover\/alice@abc\.xyz as a symlink to the template \/failover\/email_target_template/);
    assert.match(link.title, /hcron would also schedule it/, 'the re-check saw the link would be a live event');
    const copy = acts.find((a) => a.title.startsWith('Create /failover/alice@abc.xyz as a copy of the template /failover/common'));
    assert.ok(copy);
    assert.equal(copy.edit.documentChanges[0].kind, 'create');
    assert.match(copy.edit.documentChanges[1].edits[0].newText, /^template_name=alice@abc\.xyz/m, 'the copy is a template under its new name');
    // the server runs the symlink command itself
    const r = await s.request('workspace/executeCommand', { command: link.command.command, arguments: link.command.arguments });
    assert.equal(r.changed.length, 1);
    const lp = p('failover/alice@abc.xyz');
    assert.ok(fs.lstatSync(lp).isSymbolicLink());
    assert.equal(fs.readlinkSync(lp), 'email_target_template');
    await s.diags(fp, (d) => !d.some((x) => x.code === 'chain-missing'));
    // never over an existing file
    await assert.rejects(s.request('workspace/executeCommand', { command: link.command.command, arguments: link.command.arguments }), /already exists/);
  });

  it('quick fix: a missing target in a new folder is created there from a copy', async () => {
    const acts = await actions('wants_carol', 'carol');
    const copy = acts.find((a) => a.title.startsWith('Create /failover/carol as a copy of the template /failover/common'));
    assert.ok(copy, acts.map((a) => a.title).join('\n'));
    await applyEdit(s, copy.edit);
    const text = fs.readFileSync(p('failover/carol'), 'utf8');
    assert.match(text, /^template_name=carol/m);
    await s.diags(p('wants_carol'), (d) => !d.some((x) => x.code === 'chain-missing'));
  });

  it('the server commands refuse paths outside the tree and links that leave it', async () => {
    await assert.rejects(s.request('workspace/executeCommand', { command: 'hcron.createSymlink', arguments: [{ uri: uriOf(path.join(ws, 'outside')), target: 'x' }] }), /not inside a known hcron event tree/);
    await assert.rejects(s.request('workspace/executeCommand', { command: 'hcron.createSymlink', arguments: [{ uri: uriOf(p('new_link')), target: '../../../etc/passwd' }] }), /leaves the event tree/);
    await assert.rejects(s.request('workspace/executeCommand', { command: 'hcron.createSymlink', arguments: [{ uri: uriOf(p('new_link')), target: '/etc/passwd' }] }), /must be relative/);
    await assert.rejects(s.request('workspace/executeCommand', { command: 'hcron.replaceHardLink', arguments: [{ links: [{ uri: uriOf(p('simple')), target: 'regular_bob' }] }] }), /not a hard link/);
    assert.ok(!fs.existsSync(p('new_link')));
  });

  it('quick fix + command: a hard link is replaced by a symlink to the name hcron keeps', async () => {
    const fp = p('zz_hard');
    const d = await s.diags(fp, (x) => x.some((y) => y.code === 'dropped'));
    assert.match(d[0].message, /hard link/);
    const acts = await actions('zz_hard');
    const fix = acts.find((a) => a.command?.command === 'hcron.replaceHardLink');
    assert.ok(fix, acts.map((a) => a.title).join('\n'));
    assert.match(fix.title, /Replace the hard link \/zz_hard by a symlink to \/regular_common/);
    await s.request('workspace/executeCommand', { command: fix.command.command, arguments: fix.command.arguments });
    assert.ok(fs.lstatSync(fp).isSymbolicLink());
    assert.equal(fs.readlinkSync(fp), 'regular_common');
    assert.equal(fs.readFileSync(fp, 'utf8'), fs.readFileSync(p('regular_common'), 'utf8'));
    const { trees } = await s.request('hcron/trees');
    await s.until(async () => true);
    const hard = (await s.request('hcron/trees')).trees[0].events.find((e) => e.name === '/zz_hard');
    assert.equal(hard.status, 'accepted', JSON.stringify(hard) + JSON.stringify(trees[0].counts));
  });

  it('prepareRename: chain pieces, include arguments and variables; fields and built-ins are refused with the reason', async () => {
    const fp = p('regular_common');
    s.open(fp);
    const r = await s.request('textDocument/prepareRename', s.at(fp, '/failover/common', 3));
    assert.equal(r.placeholder, '/failover/common');
    assert.deepEqual(r.range.start, posOf(s.docs.get(fp).text, '/failover/common'));
    await assert.rejects(s.request('textDocument/prepareRename', s.at(fp, 'host=', 1)), /host is a field hcron reads/);
    const vu = p('vars/uses');
    s.open(vu);
    const v = await s.request('textDocument/prepareRename', s.at(vu, '$X', 1));
    assert.equal(v.placeholder, 'X');
    await assert.rejects(s.request('textDocument/prepareRename', s.at(p('failover/email_target_template'), 'HCRON_EVENT_CHAIN', 2)), /built-in/);
    const inc = p('incl');
    s.open(inc);
    const i = await s.request('textDocument/prepareRename', s.at(inc, 'inc/common', 2));
    assert.equal(i.placeholder, 'inc/common');
    await assert.rejects(s.request('textDocument/prepareRename', s.at(p('wants_alice'), 'when_minute', 1)), /field hcron reads/);
  });

  it('rename a variable: the assignment and every $/# reference of the event', async () => {
    const vu = p('vars/uses');
    const edit = await s.request('textDocument/rename', { ...s.at(vu, '$X', 1), newName: 'COUNT' });
    const text = applyTextEdits(s.docs.get(vu).text, edit.documentChanges[0].edits);
    assert.match(text, /^COUNT=1$/m);
    assert.match(text, /^when_minute=\$COUNT$/m);
    assert.match(text, /^command=echo \$COUNT #COUNT$/m);
    assert.match(text, /^notify_subject=\$COUNT\[0\]$/m);
    await assert.rejects(s.request('textDocument/rename', { ...s.at(vu, '$X', 1), newName: 'host' }), /means something to hcron|already used/);
    await assert.rejects(s.request('textDocument/rename', { ...s.at(vu, '$X', 1), newName: 'a b' }), /letters, digits and _/);
  });

  it('rename from a chain piece: the piece, the template_name that follows the name, then the file', async () => {
    const fp = p('regular_common');
    const edit = await s.request('textDocument/rename', { ...s.at(fp, '/failover/common', 3), newName: '/failover/common2' });
    const dc = edit.documentChanges;
    const rn = dc.find((c) => c.kind === 'rename');
    assert.equal(pathOf(rn.oldUri), p('failover/common'));
    assert.equal(pathOf(rn.newUri), p('failover/common2'));
    assert.equal(dc.indexOf(rn), 0, 'the rename first, then the text edits at the new paths');
    const byFile = Object.fromEntries(dc.filter((c) => !c.kind).map((c) => [pathOf(c.textDocument.uri), c.edits.map((e) => e.newText)]));
    assert.deepEqual(byFile[p('regular_common')], ['/failover/common2']);
    assert.deepEqual(byFile[p('failover/common2')], ['common2']);
    // a willRenameFiles for the same rename (VS Code sends one while applying it) adds nothing
    const again = await s.request('workspace/willRenameFiles', { files: [{ oldUri: rn.oldUri, newUri: rn.newUri }] });
    assert.equal(again, null);
    await applyEdit(s, edit);
    await s.diags(fp, (d) => !d.some((x) => x.code.startsWith('chain-')));
    const { trees } = await s.request('hcron/trees');
    assert.equal(trees[0].events.find((e) => e.name === '/failover/common2')?.type, 'template');
  });

  it('rename refuses an existing name, a name hcron would ignore, and one with ":"', async () => {
    const fp = p('simple');
    s.open(fp);
    const at = s.at(fp, 'failover_simple', 2);
    await assert.rejects(s.request('textDocument/rename', { ...at, newName: 'regular_bob' }), /already exists/);
    await assert.rejects(s.request('textDocument/rename', { ...at, newName: '.hidden' }), /names_to_ignore_regexp/);
    await assert.rejects(s.request('textDocument/rename', { ...at, newName: 'a:b' }), /contains ":"/);
  });

  it('rename refuses what one spelling cannot serve: a piece in a fragment included from two folders', async () => {
    const fp = p('a/x');
    s.open(fp);
    // rename /a/t through willRenameFiles: /inc/chain's "t" is read as /a/t by /a/x and as /b/t by /b/y
    const logs = s.logs.length;
    const edit = await s.request('workspace/willRenameFiles', { files: [{ oldUri: uriOf(p('a/t')), newUri: uriOf(p('a/t2')) }] });
    const touched = (edit?.documentChanges ?? []).map((c) => pathOf(c.textDocument.uri));
    assert.ok(!touched.includes(p('inc/chain')), 'the shared piece is left alone');
    assert.ok(touched.includes(p('a/t')), 'template_name follows the name');
    await s.until(() => s.logs.slice(logs).some((l) => /showMessage: hcron: not updated: "t" in \/inc\/chain is read by \/a\/x, \/b\/y/.test(l)), 'a warning naming both readers' + s.logs.slice(logs).join('\n'));
  });

  it('willRenameFiles + didRenameFiles: renaming the symlinked template updates template_name and re-points its three symlinks', async () => {
    const from = p('failover/email_target_template');
    const to = p('failover/mail_template');
    const files = [{ oldUri: uriOf(from), newUri: uriOf(to) }];
    const edit = await s.request('workspace/willRenameFiles', { files });
    const dc = edit.documentChanges;
    assert.equal(dc.length, 1);
    assert.equal(pathOf(dc[0].textDocument.uri), from);
    assert.deepEqual(dc[0].edits.map((e) => e.newText), ['mail_template']);
    await applyEdit(s, edit);
    fs.renameSync(from, to);
    s.conn.sendNotification('workspace/didRenameFiles', { files });
    s.watched([[from, 3], [to, 1]]);
    for (const l of ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz']) await s.until(() => fs.readlinkSync(p(`failover/${l}`)) === 'mail_template', `${l} re-pointed`);
    await s.until(async () => true);
    const bob = await s.until(async () => {
      const { trees } = await s.request('hcron/trees');
      return trees[0].events.find((e) => e.name === '/failover/bob@abc.xyz' && e.status !== 'dropped');
    }, 'bob loads again');
    assert.equal(bob.status, 'accepted');
    const tpl = (await s.request('hcron/trees')).trees[0].events.find((e) => e.name === '/failover/mail_template');
    assert.equal(tpl.type, 'template');
  });

  it('willRenameFiles for a folder: absolute pieces into it and relative pieces of moved events are rewritten', async () => {
    const edit = await s.request('workspace/willRenameFiles', { files: [{ oldUri: uriOf(p('sub')), newUri: uriOf(p('moved/sub')) }, { oldUri: uriOf(p('failover')), newUri: uriOf(p('fo')) }] });
    const byFile = Object.fromEntries(edit.documentChanges.map((c) => [pathOf(c.textDocument.uri), c.edits.map((e) => e.newText)]));
    assert.deepEqual(byFile[p('regular_bob')], ['/fo/bob@abc.xyz']);
    assert.deepEqual(byFile[p('regular_common')], ['/fo/common2']);
    assert.equal(byFile[p('sub/child')], undefined, 'sib and child move together: the relative piece stays');
    assert.equal(byFile[p('links/alias')], undefined);
  });

  it('rename from an include line: the argument keeps its relative form, then the file', async () => {
    const fp = p('incl');
    const edit = await s.request('textDocument/rename', { ...s.at(fp, 'inc/common', 2), newName: 'inc/shared' });
    const dc = edit.documentChanges;
    assert.equal(pathOf(dc[0].newUri), p('inc/shared'));
    assert.deepEqual(dc[1].edits.map((e) => e.newText), ['inc/shared']);
    await applyEdit(s, edit);
    await s.diags(fp, (d) => !d.some((x) => x.code === 'include-failed' || x.code === 'hcron-status'));
  });

  it('a symlink moved to another folder gets a new relative text, also without didRenameFiles', async () => {
    const from = p('links/alias');
    const to = p('deep/er/alias');
    const edit = await s.request('workspace/willRenameFiles', { files: [{ oldUri: uriOf(from), newUri: uriOf(to) }] });
    assert.equal(edit, null, 'no text to change');
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    s.watched([[from, 3], [p('deep'), 1]]);
    await s.until(() => fs.readlinkSync(to) === '../../linked_target', 'the moved link re-pointed', 5000);
    await s.until(async () => (await s.request('hcron/trees')).trees[0].events.find((e) => e.name === '/deep/er/alias')?.type === 'template', 'the moved link loads');
  });

  it('code lenses: the verdict, the callers (opening references), the symlinked names, the next run', async () => {
    const fp = p('failover/mail_template');
    s.open(fp);
    const lenses = await s.request('textDocument/codeLens', { textDocument: { uri: uriOf(fp) } });
    const titles = lenses.map((l) => l.command.title);
    assert.ok(titles.includes('hcron: rejected: template (runs only when chained or activated)'), titles.join('\n') + s.logs.filter((l) => /failed/.test(l)).join('\n'));
    // regular_bob chains to the link bob@abc.xyz, wants_alice to the link created by the quick fix above
    const callers = lenses.find((l) => l.command.title === '2 events chain to it');
    assert.ok(callers, titles.join('\n'));
    assert.equal(callers.command.command, 'hcron.showReferences');
    const [uri, pos, locs] = callers.command.arguments;
    assert.equal(uri, uriOf(fp));
    assert.deepEqual(pos, { line: 0, character: 0 });
    assert.deepEqual(locs.map((l) => pathOf(l.uri)).sort(), [p('regular_bob'), p('wants_alice')]);
    assert.ok(titles.includes('4 more names through symlinks: /failover/alice@abc.xyz, /failover/bob@abc.xyz, /failover/pager@abc.xyz, …'), titles.join('\n'));
    assert.ok(titles.includes('not scheduled by the clock (template)'));
    const simple = await s.request('textDocument/codeLens', { textDocument: { uri: uriOf(p('simple')) } });
    const next = simple.find((l) => l.command.title.startsWith('next run: '));
    assert.ok(next, simple.map((l) => l.command.title).join('\n'));
    assert.equal(next.range.start.line, 5, 'on the first when_* line');
    assert.match(next.command.title, /^next run: \d{4}-\d\d-\d\d \d\d:\d\d \(\w{3}\), then .* — every minute$/);
    assert.equal(simple.find((l) => l.command.title === 'hcron: accepted').command.command, '');
  });

  it('inlay hints: the name a relative piece resolves to; early-pass values in when_* and template_name', async () => {
    const fp = p('sub/child');
    s.open(fp);
    const range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
    const hints = await s.request('textDocument/inlayHint', { textDocument: { uri: uriOf(fp) }, range });
    assert.deepEqual(hints.map((h) => h.label), ['→ /sub/sib']);
    assert.deepEqual(hints[0].position, posOf(s.docs.get(fp).text, ':/simple'));
    const vu = p('vars/uses');
    const vh = await s.request('textDocument/inlayHint', { textDocument: { uri: uriOf(vu) }, range });
    assert.deepEqual(vh.map((h) => h.label), ['= 1']);
    // through the symlink (moved by the previous test): the link's own name
    const alias = p('deep/er/alias');
    s.open(alias);
    const ah = await s.request('textDocument/inlayHint', { textDocument: { uri: uriOf(alias) }, range });
    assert.deepEqual(ah.map((h) => h.label), ['= alias']);
    const th = await s.request('textDocument/inlayHint', { textDocument: { uri: uriOf(p('linked_target')) }, range });
    assert.deepEqual(th.map((h) => h.label), ['= linked_target']);
  });

  it('call hierarchy over chains', async () => {
    const fp = p('simple');
    const items = await s.request('textDocument/prepareCallHierarchy', s.at(fp, 'as_user'));
    assert.equal(items[0].name, '/simple');
    const out = await s.request('callHierarchy/outgoingCalls', { item: items[0] });
    assert.deepEqual(out.map((c) => c.to.name), ['/failover_simple']);
    assert.deepEqual(out[0].fromRanges[0].start, posOf(s.docs.get(fp).text, 'failover_simple', 0));
    const target = await s.request('textDocument/prepareCallHierarchy', s.at(fp, 'failover_simple', 1));
    assert.equal(target[0].name, '/failover_simple');
    assert.match(target[0].detail, /template/);
    const inc = await s.request('callHierarchy/incomingCalls', { item: target[0] });
    assert.deepEqual(inc.map((c) => c.from.name), ['/simple']);
    assert.equal(pathOf(inc[0].from.uri), fp);
  });

  it('hcron/chainGraph: callers and targets to a depth, with statuses, edge kinds and file URIs', async () => {
    const g = await s.request('hcron/chainGraph', { uri: uriOf(p('regular_bob')), depth: 2 });
    assert.equal(g.center, '/regular_bob');
    const node = (n) => g.nodes.find((x) => x.name === n);
    assert.equal(node('/regular_bob').depth, 0);
    assert.equal(node('/failover/bob@abc.xyz').status, 'accepted');
    assert.equal(node('/failover/mail_template').status, 'template');
    assert.equal(pathOf(node('/failover/mail_template').uri), p('failover/mail_template'));
    assert.ok(g.edges.some((e) => e.from === '/regular_bob' && e.to === '/failover/bob@abc.xyz' && e.kind === 'failover'));
    assert.ok(g.edges.some((e) => e.from === '/failover/bob@abc.xyz' && e.to === '/failover/mail_template' && e.kind === 'symlink'));
    const t = await s.request('hcron/chainGraph', { uri: uriOf(p('failover/mail_template')), depth: 2 });
    assert.ok(t.nodes.some((n) => n.name === '/regular_bob' && n.depth === -2), 'callers of the links, two hops back');
    const inc = await s.request('hcron/chainGraph', { uri: uriOf(p('inc/shared')), depth: 1 });
    assert.ok(inc.edges.some((e) => e.from === '/incl' && e.kind === 'include'));
    const missing = await s.request('hcron/chainGraph', { uri: uriOf(p('dotted_nowhere')), depth: 1 });
    assert.equal(missing.nodes.find((n) => n.name === '/./nothere').status, 'missing');
    await assert.rejects(s.request('hcron/chainGraph', {}), /wants \{ uri/);
  });

  it('formatting: blanks around "=" and at line ends only, never a value or a line\'s meaning; off by setting', async () => {
    const fp = p('spaced');
    const text = s.open(fp);
    const edits = await s.request('textDocument/formatting', { textDocument: { uri: uriOf(fp) }, options: { tabSize: 2, insertSpaces: true } });
    const out = applyTextEdits(text, edits);
    assert.equal(
      out,
      'as_user=\nhost=h1.example.com\ncommand=/bin/echo a  b \\  \nnotify_email=\nnotify_message=one \\\n   two\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=15\nwhen_dow=*\ninclude  x= y\n',
    );
    s.conn.onRequest('workspace/configuration', (q) => q.items.map((it) => (it.section === 'hcron.format' ? { enable: false } : it.section === 'hcron' ? s.settings : null)));
    const off = await s.request('textDocument/formatting', { textDocument: { uri: uriOf(fp) }, options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(off, []);
  });
});
