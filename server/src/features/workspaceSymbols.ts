// workspace/symbol: events of every tree by name, with their status.
// Computed in slices: a cancelled request stops.

import { SymbolInformation, SymbolKind } from 'vscode-languageserver/node';
import { workspaceSymbolsSteps } from '../service';
import { Env, guarded, mapSteps, Positions, sliced, waitOrCancel } from './common';

export const MAX_SYMBOLS = 2000;

export function registerWorkspaceSymbols(env: () => Env, positions: Positions): void {
  env().connection.onWorkspaceSymbol(
    guarded(env, 'workspaceSymbol', [] as SymbolInformation[], async (params, token) => {
      await waitOrCancel(env().settled(), token);
      const out: SymbolInformation[] = [];
      for (const model of env().workspace.trees.values()) {
        await waitOrCancel(model.ready, token);
        const found = await sliced(
          (function* () {
            const best = yield* workspaceSymbolsSteps(model.state, params.query, MAX_SYMBOLS - out.length);
            const container = model.server ?? model.root;
            return yield* mapSteps(best, (s): SymbolInformation => ({ name: s.name, kind: SymbolKind.Event, location: positions.location(model, s.loc), containerName: `${s.status} — ${container}` }));
          })(),
          token,
        );
        out.push(...found);
        if (out.length >= MAX_SYMBOLS) return out;
      }
      return out;
    }),
  );
}
