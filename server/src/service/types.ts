// The language-service contract: plain functions of (state, document path,
// text, offset). No editor or LSP types here; the server converts.
import type { LintState } from '../engine/lint';

export interface DocContext {
  state: LintState;
  /** Archive path of the document ("events/..."); a symlink opened directly keeps the link path. */
  path: string;
  /** Current text of the document. */
  text: string;
}

export interface Loc {
  /** Archive path. */
  file: string;
  /** UTF-16 offsets in that file. */
  start: number;
  end: number;
}

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

export interface HoverOptions {
  now: Date;
  user: string;
}

export type CompletionKind = 'field' | 'event' | 'variable' | 'value' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  replaceStart?: number;
  replaceEnd?: number;
}

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: 'field' | 'variable' | 'include';
  start: number;
  end: number;
  selStart: number;
  selEnd: number;
}

export interface WorkspaceSymbol {
  name: string;
  status: string;
  loc: Loc;
}

export interface DocumentLink {
  start: number;
  end: number;
  /** Archive path. */
  target: string;
}

/**
 * Asked every so often by the functions whose work grows with the tree
 * (references, workspace symbols, callers, renames, ...): true makes them stop
 * and throw `Stopped` (service/steps.ts).
 */
export type ShouldStop = () => boolean;

/**
 * Such a function as resumable work: it yields every few hundred iterations
 * (nothing is yielded but the pause) and returns its result. `finish` runs it
 * to the end at once; the server runs it in time slices and stops it when the
 * client cancels the request.
 */
export type Steps<T> = Generator<void, T, void>;
