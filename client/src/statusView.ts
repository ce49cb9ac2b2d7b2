// The "hcron Event Status" view: every event of every tree, grouped the way hcron reports them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TreeEvent, TreeInfo } from './protocol';
import { eventUri, TreeStore } from './trees';

export type StatusNode =
  | { kind: 'tree'; tree: TreeInfo }
  | { kind: 'group'; tree: TreeInfo; id: string; label: string; icon: string; events: TreeEvent[]; children?: StatusNode[] }
  | { kind: 'event'; tree: TreeInfo; event: TreeEvent; parent: string }
  | { kind: 'message'; text: string };

/** A plain copy of what the view shows (for tests and diagnostics). */
export interface StatusSnapshot {
  label: string;
  description?: string;
  uri?: string;
  children?: StatusSnapshot[];
}

export function isTemplate(e: TreeEvent): boolean {
  return e.status === 'rejected' && (e.type === 'template' || e.reason === 'template');
}

/** The cause of a dropped member, without its details ("dangling symlink: /x is not in the tree" -> "dangling symlink"). */
export function dropCause(reason: string): string {
  const known: [RegExp, string][] = [
    [/^absolute symlink/, 'absolute symlink'],
    [/^dangling symlink/, 'dangling symlink'],
    [/^symlink leaves/, 'symlink leaves the events/ tree'],
    [/^symlink to an ignored name/, 'symlink to an ignored name'],
    [/^symlink loop/, 'symlink loop'],
    [/^symlink chain longer/, 'symlink chain longer than max_symlinks'],
    [/^symlink to a folder/, 'symlink to a folder'],
    [/^symlink to something that is not a regular file/, 'symlink to a non-file'],
    [/^hard link/, 'hard link'],
    [/not a regular file$/, 'not a regular file'],
  ];
  for (const [re, cause] of known) if (re.test(reason)) return cause;
  return reason.replace(/\s*[:(].*$/, '') || 'unknown';
}

function byReason(tree: TreeInfo, prefix: string, events: TreeEvent[], icon: string, key: (r: string) => string = (r) => r): StatusNode[] {
  const m = new Map<string, TreeEvent[]>();
  for (const e of events) {
    const r = key(e.reason || 'unknown');
    m.set(r, [...(m.get(r) ?? []), e]);
  }
  return [...m.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([reason, evs]) => ({ kind: 'group' as const, tree, id: `${prefix}/${reason}`, label: reason, icon, events: evs }));
}

/** The groups of one tree: Accepted, Templates, Rejected (by reason), Dropped (by cause), Ignored. */
export function groupsOf(tree: TreeInfo): StatusNode[] {
  const evs = tree.events.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const accepted = evs.filter((e) => e.status === 'accepted');
  const templates = evs.filter(isTemplate);
  const rejected = evs.filter((e) => e.status === 'rejected' && !isTemplate(e));
  const dropped = evs.filter((e) => e.status === 'dropped');
  const ignored = evs.filter((e) => e.status === 'ignored');
  const out: StatusNode[] = [];
  const g = (id: string, label: string, icon: string, events: TreeEvent[], children?: StatusNode[]) => {
    if (events.length) out.push({ kind: 'group', tree, id, label, icon, events, children });
  };
  g('accepted', 'Accepted', 'pass', accepted);
  g('templates', 'Templates', 'files', templates);
  g('rejected', 'Rejected', 'error', rejected, byReason(tree, 'rejected', rejected, 'error'));
  g('dropped', 'Dropped', 'circle-slash', dropped, byReason(tree, 'dropped', dropped, 'circle-slash', dropCause));
  g('ignored', 'Ignored', 'eye-closed', ignored);
  return out;
}

const EVENT_ICON: Record<string, [string, string | undefined]> = {
  accepted: ['pass', 'testing.iconPassed'],
  template: ['file-symlink-file', undefined],
  rejected: ['error', 'problemsErrorIcon.foreground'],
  dropped: ['circle-slash', 'problemsWarningIcon.foreground'],
  ignored: ['eye-closed', 'disabledForeground'],
};

export class StatusViewProvider implements vscode.TreeDataProvider<StatusNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<StatusNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private problem: string | undefined;

  constructor(private readonly store: TreeStore) {
    this.sub = store.onDidChange(() => {
      this.problem = undefined;
      this.emitter.fire(undefined);
    });
  }

  /** Shown instead of the trees, e.g. when the server is down. */
  setProblem(text: string | undefined): void {
    this.problem = text;
    this.emitter.fire(undefined);
  }

  getChildren(node?: StatusNode): StatusNode[] {
    if (!node) {
      if (this.problem) return [{ kind: 'message', text: this.problem }];
      return this.store.current.map((tree) => ({ kind: 'tree' as const, tree }));
    }
    if (node.kind === 'tree') return groupsOf(node.tree);
    if (node.kind === 'group')
      return node.children ?? node.events.map((event) => ({ kind: 'event' as const, tree: node.tree, event, parent: node.id }));
    return [];
  }

  getTreeItem(node: StatusNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const it = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        it.iconPath = new vscode.ThemeIcon('warning');
        return it;
      }
      case 'tree': {
        const t = node.tree;
        const it = new vscode.TreeItem(t.server, vscode.TreeItemCollapsibleState.Expanded);
        it.id = `tree:${t.root}`;
        it.description = `${t.events.filter((e) => e.status === 'accepted').length} accepted · ${t.events.filter((e) => e.status === 'rejected').length} rejected`;
        it.tooltip = new vscode.MarkdownString(`**${t.server}**\n\n\`${t.root}\`\n\n${countsLine(t)}`);
        it.iconPath = new vscode.ThemeIcon('server-environment');
        it.resourceUri = vscode.Uri.file(t.root);
        it.contextValue = 'hcron.tree';
        return it;
      }
      case 'group': {
        const it = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        it.id = `group:${node.tree.root}:${node.id}`;
        it.description = String(node.events.length);
        it.iconPath = new vscode.ThemeIcon(node.icon);
        it.contextValue = 'hcron.group';
        return it;
      }
      case 'event': {
        const e = node.event;
        const it = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
        it.id = `event:${node.tree.root}:${node.parent}:${e.name}`;
        const key = isTemplate(e) ? 'template' : e.status;
        const [icon, color] = EVENT_ICON[key] ?? ['circle-outline', undefined];
        it.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        it.description = describe(e);
        const uri = eventUri(node.tree, e);
        it.resourceUri = uri;
        it.tooltip = new vscode.MarkdownString(
          `**${escapeMd(e.name)}** — ${e.status}${e.type ? ` (type \`${e.type}\`)` : ''}\n\n${escapeMd(e.reason || '')}\n\n\`${escapeMd(uri.fsPath)}\``,
        );
        it.command = { command: 'vscode.open', title: 'Open Event', arguments: [uri] };
        it.contextValue = e.status === 'dropped' || e.status === 'ignored' ? 'hcron.member' : 'hcron.event';
        return it;
      }
    }
  }

  /** What the view shows, as plain data, expanded all the way down. */
  snapshot(): StatusSnapshot[] {
    const walk = (n: StatusNode): StatusSnapshot => {
      const it = this.getTreeItem(n);
      const label = typeof it.label === 'string' ? it.label : it.label?.label ?? '';
      const s: StatusSnapshot = { label };
      if (typeof it.description === 'string' && it.description) s.description = it.description;
      if (n.kind === 'event') s.uri = (it.resourceUri ?? vscode.Uri.file('')).toString();
      const kids = this.getChildren(n);
      if (kids.length) s.children = kids.map(walk);
      return s;
    };
    return this.getChildren().map(walk);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

export function countsLine(t: TreeInfo): string {
  const evs = t.events;
  const n = (f: (e: TreeEvent) => boolean) => evs.filter(f).length;
  const rejected = n((e) => e.status === 'rejected');
  const templates = n(isTemplate);
  return (
    `${n((e) => e.status === 'accepted')} accepted, ${rejected} rejected` +
    (templates ? ` (${templates} template${templates === 1 ? '' : 's'})` : '') +
    `, ${n((e) => e.status === 'dropped')} dropped, ${n((e) => e.status === 'ignored')} ignored`
  );
}

function describe(e: TreeEvent): string {
  if (e.status === 'accepted') return e.reason && e.reason !== 'passed' ? e.reason : '';
  if (isTemplate(e)) return '';
  if (e.status === 'rejected') return e.type && e.type !== 'unknown' ? e.type : '';
  return e.reason;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
