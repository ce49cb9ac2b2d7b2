// Renames: textDocument/prepareRename and textDocument/rename (events and
// included files from a chain piece or an include line; variables), and
// workspace/willRenameFiles + didRenameFiles (files and folders renamed by
// the editor, e.g. in its explorer).
//
// The text edits travel in the WorkspaceEdit. Symlinks that name a moved
// member are re-pointed by the server after the rename happened (on
// workspace/didRenameFiles, or when it sees the old path gone and the new one
// there), only if they still have the text they had when the rename was
// planned.
//
// The work grows with the tree (a rename can edit every event): it is
// computed in slices, and a cancelled request stops (nothing is planned).

import * as fs from 'node:fs';
import { ClientCapabilities, ErrorCodes, LSPErrorCodes, PrepareRenameResult, RenameFilesParams, ResponseError, WorkspaceEdit } from 'vscode-languageserver/node';
import { nameOf } from '../engine/tree';
import { FileOp, Move, prepareRenameSteps, renameMembersSteps, renameSteps } from '../service';
import type { TreeModel } from '../workspace';
import { docTarget, Env, guarded, pathOfUri, Positions, sliced, waitOrCancel } from './common';
import { runSymlinkOps, supportsResourceOp, toWorkspaceEditSteps } from './fileOps';

interface Pending {
  model: TreeModel;
  /** Filesystem paths of the moves. */
  moves: { from: string; to: string }[];
  ops: FileOp[];
  expires: number;
  timer?: NodeJS.Timeout;
}

/** How long the server waits for a planned rename to happen. */
const PENDING_MS = 60_000;
const POLL_MS = 250;

