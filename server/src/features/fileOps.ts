// Changes to the tree on disk: WorkspaceEdits for what LSP can express (text
// edits, file creation, renames), and the symlink operations it cannot,
// which the server runs itself. The server writes only inside a known event
// tree, only symlinks, only when the user invoked the command, fix or rename
// that asks for it, and never over an existing file (the one exception, a
// verified hard link of the same file, is replaced by a symlink to its first
// name).

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { ClientCapabilities, CreateFile, RenameFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { normpath, pathJoin, dirname } from '../engine/py';
import { editsByFile, FileOp, WorkspaceChange } from '../service/edits';
import { finish } from '../service/steps';
import type { Steps } from '../service/types';
import type { TreeModel } from '../workspace';
import type { Env, Positions } from './common';

export function supportsDocumentChanges(caps: ClientCapabilities): boolean {
  return !!caps.workspace?.workspaceEdit?.documentChanges;
}

export function supportsResourceOp(caps: ClientCapabilities, op: 'create' | 'rename' | 'delete'): boolean {
  return supportsDocumentChanges(caps) && !!caps.workspace?.workspaceEdit?.resourceOperations?.includes(op);
}

/**
 * The LSP part of a change (text edits, create, rename); symlink operations are left out. Undefined
 * if the client cannot apply it. A change with renames lists the renames first, then the text
 * edits at the files' new paths (VS Code cannot edit a file and then rename it in one edit).
 */
export function toWorkspaceEdit(env: Env, positions: Positions, model: TreeModel, change: WorkspaceChange, caps: ClientCapabilities): WorkspaceEdit | undefined {
  return finish(toWorkspaceEditSteps(env, positions, model, change, caps));
}

/** toWorkspaceEdit as resumable work (a rename can edit thousands of files). */
export function* toWorkspaceEditSteps(env: Env, positions: Positions, model: TreeModel, change: WorkspaceChange, caps: ClientCapabilities): Steps<WorkspaceEdit | undefined> {
  const byFile = editsByFile(change.edits);
  const needs = change.ops.filter((o) => o.kind === 'create' || o.kind === 'rename');
  if (!supportsDocumentChanges(caps)) {
    if (needs.length) return undefined;
    const changes: Record<string, TextEdit[]> = {};
    let n = 0;
    for (const [file, es] of byFile) {
      if ((++n & 63) === 0) yield;
      changes[positions.uriOf(model, file)] = es.map((e) => ({ range: positions.range(model, file, e.start, e.end), newText: e.newText }));
    }
    return { changes };
  }
  for (const o of needs) if (!supportsResourceOp(caps, o.kind as 'create' | 'rename')) return undefined;
  const documentChanges: (TextDocumentEdit | CreateFile | RenameFile)[] = [];
  const renames = change.ops.filter((o): o is Extract<FileOp, { kind: 'rename' }> => o.kind === 'rename');
  const moved = (file: string) => {
    for (const r of renames) if (file === r.from || file.startsWith(r.from + '/')) return r.to + file.slice(r.from.length);
    return file;
  };
  for (const r of renames)
    documentChanges.push({ kind: 'rename', oldUri: positions.uriOf(model, r.from), newUri: positions.uriOf(model, r.to), options: { overwrite: false, ignoreIfExists: false } });
  let n = 0;
  for (const [file, es] of byFile) {
    if ((++n & 63) === 0) yield;
    const at = moved(file);
    const uri = positions.uriOf(model, at);
    const version = at === file ? env.documents.get(uri)?.version ?? null : null;
    // positions on the text as it is now (the rename does not change it)
    documentChanges.push({ textDocument: { uri, version }, edits: es.map((e) => ({ range: positions.range(model, file, e.start, e.end), newText: e.newText })) });
  }
  for (const o of change.ops) {
    if (o.kind === 'create') {
      const uri = positions.uriOf(model, o.file);
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      if (o.text) documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: o.text }] });
    }
  }
  return { documentChanges };
}

