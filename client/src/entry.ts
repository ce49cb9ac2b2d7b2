// The extension's entry (dist/client.js), kept small because VS Code loads it before it can
// call activate(): it starts judging the events already open in a worker thread (their early
// diagnostics, earlyDiagnostics.ts), then loads the rest of the extension (dist/extension.js:
// the language client, the views and commands, ~1 MB that takes 0.2-0.6 s to load while VS Code
// starts), so that the worker boots and judges while that loads.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EarlyDiagnostics } from './earlyDiagnostics';
import type * as Main from './extension';
import { hcronSettings, openSavedDocuments } from './selector';

let main: typeof Main | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Main.HcronApi> {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('hcron', { log: true });
  context.subscriptions.push(log);
  const early = new EarlyDiagnostics(context.asAbsolutePath('dist/early-worker.js'), log);
  context.subscriptions.push(early);
  // the saved files open now (the server gets the same list: initializationOptions.open)
  early.start(openSavedDocuments(), hcronSettings());
  // a path esbuild leaves alone: dist/extension.js is a bundle of its own
  main = require(path.join(__dirname, 'extension.js')) as typeof Main;
  return main.activate(context, { activatedAt, log, early });
}

export async function deactivate(): Promise<void> {
  await main?.deactivate();
}
