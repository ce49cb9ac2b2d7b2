// The requests the VS Code client uses beyond LSP (their shapes: ../protocol.ts):
//   hcron/trees       every tree with every event's status
//   hcron/statusText  hcron-info -es text of one tree
//   hcron/expand      an event as hcron would run it
// and the notification hcron/treesChanged (server -> client).

import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import { Trigger } from '../engine/late';
import { dropText } from '../engine/lint';
import { formatRecords, StatusRecord } from '../engine/status';
import { expandText } from '../expand';
import type { TreeModel } from '../workspace';
import { finish, STEP } from '../service/steps';
import type { Steps } from '../service/types';
import { docTarget, Env, guarded, Positions, sliced, waitOrCancel } from './common';
import { METHODS, TreeEvent, TreeInfo, TreesParams } from '../protocol';

export type { TreeEvent, TreeInfo } from '../protocol';

export function treeInfo(model: TreeModel, positions: Positions, omitPlainUris = false): TreeInfo {
  return finish(treeInfoSteps(model, positions, omitPlainUris));
}

/** treeInfo as resumable work (every event of the tree, with its URI unless it is the plain one and `omitPlainUris`). */
export function* treeInfoSteps(model: TreeModel, positions: Positions, omitPlainUris = false): Steps<TreeInfo> {
  const uri = omitPlainUris ? (p: string) => positions.unplainUriOf(model, p) : (p: string) => positions.uriOf(model, p);
  const counts = { accepted: 0, rejected: 0, templates: 0, dropped: 0, ignored: 0 };
  const events: TreeEvent[] = [];
  let n = 0;
  for (const name of model.eventNames()) {
    if ((++n & (STEP - 1)) === 0) yield;
    const r = model.record(name);
    if (!r) continue;
    if (r.status === 'accepted') counts.accepted++;
    else counts.rejected++;
    if (r.type === 'template') counts.templates++;
    const ref = model.tree.eventsByName.get(name)!;
    events.push(withUri({ name, status: r.status, type: r.type, reason: r.reason }, uri(ref.path)));
  }
  for (const d of model.tree.dropped) {
    if ((++n & (STEP - 1)) === 0) yield;
    counts.dropped++;
    events.push(withUri({ name: d.name, status: 'dropped', type: '', reason: dropText(d) }, uri(d.path)));
  }
  for (const ig of model.tree.ignored) {
    if ((++n & (STEP - 1)) === 0) yield;
    counts.ignored++;
    events.push(withUri({ name: ig.name, status: 'ignored', type: '', reason: ig.why === 'name' ? 'the name matches names_to_ignore_regexp' : 'inside an ignored folder' }, uri(ig.path)));
  }
  return { root: model.root, server: model.server ?? model.ctx.serverName, counts, events };
}

/** The event, with its URI if it has one (no "uri" key otherwise). */
function withUri(e: TreeEvent, uri: string | undefined): TreeEvent {
  if (uri !== undefined) e.uri = uri;
  return e;
}

export function statusText(model: TreeModel): string {
  if (model.noEvents) return '';
  const recs: StatusRecord[] = [];
  for (const n of model.eventNames()) {
    const r = model.record(n);
    if (r) recs.push(r);
  }
  return formatRecords(recs, 'es');
}

function findTree(env: Env, root: string): TreeModel | undefined {
  const r = path.resolve(root);
  for (const m of env.workspace.trees.values()) if (m.root === r || m.realRoot === r) return m;
  return env.workspace.treeOf(r)?.model;
}

const TRIGGERS = new Set(['clock', 'next', 'failover', 'ondemand']);

export function registerCustom(env: () => Env, positions: Positions): void {
  const c = env().connection;
  c.onRequest(
    METHODS.trees,
    guarded(env, METHODS.trees, { trees: [] as TreeInfo[] }, async (p: TreesParams | null | undefined, token) => {
      const omit = p?.omitPlainUris === true;
      await waitOrCancel(env().settled(), token);
      const trees: TreeInfo[] = [];
      for (const m of env().workspace.trees.values()) {
        await waitOrCancel(m.ready, token);
        trees.push(await sliced(treeInfoSteps(m, positions, omit), token));
      }
      return { trees };
    }),
  );
  c.onRequest(
    METHODS.statusText,
    guarded(env, METHODS.statusText, { text: '' }, async (p: { root?: string }, token) => {
      await waitOrCancel(env().settled(), token);
      if (!p || typeof p.root !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'hcron/statusText wants { root: string }');
      const m = findTree(env(), p.root);
      if (!m) throw new ResponseError(ErrorCodes.InvalidParams, `no event tree at ${p.root}`);
      await waitOrCancel(m.ready, token);
      return { text: statusText(m) };
    }),
  );
  c.onRequest(
    METHODS.expand,
    guarded(env, METHODS.expand, { text: '' }, async (p: { uri?: string; trigger?: string; after?: string; asName?: string }, token) => {
      if (!p || typeof p.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'hcron/expand wants { uri: string }');
      if (p.trigger !== undefined && !TRIGGERS.has(p.trigger)) throw new ResponseError(ErrorCodes.InvalidParams, 'trigger must be clock, next, failover or ondemand');
      const t = await docTarget(env(), positions, p.uri, token);
      if (!t) throw new ResponseError(ErrorCodes.InvalidParams, `${p.uri} is not in an event tree`);
      const at = new Date();
      at.setSeconds(0, 0);
      let user = 'user';
      try {
        user = os.userInfo().username;
      } catch {
        /* no passwd entry */
      }
      return { text: expandText(t.model, t.archive, { trigger: p.trigger as Trigger | undefined, after: p.after || undefined, asName: p.asName || undefined, at, user }) };
    }),
  );
}