export class FileOpError extends Error {}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The filesystem path of an archive path of the tree, checked to stay inside it (also through folder symlinks). */
function insidePath(model: TreeModel, archive: string): string {
  if (normpath(archive) !== archive || !archive.startsWith('events/')) throw new FileOpError(`${archive} is not a plain path inside the event tree`);
  const p = model.fsPathOf(archive);
  let dir = nodePath.dirname(p);
  while (!lstat(dir)) dir = nodePath.dirname(dir);
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    throw new FileOpError(`cannot resolve ${dir}`);
  }
  if (real !== model.realRoot && !real.startsWith(model.realRoot + nodePath.sep)) throw new FileOpError(`${archive} would be written outside the event tree (${real})`);
  return p;
}

/** A symlink's text must lead to a member inside the tree. */
function checkLinkText(model: TreeModel, archive: string, text: string): string {
  if (!text || text.startsWith('/')) throw new FileOpError(`symlink text "${text}" must be relative (hcron never follows absolute links)`);
  const dest = normpath(pathJoin(dirname(archive), text));
  if (dest !== 'events' && !dest.startsWith('events/')) throw new FileOpError(`symlink text "${text}" leaves the event tree`);
  return dest;
}

/** hcron.createSymlink: a new symlink (never over anything that exists). Returns the filesystem paths changed. */
export function createSymlink(model: TreeModel, archive: string, text: string): string[] {
  const dest = checkLinkText(model, archive, text);
  if (!model.tree.members.has(dest)) throw new FileOpError(`the symlink would point at ${dest.slice(6)}, which is not in the tree`);
  const p = insidePath(model, archive);
  if (lstat(p)) throw new FileOpError(`${archive.slice(6)} already exists: not overwritten`);
  fs.mkdirSync(nodePath.dirname(p), { recursive: true });
  insidePath(model, archive); // the folders created must still be inside
  fs.symlinkSync(text, p);
  return [p];
}

/** hcron.replaceHardLink: replace a hard link by a symlink to its other name (verified: the same inode). */
export function replaceHardLink(model: TreeModel, archive: string, text: string): string[] {
  const dest = checkLinkText(model, archive, text);
  const p = insidePath(model, archive);
  const q = insidePath(model, dest);
  const a = lstat(p);
  const b = lstat(q);
  if (!a?.isFile() || a.nlink < 2) throw new FileOpError(`${archive.slice(6)} is not a hard link`);
  if (!b?.isFile() || a.ino !== b.ino || a.dev !== b.dev) throw new FileOpError(`${archive.slice(6)} and ${dest.slice(6)} are not the same file: not replaced`);
  swapInSymlink(p, text);
  return [p];
}

/** Point an existing symlink at a new text, only if it still has the text it had when the rename was planned. */
export function relink(model: TreeModel, archive: string, text: string, was: string): string[] {
  checkLinkText(model, archive, text);
  const p = insidePath(model, archive);
  const st = lstat(p);
  if (!st?.isSymbolicLink()) return [];
  if (fs.readlinkSync(p) !== was) return [];
  swapInSymlink(p, text);
  return [p];
}

/** Run the symlink operations of a change (after the client applied the rest). */
export function runSymlinkOps(model: TreeModel, ops: FileOp[]): { changed: string[]; errors: string[] } {
  const changed: string[] = [];
  const errors: string[] = [];
  for (const o of ops) {
    try {
      if (o.kind === 'symlink') changed.push(...createSymlink(model, o.file, o.target));
      else if (o.kind === 'relink') changed.push(...relink(model, o.file, o.target, o.was));
      else if (o.kind === 'replaceHardLink') changed.push(...replaceHardLink(model, o.file, o.target));
    } catch (e) {
      errors.push(`${(o.kind === 'rename' ? o.from : o.file).slice(6)}: ${(e as Error).message}`);
    }
  }
  return { changed, errors };
}

/** Replace the file at p by a symlink with this text atomically (a temporary link renamed over it). */
function swapInSymlink(p: string, text: string): void {
  const tmp = nodePath.join(nodePath.dirname(p), `.hcron-link-${process.pid}-${Date.now().toString(36)}`);
  fs.symlinkSync(text, tmp);
  try {
    fs.renameSync(tmp, p);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