export function registerRename(env: () => Env, positions: Positions, caps: () => ClientCapabilities): void {
  const c = env().connection;
  const pending: Pending[] = [];
  /** Moves whose edits a textDocument/rename already returned (willRenameFiles adds none for them). */
  const fromRename = new Map<string, number>();
  const key = (m: { from: string; to: string }) => `${m.from}\0${m.to}`;

  const warn = (lines: string[]) => {
    if (lines.length) void c.window.showWarningMessage(`hcron: ${lines.slice(0, 6).join(' · ')}${lines.length > 6 ? ` (and ${lines.length - 6} more)` : ''}`);
  };

  const finish = (p: Pending) => {
    if (p.timer) clearInterval(p.timer);
    const i = pending.indexOf(p);
    if (i >= 0) pending.splice(i, 1);
    const { changed, errors } = runSymlinkOps(p.model, p.ops);
    if (changed.length) {
      env().log(`re-pointed ${changed.length} symlink(s) after a rename`);
      void env().workspace.diskChanged(changed);
    }
    if (errors.length) warn(errors.map((e) => `symlink not re-pointed: ${e}`));
  };

  /** Keep the symlink operations until the rename happened. */
  const plan = (model: TreeModel, moves: { from: string; to: string }[], ops: FileOp[]) => {
    const links = ops.filter((o) => o.kind === 'relink');
    if (!links.length) return;
    const p: Pending = { model, moves, ops: links, expires: Date.now() + PENDING_MS };
    pending.push(p);
    // clients that send no didRenameFiles: watch for the rename ourselves
    p.timer = setInterval(() => {
      if (Date.now() > p.expires) {
        clearInterval(p.timer);
        const i = pending.indexOf(p);
        if (i >= 0) pending.splice(i, 1);
        return;
      }
      if (p.moves.every((m) => !fs.existsSync(m.from) && lexists(m.to))) finish(p);
    }, POLL_MS);
    p.timer.unref?.();
  };

  c.onPrepareRename(
    guarded(env, 'prepareRename', null as PrepareRenameResult | null, async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return null;
      const r = await sliced(prepareRenameSteps(t.ctx, t.offsetAt(params.position)), token);
      if (!r) return null;
      if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
      return { range: { start: t.doc.positionAt(r.start), end: t.doc.positionAt(r.end) }, placeholder: r.placeholder };
    }),
  );

  c.onRenameRequest(
    guarded(env, 'rename', null as WorkspaceEdit | null, async (params, token) => {
      const t = await docTarget(env(), positions, params.textDocument.uri, token);
      if (!t) return null;
      const r = await sliced(renameSteps(t.ctx, t.offsetAt(params.position), params.newName), token);
      if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
      const renames = r.change.ops.filter((o): o is Extract<FileOp, { kind: 'rename' }> => o.kind === 'rename');
      if (renames.length && !supportsResourceOp(caps(), 'rename')) throw new ResponseError(ErrorCodes.InvalidRequest, 'this editor cannot rename files through the language server (workspaceEdit.resourceOperations "rename")');
      const edit = await sliced(toWorkspaceEditSteps(env(), positions, t.model, r.change, caps()), token);
      if (!edit) throw new ResponseError(ErrorCodes.InvalidRequest, 'this editor cannot apply the edit');
      const moves = renames.map((o) => ({ from: t.model.fsPathOf(o.from), to: t.model.fsPathOf(o.to) }));
      for (const m of moves) fromRename.set(key(m), Date.now() + PENDING_MS);
      plan(t.model, moves, r.change.ops);
      warn(r.warnings);
      return edit;
    }),
  );

  const willRename = guarded(env, 'willRenameFiles', null as WorkspaceEdit | null, async (params: RenameFilesParams, token) => {
      await waitOrCancel(env().settled(), token);
      const byModel = new Map<TreeModel, { moves: Move[]; fsMoves: { from: string; to: string }[] }>();
      for (const f of params.files) {
        const from = pathOfUri(f.oldUri);
        const to = pathOfUri(f.newUri);
        if (!from || !to) continue;
        const k = key({ from, to });
        const until = fromRename.get(k);
        if (until !== undefined) {
          fromRename.delete(k);
          if (until > Date.now()) continue; // our own rename: its edits are in it already
        }
        const a = env().workspace.treeOf(from);
        const b = env().workspace.treeOf(to);
        if (!a || !b || a.model !== b.model || a.archive === 'events' || b.archive === 'events') continue;
        const g = byModel.get(a.model) ?? { moves: [], fsMoves: [] };
        g.moves.push({ from: a.archive, to: b.archive });
        g.fsMoves.push({ from, to });
        byModel.set(a.model, g);
      }
      if (!byModel.size) return null;
      const edits: WorkspaceEdit[] = [];
      for (const [model, g] of byModel) {
        await waitOrCancel(model.ready, token);
        const p = await sliced(renameMembersSteps(model.state, g.moves), token);
        const edit = await sliced(toWorkspaceEditSteps(env(), positions, model, { edits: p.change.edits, ops: [] }, caps()), token);
        warn([...p.conflicts.map((x) => `not updated: ${x}`), ...p.warnings]);
        if (edit && p.change.edits.length) edits.push(edit);
        plan(model, g.fsMoves, p.change.ops);
        env().log(`rename ${g.moves.map((m) => `${nameOf(m.from)} -> ${nameOf(m.to)}`).join(', ')}: ${p.change.edits.length} edit(s), ${p.change.ops.length} symlink(s) to re-point`);
      }
      return merge(edits);
    });
  c.workspace.onWillRenameFiles(async (params, token) => {
    const r = await willRename(params, token);
    if (r instanceof ResponseError) {
      if (r.code === LSPErrorCodes.RequestCancelled) throw r; // answered as cancelled
      return null;
    }
    return r;
  });

  c.workspace.onDidRenameFiles((params) => {
    const done = new Set(params.files.map((f) => key({ from: pathOfUri(f.oldUri) ?? '', to: pathOfUri(f.newUri) ?? '' })));
    for (const p of [...pending]) if (p.moves.every((m) => done.has(key(m)))) finish(p);
  });
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function merge(edits: WorkspaceEdit[]): WorkspaceEdit | null {
  if (!edits.length) return null;
  if (edits.length === 1) return edits[0];
  const out: WorkspaceEdit = {};
  for (const e of edits) {
    if (e.documentChanges) out.documentChanges = [...(out.documentChanges ?? []), ...e.documentChanges];
    if (e.changes) out.changes = { ...(out.changes ?? {}), ...e.changes };
  }
  return out;
}
