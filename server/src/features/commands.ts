// workspace/executeCommand: the symlink operations a WorkspaceEdit cannot
// express, run by the server itself when the user invokes them (a quick fix's
// command, or any client calling them):
//
//   hcron.createSymlink   { uri, target }            a new symlink `uri` with the text `target`
//   hcron.replaceHardLink { links: [{ uri, target }] } each hard link replaced by a symlink
//
// Both write only inside a known event tree (checked on the real paths), only
// symlinks whose text is relative and stays in the tree, never over an
// existing file; a hard link is replaced only when it is the same inode as
// the file its new text names. See features/fileOps.ts.

import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { nameOf } from '../engine/tree';
import type { TreeModel } from '../workspace';
import { Env, guarded, pathOfUri, Positions, waitOrCancel } from './common';
import { createSymlink, FileOpError, replaceHardLink } from './fileOps';

export const CREATE_SYMLINK = 'hcron.createSymlink';
export const REPLACE_HARD_LINK = 'hcron.replaceHardLink';
export const SERVER_COMMANDS = [CREATE_SYMLINK, REPLACE_HARD_LINK];

function bad(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

async function memberOf(env: Env, uri: unknown, token: Parameters<typeof waitOrCancel>[1]): Promise<{ model: TreeModel; archive: string; fsPath: string }> {
  if (typeof uri !== 'string') throw bad('a file URI is expected');
  const fsPath = pathOfUri(uri);
  if (!fsPath) throw bad(`${uri} is not a file URI`);
  await waitOrCancel(env.settled(), token);
  const t = env.workspace.treeOf(fsPath);
  if (!t || t.archive === 'events') throw bad(`${fsPath} is not inside a known hcron event tree`);
  await waitOrCancel(t.model.ready, token);
  return { model: t.model, archive: t.archive, fsPath };
}

export function registerCommands(env: () => Env, positions: Positions): void {
  const c = env().connection;
  c.onExecuteCommand(
    guarded(env, 'executeCommand', null as unknown, async (params, token) => {
      const arg = (params.arguments?.[0] ?? {}) as Record<string, unknown>;
      const e = env();
      try {
        if (params.command === CREATE_SYMLINK) {
          const { model, archive } = await memberOf(e, arg.uri, token);
          if (typeof arg.target !== 'string') throw bad('target (the symlink text) is expected');
          const changed = createSymlink(model, archive, arg.target);
          await e.workspace.diskChanged(changed);
          e.log(`created the symlink ${nameOf(archive)} -> ${arg.target}`);
          return { changed: changed.map((p) => positions.uriOf(model, model.archiveOf(p)!)) };
        }
        if (params.command === REPLACE_HARD_LINK) {
          const links = Array.isArray(arg.links) ? (arg.links as Record<string, unknown>[]) : [];
          if (!links.length) throw bad('links: [{ uri, target }] is expected');
          const changed: string[] = [];
          let model: TreeModel | undefined;
          for (const l of links) {
            const m = await memberOf(e, l.uri, token);
            model = m.model;
            if (typeof l.target !== 'string') throw bad('target (the symlink text) is expected');
            changed.push(...replaceHardLink(m.model, m.archive, l.target));
            e.log(`replaced the hard link ${nameOf(m.archive)} by a symlink -> ${l.target}`);
          }
          await e.workspace.diskChanged(changed);
          return { changed: changed.map((p) => positions.uriOf(model!, model!.archiveOf(p)!)) };
        }
        throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${params.command}`);
      } catch (err) {
        const msg = err instanceof FileOpError || err instanceof ResponseError ? err.message : `${(err as Error)?.message ?? err}`;
        void c.window.showErrorMessage(`hcron: ${params.command}: ${msg}`);
        if (err instanceof ResponseError) throw err;
        throw new ResponseError(ErrorCodes.InternalError, msg);
      }
    }),
  );
}
