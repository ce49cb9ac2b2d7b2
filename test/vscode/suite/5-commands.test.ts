// The commands: status text, expanded event, new event, restart.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunContextItem } from '../../../client/src/commands';
import { diagnosticsOf, fileUri, hcron, hoverAt, open, posOf, SEED, TEST, waitFor, wsRoot } from './helpers';

describe('commands', () => {
  it('hcron.showStatusText opens the tree status in hcron-info -es form', async () => {
    await hcron();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('hcron.showStatusText', path.join(wsRoot(), SEED));
    assert.ok(doc, 'a document');
    assert.equal(doc.uri.scheme, 'untitled');
    const text = doc.getText();
    for (const line of ['accepted::/simple', 'rejected:template:/failover_simple', 'accepted::/failover/bob@abc.xyz', 'rejected:template:/failover/email_target_template'])
      assert.ok(text.split('\n').includes(line), `${line} in\n${text}`);
    assert.equal(vscode.window.activeTextEditor?.document, doc);
  });

  it('hcron.showExpandedEvent offers the clock, each caller and each link name, and shows the expansion', async () => {
    const api = await hcron();
    const template = await open(`${SEED}/failover/email_target_template`, true);
    let offered: RunContextItem[] = [];
    const orig = api.ui.showQuickPick;
    api.ui.showQuickPick = (async (items: RunContextItem[]) => {
      offered = items;
      return items.find((i) => i.label.includes('failover after /regular_bob'));
    }) as typeof api.ui.showQuickPick;
    let doc: vscode.TextDocument | undefined;
    try {
      doc = await vscode.commands.executeCommand<vscode.TextDocument>('hcron.showExpandedEvent', template.uri);
    } finally {
      api.ui.showQuickPick = orig;
    }
    const labels = offered.map((i) => `${i.label} | ${i.description ?? ''}`);
    assert.ok(labels.some((l) => l.includes('clock')), labels.join('\n'));
    assert.ok(labels.some((l) => l.includes('failover after /regular_bob') && l.includes('as /failover/bob@abc.xyz')), labels.join('\n'));
    for (const link of ['/failover/bob@abc.xyz', '/failover/pager@abc.xyz', '/failover/webmaster@abc.xyz'])
      assert.ok(labels.some((l) => l.includes(`clock as ${link}`)), `${link}:\n${labels.join('\n')}`);
    assert.ok(doc, 'a document');
    assert.equal(doc.uri.scheme, 'hcron-expanded');
    const text = doc.getText();
    assert.ok(text.includes('Failed event (/regular_bob)'), text);
    assert.ok(text.includes('bob@abc.xyz'), text);
    // read-only: a content provider's document, no file system behind the scheme
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem('hcron-expanded'), true);
    assert.equal(doc.isDirty, false);
  });

  it('hcron.showExpandedEvent with the clock as a link name expands that name', async () => {
    const template = await open(`${SEED}/failover/email_target_template`);
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('hcron.showExpandedEvent', template.uri, {
      uri: template.uri.toString(),
      trigger: 'clock',
      asName: '/failover/pager@abc.xyz',
    });
    assert.ok(doc.getText().includes('pager@abc.xyz'), doc.getText());
    assert.ok(doc.getText().includes('Failed event (/failover/pager@abc.xyz)'), doc.getText());
  });

  it('hcron.newEvent writes the hcron event -c skeleton under the name typed in the input box', async () => {
    const api = await hcron();
    const root = path.join(wsRoot(), TEST);
    const orig = api.ui.showInputBox;
    let asked: vscode.InputBoxOptions | undefined;
    api.ui.showInputBox = async (o) => {
      asked = o;
      assert.equal(o.validateInput?.('nightly'), 'nightly already exists');
      return 'backups/db_dump';
    };
    let uri: vscode.Uri | undefined;
    try {
      uri = await vscode.commands.executeCommand<vscode.Uri>('hcron.newEvent', root);
    } finally {
      api.ui.showInputBox = orig;
    }
    assert.ok(asked, 'the input box was shown');
    assert.ok(uri);
    assert.equal(uri.fsPath, path.join(root, 'backups', 'db_dump'));
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    const fields = 'description contact url label as_user host command notify_email notify_subject notify_message when_month when_day when_hour when_minute when_dow next_event failover_event template_name'.split(' ');
    assert.equal(text, fields.map((f) => `${f}=\n`).join(''));
    const ed = vscode.window.activeTextEditor;
    assert.equal(ed?.document.uri.fsPath, uri.fsPath);
    assert.equal(ed?.document.languageId, 'hcron');
    // hcron rejects the empty skeleton: bad when_* setting
    await diagnosticsOf(uri, (ds) => ds.some((d) => d.message.includes('bad when_* setting')), 'bad when_* setting on the skeleton');
    await waitFor('the new event in the status view', async () => {
      const t = (await api.getStatusTree()).find((x) => x.label === 'test.example.com');
      return t?.children?.find((c) => c.label === 'Rejected')?.children?.some((r) => r.children?.some((e) => e.label === '/backups/db_dump'));
    });
  });

  it('hcron.restartServer restarts the server and features come back', async () => {
    const api = await hcron();
    const before = api.client();
    await vscode.commands.executeCommand('hcron.restartServer');
    assert.ok(api.client()?.isRunning(), 'running again');
    assert.notEqual(api.client(), before);
    const doc = await open(`${SEED}/failover/email_target_template`);
    const pos = posOf(doc, 'notify_message=', 'Failed', 2);
    await waitFor('hover after restart', async () => (await hoverAt(doc.uri, pos)).includes('Failed event (/regular_bob)'));
    assert.ok(fileUri(SEED));
  });
});
