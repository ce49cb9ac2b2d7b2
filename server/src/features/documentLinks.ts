// textDocument/documentLink: include arguments and chain pieces as links.

import { DocumentLink } from 'vscode-languageserver/node';
import { documentLinks } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

export function registerDocumentLinks(env: () => Env, positions: Positions): void {
  env().connection.onDocumentLinks(
    guarded(env, 'documentLink', [] as DocumentLink[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      return documentLinks(t.ctx).map((l) => ({
        range: { start: t.doc.positionAt(l.start), end: t.doc.positionAt(l.end) },
        target: positions.uriOf(t.model, l.target),
        tooltip: l.target.slice('events'.length),
      }));
    }),
  );
}
