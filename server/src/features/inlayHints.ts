// textDocument/inlayHint: the absolute name of each relative chain piece, and
// the early-pass value of the $ references of template_name and when_*
// (service/inlayHints.ts).

import { InlayHint, InlayHintKind } from 'vscode-languageserver/node';
import { inlayHints } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

export function registerInlayHints(env: () => Env, positions: Positions): void {
  env().connection.languages.inlayHint.on(
    guarded(env, 'inlayHint', [] as InlayHint[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const start = t.offsetAt(params.range.start);
      const end = t.offsetAt(params.range.end);
      return inlayHints(t.ctx, start, end).map(
        (h): InlayHint => ({
          position: t.doc.positionAt(h.offset),
          label: h.label,
          kind: h.kind === 'value' ? InlayHintKind.Parameter : InlayHintKind.Type,
          paddingLeft: true,
          tooltip: h.tooltip,
        }),
      );
    }),
  );
}
