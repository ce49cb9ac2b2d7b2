// The extension activates by itself in a workspace holding .hcron/<server>/events.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor } from './helpers';

describe('activation', () => {
  it('activates on workspaceContains:**/.hcron/*/events without any file open', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await waitFor('the extension to be activated by the workspace', () => ext.isActive, 20000);
  });

  it('contributes the hcron language, its commands and the status view', async () => {
    assert.ok((await vscode.languages.getLanguages()).includes('hcron'));
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['hcron.newEvent', 'hcron.showStatusText', 'hcron.showExpandedEvent', 'hcron.restartServer', 'hcron.status.focus'])
      assert.ok(cmds.includes(c), c);
  });
});
