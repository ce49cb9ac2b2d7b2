// An event open in the editor as the tools start, judged before any tree is
// loaded: on its neighbourhood (engine/probe.ts judgeNear), its findings made
// LSP diagnostics. The server publishes them during its handshake
// (features/startup.ts); the VS Code extension shows them while the server is
// still starting (client/src/earlyDiagnostics.ts) and hands over to the
// server's first publication of the document. No LSP connection and no
// `vscode` here: both sides use it.

import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { HcronConfig } from './engine/config';
import { judgeNear, NearFs } from './engine/probe';
import { fsPathIn } from './engine/scan';
import { configContext } from './engine/status';
import { treeRootFor } from './discovery';
import { FindingPlaces, toDiagnostic } from './findingDiagnostic';
import { limitsOf, Settings, severityFn } from './settings';
import { fileUri, pathOfUri } from './uris';

export interface OpenOptions {
  /** hcron.conf as the settings name it (resolveConfig). */
  config: HcronConfig;
  /** Members the walk in hcron's load order may list where max_events_per_user may cut (default: the reader's cap). */
  walkBudget?: number;
  /** Checked between file-system calls: give up when true (the server published it, the document changed). */
  stale?(): boolean;
  /** The file-system calls (default: asynchronous ones; the extension's worker passes synchronous ones). */
  fs?: NearFs;
}

export type OpenVerdict =
  | { ok: true; root: string; archive: string; diagnostics: Diagnostic[]; members: number }
  | { ok: false; why: string };

/** The diagnostics of the saved file at `uri` (a file: URI in an events folder), as the whole tree's load would publish them. */
export async function judgeOpenFile(uri: string, settings: Settings, o: OpenOptions): Promise<OpenVerdict> {
  const fsPath = pathOfUri(uri);
  const t = fsPath && treeRootFor(fsPath);
  if (!fsPath || !t) return { ok: false, why: 'not in an events folder' };
  const root = path.resolve(t.root);
  const archive = 'events/' + path.relative(root, path.resolve(fsPath)).split(path.sep).join('/');
  const limits = limitsOf(settings);
  const ctx = configContext(o.config, settings.serverName ?? t.server ?? undefined, settings.hostName ?? os.hostname());
  const r = await judgeNear(root, archive, {
    config: o.config,
    ctx,
    overlay: () => undefined,
    maxFileBytes: limits.maxFileBytes,
    maxMembers: limits.maxMembers,
    walkBudget: o.walkBudget,
    lint: { severity: severityFn(settings) },
    stale: o.stale,
    fs: o.fs,
  });
  if (!r.ok) return r;
  const docs = new Map<string, TextDocument>();
  const doc = (file: string) => {
    let d = docs.get(file);
    if (!d) docs.set(file, (d = TextDocument.create(file, 'hcron', 0, r.texts.get(file) ?? '')));
    return d;
  };
  // positions in the texts just read; the document's own URI as the client spelled it
  const at: FindingPlaces = {
    range: (file, start, end) => ({ start: doc(file).positionAt(start), end: doc(file).positionAt(Math.max(start, end)) }),
    uriOf: (file) => (file === archive ? uri : fileUri(fsPathIn(root, file))),
  };
  const diagnostics = r.findings.filter((f) => f.file === archive).map((f) => toDiagnostic(at, f));
  return { ok: true, root, archive, diagnostics, members: r.members };
}
