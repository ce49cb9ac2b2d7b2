// The server's reading thread, started by the first import of server.ts: the
// thread boots while the rest of the server (the LSP libraries) is loaded. The
// trees of the workspace folders are read from `initialize` on, or from the
// process start when a client names the folders in HCRON_READ_EARLY (the VS
// Code extension did; on busy cores that read held back the server's own start,
// docs/performance.md, seventh round).

import { findHcronTrees, FoundTree } from './discovery';
import type { ScanLimits } from './engine/scan';
import { DEFAULT_READ_TIMEOUT_MS } from './readWatch';
import { limitsOf, parseSettings, Settings } from './settings';
import { workerReader } from './treeReader';

/** Trees are read in a worker, time-boxed: a hung mount never blocks the server. */
export const reader = workerReader(DEFAULT_READ_TIMEOUT_MS);
reader.warm();


/** Trees found below each workspace folder before the settings are known (takeFound() hands them out once). */
const found = new Map<string, FoundTree[]>();

/**
 * Look for the trees below these workspace folders and start reading them with the caps of
 * `settings`; the first load of a tree takes that read if its caps are still the same.
 */
export function readEarly(folders: string[], settings: Settings, log: (m: string) => void): void {
  for (const f of folders) {
    try {
      let trees = found.get(f);
      if (!trees) found.set(f, (trees = findHcronTrees(f)));
      for (const t of trees) reader.prefetch(t.root, limitsOf(settings));
    } catch (e) {
      log(`looking for event trees in ${f} failed: ${(e as Error)?.message ?? e}`);
    }
  }
}

/** The trees below a workspace folder: found by readEarly, else now. */
export function takeFound(folder: string): FoundTree[] {
  const trees = found.get(folder) ?? findHcronTrees(folder);
  found.delete(folder);
  return trees;
}

/** What a client may put in HCRON_READ_EARLY. */
export interface ReadEarly {
  folders: string[];
  settings: { maxFiles?: unknown; maxFileBytes?: unknown };
}

const early = process.env.HCRON_READ_EARLY;
if (early) {
  delete process.env.HCRON_READ_EARLY;
  try {
    const e = JSON.parse(early) as ReadEarly;
    if (Array.isArray(e.folders)) readEarly(e.folders.filter((f) => typeof f === 'string'), parseSettings(e.settings), (m) => process.stderr.write(m + '\n'));
  } catch (e) {
    process.stderr.write(`HCRON_READ_EARLY: ${(e as Error)?.message ?? e}\n`);
  }
}
