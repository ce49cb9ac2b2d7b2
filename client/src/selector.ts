// The documents the language client syncs with the server: hcron events by language id, and
// any file of an events tree (before its language id is known). Which of them are open and
// saved, and the settings the server starts on: entry.ts judges those documents early with
// those settings, extension.ts names them to the server (initializationOptions).
import * as vscode from 'vscode';

export const documentSelector = [
  { language: 'hcron', scheme: 'file' },
  { language: 'hcron', scheme: 'untitled' },
  { scheme: 'file', pattern: '**/.hcron/*/events/**' },
];

/** The saved files the selector matches, open now. */
export function openSavedDocuments(): vscode.Uri[] {
  return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && !d.isDirty && vscode.languages.match(documentSelector, d) > 0).map((d) => d.uri);
}

/** The whole hcron section of the settings (no resource: the workspace's values). */
export function hcronSettings(): unknown {
  return vscode.workspace.getConfiguration(undefined, null).get('hcron') ?? {};
}
