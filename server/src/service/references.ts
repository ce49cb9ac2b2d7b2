// References of an event file: every chain piece, include line and symlink
// of the tree that reaches it. The file is the document's (cursor anywhere
// in it), or the one named by the chain piece / include line under the
// cursor.

import { chainTarget } from '../engine/lint';
import type { LintState } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { callersSteps, docOf, lineLoc, locate, namesOfFile } from './locate';
import { finish, STEP } from './steps';
import type { DocContext, Loc, ShouldStop, Steps } from './types';

export function references(ctx: DocContext, offset: number, shouldStop?: ShouldStop): Loc[] {
  return finish(referencesSteps(ctx, offset), shouldStop);
}

/** references as resumable work (service/steps.ts). */
export function* referencesSteps(ctx: DocContext, offset: number): Steps<Loc[]> {
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
  return yield* referencesOfFileSteps(doc.state, content);
}

/** Every place that reaches the regular file `content`: chain pieces naming it or a link to it, include lines, the links themselves. */
export function referencesOfFile(state: LintState, content: string, shouldStop?: ShouldStop): Loc[] {
  return finish(referencesOfFileSteps(state, content), shouldStop);
}

/** referencesOfFile as resumable work. */
export function* referencesOfFileSteps(state: LintState, content: string): Steps<Loc[]> {
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
  let n = 0;
  for (const c of yield* callersSteps(state, names, false)) {
    if ((++n & (STEP - 1)) === 0) yield;
    add(lineLoc(c.a.line.ll, c.a.valueStart + c.piece.start, c.a.valueStart + c.piece.end));
  }
  // include lines: only the events whose includes read it (the includers), in load order
  const includers = new Set(state.includers(content));
  if (includers.size)
    for (const e of state.tree.events) {
      if ((++n & (STEP - 1)) === 0) yield;
      const j = includers.has(e.name) ? state.judgement(e.name) : undefined;
      if (j) for (const u of j.includes) if (u.target === content) add(lineLoc(u.line.ll, u.argStart, u.argStart + u.arg.length));
    }
  for (const l of state.tree.linksTo.get(content) ?? []) add({ file: l, start: 0, end: 0 });
  return out;
}
