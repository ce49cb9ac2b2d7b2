// References of an event file: every chain piece, include line and symlink
// of the tree that reaches it. The file is the document's (cursor anywhere
// in it), or the one named by the chain piece / include line under the
// cursor.

import { chainTarget } from '../engine/lint';
import type { LintState } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { allJudgements, callersOf, docOf, lineLoc, locate, namesOfFile } from './locate';
import type { DocContext, Loc } from './types';

export function references(ctx: DocContext, offset: number): Loc[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const hit = locate(doc, offset);
  let content = doc.content;
  if (hit?.kind === 'piece') {
    const t = chainTarget(doc.state, hit.piece.name);
    if (t.kind !== 'event') return [];
    content = t.judgement.ref.content;
  } else if (hit?.kind === 'include' && hit.onArg) {
    if (!hit.use.target) return [];
    content = hit.use.target;
  }
  return referencesOfFile(doc.state, content);
}

/** Every place that reaches the regular file `content`: chain pieces naming it or a link to it, include lines, the links themselves. */
export function referencesOfFile(state: LintState, content: string): Loc[] {
  const out: Loc[] = [];
  const seen = new Set<string>();
  const add = (l: Loc) => {
    const k = `${l.file}\0${l.start}\0${l.end}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(l);
  };
  const names = namesOfFile(state, content);
  // an event that is not loaded (e.g. its own name is ignored) is still reached by its links
  if (names.length === 0) names.push(nameOf(content));
  for (const c of callersOf(state, names, false)) add(lineLoc(c.a.line.ll, c.a.valueStart + c.piece.start, c.a.valueStart + c.piece.end));
  for (const j of allJudgements(state))
    for (const u of j.includes) if (u.target === content) add(lineLoc(u.line.ll, u.argStart, u.argStart + u.arg.length));
  for (const l of state.tree.linksTo.get(content) ?? []) add({ file: l, start: 0, end: 0 });
  return out;
}
