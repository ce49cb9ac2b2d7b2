// Document symbols (assignments and include lines of the document's own
// file) and workspace symbols (events by name, with hcron's status).

import { KNOWN_FIELDS, status } from '../engine/event';
import { fileRange } from '../engine/lines';
import type { LintState } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { docOf, lineSpan, ownLines } from './locate';
import type { DocContext, DocumentSymbol, WorkspaceSymbol } from './types';

export function documentSymbols(ctx: DocContext): DocumentSymbol[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const out: DocumentSymbol[] = [];
  // one lookup table, not a search per line: 50,000 assignments stay linear
  const byLine = new Map(doc.j.assignments.map((x) => [x.line, x] as const));
  for (const o of ownLines(doc)) {
    const span = lineSpan(o.ll);
    if (o.use) {
      const sel = fileRange(o.ll, o.use.argStart, o.use.argStart + o.use.arg.length);
      const detail = o.use.error ? `fails: ${o.use.error}` : o.use.target ? nameOf(o.use.target) : undefined;
      out.push({ name: `include ${o.use.arg}`, detail, kind: 'include', start: span.start, end: span.end, selStart: sel.start, selEnd: sel.end });
      continue;
    }
    const a = o.fl && byLine.get(o.fl);
    if (!a) continue;
    const sel = fileRange(o.ll, a.nameStart, a.nameEnd);
    out.push({
      name: a.name === '' ? '(empty name)' : a.name,
      detail: a.value.length > 200 ? a.value.slice(0, 200) + '…' : a.value, // a value can be megabytes long
      kind: KNOWN_FIELDS.has(a.name) ? 'field' : 'variable',
      start: span.start,
      end: span.end,
      selStart: sel.start,
      selEnd: sel.end,
    });
  }
  return out;
}

/** Subsequence match score (higher is better), or -1. */
function fuzzy(name: string, query: string): number {
  const n = name.toLowerCase();
  const q = query.toLowerCase();
  if (q === '') return 1;
  const sub = n.indexOf(q);
  if (sub >= 0) return 1000 - sub + (n.endsWith(q) ? 100 : 0) + (n.slice(n.lastIndexOf('/') + 1).startsWith(q) ? 200 : 0);
  let score = 0;
  let i = 0;
  let prev = -2;
  for (const ch of q) {
    const k = n.indexOf(ch, i);
    if (k < 0) return -1;
    score += k === prev + 1 ? 5 : 1;
    prev = k;
    i = k + 1;
  }
  return score;
}

export function workspaceSymbols(state: LintState, query: string): WorkspaceSymbol[] {
  const scored: { s: WorkspaceSymbol; score: number }[] = [];
  for (const e of state.tree.events) {
    const score = fuzzy(e.name, query.trim());
    if (score < 0) continue;
    const j = state.judgement(e.name);
    const rec = state.record(e.name);
    const st = rec?.status ?? (j ? status(j.type) : 'unknown');
    const reason = rec?.reason ?? j?.reason ?? '';
    scored.push({ s: { name: e.name, status: reason && reason !== 'passed' ? `${st}: ${reason}` : st, loc: { file: e.path, start: 0, end: 0 } }, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0));
  return scored.map((x) => x.s);
}
