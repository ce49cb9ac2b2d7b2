// Helpers for the suite: workspace paths, the extension's API, polling.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HcronApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'hcron-tools.hcron-language-tools';
export const SEED = '.hcron/hcron.example.com/events';
export const FIXED = '.hcron/fixed.example.com/events';
export const TEST = '.hcron/test.example.com/events';

export function wsRoot(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri.fsPath;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(wsRoot(), ...rel.split('/')));
}

let api: HcronApi | undefined;
export async function hcron(): Promise<HcronApi> {
  if (api) return api;
  const ext = vscode.extensions.getExtension<HcronApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
  api = await ext.activate();
  await api.ready;
  assert.ok(api.client()?.isRunning(), 'the language server is running');
  return api;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value (or throws the last assertion after timeoutMs). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(100);
  }
}

/** The document as VS Code has it now (setTextDocumentLanguage replaces the object). */
export function liveDoc(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

export async function open(rel: string, show = false): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return c === undefined ? '' : typeof c === 'object' ? String(c.value) : String(c);
}

export function describeDiags(ds: readonly vscode.Diagnostic[]): string {
  return ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} [${codeOf(d)}] ${d.message}`).join('\n') || '(none)';
}

export async function diagnosticsOf(uri: vscode.Uri, pred: (ds: readonly vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 15000) {
  try {
    return await waitFor(what, () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return pred(ds) ? ds : undefined;
    }, timeoutMs);
  } catch (e) {
    throw new Error(`${(e as Error).message}\ndiagnostics of ${path.basename(uri.fsPath)}:\n${describeDiags(vscode.languages.getDiagnostics(uri))}`);
  }
}

/** Position of the first occurrence of `needle` (plus offset) on the line starting with `linePrefix`. */
export function posOf(doc: vscode.TextDocument, linePrefix: string, needle: string, offset = 0): vscode.Position {
  for (let i = 0; i < doc.lineCount; i++) {
    const t = doc.lineAt(i).text;
    if (t.startsWith(linePrefix)) {
      const c = t.indexOf(needle);
      assert.ok(c >= 0, `"${needle}" on line ${i + 1} of ${doc.uri.fsPath}`);
      return new vscode.Position(i, c + offset);
    }
  }
  throw new Error(`no line starting with "${linePrefix}" in ${doc.uri.fsPath}`);
}

export function hoverText(hs: vscode.Hover[] | undefined): string {
  return (hs ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

export async function hoverAt(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos));
}

/** Replaces the first line starting with `prefix` (unsaved edit). */
export async function replaceLine(doc: vscode.TextDocument, prefix: string, text: string): Promise<string> {
  for (let i = 0; i < doc.lineCount; i++) {
    const line = doc.lineAt(i);
    if (line.text.startsWith(prefix)) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, line.range, text);
      assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
      return line.text;
    }
  }
  throw new Error(`no line starting with "${prefix}" in ${doc.uri.fsPath}`);
}

/** Throws away unsaved changes of the document. */
export async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor(`${doc.uri.fsPath} reverted`, () => !doc.isDirty);
}
