// The extension activates by itself in a workspace holding .hcron/<server>/events.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { SERVER_NODE_OPTIONS } from '../../../server/src/launch';
import { EXTENSION_ID, hcron, waitFor } from './helpers';

/** The command lines of this extension host's child processes that run the language server. */
function serverCommandLines(): string[][] {
  const out: string[][] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (ppid === process.pid && argv.some((a) => a.endsWith('dist/server.js'))) out.push(argv);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

describe('activation', () => {
  it('activates on workspaceContains:**/.hcron/*/events without any file open', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await waitFor('the extension to be activated by the workspace', () => ext.isActive, 20000);
  });

  it('starts the language server with its launch options (server/src/launch.ts)', async () => {
    await hcron();
    const lines = await waitFor('the language server process', () => {
      const l = serverCommandLines();
      return l.length > 0 && l;
    });
    for (const argv of lines) {
      const at = argv.findIndex((a) => a.endsWith('dist/server.js'));
      assert.deepEqual(argv.slice(1, at), [...SERVER_NODE_OPTIONS], argv.join(' '));
    }
  });

  it('contributes the hcron language, its commands and the status view', async () => {
    assert.ok((await vscode.languages.getLanguages()).includes('hcron'));
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['hcron.newEvent', 'hcron.showStatusText', 'hcron.showExpandedEvent', 'hcron.restartServer', 'hcron.status.focus'])
      assert.ok(cmds.includes(c), c);
  });
});
