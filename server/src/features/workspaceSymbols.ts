// workspace/symbol: events of every tree by name, with their status.

import { SymbolInformation, SymbolKind } from 'vscode-languageserver/node';
import { workspaceSymbols } from '../service';
import { checkCancel, Env, guarded, Positions, waitOrCancel } from './common';

export const MAX_SYMBOLS = 2000;

export function registerWorkspaceSymbols(env: () => Env, positions: Positions): void {
  env().connection.onWorkspaceSymbol(
    guarded(env, 'workspaceSymbol', [] as SymbolInformation[], async (params, token) => {
      await waitOrCancel(env().settled(), token);
      const out: SymbolInformation[] = [];
      for (const model of env().workspace.trees.values()) {
        await waitOrCancel(model.ready, token);
        checkCancel(token);
        for (const s of workspaceSymbols(model.state, params.query)) {
          out.push({ name: s.name, kind: SymbolKind.Event, location: positions.location(model, s.loc), containerName: `${s.status} — ${model.server ?? model.root}` });
          if (out.length >= MAX_SYMBOLS) return out;
        }
      }
      return out;
    }),
  );
}
