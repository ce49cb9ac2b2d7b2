// What every feature handler needs: URIs <-> paths, offsets <-> positions on
// the text the client shows, the document's tree, cancellation.

import { CancellationToken, Connection, LSPErrorCodes, Position, Range, ResponseError, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Stopped } from '../service/steps';
import type { DocContext, Loc, Steps } from '../service/types';
import { TreeModel, treeVersion, Workspace } from '../workspace';
import { fileUri, LONE_ESCAPE, pathOfUri } from '../uris';

export { fileUri, pathOfUri };

export interface Env {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  /** Resolves when settings are read and earlier document notifications are applied. */
  settled(): Promise<void>;
  /** Add the tree a file sits in, if it is in an events folder not known yet. */
  addTreeFor(fsPath: string): void;
  log(message: string): void;
}

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export function checkCancel(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw cancelled();
}

/** Wait for a promise, but give up (RequestCancelled) when the client cancels. */
export async function waitOrCancel<T>(p: Promise<T>, token: CancellationToken | undefined): Promise<T> {
  if (!token) return p;
  checkCancel(token);
  let dispose: { dispose(): void } | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        dispose = token.onCancellationRequested(() => reject(cancelled()));
      }),
    ]);
  } finally {
    dispose?.dispose();
  }
}

/** How long a request computes before it lets the event loop run (and read a $/cancelRequest). */
export const SLICE_MS = 5;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Run resumable service work (service/steps.ts) in slices of about SLICE_MS.
 * Between two slices the event loop runs: the client's $/cancelRequest is
 * read (and other requests are answered); a cancelled request stops there
 * with RequestCancelled, and one that sees the trees change (an edit, a disk
 * change) stops with ContentModified. Work done within one slice is not
 * delayed at all.
 */
export async function sliced<T>(steps: Steps<T>, token: CancellationToken | undefined, version: () => number = treeVersion): Promise<T> {
  checkCancel(token);
  const v0 = version();
  let until = performance.now() + SLICE_MS;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() < until) continue;
    await nextTurn();
    if (token?.isCancellationRequested) {
      steps.return(undefined as T);
      throw cancelled();
    }
    // an edit or a disk change came in between: what was computed so far may mix two states
    if (version() !== v0) {
      steps.return(undefined as T);
      throw new ResponseError(LSPErrorCodes.ContentModified, 'the event tree changed while this was computed');
    }
    until = performance.now() + SLICE_MS;
  }
}

/** items.map(fn) as resumable work (the LSP conversion of thousands of locations). */
export function* mapSteps<A, B>(items: readonly A[], fn: (a: A, i: number) => B): Steps<B[]> {
  const out: B[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if ((i & 127) === 127) yield;
    out[i] = fn(items[i], i);
  }
  return out;
}

/** Offsets <-> positions for files of a tree, on the text the client shows for them. */
export class Positions {
  private readonly cache = new Map<string, TextDocument>();
  private readonly uriByPath = new Map<string, string>();

  constructor(private readonly env: () => Env) {}

  /** The client's URI spelling for open documents, vscode-uri's for the rest. */
  uriOf(model: TreeModel, archive: string): string {
    const fsPath = model.fsPathOf(archive);
    return this.uriByPath.get(fsPath) ?? fileUri(fsPath);
  }

  /** uriOf, or undefined where it is the plain file URI of the path (URI.file: a client makes it itself; TreesParams.omitPlainUris). */
  unplainUriOf(model: TreeModel, archive: string): string | undefined {
    // a name that is not UTF-8: its URI has the bytes (fileUri), a client's URI.file cannot make it
    if (LONE_ESCAPE.test(archive) || LONE_ESCAPE.test(model.root)) return this.uriOf(model, archive);
    if (!this.uriByPath.size) return undefined;
    const fsPath = model.fsPathOf(archive);
    const open = this.uriByPath.get(fsPath);
    return open === undefined || open === fileUri(fsPath) ? undefined : open;
  }

  docOpened(uri: string): void {
    const p = pathOfUri(uri);
    if (p) this.uriByPath.set(p, uri);
  }

  docClosed(uri: string): void {
    const p = pathOfUri(uri);
    if (p && this.uriByPath.get(p) === uri) this.uriByPath.delete(p);
    this.cache.delete(uri);
  }

