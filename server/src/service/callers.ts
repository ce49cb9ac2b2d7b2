// Callers of events through the workspace's reverse index when the state has
// one (the language server's WorkspaceState.callers), else by scanning the
// tree (locate.callersOf): the same answer, without reading every event of a
// 20,000-event tree on each code lens or graph request.

import type { Assignment } from '../engine/event';
import type { LintState } from '../engine/lint';
import { Caller, callersOf, piecesOf } from './locate';

type Indexed = LintState & { callers?: (name: string) => string[] };

export function chainCallers(state: LintState, names: Iterable<string>, runnableOnly = false): Caller[] {
  const idx = (state as Indexed).callers;
  const want = new Set(names);
  if (typeof idx !== 'function') return callersOf(state, want, runnableOnly);
  const candidates = new Set<string>();
  for (const n of want) for (const c of idx.call(state, n)) candidates.add(c);
  const out: Caller[] = [];
  for (const name of candidates) {
    const cj = state.judgement(name);
    if (!cj || (runnableOnly && !cj.runnable)) continue;
    for (const field of ['next_event', 'failover_event'] as const) {
      let a: Assignment | undefined;
      for (let i = cj.assignments.length - 1; i >= 0; i--)
        if (cj.assignments[i].name === field) {
          a = cj.assignments[i];
          break;
        }
      if (!a) continue;
      for (const p of piecesOf(cj.ref.name, a)) if (!p.late && want.has(p.name)) out.push({ caller: cj, field, target: p.name, piece: p, a });
    }
  }
  if (out.length < 2) return out;
  // load order, like callersOf
  const order = new Map(state.tree.events.map((e, i) => [e.name, i]));
  return out.sort((x, y) => (order.get(x.caller.ref.name) ?? 0) - (order.get(y.caller.ref.name) ?? 0));
}
