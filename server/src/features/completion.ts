// textDocument/completion: field names, event names in chain pieces, variables.
// Computed in slices (event names come from the whole tree): a cancelled
// request stops.

import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver/node';
import { completionSteps } from '../service';
import type { CompletionItem as Desc } from '../service';
import { docTarget, Env, guarded, mapSteps, Positions, sliced } from './common';

export const TRIGGER_CHARACTERS = ['$', '#', '/', ':', '='];

const KIND: Record<string, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  event: CompletionItemKind.Reference,
  variable: CompletionItemKind.Variable,
  value: CompletionItemKind.Value,
  keyword: CompletionItemKind.Keyword,
};

export function registerCompletion(env: () => Env, positions: Positions): void {
  env().connection.onCompletion(
    guarded(env, 'completion', [] as CompletionItem[], async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return [];
      const offset = t.offsetAt(params.position);
      const toItem = (c: Desc, i: number): CompletionItem => {
        const item: CompletionItem = { label: c.label, kind: KIND[c.kind] ?? CompletionItemKind.Text, detail: c.detail, sortText: String(i).padStart(5, '0') };
        if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
        const text = c.insertText ?? c.label;
        if (c.replaceStart !== undefined && c.replaceEnd !== undefined)
          item.textEdit = { range: { start: t.doc.positionAt(c.replaceStart), end: t.doc.positionAt(c.replaceEnd) }, newText: text };
        else if (c.insertText !== undefined) item.insertText = c.insertText;
        item.insertTextFormat = InsertTextFormat.PlainText;
        return item;
      };
      return sliced(
        (function* () {
          return yield* mapSteps(yield* completionSteps(t.ctx, offset), toItem);
        })(),
        token,
      );
    }),
  );
}
