// The thread of the extension's early diagnostics (earlyDiagnostics.ts): judges the documents
// open at start with synchronous file-system calls, so that they wait neither for the extension
// host's event loop nor for its pool of threads, both busy while VS Code starts (measured: 25 ms
// for an event alone, 250-750 ms on the extension host's thread). Each document's diagnostics
// are posted as soon as they are made. A hung mount stops this thread, never the extension
// host: its owner terminates it.
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from 'vscode-languageserver-types';
import { syncNearFs } from '../../server/src/engine/probe';
import { judgeOpenFile } from '../../server/src/openAtStart';
import { parseSettings, resolveConfig } from '../../server/src/settings';

export interface EarlyRequest {
  uris: string[];
  /** The hcron section of the settings, as the server gets it. */
  settings: unknown;
  walkBudget: number;
}

type Verdict = { ok: true; root: string; archive: string; diagnostics: Diagnostic[]; members: number } | { ok: false; why: string };
export type EarlyReply = { uri: string; ms: number } & Verdict;

async function main(): Promise<void> {
  const { uris, settings, walkBudget } = workerData as EarlyRequest;
  const s = parseSettings(settings);
  const resolved = resolveConfig(s);
  for (const uri of uris) {
    const t0 = performance.now();
    const reply = (r: Verdict) => parentPort?.postMessage({ uri, ms: Math.round(performance.now() - t0), ...r });
    if (resolved.problem) reply({ ok: false, why: 'hcron.conf: the server tells what is wrong with it' });
    else
      try {
        reply(await judgeOpenFile(uri, s, { config: resolved.config, walkBudget, fs: syncNearFs }));
      } catch (e) {
        reply({ ok: false, why: String((e as Error)?.stack ?? e) });
      }
  }
}

void main();
