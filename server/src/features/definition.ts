// textDocument/definition: include targets, chain pieces (through symlinks to
// the file hcron reads), $NAME/#NAME references.

import { Location } from 'vscode-languageserver/node';
import { definition } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

export function registerDefinition(env: () => Env, positions: Positions): void {
  env().connection.onDefinition(
    guarded(env, 'definition', null as Location[] | null, async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return null;
      const locs = definition(t.ctx, t.offsetAt(params.position));
      return locs.map((l) => positions.location(t.model, l));
    }),
  );
}
