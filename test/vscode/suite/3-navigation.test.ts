// Definition, hover, completion, symbols through the real vscode API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hcron, hoverAt, open, posOf, replaceLine, revert, SEED, TEST, waitFor } from './helpers';

type Loc = vscode.Location | vscode.LocationLink;
const targetOf = (l: Loc) => ('targetUri' in l ? l.targetUri : l.uri);

describe('navigation and hover', () => {
  before(async () => {
    await hcron();
  });

  it('definition of regular_bob\'s failover_event goes through the symlink to email_target_template', async () => {
    const doc = await open(`${SEED}/regular_bob`);
    const pos = posOf(doc, 'failover_event=', 'bob@abc.xyz', 1);
    const locs = await waitFor('a definition', async () => {
      const r = await vscode.commands.executeCommand<Loc[]>('vscode.executeDefinitionProvider', doc.uri, pos);
      return r && r.length ? r : undefined;
    });
    const paths = locs.map((l) => targetOf(l).path);
    assert.ok(paths.some((p) => p.endsWith('/hcron.example.com/events/failover/email_target_template')), paths.join(', '));
  });

  it('hover on the template\'s notify_message previews the mail of its caller: Failed event (/regular_bob)', async () => {
    const doc = await open(`${SEED}/failover/email_target_template`);
    const text = await waitFor('a hover naming /regular_bob', async () => {
      for (const pos of [posOf(doc, 'notify_message=', 'Failed', 2), posOf(doc, 'notify_message=', 'notify_message', 3)]) {
        const t = await hoverAt(doc.uri, pos);
        if (t.includes('Failed event (/regular_bob)')) return t;
      }
      return undefined;
    });
    assert.ok(text.includes('Failed event (/regular_bob)'));
  });

  it('an unsaved edit in one event changes the hover of another', async () => {
    const template = await open(`${SEED}/failover/email_target_template`);
    const caller = await open(`${SEED}/regular_common`, true);
    const pos = posOf(template, 'notify_message=', 'Failed', 2);
    const before = await hoverAt(template.uri, pos);
    assert.ok(!before.includes('Failed event (/regular_common)'), before);
    await replaceLine(caller, 'failover_event=', 'failover_event=/failover/webmaster@abc.xyz');
    assert.ok(caller.isDirty);
    await waitFor('the template hover to show the new caller', async () => (await hoverAt(template.uri, pos)).includes('Failed event (/regular_common)'));
    await revert(caller);
    await waitFor('the hover to drop the caller again', async () => !(await hoverAt(template.uri, pos)).includes('Failed event (/regular_common)'));
  });

  it('completion offers the hcron fields not yet assigned', async () => {
    const doc = await open(`${TEST}/nightly`, true);
    await replaceLine(doc, 'notify_message=', 'notify_message=dump done\nnotif');
    try {
      const line = doc.getText().split('\n').indexOf('notif');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, 5));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      // fields already assigned in the file may be left out; these are not assigned in nightly
      for (const want of ['notify_subject', 'next_event', 'failover_event']) assert.ok(labels.some((l) => l.startsWith(want)), `${want} in ${labels.join(', ')}`);
    } finally {
      await revert(doc);
    }
  });

  it('completion offers hcron variables after $', async () => {
    const doc = await open(`${TEST}/nightly`, true);
    await replaceLine(doc, 'notify_message=', 'notify_message=done $HCRON_');
    try {
      const line = doc.getText().split('\n').findIndex((l) => l.startsWith('notify_message='));
      const col = doc.lineAt(line).text.length;
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, col));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.some((l) => l.includes('HCRON_EVENT_NAME')), labels.join(', '));
    } finally {
      await revert(doc);
    }
  });

  it('document symbols list the assignments', async () => {
    const doc = await open(`${SEED}/regular_bob`);
    const syms = await waitFor('symbols', async () => {
      const r = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', doc.uri);
      return r && r.length ? r : undefined;
    });
    const names: string[] = [];
    const walk = (s: vscode.DocumentSymbol | vscode.SymbolInformation) => {
      names.push(s.name);
      if ('children' in s) s.children.forEach(walk);
    };
    syms.forEach(walk);
    for (const want of ['host', 'command', 'when_minute', 'failover_event']) assert.ok(names.some((n) => n === want || n.startsWith(want)), `${want} in ${names.join(', ')}`);
  });
});
