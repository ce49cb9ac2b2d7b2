// Commands: hcron.newEvent, hcron.showStatusText, hcron.showExpandedEvent (+ the hcron-expanded
// virtual documents), hcron.refreshStatus.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExpandParams, ExpandRequest, StatusTextRequest, TreeEvent, TreeInfo, Trigger } from './protocol';
import type { StatusNode } from './statusView';
import { eventName, eventUri, isInside, TreeStore } from './trees';

/** The prompts the commands use; tests replace them (the extension's API exposes this object). */
export const ui = {
  showInputBox: (options: vscode.InputBoxOptions): Thenable<string | undefined> => vscode.window.showInputBox(options),
  showQuickPick: <T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined> =>
    vscode.window.showQuickPick(items, options),
};

/** `hcron event -c`'s skeleton: every field it writes, all empty (spec section 4). */
export const SKELETON_FIELDS = [
  'description', 'contact', 'url', 'label', 'as_user', 'host', 'command', 'notify_email', 'notify_subject',
  'notify_message', 'when_month', 'when_day', 'when_hour', 'when_minute', 'when_dow', 'next_event',
  'failover_event', 'template_name',
];
export const SKELETON = SKELETON_FIELDS.map((f) => `${f}=\n`).join('');

export const EXPANDED_SCHEME = 'hcron-expanded';

type Arg = StatusNode | vscode.Uri | string | undefined;

