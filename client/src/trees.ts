// The client's copy of the server's event trees (hcron/trees), refreshed on hcron/treesChanged.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TreeEvent, TreeInfo, TreesRequest } from './protocol';

export class TreeStore implements vscode.Disposable {
  private trees: TreeInfo[] = [];
  private loaded = false;
  private pending: Promise<TreeInfo[]> | undefined;
  private readonly emitter = new vscode.EventEmitter<TreeInfo[]>();
  /** Fired after every successful refresh. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): TreeInfo[] {
    return this.trees;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Asks the server again (coalesces concurrent calls). */
  refresh(): Promise<TreeInfo[]> {
    if (this.pending) return this.pending;
    this.pending = (async () => {
      const client = this.getClient();
      if (!client || !client.isRunning()) return this.trees;
      try {
        // the plain URIs are made here when asked for (eventUri): a lighter answer for the server to build
        const res = await client.sendRequest(TreesRequest, { omitPlainUris: true });
        this.trees = (res?.trees ?? []).slice().sort((a, b) => a.server.localeCompare(b.server) || a.root.localeCompare(b.root));
        this.loaded = true;
        this.emitter.fire(this.trees);
      } catch (e) {
        this.log.warn(`hcron/trees failed: ${(e as Error).message}`);
      }
      return this.trees;
    })().finally(() => (this.pending = undefined));
    return this.pending;
  }

  async ensure(): Promise<TreeInfo[]> {
    return this.loaded ? this.trees : this.refresh();
  }

  /** The tree whose events folder contains this file (deepest root wins). */
  treeFor(uri: vscode.Uri | undefined): TreeInfo | undefined {
    if (!uri || uri.scheme !== 'file') return undefined;
    const p = uri.fsPath;
    let best: TreeInfo | undefined;
    for (const t of this.trees) {
      if (isInside(p, t.root) && (!best || t.root.length > best.root.length)) best = t;
    }
    return best;
  }

  /** The event whose member is this file (by URI, else by its path under the tree). */
  eventFor(uri: vscode.Uri): { tree: TreeInfo; event: TreeEvent } | undefined {
    const key = uri.toString();
    for (const tree of this.trees) {
      const ev = tree.events.find((e) => e.uri === key);
      if (ev) return { tree, event: ev };
    }
    const tree = this.treeFor(uri);
    if (!tree) return undefined;
    const name = eventName(tree.root, uri.fsPath);
    const ev = tree.events.find((e) => e.name === name);
    return ev ? { tree, event: ev } : undefined;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** An event's URI: the server's, or (omitPlainUris) the plain file URI of its path, made here. */
export function eventUri(tree: TreeInfo, e: TreeEvent): vscode.Uri {
  if (e.uri)
    try {
      return vscode.Uri.parse(e.uri, true);
    } catch {
      /* the plain one */
    }
  return vscode.Uri.file(path.join(tree.root, ...e.name.split('/')));
}

/** hcron's name of the member at path p of the events folder root. */
export function eventName(root: string, p: string): string {
  return '/' + path.relative(root, p).split(path.sep).join('/');
}
