// Inlay hints: the absolute name a relative chain piece resolves to, and the
// value a $/# reference takes in the early (load-time) pass where that pass
// matters: the template test (template_name) and the when_* fields.

import { earlyVars } from '../engine/event';
import { fileRange } from '../engine/lines';
import { EVENT_WORK_BUDGET, evalAssignments, scanReferences, substitute } from '../engine/substitute';
import { CHAIN_FIELDS, docOf, piecesOf } from './locate';
import type { DocContext } from './types';

export interface InlayHintDesc {
  /** Offset in the document the hint follows. */
  offset: number;
  label: string;
  kind: 'name' | 'value';
  tooltip?: string;
}

/** Hints at most per request. */
export const MAX_HINTS = 500;

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function inlayHints(ctx: DocContext, start: number, end: number): InlayHintDesc[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const j = doc.j;
  const out: InlayHintDesc[] = [];
  const own = (a: (typeof j.assignments)[number]) => a.line.via.length === 0 && a.line.ll.file === doc.content;
  const inRange = (o: number) => o >= start && o <= end;
  const vars = earlyVars(j.ref.name, doc.state.ctx);
  const budget = { left: EVENT_WORK_BUDGET }; // for the whole request: a glob over a 1 MB value costs millions of steps
  for (const a of j.assignments) {
    if (out.length >= MAX_HINTS) break;
    if (own(a) && CHAIN_FIELDS.has(a.name)) {
      for (const p of piecesOf(j.ref.name, a)) {
        if (p.late || p.piece === '' || p.piece.startsWith('/')) continue;
        const at = fileRange(a.line.ll, a.valueStart + p.end, a.valueStart + p.end).start;
        if (inRange(at)) out.push({ offset: at, label: `→ ${p.name}`, kind: 'name', tooltip: `hcron looks up ${p.name} (relative pieces join this event's folder, without normalising)` });
      }
    }
    const early = a.name === 'template_name' || (a.name.startsWith('when_') && a.name !== 'when_expire');
    if (own(a) && early && a.value.length <= 10_000) {
      for (const r of scanReferences(a.value).refs) {
        const at = fileRange(a.line.ll, a.valueStart + r.end, a.valueStart + r.end).start;
        if (!inRange(at)) continue;
        const text = a.value.slice(r.start, r.end);
        const v = substitute(text, vars, undefined, budget);
        const literal = v === text;
        out.push({
          offset: at,
          label: literal ? '(stays literal at load)' : `= ${clip(v) || '""'}`,
          kind: 'value',
          tooltip: literal
            ? `${text} has no value in hcron's early (load-time) pass: the ${a.name === 'template_name' ? 'template test' : 'when_* check'} sees it as written`
            : `${text} in hcron's early (load-time) pass, for ${j.ref.name}: ${v === '' ? '(empty)' : v}`,
        });
      }
    }
    evalAssignments([a], vars, undefined, budget);
  }
  return out;
}
