// Editing features (issue #7): quick fixes, renames, code lenses, inlay
// hints, call hierarchy, formatting, the chain graph request and the server
// commands. server.ts merges editingCapabilities() into its capabilities and
// calls registerEditing(); refreshEditing() asks the client to re-request
// lenses and hints when other files changed what they show.

import { ClientCapabilities, CodeActionKind, ServerCapabilities } from 'vscode-languageserver/node';
import { registerCallHierarchy } from './callHierarchy';
import { CHAIN_GRAPH_REQUEST, registerChainGraph } from './chainGraph';
import { registerCodeActions } from './codeActions';
import { registerCodeLens } from './codeLens';
import { registerCommands, SERVER_COMMANDS } from './commands';
import type { Env, Positions } from './common';
import { registerFormatting } from './formatting';
import { registerInlayHints } from './inlayHints';
import { registerRename } from './rename';

export const EDITING_REQUESTS = [CHAIN_GRAPH_REQUEST];

export function editingCapabilities(): ServerCapabilities {
  const everything = { filters: [{ pattern: { glob: '**/*' } }] };
  return {
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
    renameProvider: { prepareProvider: true },
    codeLensProvider: { resolveProvider: false },
    inlayHintProvider: { resolveProvider: false },
    callHierarchyProvider: true,
    documentFormattingProvider: true,
    executeCommandProvider: { commands: SERVER_COMMANDS },
    workspace: { fileOperations: { willRename: everything, didRename: everything } },
  };
}

export function registerEditing(env: () => Env, positions: Positions, caps: () => ClientCapabilities): void {
  registerCodeActions(env, positions, caps);
  registerCommands(env, positions);
  registerRename(env, positions, caps);
  registerCodeLens(env, positions);
  registerInlayHints(env, positions);
  registerCallHierarchy(env, positions);
  registerFormatting(env, positions, caps);
  registerChainGraph(env, positions);
}

/** Lenses and hints depend on other files (callers, statuses): ask the client to refresh them. */
export function refreshEditing(env: Env, caps: ClientCapabilities): void {
  if (caps.workspace?.codeLens?.refreshSupport) void env.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  if (caps.workspace?.inlayHint?.refreshSupport) void env.connection.languages.inlayHint.refresh().catch(() => undefined);
}
