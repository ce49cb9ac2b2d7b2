// Document symbols (assignments and include lines of the document's own
// file) and workspace symbols (events by name, with hcron's status).

import { KNOWN_FIELDS, status } from '../engine/event';
import { fileRange } from '../engine/lines';
import type { LintState } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { docOf, lineSpan, ownLines } from './locate';
import { finish, STEP } from './steps';
import type { DocContext, DocumentSymbol, ShouldStop, Steps, WorkspaceSymbol } from './types';

export function documentSymbols(ctx: DocContext, shouldStop?: ShouldStop): DocumentSymbol[] {
  return finish(documentSymbolsSteps(ctx), shouldStop);
}

/** documentSymbols as resumable work (service/steps.ts): files can have 50,000 lines. */
export function* documentSymbolsSteps(ctx: DocContext): Steps<DocumentSymbol[]> {
  const doc = docOf(ctx);
  if (!doc) return [];
  const out: DocumentSymbol[] = [];
  // one lookup table, not a search per line: 50,000 assignments stay linear
  const byLine = new Map(doc.j.assignments.map((x) => [x.line, x] as const));
  let n = 0;
  for (const o of ownLines(doc)) {
    if ((++n & (STEP - 1)) === 0) yield;
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

export function workspaceSymbols(state: LintState, query: string, limit = Infinity, shouldStop?: ShouldStop): WorkspaceSymbol[] {
  return finish(workspaceSymbolsSteps(state, query, limit), shouldStop);
}

/**
 * workspaceSymbols as resumable work (service/steps.ts): the best `limit`
 * matches, best first. With a limit the matches are cut down to it as they
 * come (sorts of a few thousand at a time, never one sort of the whole tree).
 */
export function* workspaceSymbolsSteps(state: LintState, query: string, limit = Infinity): Steps<WorkspaceSymbol[]> {
  let scored: { s: WorkspaceSymbol; score: number }[] = [];
  const q = query.trim();
  const better = (a: { s: WorkspaceSymbol; score: number }, b: { s: WorkspaceSymbol; score: number }) => b.score - a.score || (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0);
  const keep = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : Infinity;
  let n = 0;
  for (const e of state.tree.events) {
    if ((++n & (STEP - 1)) === 0) yield;
    const score = fuzzy(e.name, q);
    if (score < 0) continue;
    const j = state.judgement(e.name);
    const rec = state.record(e.name);
    const st = rec?.status ?? (j ? status(j.type) : 'unknown');
    const reason = rec?.reason ?? j?.reason ?? '';
    scored.push({ s: { name: e.name, status: reason && reason !== 'passed' ? `${st}: ${reason}` : st, loc: { file: e.path, start: 0, end: 0 } }, score });
    if (scored.length >= 2 * keep + 1024) {
      scored = scored.sort(better).slice(0, keep);
      yield;
    }
  }
  scored.sort(better);
  if (scored.length > keep) scored.length = keep;
  return scored.map((x) => x.s);
}
