// A session that opens with an event already in an editor (the workbench's openFile, as when
// VS Code restores its editors): the extension shows that event's diagnostics before the
// language server has started (client/src/earlyDiagnostics.ts), then the server's replace
// them: the same diagnostics, never both sets at once.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeDiags, fileUri, hcron, TEST, waitFor } from '../suite/helpers';

/** What a user sees of a diagnostic. */
const shape = (d: vscode.Diagnostic) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${typeof d.code === 'object' ? d.code.value : d.code} ${d.source} ${d.message}`;

describe('diagnostics of the event open as VS Code starts', () => {
  it('are shown before the server has started, then replaced by the same diagnostics from the server', async () => {
    const uri = fileUri(`${TEST}/bad_when`);
    const api = await hcron();
    assert.ok(
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()),
      `${uri.fsPath} is open from the start (open: ${vscode.workspace.textDocuments.map((d) => d.uri.fsPath).join(', ')})`,
    );
    const early = api.earlyShown.get(uri.toString());
    assert.ok(early, 'the extension showed early diagnostics for it');
    assert.ok(early.diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('bad when_* setting')), describeDiags(early.diagnostics));
    const serverAt = await waitFor('the server\'s diagnostics of the file', () => api.firstServerDiagnosticsAt.get(uri.toString()));
    assert.ok(early.at <= serverAt, `early ones shown at ${early.at}, the server's arrived at ${serverAt}`);
    assert.equal(api.firstDiagnosticsAt.get(uri.toString()), early.at, 'the first diagnostics the user saw were the early ones');
    // every collection together: the server's alone, equal to what was shown early
    const now = vscode.languages.getDiagnostics(uri);
    assert.deepEqual(now.map(shape).sort(), early.diagnostics.map(shape).sort(), `now:\n${describeDiags(now)}\nearly:\n${describeDiags(early.diagnostics)}`);
  });
});
