// The graph around an event: what it chains to (next_event, failover_event),
// includes and links to, and what chains to, includes or links to it, to a
// chosen depth each way. Nodes carry hcron's verdict; edges their kind.

import { status } from '../engine/event';
import { chainPieces, chainTarget, dropText, LintState } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { callersSteps } from './locate';
import { finish, STEP } from './steps';
import type { ShouldStop, Steps } from './types';

export type NodeStatus = 'accepted' | 'template' | 'rejected' | 'dropped' | 'ignored' | 'missing';
export type EdgeKind = 'failover' | 'next' | 'include' | 'symlink';

export interface GraphNode {
  name: string;
  status: NodeStatus;
  /** hcron's reason, or why it is absent. */
  reason: string;
  /** Archive path of the member, when there is one (what a click opens). */
  file?: string;
  /** Hops from the center: negative for callers (what reaches it), positive for targets. */
  depth: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

export interface ChainGraph {
  center: string;
  depth: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** More nodes were reachable than maxNodes. */
  truncated: boolean;
}

export const MAX_GRAPH_DEPTH = 10;
export const MAX_GRAPH_NODES = 150;

function nodeOf(state: LintState, name: string, depth: number): GraphNode {
  const j = state.judgement(name);
  if (j) {
    const rec = state.record(name);
    const st: NodeStatus = j.type === 'template' ? 'template' : status(j.type) === 'accepted' ? 'accepted' : 'rejected';
    return { name, status: st, reason: rec?.reason ?? j.reason, file: j.ref.path, depth };
  }
  const path = 'events' + name;
  const d = state.tree.droppedByPath.get(path);
  if (d) return { name, status: 'dropped', reason: dropText(d), file: path, depth };
  if (state.tree.ignoredPaths.has(path)) return { name, status: 'ignored', reason: 'the name matches names_to_ignore_regexp', file: path, depth };
  const m = state.tree.members.get(path);
  return { name, status: 'missing', reason: m ? `not an event (${m.kind})` : 'does not exist', file: m ? path : undefined, depth };
}

/** Edges leaving `name`: its chain pieces, includes, and the file a symlink resolves to. */
function outgoing(state: LintState, name: string): GraphEdge[] {
  const out: GraphEdge[] = [];
  const j = state.judgement(name);
  if (j) {
    for (const p of chainPieces(j)) {
      if (p.piece === '' || p.assignment.value.includes('$')) continue;
      out.push({ from: name, to: p.name, kind: p.field === 'failover_event' ? 'failover' : 'next' });
    }
    for (const u of j.includes) out.push({ from: name, to: nameOf(u.target ?? u.key), kind: 'include' });
    if (j.ref.links) out.push({ from: name, to: nameOf(j.ref.content), kind: 'symlink' });
  } else {
    const d = state.tree.droppedByPath.get('events' + name);
    if (d?.target && (d.target === 'events' || d.target.startsWith('events/'))) out.push({ from: name, to: nameOf(d.target), kind: 'symlink' });
  }
  return out;
}

function* incoming(state: LintState, name: string): Steps<GraphEdge[]> {
  const out: GraphEdge[] = (yield* callersSteps(state, [name], false)).map((c) => ({ from: c.caller.ref.name, to: name, kind: c.field === 'failover_event' ? 'failover' : 'next' }));
  const path = 'events' + name;
  for (const n of state.includers(path)) out.push({ from: n, to: name, kind: 'include' });
  for (const l of state.tree.linksTo.get(path) ?? []) out.push({ from: nameOf(l), to: name, kind: 'symlink' });
  let n = 0;
  for (const d of state.tree.dropped) {
    if ((++n & (STEP - 1)) === 0) yield;
    if (d.target === path && d.reason !== 'hard-link') out.push({ from: d.name, to: name, kind: 'symlink' });
  }
  return out;
}

/** The graph around `center` (an event name, or the name of any member). */
export function chainGraph(state: LintState, center: string, depth = 2, maxNodes = MAX_GRAPH_NODES, shouldStop?: ShouldStop): ChainGraph {
  return finish(chainGraphSteps(state, center, depth, maxNodes), shouldStop);
}

/** chainGraph as resumable work (service/steps.ts): a template's callers can be thousands. */
export function* chainGraphSteps(state: LintState, center: string, depth = 2, maxNodes = MAX_GRAPH_NODES): Steps<ChainGraph> {
  depth = Math.max(0, Math.min(MAX_GRAPH_DEPTH, Math.floor(depth)));
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  let count = 0;
  const addEdge = (e: GraphEdge) => edges.set(`${e.from}\0${e.to}\0${e.kind}`, e);
  nodes.set(center, nodeOf(state, center, 0));
  for (const dir of [1, -1] as const) {
    let frontier = [center];
    for (let d = 1; d <= depth && frontier.length; d++) {
      const next: string[] = [];
      for (const n of frontier) {
        for (const e of dir > 0 ? outgoing(state, n) : yield* incoming(state, n)) {
          if ((++count & (STEP - 1)) === 0) yield;
          const other = dir > 0 ? e.to : e.from;
          if (!nodes.has(other)) {
            if (nodes.size >= maxNodes) {
              truncated = true;
              continue;
            }
            nodes.set(other, nodeOf(state, other, dir * d));
            next.push(other);
          }
          addEdge(e);
        }
      }
      frontier = next;
    }
  }
  // edges between nodes already drawn (e.g. a target that also chains back)
  for (const n of nodes.keys()) for (const e of outgoing(state, n)) if (nodes.has(e.to)) addEdge(e);
  return { center, depth, nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}
