// textDocument/codeLens: hcron's verdict, the callers (opening the
// references) and the symlinked names on the first line; the next run on the
// first when_* line (service/codeLens.ts).
//
// A lens with locations runs the client command `hcron.showReferences`
// (arguments: document URI, position, LSP locations — left out above
// MAX_LENS_LOCATIONS: the client then asks textDocument/references at that
// position); the VS Code client registers it (it opens the references peek).
// Other clients show the title.
//
// Computed in slices (a template's callers can be thousands): a cancelled
// request stops.

import { CodeLens } from 'vscode-languageserver/node';
import { codeLensesSteps } from '../service';
import { docTarget, Env, guarded, mapSteps, Positions, sliced } from './common';

export const SHOW_REFERENCES = 'hcron.showReferences';
export const MAX_LENS_LOCATIONS = 500;

export function registerCodeLens(env: () => Env, positions: Positions): void {
  env().connection.onCodeLens(
    guarded(env, 'codeLens', [] as CodeLens[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const now = new Date();
      return sliced(
        (function* () {
          const out: CodeLens[] = [];
          for (const l of yield* codeLensesSteps(t.ctx, { now })) {
            const pos = t.doc.positionAt(l.offset);
            const range = { start: pos, end: pos };
            const n = l.locations?.length ?? 0;
            const args = n > MAX_LENS_LOCATIONS ? [params.textDocument.uri, pos] : [params.textDocument.uri, pos, yield* mapSteps(l.locations ?? [], (x) => positions.location(t.model, x))];
            out.push({
              range,
              command: n ? { title: l.title, command: SHOW_REFERENCES, arguments: args } : { title: l.title, command: '' },
              data: { kind: l.kind },
            });
          }
          return out;
        })(),
        token,
      );
    }),
  );
}
