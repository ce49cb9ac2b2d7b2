// The hcron language server: hcron v1.5's verdict on event trees while you
// type, in any LSP client. Started with --stdio, --node-ipc or --socket=PORT
// (bin/hcron-language-server). Without a transport argument it uses stdio.

// first: the heap's growth limit (gcTuning.ts), then the reading thread starts before the rest is loaded
import './gcTuning';
import { reader, readEarly, takeFound } from './serverReader';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ClientCapabilities,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  InitializeParams,
  IPCMessageReader,
  InitializeResult,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  StreamMessageReader,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { treeRootFor, treesFromSetting } from './discovery';
import { METHODS } from './protocol';
import { ipcSink, Outbox, streamSink } from './outbox';
import { format } from 'node:util';
import { Env, noteActivity, pathOfUri, Positions, whenIdle } from './features/common';
import { registerCompletion, TRIGGER_CHARACTERS } from './features/completion';
import { registerCustom } from './features/custom';
import { publishOpenAtStart } from './features/startup';
import { EDITING_REQUESTS, editingCapabilities, refreshEditing, registerEditing } from './features/editing';
import { registerDefinition } from './features/definition';
import { DiagnosticsPublisher } from './features/diagnostics';
import { registerDocumentLinks } from './features/documentLinks';
import { registerHover } from './features/hover';
import { registerReferences } from './features/references';
import { registerDocumentSymbols } from './features/symbols';
import { registerWorkspaceSymbols } from './features/workspaceSymbols';
import { limitsOf, parseSettings, resolveConfig, Settings, severityFn } from './settings';
import { ModelOptions, TreeModel, Workspace, WorkspaceHost } from './workspace';
import * as os from 'node:os';
import { DEFAULT_READ_TIMEOUT_MS } from './readWatch';

const VERSION = '0.1.0';

if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) process.argv.push('--stdio');

// stdio and node-ipc (what editors and the extension use): replies go out ahead of a load's bulk publications (outbox.ts)
const stdio = process.argv.includes('--stdio');
const outbox = stdio ? new Outbox(streamSink(process.stdout)) : process.argv.includes('--node-ipc') && process.send ? new Outbox(ipcSink(process)) : undefined;
const connection = outbox ? createConnection(ProposedFeatures.all, stdio ? new StreamMessageReader(process.stdin) : new IPCMessageReader(process), outbox) : createConnection(ProposedFeatures.all);
let shutdownReceived = false;
if (stdio) {
  // what createConnection does for --stdio itself: the client went away, and nothing else may write to stdout
  const gone = () => process.exit(shutdownReceived ? 0 : 1);
  process.stdin.on('end', gone);
  process.stdin.on('close', gone);
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[k] = (...a: unknown[]) => void process.stderr.write(format(...a) + '\n');
}
const documents = new TextDocuments(TextDocument);

const log = (m: string) => {
  try {
    connection.console.log(m);
  } catch {
    process.stderr.write(m + '\n');
  }
};

