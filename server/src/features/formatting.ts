// textDocument/formatting: only what hcron ignores (blanks around "=" and at
// line ends), never a value (service/format.ts). Off when the client's
// setting hcron.format.enable is false.

import { Connection, TextEdit } from 'vscode-languageserver/node';
import { ClientCapabilities } from 'vscode-languageserver/node';
import { formatEdits } from '../service';
import { docTarget, Env, guarded, Positions } from './common';

async function enabled(connection: Connection, caps: ClientCapabilities, uri: string): Promise<boolean> {
  if (!caps.workspace?.configuration) return true;
  try {
    const [v] = await connection.workspace.getConfiguration([{ scopeUri: uri, section: 'hcron.format' }]);
    const e = v && typeof v === 'object' ? (v as { enable?: unknown }).enable : undefined;
    return e !== false && e !== 'false';
  } catch {
    return true;
  }
}

export function registerFormatting(env: () => Env, positions: Positions, caps: () => ClientCapabilities): void {
  env().connection.onDocumentFormatting(
    guarded(env, 'formatting', [] as TextEdit[], async (params, token) => {
      if (!(await enabled(env().connection, caps(), params.textDocument.uri))) return [];
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      return formatEdits(t.ctx.text).map((e) => ({ range: { start: t.doc.positionAt(e.start), end: t.doc.positionAt(e.end) }, newText: e.newText }));
    }),
  );
}
