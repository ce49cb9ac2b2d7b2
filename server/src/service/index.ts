// The language service: pure functions of (state, document path, text,
// offset) that the LSP server calls. No editor or LSP imports.
export * from './types';
export { definition } from './definition';
export { hover, waysToRun, setText, MAX_CONTEXTS } from './hover';
export { completion } from './completion';
export { documentSymbols, workspaceSymbols } from './symbols';
export { references, referencesOfFile } from './references';
export { documentLinks } from './links';
export * from './locate';
export { FIELD_DOCS, BUILTIN_DOCS } from './docs';
