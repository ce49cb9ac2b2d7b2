// textDocument/references: chain pieces naming an event, includes of a file,
// uses of a variable. Computed in slices: a cancelled request stops.

import { Location } from 'vscode-languageserver/node';
import { referencesSteps } from '../service';
import { docTarget, Env, guarded, mapSteps, Positions, sliced } from './common';

export function registerReferences(env: () => Env, positions: Positions): void {
  env().connection.onReferences(
    guarded(env, 'references', [] as Location[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const offset = t.offsetAt(params.position);
      return sliced(
        (function* () {
          const locs = yield* referencesSteps(t.ctx, offset);
          return yield* mapSteps(locs, (l) => positions.location(t.model, l));
        })(),
        token,
      );
    }),
  );
}
