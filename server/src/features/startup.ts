// The documents open when the client starts the server, published during the
// handshake. The VS Code extension names them in initializationOptions.open
// (with every setting: complete: true); each is judged on its neighbourhood
// (openAtStart.ts) while the server answers `initialize`, and its findings are
// published as soon as they are made: after the initialize response (written
// first), before `initialized`, didOpen or any tree is loaded. The load
// publishes them again; nothing is published here once the load has published
// that document.

import type { Connection } from 'vscode-languageserver/node';
import { judgeOpenFile } from '../openAtStart';
import { resolveConfig, Settings } from '../settings';

/** At most this many documents: the client's open editors, not every file it ever opened. */
const MAX_DOCS = 20;

/** What the server's DiagnosticsPublisher tells and is told. */
export interface StartupPublisher {
  hasPublished(uri: string): boolean;
  notePublished(uri: string, count: number): void;
}

export function publishOpenAtStart(connection: Connection, uris: unknown, settings: Settings, publisher: StartupPublisher, log: (m: string) => void): void {
  if (!Array.isArray(uris)) return;
  const resolved = resolveConfig(settings);
  if (resolved.problem) return; // the load says what is wrong with the configuration
  for (const uri of uris.filter((u): u is string => typeof u === 'string').slice(0, MAX_DOCS)) {
    const published = () => publisher.hasPublished(uri);
    judgeOpenFile(uri, settings, { config: resolved.config, stale: published })
      .then((r) => {
        if (!r.ok || published()) return;
        void connection.sendDiagnostics({ uri, diagnostics: r.diagnostics });
        publisher.notePublished(uri, r.diagnostics.length);
        log(`${r.root}: ${r.archive} judged on its neighbourhood during the handshake (${r.members} members looked up)`);
      })
      .catch((e) => log(`judging ${uri} during the handshake failed: ${(e as Error)?.stack ?? e}`));
  }
}
