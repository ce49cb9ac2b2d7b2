// textDocument/hover: the service's markdown (late values for every way the
// file runs, schedules, what a piece or include resolves to).

import * as os from 'node:os';
import { Hover, MarkupKind } from 'vscode-languageserver/node';
import { hover } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

let user: string | undefined;
function currentUser(): string {
  if (user === undefined) {
    try {
      user = os.userInfo().username;
    } catch {
      user = process.env.USER ?? 'user';
    }
  }
  return user;
}

export function registerHover(env: () => Env, positions: Positions): void {
  env().connection.onHover(
    guarded(env, 'hover', null as Hover | null, async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return null;
      const h = hover(t.ctx, t.offsetAt(params.position), { now: new Date(), user: currentUser() });
      if (!h) return null;
      return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: { start: t.doc.positionAt(h.start), end: t.doc.positionAt(h.end) } };
    }),
  );
}
