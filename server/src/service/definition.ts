// Go to definition: chain pieces to the event they name (a symlinked target
// to the regular file it resolves to), include lines to the included file,
// $NAME/#NAME to the assignment the value comes from (spec 6.9).

import { chainTarget, definitionOf } from '../engine/lint';
import { docLoc, docOf, locate } from './locate';
import type { DocContext, Loc } from './types';

export function definition(ctx: DocContext, offset: number): Loc[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const hit = locate(doc, offset);
  if (!hit) return [];
  switch (hit.kind) {
    case 'include':
      return hit.use.target ? [{ file: hit.use.target, start: 0, end: 0 }] : [];
    case 'piece': {
      const t = chainTarget(doc.state, hit.piece.name);
      return t.kind === 'event' ? [{ file: t.judgement.ref.content, start: 0, end: 0 }] : [];
    }
    case 'ref': {
      const k = definitionOf(doc.j, hit.idx, hit.ref.name);
      if (k === undefined || k < 0) return [];
      const a = doc.j.assignments[k];
      return [docLoc(doc, a.line.ll, a.nameStart, a.nameEnd)];
    }
    default:
      return [];
  }
}
