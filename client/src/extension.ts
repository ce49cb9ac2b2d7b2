// The hcron extension (dist/extension.js, loaded by entry.ts): starts the hcron language server
// (dist/server.js over Node IPC) and adds the Event Status view, the status bar item, the
// commands and the language detection.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { Commands, ui } from './commands';
import type { ChainGraphState } from './chainGraph';
import type { EarlyDiagnostics } from './earlyDiagnostics';
import { Editing } from './editing';
import { LanguageDetection } from './languageDetection';
import { TreeInfo, TreesChangedNotification } from './protocol';
import { documentSelector, hcronSettings, openSavedDocuments } from './selector';
import { StatusBar } from './statusBar';
import { StatusSnapshot, StatusViewProvider } from './statusView';
import { TreeStore } from './trees';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';

/** What activate() returns: used by the extension's tests, harmless for anyone else. */
export interface HcronApi {
  /** Resolves once the server answered its first hcron/trees (or failed to start). */
  ready: Promise<void>;
  client(): LanguageClient | undefined;
  getStatusTree(): Promise<StatusSnapshot[]>;
  getStatusBarText(): string | undefined;
  refreshTrees(): Promise<TreeInfo[]>;
  ui: typeof ui;
  /** The chain graph view's state, and a way to click one of its nodes. */
  chainGraph(): ChainGraphState;
  openChainGraphNode(name: string): Promise<boolean>;
  /**
   * Date.now() when the entry's activate() began (entry.ts: before this module was loaded), and
   * when each document's first non-empty diagnostics were shown, early ones or the server's (the
   * benchmark reads them).
   */
  activatedAt: number;
  firstDiagnosticsAt: ReadonlyMap<string, number>;
  /** When each document's first non-empty diagnostics from the server arrived. */
  firstServerDiagnosticsAt: ReadonlyMap<string, number>;
  /** What the early diagnostics showed of each document, and when (earlyDiagnostics.ts; the server's replace them). */
  earlyShown: ReadonlyMap<string, { at: number; diagnostics: readonly vscode.Diagnostic[] }>;
  /** Date.now() when the language client was started and when its handshake with the server ended. */
  startup: { clientStartAt?: number; clientRunningAt?: number };
}

let client: LanguageClient | undefined;

/** What entry.ts made before it loaded this module. */
export interface Boot {
  activatedAt: number;
  log: vscode.LogOutputChannel;
  early: EarlyDiagnostics;
}

export async function activate(context: vscode.ExtensionContext, { activatedAt, log, early }: Boot): Promise<HcronApi> {
  const firstDiagnosticsAt = new Map<string, number>();
  const firstServerDiagnosticsAt = new Map<string, number>();
  const noteFirst = (m: Map<string, number>, uri: vscode.Uri, count: number, at = Date.now()) => {
    if (count && !m.has(uri.toString())) m.set(uri.toString(), at);
  };
  const startup: HcronApi['startup'] = {};
  void vscode.commands.executeCommand('setContext', 'hcron.active', true);

  const store = new TreeStore(() => client, log);
  const view = new StatusViewProvider(store);
  const treeView = vscode.window.createTreeView('hcron.status', { treeDataProvider: view, showCollapseAll: true });
  const statusBar = new StatusBar(store);
  const commands = new Commands(store, () => client, log);
  const detection = new LanguageDetection(log);
  const editing = new Editing(store, () => client, log);
  context.subscriptions.push(store, view, treeView, statusBar, commands, detection, editing);
  context.subscriptions.push(
    store.onDidChange((trees) => {
      const rejected = trees.reduce((n, t) => n + t.events.filter((e) => e.status === 'rejected' && e.type !== 'template' && e.reason !== 'template').length, 0);
      treeView.badge = rejected ? { value: rejected, tooltip: `${rejected} rejected hcron event${rejected === 1 ? '' : 's'} (not counting templates)` } : undefined;
      void vscode.commands.executeCommand('setContext', 'hcron.hasTrees', trees.length > 0);
    }),
  );

  const serverModule = context.asAbsolutePath('dist/server.js');
  // The server reads the workspace's trees from `initialize` on, not from its start (HCRON_READ_EARLY
  // is not set): on busy cores the read held back the server's own start and the open documents'
  // first diagnostics (docs/performance.md, seventh round).
  // NODE_EXTRA_CA_CERTS makes Node read that file of certificates as it starts (~40 ms of CPU, measured):
  // the server opens no connection.
  const env: Record<string, string> = { NODE_EXTRA_CA_CERTS: '' };
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: [...SERVER_NODE_OPTIONS] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6019'] } },
  };
  const watchers = [
    vscode.workspace.createFileSystemWatcher('**/.hcron/*/events/**'),
    vscode.workspace.createFileSystemWatcher('**/events/**'),
  ];
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { configurationSection: 'hcron', fileEvents: watchers },
    // the whole hcron section, as the client would answer workspace/configuration: the server starts on it without asking
    // and the saved files open now: the server publishes them during the handshake (features/startup.ts)
    initializationOptions: () => ({ settings: hcronSettings(), complete: true, open: openSavedDocuments().map((u) => u.toString()) }),
    outputChannel: log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        noteFirst(firstDiagnosticsAt, uri, diagnostics.length);
        noteFirst(firstServerDiagnosticsAt, uri, diagnostics.length);
        // the server's replace the early ones in the same tick: neither a gap nor a double
        next(uri, diagnostics);
        early.handOver(uri);
      },
    },
  };

  let first = true;
  const start = async (): Promise<void> => {
    if (!fs.existsSync(serverModule)) {
      const msg = `hcron: the language server is missing (${serverModule}); run "npm run build"`;
      log.error(msg);
      view.setProblem('The hcron language server is missing (dist/server.js)');
      void vscode.window.showErrorMessage(msg);
      return;
    }
    client = new LanguageClient('hcron', 'hcron language server', serverOptions, clientOptions);
    if (first) {
      first = false;
      const p2c = client.protocol2CodeConverter;
      early.attach((ds) => p2c.asDiagnostics(ds), (uri, ds, at) => noteFirst(firstDiagnosticsAt, uri, ds.length, at));
    }
    client.onNotification(TreesChangedNotification, () => void store.refresh());
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) {
        early.end();
        view.setProblem('The hcron language server stopped (see the "hcron" output)');
      }
      if (e.newState === State.Running) void store.refresh();
    });
    try {
      startup.clientStartAt ??= Date.now();
      await client.start();
      startup.clientRunningAt ??= Date.now();
      await store.refresh();
    } catch (e) {
      early.end();
      log.error(`cannot start the hcron language server: ${(e as Error).message}`);
      view.setProblem('The hcron language server failed to start (see the "hcron" output)');
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('hcron.restartServer', async () => {
      log.info('restarting the hcron language server');
      if (client) {
        try {
          await client.stop(5000);
        } catch (e) {
          log.warn(`stopping the server: ${(e as Error).message}`);
        }
        client = undefined;
      }
      await start();
      await store.refresh();
    }),
    { dispose: () => void client?.stop() },
  );

  const ready = start();
  return {
    ready,
    client: () => client,
    getStatusTree: async () => {
      await ready;
      await store.refresh();
      return view.snapshot();
    },
    getStatusBarText: () => {
      statusBar.update();
      return statusBar.text;
    },
    refreshTrees: () => store.refresh(),
    chainGraph: () => editing.graph.state,
    openChainGraphNode: (name) => editing.graph.openNode(name),
    ui,
    activatedAt,
    startup,
    firstDiagnosticsAt,
    firstServerDiagnosticsAt,
    earlyShown: early.shown,
  };
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
}