export class Commands implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  readonly expanded: ExpandedProvider;

  constructor(
    private readonly store: TreeStore,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.expanded = new ExpandedProvider(getClient);
    this.subs.push(
      this.expanded,
      vscode.workspace.registerTextDocumentContentProvider(EXPANDED_SCHEME, this.expanded),
      vscode.commands.registerCommand('hcron.newEvent', (arg?: Arg, name?: string) => this.newEvent(arg, name)),
      vscode.commands.registerCommand('hcron.showStatusText', (arg?: Arg) => this.showStatusText(arg)),
      vscode.commands.registerCommand('hcron.showExpandedEvent', (arg?: Arg, ctx?: ExpandParams) => this.showExpandedEvent(arg, ctx)),
      vscode.commands.registerCommand('hcron.refreshStatus', () => this.store.refresh()),
      store.onDidChange(() => this.expanded.refreshAll()),
    );
  }

  private client(): LanguageClient {
    const c = this.getClient();
    if (!c || !c.isRunning()) throw new Error('the hcron language server is not running (see the "hcron" output)');
    return c;
  }

  /** The tree a command is about: from the argument, the active editor, the only tree, or a pick. */
  async pickTree(arg: Arg, purpose: string): Promise<TreeInfo | undefined> {
    const trees = await this.store.ensure();
    if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind !== 'message') return arg.tree;
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
    if (uri) {
      const t = trees.find((x) => x.root === uri.fsPath) ?? this.store.treeFor(uri);
      if (t) return t;
    }
    const active = this.store.treeFor(vscode.window.activeTextEditor?.document.uri);
    if (active) return active;
    if (trees.length === 0) {
      if (purpose.startsWith('New')) return this.pickNewTree();
      void vscode.window.showErrorMessage('No hcron event tree found: open a folder with .hcron/<server>/events, or list trees in the hcron.eventTrees setting.');
      return undefined;
    }
    if (trees.length === 1) return trees[0];
    const pick = await ui.showQuickPick(
      trees.map((t) => ({ label: t.server, description: t.root, tree: t })),
      { title: purpose, placeHolder: 'Event tree' },
    );
    return pick?.tree;
  }

  /** No tree yet: offer ~/.hcron/<server>/events and <folder>/.hcron/<server>/events. */
  private async pickNewTree(): Promise<TreeInfo | undefined> {
    const server = vscode.workspace.getConfiguration('hcron').get<string>('serverName') || os.hostname();
    const roots = [
      path.join(os.homedir(), '.hcron', server, 'events'),
      ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => path.join(f.uri.fsPath, '.hcron', server, 'events')),
    ];
    const pick = await ui.showQuickPick(
      roots.map((root) => ({ label: root.startsWith(os.homedir() + path.sep) ? '~' + root.slice(os.homedir().length) : root, description: 'new event tree', root })),
      { title: 'No hcron event tree yet: create one', placeHolder: `hcron reads ~/.hcron/<server>/events (server: ${server}; see hcron.serverName)` },
    );
    if (!pick) return undefined;
    fs.mkdirSync(pick.root, { recursive: true });
    return { root: pick.root, server, counts: { accepted: 0, rejected: 0, templates: 0, dropped: 0, ignored: 0 }, events: [] };
  }

  async newEvent(arg?: Arg, nameArg?: string): Promise<vscode.Uri | undefined> {
    const tree = await this.pickTree(arg, 'New hcron event in');
    if (!tree) return undefined;
    let prefix = '';
    const uri = arg instanceof vscode.Uri ? arg : undefined;
    if (uri && isInside(uri.fsPath, tree.root)) {
      const dir = isDirectory(uri.fsPath) ? uri.fsPath : path.dirname(uri.fsPath);
      if (dir !== tree.root) prefix = eventName(tree.root, dir).slice(1) + '/';
    }
    const name =
      nameArg ??
      (await ui.showInputBox({
        title: `New hcron event in ${tree.server}`,
        prompt: `Event name: its path inside ${tree.root}`,
        placeHolder: 'backups/nightly',
        value: prefix,
        valueSelection: [prefix.length, prefix.length],
        validateInput: (v) => validateName(tree.root, v),
      }));
    if (name === undefined) return undefined;
    const problem = validateName(tree.root, name);
    if (problem && (typeof problem === 'string' || problem.severity === vscode.InputBoxValidationSeverity.Error)) {
      void vscode.window.showErrorMessage(`hcron: ${typeof problem === 'string' ? problem : problem.message}`);
      return undefined;
    }
    const file = path.join(tree.root, ...name.trim().split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, SKELETON, { flag: 'wx' });
    this.log.info(`new event /${name.trim()} in ${tree.root}`);
    const target = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(target);
    if (doc.languageId !== 'hcron') await vscode.languages.setTextDocumentLanguage(doc, 'hcron');
    await vscode.window.showTextDocument(doc, { preview: false });
    void this.store.refresh();
    return target;
  }

  async showStatusText(arg?: Arg): Promise<vscode.TextDocument | undefined> {
    const tree = await this.pickTree(arg, 'hcron status of');
    if (!tree) return undefined;
    const { text } = await this.client().sendRequest(StatusTextRequest, { root: tree.root });
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  /** The event file a command is about: argument (view item or URI) or the active editor. */
  private targetUri(arg: Arg): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    if (typeof arg === 'string') return vscode.Uri.parse(arg);
    if (arg && typeof arg === 'object' && arg.kind === 'event') return eventUri(arg.tree, arg.event);
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && doc.uri.scheme === EXPANDED_SCHEME) return vscode.Uri.parse(decodeExpanded(doc.uri).uri);
    return doc?.languageId === 'hcron' ? doc.uri : undefined;
  }

  async showExpandedEvent(arg?: Arg, given?: ExpandParams): Promise<vscode.TextDocument | undefined> {
    const target = this.targetUri(arg);
    if (!target) {
      void vscode.window.showErrorMessage('hcron: open an event file first');
      return undefined;
    }
    await this.store.ensure();
    let params: ExpandParams | undefined = given ? { ...given, uri: target.toString() } : undefined;
    if (!params) {
      const contexts = runContexts(this.store, target);
      const pick = await ui.showQuickPick(contexts, {
        title: 'Expand the event as hcron would run it',
        placeHolder: 'Run context (how the event is started)',
        matchOnDescription: true,
      });
      if (!pick) return undefined;
      params = pick.params;
    }
    let doc = await vscode.workspace.openTextDocument(encodeExpanded(params, this.store));
    // key=value lines and # comments: the hcron grammar colours them (no server behind this scheme)
    if (doc.languageId !== 'hcron') doc = await vscode.languages.setTextDocumentLanguage(doc, 'hcron');
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return doc;
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function validateName(root: string, raw: string): string | vscode.InputBoxValidationMessage | undefined {
  const name = raw.trim();
  if (!name) return 'Give the event a name (its path inside the events folder)';
  if (name.startsWith('/')) return 'Give the path relative to the events folder (without a leading /)';
  const segs = name.split('/');
  if (segs.some((s) => s === '')) return 'Empty path component (double or trailing /)';
  if (segs.some((s) => s === '.' || s === '..')) return '"." and ".." are not allowed in event names';
  if (fs.existsSync(path.join(root, ...segs))) return `${name} already exists`;
  if (segs.some((s) => /^\./.test(s) || /~$/.test(s)))
    return { message: 'hcron ignores names starting with "." or ending in "~" (names_to_ignore_regexp)', severity: vscode.InputBoxValidationSeverity.Warning };
  if (name.includes(':'))
    return { message: 'A name containing ":" cannot be chained to (":" separates next_event/failover_event pieces)', severity: vscode.InputBoxValidationSeverity.Warning };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Run contexts for the expansion: the clock, each caller (next_event/failover_event of another
// event naming this file under one of its names), each link name, on demand.

export interface RunContextItem extends vscode.QuickPickItem {
  params: ExpandParams;
}

function fileText(p: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === p);
  if (open) return open.getText();
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function realpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Last assignment of each chaining field, after hcron's line pass (comments, continuations). */
export function chainFields(text: string): { next_event?: string; failover_event?: string } {
  const phys = text.split('\n');
  const out: { next_event?: string; failover_event?: string } = {};
  for (let i = 0; i < phys.length; i++) {
    let line = phys[i];
    if (line.trim().startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < phys.length) line = line.slice(0, -1) + phys[++i];
    const m = /^\s*(next_event|failover_event)\s*=(.*)$/.exec(line.trim());
    if (m) out[m[1] as 'next_event' | 'failover_event'] = m[2].trim();
  }
  return out;
}

/** hcron 10.2: a piece not starting with "/" is joined to the directory of the event's name. */
export function resolvePiece(from: string, piece: string): string {
  if (piece.startsWith('/')) return piece;
  const dir = from.slice(0, from.lastIndexOf('/')) || '';
  return `${dir}/${piece}`;
}

export function runContexts(store: TreeStore, target: vscode.Uri): RunContextItem[] {
  const uri = target.toString();
  const found = store.eventFor(target);
  const tree = found?.tree ?? store.treeFor(target);
  const own = found?.event.name ?? (tree && target.scheme === 'file' ? eventName(tree.root, target.fsPath) : undefined);
  const items: RunContextItem[] = [];
  const label = own ?? path.basename(target.path);
  items.push({ label: '$(clock) clock', description: `scheduled run of ${label}`, params: { uri, trigger: 'clock' } });
  if (tree && target.scheme === 'file') {
    const real = realpath(target.fsPath);
    const live = (e: TreeEvent) => e.status === 'accepted' || e.status === 'rejected';
    // every name of this file: its own, and each symlink resolving to it
    const names = new Set<string>(own ? [own] : []);
    const links: string[] = [];
    for (const e of tree.events.filter(live)) {
      if (e.name === own) continue;
      const p = path.join(tree.root, ...e.name.split('/'));
      if (real && realpath(p) === real) {
        names.add(e.name);
        links.push(e.name);
      }
    }
    // callers: events whose next_event / failover_event names one of them
    for (const c of tree.events.filter(live)) {
      const text = fileText(path.join(tree.root, ...c.name.split('/')));
      if (!text) continue;
      const fields = chainFields(text);
      for (const [field, trigger] of [['next_event', 'next'], ['failover_event', 'failover']] as const) {
        const v = fields[field];
        if (!v || v.includes('$')) continue;
        for (const piece of v.split(':').map((s) => s.trim()).filter(Boolean)) {
          const target = resolvePiece(c.name, piece);
          if (!names.has(target)) continue;
          items.push({
            label: `$(${trigger === 'next' ? 'arrow-right' : 'debug-restart'}) ${trigger} after ${c.name}`,
            description: target === own ? `${field} of ${c.name}` : `as ${target} (${field} of ${c.name})`,
            params: { uri, trigger: trigger as Trigger, after: c.name, asName: target === own ? undefined : target },
          });
        }
      }
    }
    for (const l of links.sort()) {
      items.push({ label: `$(link) clock as ${l}`, description: 'scheduled run of the symlink', params: { uri, trigger: 'clock', asName: l } });
    }
  }
  items.push({ label: '$(play) on demand', description: `hcron activate ${label}`, params: { uri, trigger: 'ondemand' } });
  return items;
}

// ---------------------------------------------------------------------------------------------
// hcron-expanded:<name> (<context>)?<params as JSON>: read-only expansion from hcron/expand.

export function encodeExpanded(params: ExpandParams, store?: TreeStore): vscode.Uri {
  const file = vscode.Uri.parse(params.uri);
  const ev = store?.eventFor(file);
  const name = params.asName ?? ev?.event.name ?? `/${path.basename(file.path)}`;
  const ctx = params.trigger && params.trigger !== 'clock' ? `${params.trigger}${params.after ? ' after ' + params.after.replace(/\//g, '∕') : ''}` : 'clock';
  return vscode.Uri.from({ scheme: EXPANDED_SCHEME, path: `${name} (${ctx})`, query: JSON.stringify(params) });
}

export function decodeExpanded(uri: vscode.Uri): ExpandParams {
  return JSON.parse(uri.query) as ExpandParams;
}

export class ExpandedProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly getClient: () => LanguageClient | undefined) {
    // the expansion follows unsaved edits of any event file
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === 'hcron') this.refreshAll(300);
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const c = this.getClient();
    if (!c || !c.isRunning()) return '# the hcron language server is not running\n';
    try {
      const { text } = await c.sendRequest(ExpandRequest, decodeExpanded(uri), token);
      return text;
    } catch (e) {
      return `# hcron/expand failed: ${(e as Error).message}\n`;
    }
  }

  refreshAll(delay = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === EXPANDED_SCHEME) this.emitter.fire(d.uri);
    }, delay);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.emitter.dispose();
  }
}
