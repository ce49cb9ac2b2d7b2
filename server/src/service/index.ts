// The language service: pure functions of (state, document path, text,
// offset) that the LSP server calls. No editor or LSP imports.
export * from './types';
export { finish, Stopped, STEP } from './steps';
export { definition } from './definition';
export { hover, waysToRun, setText, MAX_CONTEXTS } from './hover';
export { completion, completionSteps } from './completion';
export { documentSymbols, documentSymbolsSteps, workspaceSymbols, workspaceSymbolsSteps } from './symbols';
export { references, referencesSteps, referencesOfFile, referencesOfFileSteps } from './references';
export { documentLinks } from './links';
export * from './locate';
export { FIELD_DOCS, BUILTIN_DOCS } from './docs';
export * from './edits';
export { codeActions, docFindings, spellPiece, MAX_TEMPLATES } from './codeActions';
export type { Fix, FixCommand } from './codeActions';
export { prepareRename, prepareRenameSteps, rename, renameSteps, renameMembers, renameMembersSteps } from './rename';
export type { Move, RenamePlan, RenameResult, PrepareResult } from './rename';
export { codeLenses, codeLensesSteps, formatRun, verdictText } from './codeLens';
export type { Lens } from './codeLens';
export { inlayHints, MAX_HINTS } from './inlayHints';
export type { InlayHintDesc } from './inlayHints';
export { chainGraph, chainGraphSteps, MAX_GRAPH_DEPTH, MAX_GRAPH_NODES } from './chainGraph';
export type { ChainGraph, GraphNode, GraphEdge, NodeStatus, EdgeKind } from './chainGraph';
export { prepareCallHierarchy, incomingCalls, incomingCallsSteps, outgoingCalls, callItem } from './callHierarchy';
export type { CallItem, Call } from './callHierarchy';
export { formatEdits } from './format';
export type { FormatEdit } from './format';
