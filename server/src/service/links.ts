// Document links: chain pieces (to the target's content file) and include
// arguments (to the included file).

import { chainTarget } from '../engine/lint';
import { fileRange } from '../engine/lines';
import { CHAIN_FIELDS, docOf, ownLines, piecesOf } from './locate';
import type { DocContext, DocumentLink } from './types';

export function documentLinks(ctx: DocContext): DocumentLink[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const out: DocumentLink[] = [];
  for (const o of ownLines(doc)) {
    if (o.use) {
      if (o.use.target) {
        const r = fileRange(o.ll, o.use.argStart, o.use.argStart + o.use.arg.length);
        out.push({ start: r.start, end: r.end, target: o.use.target });
      }
      continue;
    }
    const a = doc.j.assignments.find((x) => x.line === o.fl);
    if (!a || !CHAIN_FIELDS.has(a.name)) continue;
    for (const p of piecesOf(doc.j.ref.name, a)) {
      if (p.late || p.piece === '') continue;
      const t = chainTarget(doc.state, p.name);
      if (t.kind !== 'event') continue;
      const r = fileRange(o.ll, a.valueStart + p.start, a.valueStart + p.end);
      out.push({ start: r.start, end: r.end, target: t.judgement.ref.content });
    }
  }
  return out;
}
