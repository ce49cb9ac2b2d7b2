// The open events' first diagnostics, shown while the language server is still starting: Node's
// start and the handshake take 0.3-1.5 s on busy cores, judging an event on its neighbourhood
// tens of milliseconds (docs/performance.md, tenth round). Started by the extension's entry
// (entry.ts) before the rest of the extension loads. A worker thread (earlyWorker.ts) runs
// the function the server publishes with during its handshake (server/src/openAtStart.ts), so
// these are the server's diagnostics, shown sooner. A document's are dropped as soon as the
// server publishes that document (its own replace them, in the same tick), when it is edited or
// closed, and all of them if the server stops.

import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { EarlyReply, EarlyRequest } from './earlyWorker';

/** The first few open editors: the rest wait for the server. */
const MAX_DOCS = 5;
/** Names listed in hcron's load order at most, where max_events_per_user may cut: past it the server tells. */
const WALK_BUDGET = 2000;
/** A worker still judging after this long is on a slow or hung mount: it is terminated, the server tells. */
const TIMEOUT_MS = 10_000;

interface Sink {
  convert(ds: Diagnostic[]): Promise<vscode.Diagnostic[]>;
  onShown(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[], at: number): void;
}

export class EarlyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('hcron-early');
  private readonly handedOver = new Set<string>();
  private ended = false;
  private worker?: Worker;
  private sink?: Sink;
  /** Replies that came before attach(). */
  private readonly waiting: [vscode.Uri, EarlyReply][] = [];
  /** What was shown of each document, and when (the extension's API: tests and the benchmark read it). */
  readonly shown = new Map<string, { at: number; diagnostics: readonly vscode.Diagnostic[] }>();
  private readonly subscriptions: vscode.Disposable[];

  /** `workerPath`: dist/early-worker.js. */
  constructor(
    private readonly workerPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.handOver(e.document.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.handOver(d.uri)),
    ];
  }

  /**
   * Judge these saved documents in a worker; `settings`: the hcron section, as the server
   * gets it. What the worker finds is shown once attach() gives the converter.
   */
  start(docs: readonly vscode.Uri[], settings: unknown): void {
    const uris = new Map(docs.slice(0, MAX_DOCS).map((u) => [u.toString(), u]));
    if (!uris.size || this.ended) return;
    const data: EarlyRequest = { uris: [...uris.keys()], settings: JSON.parse(JSON.stringify(settings ?? {})), walkBudget: WALK_BUDGET };
    let worker: Worker;
    try {
      worker = this.worker = new Worker(this.workerPath, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    } catch (e) {
      this.log.warn(`early diagnostics: cannot start their thread: ${(e as Error)?.message ?? e}`);
      return;
    }
    const timer = setTimeout(() => {
      this.log.warn(`early diagnostics: still judging after ${TIMEOUT_MS / 1000} s (a slow mount?): left to the server`);
      void worker.terminate();
    }, TIMEOUT_MS);
    worker.on('message', (r: EarlyReply) => {
      const uri = uris.get(r.uri);
      if (!uri) return;
      if (this.sink) void this.take(uri, r, this.sink);
      else this.waiting.push([uri, r]);
    });
    worker.on('error', (e) => this.log.warn(`early diagnostics: ${e?.stack ?? e}`));
    worker.on('exit', () => {
      clearTimeout(timer);
      if (this.worker === worker) this.worker = undefined;
    });
  }

  /**
   * `convert`: the language client's protocol converter (the server's diagnostics go
   * through it too); `onShown`: told of each document shown.
   */
  attach(convert: Sink['convert'], onShown: Sink['onShown']): void {
    this.sink = { convert, onShown };
    for (const [uri, r] of this.waiting.splice(0)) void this.take(uri, r, this.sink);
  }

  private async take(uri: vscode.Uri, r: EarlyReply, { convert, onShown }: Sink): Promise<void> {
    const stale = () => this.ended || this.handedOver.has(uri.toString());
    if (!r.ok) {
      this.log.debug(`early diagnostics: ${uri.fsPath} left to the server (${r.why})`);
      return;
    }
    if (stale()) return;
    try {
      const ds = await convert(r.diagnostics);
      if (stale()) return;
      this.collection.set(uri, ds);
      const at = Date.now();
      this.shown.set(uri.toString(), { at, diagnostics: ds });
      onShown(uri, ds, at);
      this.log.info(`${r.root}: ${r.archive} judged on its neighbourhood before the server started (${r.members} members looked up, ${r.ms} ms)`);
    } catch (e) {
      this.log.warn(`early diagnostics: ${(e as Error)?.stack ?? e}`);
    }
  }

  /** The server published this document (or it changed): its diagnostics are the server's from now on. */
  handOver(uri: vscode.Uri): void {
    this.handedOver.add(uri.toString());
    this.collection.delete(uri);
  }

  /** The server stopped: nothing here may outlive it. */
  end(): void {
    this.ended = true;
    this.collection.clear();
    void this.worker?.terminate();
  }

  dispose(): void {
    this.end();
    for (const d of this.subscriptions) d.dispose();
  }
}
