// Call hierarchy over chains: an event's incoming calls are the events whose
// next_event/failover_event pieces name it, its outgoing calls the events
// its own pieces name. (For clients without the chain graph webview.)

import { ownRange } from '../engine/event';
import { chainPieces, chainTarget, LintState } from '../engine/lint';
import { callersSteps, docOf, locate } from './locate';
import { finish, STEP } from './steps';
import type { DocContext, Loc, ShouldStop, Steps } from './types';
import { verdictText } from './codeLens';

export interface CallItem {
  /** hcron's event name. */
  name: string;
  /** Archive path of the event member (a symlink's own path). */
  file: string;
  /** hcron's verdict, short. */
  detail: string;
}

export interface Call {
  item: CallItem;
  /** The chain pieces (or the include lines that bring them in), in `in` (archive path). */
  ranges: Loc[];
}

export function callItem(state: LintState, name: string): CallItem | undefined {
  const j = state.judgement(name);
  if (!j) return undefined;
  const rec = state.record(name);
  return { name, file: j.ref.path, detail: verdictText(j, rec?.reason ?? j.reason) };
}

/** The event at the offset: the one a chain piece names, else the document's own. */
export function prepareCallHierarchy(ctx: DocContext, offset: number): CallItem[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const hit = locate(doc, offset);
  if (hit?.kind === 'piece') {
    const t = chainTarget(doc.state, hit.piece.name);
    if (t.kind === 'event') {
      const it = callItem(doc.state, t.judgement.ref.name);
      return it ? [it] : [];
    }
  }
  if (!doc.isEvent) return [];
  const it = callItem(doc.state, doc.j.ref.name);
  return it ? [it] : [];
}

/** Events whose chains name `name`, with the pieces (ranges in the caller's file). */
export function incomingCalls(state: LintState, name: string, shouldStop?: ShouldStop): Call[] {
  return finish(incomingCallsSteps(state, name), shouldStop);
}

/** incomingCalls as resumable work (service/steps.ts): a template can have thousands of callers. */
export function* incomingCallsSteps(state: LintState, name: string): Steps<Call[]> {
  const by = new Map<string, Call>();
  let n = 0;
  for (const c of yield* callersSteps(state, [name], false)) {
    if ((++n & (STEP - 1)) === 0) yield;
    const item = callItem(state, c.caller.ref.name);
    if (!item) continue;
    let call = by.get(item.name);
    if (!call) by.set(item.name, (call = { item, ranges: [] }));
    const r = ownRange(c.a.line, c.a.valueStart + c.piece.start, c.a.valueStart + c.piece.end);
    call.ranges.push({ file: item.file, start: r.start, end: r.end });
  }
  return [...by.values()];
}

/** Events that `name` chains to, with its pieces (ranges in its own file). */
export function outgoingCalls(state: LintState, name: string): Call[] {
  const j = state.judgement(name);
  if (!j) return [];
  const by = new Map<string, Call>();
  for (const p of chainPieces(j)) {
    if (p.piece === '' || p.assignment.value.includes('$')) continue;
    const t = chainTarget(state, p.name);
    if (t.kind !== 'event') continue;
    const item = callItem(state, p.name);
    if (!item) continue;
    let call = by.get(item.name);
    if (!call) by.set(item.name, (call = { item, ranges: [] }));
    const r = ownRange(p.assignment.line, p.assignment.valueStart + p.start, p.assignment.valueStart + p.end);
    call.ranges.push({ file: j.ref.path, start: r.start, end: r.end });
  }
  return [...by.values()];
}
