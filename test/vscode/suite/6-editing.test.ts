// Editing (issue #7) in a real VS Code: a file renamed through a WorkspaceEdit (what the explorer
// does: workspace/willRenameFiles), the symlinks of a renamed template re-pointed, a quick fix
// applied, code lenses, inlay hints, formatting, the chain graph view.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diagnosticsOf, fileUri, hcron, open, revert, SEED, FIXED, TEST, waitFor, wsRoot, codeOf, liveDoc } from './helpers';

const LINKS = ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz'];

async function renameFile(from: vscode.Uri, to: vscode.Uri): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(from, to);
  assert.ok(await vscode.workspace.applyEdit(edit), `rename ${from.fsPath} applied`);
  await vscode.workspace.saveAll(false);
}

async function replaceLineIn(doc: vscode.TextDocument, prefix: string, text: string): Promise<void> {
  const i = doc.getText().split('\n').findIndex((l) => l.startsWith(prefix));
  if (i < 0 || doc.lineAt(i).text === text) return;
  const e = new vscode.WorkspaceEdit();
  e.replace(doc.uri, doc.lineAt(i).range, text);
  await vscode.workspace.applyEdit(e);
}

const textOf = async (uri: vscode.Uri) => (liveDoc(uri) ?? (await vscode.workspace.openTextDocument(uri))).getText();

