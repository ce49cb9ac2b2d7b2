// textDocument/codeAction: quick fixes (service/codeActions.ts), each as a
// WorkspaceEdit or, for symlinks, a server command (features/commands.ts).

import { ClientCapabilities, CodeAction, CodeActionKind, Command } from 'vscode-languageserver/node';
import { codeActions, Fix } from '../service';
import { docTarget, Env, guarded, Positions } from './common';
import { placesOf } from './diagnostics';
import { toDiagnostic } from '../findingDiagnostic';
import { toWorkspaceEdit } from './fileOps';
import type { TreeModel } from '../workspace';
import { CREATE_SYMLINK, REPLACE_HARD_LINK } from './commands';

function command(positions: Positions, model: TreeModel, f: Fix): Command | undefined {
  const c = f.command;
  if (!c) return undefined;
  if (c.command === 'hcron.createSymlink') return { title: f.title, command: CREATE_SYMLINK, arguments: [{ uri: positions.uriOf(model, c.link), target: c.target }] };
  return { title: f.title, command: REPLACE_HARD_LINK, arguments: [{ links: c.links.map((l) => ({ uri: positions.uriOf(model, l.file), target: l.target })) }] };
}

export function registerCodeActions(env: () => Env, positions: Positions, caps: () => ClientCapabilities): void {
  env().connection.onCodeAction(
    guarded(env, 'codeAction', [] as CodeAction[], async (params, token) => {
      const only = params.context.only;
      if (only && !only.some((k) => k === '' || CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(k + '.'))) return [];
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const start = t.offsetAt(params.range.start);
      const end = t.offsetAt(params.range.end);
      const model = t.model;
      // the published findings, when the document is the model's text
      const findings = model.textOf(model.contentKey(t.archive)) === t.ctx.text ? model.state.findings(t.archive) : undefined;
      const out: CodeAction[] = [];
      for (const f of codeActions(t.ctx, start, end, findings)) {
        const action: CodeAction = { title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(placesOf(model, positions), f.finding)] };
        if (f.preferred) action.isPreferred = true;
        if (f.change) {
          const edit = toWorkspaceEdit(env(), positions, model, f.change, caps());
          if (!edit) continue; // the client cannot create files through LSP
          action.edit = edit;
        }
        const cmd = command(positions, model, f);
        if (cmd) action.command = cmd;
        out.push(action);
      }
      return out;
    }),
  );
}
