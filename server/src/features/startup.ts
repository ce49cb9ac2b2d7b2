// The documents open when the client starts the server, published during the
// handshake. The VS Code extension names them in initializationOptions.open
// (with every setting: complete: true); each is judged on its neighbourhood
// (engine/probe.ts judgeNear) while the server answers `initialize`, and its
// findings are published as soon as they are made: after the initialize
// response (written first), before `initialized`, didOpen or any tree is
// loaded. The load publishes them again; nothing is published here once the
// load has published that document.

import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection } from 'vscode-languageserver/node';
import { configContext } from '../engine/status';
import { judgeNear } from '../engine/probe';
import { fsPathIn } from '../engine/scan';
import { treeRootFor } from '../discovery';
import { limitsOf } from '../serverReader';
import { resolveConfig, Settings, severityFn } from '../settings';
import { fileUri, pathOfUri } from './common';
import { FindingPlaces, toDiagnostic } from './diagnostics';

/** At most this many documents: the client's open editors, not every file it ever opened. */
const MAX_DOCS = 20;

/** What the server's DiagnosticsPublisher tells and is told. */
export interface StartupPublisher {
  hasPublished(uri: string): boolean;
  notePublished(uri: string, count: number): void;
}

export function publishOpenAtStart(connection: Connection, uris: unknown, settings: Settings, publisher: StartupPublisher, log: (m: string) => void): void {
  const published = (uri: string) => publisher.hasPublished(uri);
  if (!Array.isArray(uris)) return;
  const resolved = resolveConfig(settings);
  if (resolved.problem) return; // the load says what is wrong with the configuration
  const config = resolved.config;
  const limits = limitsOf(settings);
  for (const uri of uris.filter((u): u is string => typeof u === 'string').slice(0, MAX_DOCS)) {
    const fsPath = pathOfUri(uri);
    const t = fsPath && treeRootFor(fsPath);
    if (!fsPath || !t) continue;
    const root = path.resolve(t.root);
    const archive = 'events/' + path.relative(root, path.resolve(fsPath)).split(path.sep).join('/');
    const ctx = configContext(config, settings.serverName ?? t.server ?? undefined, settings.hostName ?? os.hostname());
    judgeNear(root, archive, { config, ctx, overlay: () => undefined, maxFileBytes: limits.maxFileBytes, maxMembers: limits.maxMembers, lint: { severity: severityFn(settings) }, stale: () => published(uri) })
      .then((r) => {
        if (!r.ok || published(uri)) return;
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
        void connection.sendDiagnostics({ uri, diagnostics });
        publisher.notePublished(uri, diagnostics.length);
        log(`${root}: ${archive} judged on its neighbourhood during the handshake (${r.members} members looked up)`);
      })
      .catch((e) => log(`judging ${uri} during the handshake failed: ${(e as Error)?.stack ?? e}`));
  }
}
