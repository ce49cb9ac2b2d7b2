// hcron/chainGraph { uri, depth? } -> { center, depth, nodes, edges, truncated }:
// the failover/next/include/symlink graph around the document's event
// (service/chainGraph.ts), nodes with a file URI to open. Computed in
// slices: a cancelled request stops.

import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { nameOf } from '../engine/tree';
import { chainGraphSteps, EdgeKind, MAX_GRAPH_DEPTH, NodeStatus } from '../service';
import { docTarget, Env, guarded, Positions, sliced } from './common';

export const CHAIN_GRAPH_REQUEST = 'hcron/chainGraph';

export interface ChainGraphParams {
  uri: string;
  /** Hops each way (callers and targets); default 2, at most 10. */
  depth?: number;
}

export interface ChainGraphResult {
  center: string;
  depth: number;
  nodes: { name: string; status: NodeStatus; reason: string; uri?: string; depth: number }[];
  edges: { from: string; to: string; kind: EdgeKind }[];
  truncated: boolean;
}

export function registerChainGraph(env: () => Env, positions: Positions): void {
  env().connection.onRequest(
    CHAIN_GRAPH_REQUEST,
    guarded(env, CHAIN_GRAPH_REQUEST, null as ChainGraphResult | null, async (p: ChainGraphParams, token) => {
      if (!p || typeof p.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'hcron/chainGraph wants { uri: string, depth?: number }');
      const depth = typeof p.depth === 'number' && Number.isFinite(p.depth) ? Math.max(0, Math.min(MAX_GRAPH_DEPTH, p.depth)) : 2;
      const t = await docTarget(env(), positions, p.uri, token);
      if (!t) throw new ResponseError(ErrorCodes.InvalidParams, `${p.uri} is not in an event tree`);
      const g = await sliced(chainGraphSteps(t.model.state, nameOf(t.archive), depth), token);
      return {
        center: g.center,
        depth: g.depth,
        nodes: g.nodes.map((n) => ({ name: n.name, status: n.status, reason: n.reason, uri: n.file ? positions.uriOf(t.model, n.file) : undefined, depth: n.depth })),
        edges: g.edges,
        truncated: g.truncated,
      };
    }),
  );
}
