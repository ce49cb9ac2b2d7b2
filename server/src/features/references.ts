// textDocument/references: chain pieces naming an event, includes of a file,
// uses of a variable.

import { Location } from 'vscode-languageserver/node';
import { references } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

export function registerReferences(env: () => Env, positions: Positions): void {
  env().connection.onReferences(
    guarded(env, 'references', [] as Location[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      return references(t.ctx, t.offsetAt(params.position)).map((l) => positions.location(t.model, l));
    }),
  );
}