describe('editing', () => {
  before(async () => {
    await hcron();
  });

  it('renaming an event file updates the chain pieces naming it and its template_name (willRenameFiles)', async () => {
    const from = fileUri(`${SEED}/failover_simple`);
    const to = fileUri(`${SEED}/failover_simple_renamed`);
    const simple = fileUri(`${SEED}/simple`);
    await open(`${SEED}/simple`);
    await diagnosticsOf(simple, (ds) => !ds.some((d) => codeOf(d).startsWith('chain-')), 'simple chains to an existing event');
    await renameFile(from, to);
    try {
      await waitFor('simple\'s failover_event to follow the rename', async () => (await textOf(simple)).includes('failover_event=failover_simple_renamed\n'));
      await waitFor('template_name to follow the file\'s name', async () => /^template_name=failover_simple_renamed\s*$/m.test(await textOf(to)));
      await diagnosticsOf(simple, (ds) => !ds.some((d) => codeOf(d).startsWith('chain-')), 'no chain warning after the rename');
      await diagnosticsOf(to, (ds) => ds.some((d) => codeOf(d) === 'template'), 'the renamed file is still a template');
    } finally {
      await renameFile(to, from);
    }
    await waitFor('the rename back', async () => (await textOf(simple)).includes('failover_event=failover_simple\n'));
    await waitFor('template_name back', async () => /^template_name=failover_simple\s*$/m.test(await textOf(from)));
    await vscode.workspace.saveAll(false);
    await waitFor('the original text on disk', () => /^template_name=failover_simple\s*$/m.test(fs.readFileSync(from.fsPath, 'utf8')) && fs.readFileSync(fileUri(`${SEED}/simple`).fsPath, 'utf8').includes('failover_event=failover_simple\n'));
  });

  it('renaming a symlinked template re-points its symlinks (the server does it after the rename)', async () => {
    const dir = path.join(wsRoot(), FIXED, 'failover');
    const from = vscode.Uri.file(path.join(dir, 'email_target_template'));
    const to = vscode.Uri.file(path.join(dir, 'mail_template'));
    await renameFile(from, to);
    try {
      for (const l of LINKS) await waitFor(`${l} re-pointed`, () => fs.readlinkSync(path.join(dir, l)) === 'mail_template');
      const api = await hcron();
      await waitFor('the links load again', async () => {
        const trees = await api.refreshTrees();
        const t = trees.find((x) => x.server === 'fixed.example.com');
        return LINKS.every((l) => t?.events.find((e) => e.name === `/failover/${l}`)?.type === 'template');
      });
    } finally {
      await renameFile(to, from);
    }
    for (const l of LINKS) await waitFor(`${l} pointed back`, () => fs.readlinkSync(path.join(dir, l)) === 'email_target_template');
  });

  it('F2 on a chain piece renames the event: the edit and the file rename are applied once', async () => {
    const common = await open(`${SEED}/regular_common`, true);
    const pos = new vscode.Position(common.getText().split('\n').findIndex((l) => l.startsWith('failover_event=')), 'failover_event=/failover/co'.length);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', common.uri, pos, '/failover/common_renamed');
    assert.ok(edit, 'a rename edit');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const to = fileUri(`${SEED}/failover/common_renamed`);
    try {
      await waitFor('the renamed file', () => fs.existsSync(to.fsPath));
      assert.match(common.getText(), /^failover_event=\/failover\/common_renamed$/m);
      await waitFor('template_name follows (once)', async () => /^template_name=common_renamed\s*$/m.test(await textOf(to)));
      await vscode.workspace.saveAll(false);
      await diagnosticsOf(common.uri, (ds) => !ds.some((d) => codeOf(d).startsWith('chain-')), 'regular_common chains to an existing event');
    } finally {
      await renameFile(to, fileUri(`${SEED}/failover/common`));
      await replaceLineIn(common, 'failover_event=', 'failover_event=/failover/common');
    }
    await waitFor('template_name back', async () => /^template_name=common\s*$/m.test(await textOf(fileUri(`${SEED}/failover/common`))));
    await vscode.workspace.saveAll(false);
  });

  it('a quick fix is applied: the missing field is added and hcron accepts the event', async () => {
    const doc = await open(`${TEST}/partial`, true);
    await diagnosticsOf(doc.uri, (ds) => ds.some((d) => d.message.includes('missing field (host)')), 'the partial event is flagged');
    const all = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await waitFor('a quick fix', async () => {
      const r = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, all, vscode.CodeActionKind.QuickFix.value);
      return r?.find((a) => a.title.startsWith('Add the missing field host')) ? r : undefined;
    });
    const fix = actions.find((a) => a.title.startsWith('Add the missing field host'))!;
    assert.equal(fix.kind?.value, 'quickfix');
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    try {
      assert.match(doc.getText(), /^as_user=\nhost=\n/m);
      await diagnosticsOf(doc.uri, (ds) => !ds.some((d) => d.message.includes('missing field')), 'accepted after the fix');
    } finally {
      await revert(doc);
    }
  });

  it('code lenses: hcron\'s verdict, the callers (opening the references peek), the symlinked names, the next run', async () => {
    const doc = await open(`${SEED}/failover/email_target_template`, true);
    const lenses = await waitFor('code lenses', async () => {
      const r = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      return r && r.length >= 3 ? r : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('hcron: rejected: template (runs only when chained or activated)'), titles.join('\n'));
    assert.ok(titles.some((t) => t.startsWith('3 more names through symlinks: /failover/bob@abc.xyz')), titles.join('\n'));
    const callers = lenses.find((l) => l.command?.title === '1 event chains to it');
    assert.ok(callers?.command, titles.join('\n'));
    assert.equal(callers.command.command, 'hcron.showReferences');
    await vscode.commands.executeCommand(callers.command.command, ...(callers.command.arguments ?? []));
    const simple = await open(`${SEED}/simple`);
    const next = await waitFor('the next-run lens', async () => {
      const r = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', simple.uri, 10);
      return r?.find((l) => l.command?.title.startsWith('next run: '));
    });
    assert.equal(next.range.start.line, 5);
  });

  it('inlay hints and formatting come from the server', async () => {
    const simple = await open(`${SEED}/simple`);
    const hints = await waitFor('inlay hints', async () => {
      const r = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', simple.uri, new vscode.Range(0, 0, simple.lineCount, 0));
      return r?.length ? r : undefined;
    });
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.deepEqual(labels, ['→ /failover_simple']);
    const fs_ = await open(`${SEED}/failover_simple`);
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', fs_.uri, { tabSize: 2, insertSpaces: true });
    assert.ok(edits?.length, 'trailing spaces to remove');
    assert.ok(edits.every((e) => e.newText === ''), 'formatting only removes blanks');
  });

  it('the chain graph view opens on the seed, draws the graph, and a click opens a node\'s file', async () => {
    const api = await hcron();
    const bob = await open(`${SEED}/regular_bob`, true);
    await vscode.commands.executeCommand('hcron.showChainGraph', bob.uri);
    const state = await waitFor('the webview to draw the graph', () => {
      const s = api.chainGraph();
      return s.rendered && s.rendered.nodes >= 3 ? s : undefined;
    }, 30000);
    assert.equal(state.graph?.center, '/regular_bob');
    assert.ok(state.graph?.edges.some((e) => e.kind === 'failover' && e.to === '/failover/bob@abc.xyz'));
    assert.ok(state.graph?.edges.some((e) => e.kind === 'symlink' && e.to === '/failover/email_target_template'));
    assert.equal(state.rendered?.edges, state.graph?.edges.length);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('/regular_bob'));
    assert.ok(tab, 'a webview tab titled with the event');
    assert.ok(await api.openChainGraphNode('/failover/bob@abc.xyz'));
    await waitFor('the node\'s file in the editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === fileUri(`${SEED}/failover/bob@abc.xyz`).fsPath);
    await waitFor('the graph to follow the active editor', () => api.chainGraph().graph?.center === '/failover/bob@abc.xyz' && api.chainGraph().rendered);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