// A bad request or a bug in one handler must never take the server down.
process.on('uncaughtException', (e) => log(`uncaught exception: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

let caps: ClientCapabilities = {};
let folders: string[] = [];
let settings: Settings = parseSettings(null);
/** initializationOptions held every setting ({ settings, complete: true }): the first load does not ask for them. */
let settingsKnown = false;
let workspace!: Workspace;
let lastConfigJson = '';
let lastConfig: ModelOptions['config'] | undefined;
/** The watchers of each tree (closed when its workspace folder is removed, and at shutdown). */
const watchers = new Map<TreeModel, { close(): void }[]>();
const addWatcher = (model: TreeModel, w: { close(): void }) => {
  if (model.disposed) return w.close();
  let list = watchers.get(model);
  if (!list) watchers.set(model, (list = []));
  list.push(w);
};
const closeWatchers = (list: { close(): void }[]) => {
  for (const w of list)
    try {
      w.close();
    } catch {
      /* already closed */
    }
};
const stallShown = new Map<TreeModel, number>();

// Document notifications and settings changes are applied in order, after
// initialization; requests wait for what arrived before them.
let markInitialized!: () => void;
let queue: Promise<void> = new Promise((r) => (markInitialized = r));
function enqueue(what: string, fn: () => void | Promise<void>): void {
  noteActivity();
  queue = queue.then(fn).catch((e) => log(`${what} failed: ${(e as Error)?.stack ?? e}`));
}

const positions = new Positions(() => env);
const publisher = new DiagnosticsPublisher(() => env, positions, outbox && ((send) => outbox.inBulk(send)));

let treesChangedTimer: NodeJS.Timeout | undefined;
const host: WorkspaceHost = {
  log,
  publish: (model, files, force) => publisher.publish(model, files, force),
  openPaths: (model) => positions.openArchives(model),
  whenIdle,
  statusesChanged: () => {
    if (treesChangedTimer) return;
    treesChangedTimer = setTimeout(() => {
      treesChangedTimer = undefined;
      refreshEditing(env, caps);
      void connection.sendNotification(METHODS.treesChanged);
    }, 100);
  },
  beginProgress: async (title) => {
    if (!caps.window?.workDoneProgress) return undefined;
    try {
      const r = await connection.window.createWorkDoneProgress();
      r.begin(title, 0, 'reading files', false);
      return { report: (p, m) => r.report(p, m), done: () => r.done() };
    } catch {
      return undefined;
    }
  },
  treeAdded: (model) => watch(model),
  stalled: (model, message) => {
    log(message);
    // one pop-up per tree per 10 minutes: the retries say the same
    if (Date.now() - (stallShown.get(model) ?? -Infinity) < 600_000) return;
    stallShown.set(model, Date.now());
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `hcron: ${message}` });
  },
};

const env: Env = {
  connection,
  documents,
  get workspace() {
    return workspace;
  },
  settled: () => queue,
  addTreeFor: (fsPath) => {
    const t = treeRootFor(fsPath);
    if (t && fs.existsSync(t.root)) workspace.addTree(t.root, t.server);
  },
  log,
};

function modelOptions(): ModelOptions {
  const resolved = resolveConfig(settings);
  if (resolved.problem) {
    log(resolved.problem);
    void connection.window.showWarningMessage(`hcron: ${resolved.problem}`);
  }
  const json = JSON.stringify(resolved.config);
  if (json !== lastConfigJson || !lastConfig) {
    lastConfigJson = json;
    lastConfig = resolved.config;
  }
  const limits = limitsOf(settings);
  reader.timeoutMs = settings.readTimeout !== null ? settings.readTimeout * 1000 : DEFAULT_READ_TIMEOUT_MS;
  return { config: lastConfig, serverName: settings.serverName, hostName: settings.hostName ?? os.hostname(), severity: severityFn(settings), limits, reader };
}

async function fetchSettings(fallback?: unknown): Promise<Settings> {
  if (caps.workspace?.configuration) {
    try {
      const [s] = await connection.workspace.getConfiguration([{ section: 'hcron' }]);
      return parseSettings(s);
    } catch (e) {
      log(`workspace/configuration failed: ${(e as Error)?.message ?? e}`);
    }
  }
  return parseSettings(fallback);
}

/**
 * After a workspace folder is removed: forget the trees nothing shows any more
 * (not below a remaining folder, not named by hcron.eventTrees, no document
 * open in them); their diagnostics are cleared and their watchers closed.
 */
function dropUnshownTrees() {
  const inside = (root: string, dir: string) => root === dir || root.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  const named = new Set(treesFromSetting(settings.eventTrees, folders).map((t) => path.resolve(t.root)));
  let dropped: TreeModel | undefined;
  for (const model of [...workspace.trees.values()]) {
    if (folders.some((f) => inside(model.root, path.resolve(f))) || named.has(model.root) || positions.openArchives(model).size) continue;
    log(`${model.root}: no longer in the workspace, forgotten`);
    workspace.removeTree(model);
    publisher.forgetTree(model);
    closeWatchers(watchers.get(model) ?? []);
    watchers.delete(model);
    dropped = model;
  }
  if (dropped) host.statusesChanged(dropped); // the client asks hcron/trees again
}

function discover(inFolders: string[]) {
  for (const f of inFolders) for (const t of takeFound(f)) workspace.addTree(t.root, t.server);
  for (const t of treesFromSetting(settings.eventTrees, folders)) workspace.addTree(t.root, t.server);
}

// ------------------------------------------------------------ watching

function watch(model: TreeModel) {
  if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    const rel = caps.workspace.didChangeWatchedFiles.relativePatternSupport;
    const globPattern = rel ? { baseUri: URI.file(model.root).toString(), pattern: '**/*' } : `${model.root.split(path.sep).join('/')}/**/*`;
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete }] })
      .then((d) => addWatcher(model, { close: () => d.dispose() }))
      .catch((e) => log(`registering the file watcher failed: ${e?.message ?? e}; watching with Node`) ?? nodeWatch(model));
    return;
  }
  nodeWatch(model);
}

function nodeWatch(model: TreeModel) {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  try {
    const w = fs.watch(model.root, { recursive: true, persistent: false }, (_ev, filename) => {
      pending.add(filename ? path.join(model.root, filename.toString()) : model.root);
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        const paths = [...pending];
        pending = new Set();
        enqueue('file change', () => workspace.diskChanged(paths));
      }, 50);
    });
    w.on('error', (e) => log(`watching ${model.root} failed: ${e.message}`));
    addWatcher(model, w);
  } catch (e) {
    log(`cannot watch ${model.root}: ${(e as Error).message}`);
  }
}

// ------------------------------------------------------------ lifecycle

connection.onInitialize((params: InitializeParams): InitializeResult => {
  caps = params.capabilities ?? {};
  const fs_ = (params.workspaceFolders ?? []).map((f) => pathOfUri(f.uri)).filter((p): p is string => !!p);
  if (!fs_.length && params.rootUri) {
    const p = pathOfUri(params.rootUri);
    if (p) fs_.push(p);
  }
  if (!fs_.length && params.rootPath) fs_.push(params.rootPath);
  folders = fs_;
  const init = params.initializationOptions as { settings?: unknown; complete?: unknown } | undefined;
  settings = parseSettings(init?.settings ?? (init as Record<string, unknown> | undefined)?.hcron ?? null);
  settingsKnown = init?.complete === true && !!init.settings;
  // the documents open as the client started: published during the handshake
  if (settingsKnown) publishOpenAtStart(connection, (init as { open?: unknown }).open, settings, publisher, log);
  // read the trees while the handshake (and the settings round trip) go on, unless HCRON_READ_EARLY started it
  readEarly(folders, settings, log);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false },
      documentLinkProvider: { resolveProvider: false },
      ...editingCapabilities(),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true }, ...editingCapabilities().workspace },
      experimental: { hcron: { requests: [METHODS.trees, METHODS.statusText, METHODS.expand, ...EDITING_REQUESTS], notifications: [METHODS.treesChanged] } },
    },
    serverInfo: { name: 'hcron-language-server', version: VERSION },
  };
});

connection.onInitialized(async () => {
  try {
    // settings sent whole in initializationOptions (the VS Code extension does): no round trip before the first load
    if (!settingsKnown) settings = await fetchSettings(settings);
    workspace = new Workspace(host, modelOptions());
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration)
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'hcron' }).catch(() => undefined);
    if (caps.workspace?.workspaceFolders)
      connection.workspace.onDidChangeWorkspaceFolders((e) =>
        enqueue('workspace folders', () => {
          const added = e.added.map((f) => pathOfUri(f.uri)).filter((p): p is string => !!p);
          folders = [...folders.filter((f) => !e.removed.some((r) => pathOfUri(r.uri) === f)), ...added];
          if (e.removed.length) dropUnshownTrees();
          discover(added);
        }),
      );
    discover(folders);
  } catch (e) {
    log(`initialization failed: ${(e as Error)?.stack ?? e}`);
    workspace ??= new Workspace(host, modelOptions());
  } finally {
    markInitialized();
  }
});

connection.onDidChangeConfiguration((p) =>
  enqueue('configuration', async () => {
    const fallback = (p?.settings as Record<string, unknown> | undefined)?.hcron;
    settings = await fetchSettings(fallback);
    await workspace.reconfigure(modelOptions());
    discover([]);
  }),
);

connection.onDidChangeWatchedFiles((p) =>
  enqueue('watched files', async () => {
    const paths = p.changes.map((c) => pathOfUri(c.uri)).filter((x): x is string => !!x);
    // a new events folder in a workspace folder
    for (const x of paths) if (!workspace.treeOf(x) && path.basename(x) === 'events' && path.basename(path.dirname(path.dirname(x))) === '.hcron') env.addTreeFor(path.join(x, 'x'));
    await workspace.diskChanged(paths);
  }),
);

documents.onDidOpen((e) => {
  const uri = e.document.uri;
  const text = e.document.getText();
  positions.docOpened(uri);
  enqueue('didOpen', () => {
    workspace.openDoc(uri, pathOfUri(uri), text, env.addTreeFor);
    const t = workspace.docModel(uri);
    if (t?.model.loaded) publisher.schedule(t.model, t.archive);
  });
});

documents.onDidChangeContent((e) => {
  const uri = e.document.uri;
  const text = e.document.getText();
  enqueue('didChange', () => workspace.changeDoc(uri, text));
});

documents.onDidClose((e) => {
  const uri = e.document.uri;
  enqueue('didClose', () => {
    workspace.closeDoc(uri);
    positions.docClosed(uri);
    const fsPath = pathOfUri(uri);
    const t = fsPath && workspace.treeOf(fsPath);
    if (t && t.model.loaded) publisher.schedule(t.model, t.archive);
  });
});

// A reading thread stuck in a hung read would keep the process from exiting (Node joins its threads).
connection.onExit(() => {
  if (reader.stuck) process.kill(process.pid, 'SIGKILL');
});

connection.onShutdown(() => {
  shutdownReceived = true;
  for (const list of watchers.values()) closeWatchers(list);
  watchers.clear();
});

registerDefinition(() => env, positions);
registerHover(() => env, positions);
registerCompletion(() => env, positions);
registerDocumentSymbols(() => env, positions);
registerWorkspaceSymbols(() => env, positions);
registerReferences(() => env, positions);
registerDocumentLinks(() => env, positions);
registerCustom(() => env, positions);
registerEditing(() => env, positions, () => caps);

documents.listen(connection);
connection.listen();
