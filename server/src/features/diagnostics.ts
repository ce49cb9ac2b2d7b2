// Findings -> textDocument/publishDiagnostics (push model).
//
// Every file of a tree that has findings is published (open documents
// first; at most MAX_FILES other files per session, so huge trees do not
// flood the client). Publications of one file are throttled to one per
// DEBOUNCE_MS, the first one is never delayed; a file whose findings went
// away is published once, empty.

import type { Finding } from '../engine/lint';
import { type FindingPlaces, toDiagnostic } from '../findingDiagnostic';
import { afterRequests, type TreeModel } from '../workspace';
import { pathOfUri, whenIdle, type Env, type Positions } from './common';

export const DEBOUNCE_MS = 50;
export const MAX_FILES = 5000;
/** Above this many closed files in one change, they are published in slices. */
const SLICE_FILES = 100;
/** A slice of that publication works this long (a request waits at most about that)... */
const SLICE_MS = 3;
/**
 * ... and the next waits for a quiet moment, at most this long: during a burst of requests a
 * slice a second (each slice's publications cost the client time to read, and the collector
 * time, that the requests' replies would wait for; measured in docs/performance.md).
 */
const MAX_WAIT_MS = 1000;

/** A tree's places, through the server's Positions. */
export function placesOf(model: TreeModel, positions: Positions): FindingPlaces {
  return { range: (file, start, end) => positions.range(model, file, start, end), uriOf: (file) => positions.uriOf(model, file) };
}

interface Pending {
  model: TreeModel;
  archive: string;
  timer?: NodeJS.Timeout;
}

export class DiagnosticsPublisher {
  private readonly lastSent = new Map<string, number>();
  /** URIs whose last publication was not empty. */
  private readonly nonEmpty = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  /** Closed files due while their tree was loading. */
  private readonly afterLoad = new Map<string, { model: TreeModel; archive: string }>();
  private backlog: { model: TreeModel; archive: string }[] = [];
  private head = 0;
  private draining = false;
  /** Closed files published (counted against MAX_FILES). */
  private closedPublished = 0;
  /** Observers (tests, benchmarks): called after each publication. */
  onPublished?: (uri: string, count: number) => void;

  constructor(
    private readonly env: () => Env,
    private readonly positions: Positions,
    /** Publications sent inside it wait for every other message (outbox.ts); a connection without it sends them in order. */
    private readonly bulk: <T>(send: () => T) => T = (send) => send(),
  ) {}

  /** Findings of these files changed; `force`: publish even if unchanged (the edited document). */
  publish(model: TreeModel, files: Set<string>, force: Set<string>): void {
    const all = new Set([...force, ...files]);
    if (model.loaded)
      for (const [uri, p] of this.afterLoad)
        if (p.model === model) {
          all.add(p.archive);
          this.afterLoad.delete(uri);
        }
    // open documents first
    const open: string[] = [];
    const closed: string[] = [];
    for (const f of all) (this.positions.isOpen(model, f) ? open : closed).push(f);
    for (const f of open) this.schedule(model, f);
    if (closed.length <= SLICE_FILES) for (const f of closed) this.schedule(model, f);
    else {
      // many closed files (a tree just loaded, a template's callers): in
      // slices, so requests waiting meanwhile are answered first
      for (const f of closed) this.backlog.push({ model, archive: f });
      this.drainBacklog();
    }
  }

  private drainBacklog(): void {
    if (this.draining) return;
    this.draining = true;
    const next = () => void afterRequests(whenIdle, MAX_WAIT_MS).then(step);
    const step = () => {
      const t = performance.now();
      this.bulk(() => {
        while (this.head < this.backlog.length && performance.now() - t < SLICE_MS) {
          const { model, archive } = this.backlog[this.head++];
          this.schedule(model, archive);
        }
      });
      if (this.head < this.backlog.length) next();
      else {
        this.backlog = [];
        this.head = 0;
        this.draining = false;
      }
    };
    next();
  }

  /** Whether anything was published for this URI (features/startup.ts publishes only before that). */
  hasPublished(uri: string): boolean {
    return this.lastSent.has(uri);
  }

  /** features/startup.ts published `count` diagnostics for this URI: an empty publication must clear them. */
  notePublished(uri: string, count: number): void {
    if (count) this.nonEmpty.add(uri);
  }

  /** Republish everything of a tree (after a document opens: its version). */
  schedule(model: TreeModel, archive: string): void {
    const uri = this.positions.uriOf(model, archive);
    const isOpen = this.positions.isOpen(model, archive);
    if (!isOpen && !this.nonEmpty.has(uri) && !this.lastSent.has(uri)) {
      if (model.findingsOf(archive).length === 0) return; // nothing to show, nothing to clear
      if (this.closedPublished >= MAX_FILES) return;
    }
    const p = this.pending.get(uri);
    if (p?.timer) {
      p.model = model;
      p.archive = archive;
      return;
    }
    const last = this.lastSent.get(uri);
    const now = performance.now();
    if (last === undefined || now - last >= DEBOUNCE_MS) {
      this.send(uri, model, archive);
      return;
    }
    const entry: Pending = { model, archive };
    entry.timer = setTimeout(() => {
      this.pending.delete(uri);
      this.send(uri, entry.model, entry.archive);
    }, DEBOUNCE_MS - (now - last));
    this.pending.set(uri, entry);
  }

  private send(uri: string, model: TreeModel, archive: string): void {
    const env = this.env();
    if (model.disposed) return;
    try {
      const isOpen = this.positions.isOpen(model, archive);
      // a (re)load is under way: its findings are half made; its end publishes this file
      if (!model.loaded && !isOpen) {
        this.afterLoad.set(uri, { model, archive });
        return;
      }
      const findings = model.findingsOf(archive);
      if (!findings.length && !this.nonEmpty.has(uri) && !isOpen && !this.lastSent.has(uri)) return;
      const at = placesOf(model, this.positions);
      const diagnostics = findings.map((f) => toDiagnostic(at, f));
      const doc = env.documents.get(uri);
      if (!this.lastSent.has(uri) && !isOpen) this.closedPublished++;
      this.lastSent.set(uri, performance.now());
      if (diagnostics.length) this.nonEmpty.add(uri);
      else this.nonEmpty.delete(uri);
      void env.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics });
      this.onPublished?.(uri, diagnostics.length);
    } catch (e) {
      env.log(`publishing diagnostics for ${uri} failed: ${(e as Error)?.stack ?? e}`);
    }
  }

  /** A tree removed from the workspace: clear what was published for its files, and publish nothing more of it. */
  forgetTree(model: TreeModel): void {
    const env = this.env();
    for (const [uri, p] of this.afterLoad) if (p.model === model) this.afterLoad.delete(uri);
    for (const [uri, p] of this.pending) if (p.model === model) this.clear(uri);
    for (const uri of [...this.lastSent.keys()]) {
      const fsPath = pathOfUri(uri);
      if (!fsPath || !model.archiveOf(fsPath)) continue;
      if (this.nonEmpty.has(uri)) void env.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.nonEmpty.delete(uri);
      this.lastSent.delete(uri);
    }
  }

  /** Forget a tree's files (it was reloaded from scratch). */
  clear(uri: string): void {
    const p = this.pending.get(uri);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(uri);
  }
}
