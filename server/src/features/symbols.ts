// textDocument/documentSymbol: the event's fields, variables and includes.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver/node';
import { documentSymbols } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

const KIND: Record<string, SymbolKind> = { field: SymbolKind.Field, variable: SymbolKind.Variable, include: SymbolKind.File };

export function registerDocumentSymbols(env: () => Env, positions: Positions): void {
  env().connection.onDocumentSymbol(
    guarded(env, 'documentSymbol', [] as DocumentSymbol[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const pos = (o: number) => t.doc.positionAt(o);
      return documentSymbols(t.ctx).map(
        (s): DocumentSymbol => ({
          name: s.name || '(empty name)',
          detail: s.detail,
          kind: KIND[s.kind] ?? SymbolKind.Variable,
          range: { start: pos(s.start), end: pos(Math.max(s.start, s.end)) },
          selectionRange: { start: pos(s.selStart), end: pos(Math.max(s.selStart, s.selEnd)) },
        }),
      );
    }),
  );
}
