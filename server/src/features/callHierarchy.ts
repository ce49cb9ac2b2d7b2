// Call hierarchy over chains: incoming calls of an event are the events whose
// next_event/failover_event name it; outgoing calls the events it names
// (service/callHierarchy.ts). For clients without the chain graph view.
// Incoming calls are computed in slices: a cancelled request stops.

import { CallHierarchyIncomingCall, CallHierarchyItem, CallHierarchyOutgoingCall, SymbolKind } from 'vscode-languageserver/node';
import { CallItem, incomingCallsSteps, outgoingCalls, prepareCallHierarchy } from '../service';
import type { TreeModel } from '../workspace';
import { docTarget, Env, guarded, mapSteps, pathOfUri, Positions, sliced, waitOrCancel } from './common';

function toItem(positions: Positions, model: TreeModel, it: CallItem): CallHierarchyItem {
  const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { name: it.name, kind: SymbolKind.Event, detail: it.detail, uri: positions.uriOf(model, it.file), range: zero, selectionRange: zero, data: { name: it.name } };
}

export function registerCallHierarchy(env: () => Env, positions: Positions): void {
  const ch = env().connection.languages.callHierarchy;
  const modelOf = async (item: CallHierarchyItem, token: Parameters<typeof waitOrCancel>[1]) => {
    await waitOrCancel(env().settled(), token);
    const p = pathOfUri(item.uri);
    const t = p ? env().workspace.treeOf(p) : undefined;
    if (!t) return undefined;
    await waitOrCancel(t.model.ready, token);
    const name = typeof (item.data as { name?: unknown })?.name === 'string' ? (item.data as { name: string }).name : item.name;
    return { model: t.model, name };
  };
  ch.onPrepare(
    guarded(env, 'prepareCallHierarchy', null as CallHierarchyItem[] | null, async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return null;
      const items = prepareCallHierarchy(t.ctx, t.offsetAt(params.position));
      return items.length ? items.map((i) => toItem(positions, t.model, i)) : null;
    }),
  );
  ch.onIncomingCalls(
    guarded(env, 'incomingCalls', [] as CallHierarchyIncomingCall[], async (params, token) => {
      const m = await modelOf(params.item, token);
      if (!m) return [];
      return sliced(
        (function* () {
          const calls = yield* incomingCallsSteps(m.model.state, m.name);
          return yield* mapSteps(calls, (c) => ({ from: toItem(positions, m.model, c.item), fromRanges: c.ranges.map((r) => positions.range(m.model, r.file, r.start, r.end)) }));
        })(),
        token,
      );
    }),
  );
  ch.onOutgoingCalls(
    guarded(env, 'outgoingCalls', [] as CallHierarchyOutgoingCall[], async (params, token) => {
      const m = await modelOf(params.item, token);
      if (!m) return [];
      return outgoingCalls(m.model.state, m.name).map((c) => ({ to: toItem(positions, m.model, c.item), fromRanges: c.ranges.map((r) => positions.range(m.model, r.file, r.start, r.end)) }));
    }),
  );
}
