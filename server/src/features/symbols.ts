// textDocument/documentSymbol: the event's fields, variables and includes.
// Computed in slices (a file can have 50,000 lines): a cancelled request stops.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver/node';
import { documentSymbolsSteps } from '../service';
import type { DocumentSymbol as Desc } from '../service';
import { docTarget, Env, guarded, mapSteps, Positions, sliced } from './common';

const KIND: Record<string, SymbolKind> = { field: SymbolKind.Field, variable: SymbolKind.Variable, include: SymbolKind.File };

export function registerDocumentSymbols(env: () => Env, positions: Positions): void {
  env().connection.onDocumentSymbol(
    guarded(env, 'documentSymbol', [] as DocumentSymbol[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const pos = (o: number) => t.doc.positionAt(o);
      const toSymbol = (s: Desc): DocumentSymbol => ({
        name: s.name || '(empty name)',
        detail: s.detail,
        kind: KIND[s.kind] ?? SymbolKind.Variable,
        range: { start: pos(s.start), end: pos(Math.max(s.start, s.end)) },
        selectionRange: { start: pos(s.selStart), end: pos(Math.max(s.selStart, s.selEnd)) },
      });
      return sliced(
        (function* () {
          return yield* mapSteps(yield* documentSymbolsSteps(t.ctx), toSymbol);
        })(),
        token,
      );
    }),
  );
}