  /** Archive paths of a tree's files open in the client. */
  openArchives(model: TreeModel): Set<string> {
    const out = new Set<string>();
    for (const p of this.uriByPath.keys()) {
      const a = model.archiveOf(p);
      if (a) out.add(a);
    }
    return out;
  }

  isOpen(model: TreeModel, archive: string): boolean {
    return this.uriByPath.has(model.fsPathOf(archive));
  }

  /** The text of a file of the tree as the client shows it (open document, else the tree's text). */
  document(model: TreeModel, archive: string): TextDocument {
    const uri = this.uriOf(model, archive);
    const open = this.env().documents.get(uri);
    if (open) return open;
    const text = model.textOf(archive) ?? '';
    let d = this.cache.get(uri);
    if (!d || d.getText() !== text) {
      d = TextDocument.create(uri, 'hcron', 0, text);
      if (this.cache.size > 6000) this.cache.clear();
      this.cache.set(uri, d);
    }
    return d;
  }

  range(model: TreeModel, archive: string, start: number, end: number): Range {
    const d = this.document(model, archive);
    return { start: d.positionAt(start), end: d.positionAt(Math.max(start, end)) };
  }

  location(model: TreeModel, loc: Loc): { uri: string; range: Range } {
    return { uri: this.uriOf(model, loc.file), range: this.range(model, loc.file, loc.start, loc.end) };
  }
}

export interface DocTarget {
  model: TreeModel;
  archive: string;
  ctx: DocContext;
  doc: TextDocument;
  offsetAt(p: Position): number;
}

/** The document of a request: its tree (loaded), archive path and current text. */
export async function docTarget(env: Env, positions: Positions, uri: string, token: CancellationToken | undefined): Promise<DocTarget | undefined> {
  await waitOrCancel(env.settled(), token);
  const fsPath = pathOfUri(uri);
  if (!fsPath) return undefined;
  let t = env.workspace.treeOf(fsPath);
  if (!t) {
    env.addTreeFor(fsPath);
    t = env.workspace.treeOf(fsPath);
    if (!t) return undefined;
  }
  await waitOrCancel(t.model.ready, token);
  const model = t.model;
  const doc = env.documents.get(uri) ?? positions.document(model, t.archive);
  const text = doc.getText();
  return { model, archive: t.archive, ctx: { state: model.state, path: t.archive, text }, doc, offsetAt: (p) => doc.offsetAt(p) };
}

/**
 * A request handler that never takes the server down: errors are logged and
 * answered with `fallback`; cancellation is answered as such.
 */
export function guarded<P, R>(env: () => Env, name: string, fallback: R, fn: (params: P, token: CancellationToken) => Promise<R> | R) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
    inFlight++;
    try {
      const r = await fn(params, token);
      checkCancel(token);
      return r;
    } catch (e) {
      if (e instanceof ResponseError) return e;
      if (e instanceof Stopped) return cancelled(); // service work stopped by its shouldStop
      env().log(`${name} failed: ${(e as Error)?.stack ?? e}`);
      return fallback;
    } finally {
      inFlight--;
      lastAnswered = performance.now();
    }
  };
}

/** The client did something else (an edit, an opened document): background work waits as after a request. */
export function noteActivity(): void {
  lastAnswered = performance.now();
}

/** Requests being answered (guarded handlers), and when the last one was: background work waits for a quiet moment (whenIdle). */
let inFlight = 0;
let lastAnswered = -Infinity;
/** A client that asks again within this long is likely to go on asking (hovers as the pointer moves, a burst of requests). */
const QUIET_MS = 100;

/**
 * Undefined when no request is being answered and none was for QUIET_MS,
 * else resolves once that holds, or after `maxMs` at the latest: a load's
 * background lint gives way to requests (a request waits at most one of its
 * slices, and none during a burst of requests), yet a client that never
 * pauses does not stop it for good.
 */
export function whenIdle(maxMs: number): Promise<void> | undefined {
  const wait = () => (inFlight ? QUIET_MS : lastAnswered + QUIET_MS - performance.now());
  if (wait() <= 0) return undefined;
  const until = performance.now() + maxMs;
  return new Promise((resolve) => {
    const check = () => {
      const ms = Math.min(wait(), until - performance.now());
      if (ms <= 0) resolve();
      else setTimeout(check, Math.ceil(ms));
    };
    check();
  });
}
