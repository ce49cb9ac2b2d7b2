// Status bar item for the tree of the active editor: "hcron: 41 accepted · 3 rejected".
import * as vscode from 'vscode';
import { TreeInfo } from './protocol';
import { countsLine } from './statusView';
import { TreeStore } from './trees';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subs: vscode.Disposable[] = [];
  private tree: TreeInfo | undefined;

  constructor(private readonly store: TreeStore) {
    this.item = vscode.window.createStatusBarItem('hcron.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'hcron Event Status';
    this.item.command = { command: 'hcron.status.focus', title: 'Show hcron Event Status' };
    this.subs.push(
      store.onDidChange(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  /** The tree shown: the active editor's, else the only tree, else the last one shown. */
  activeTree(): TreeInfo | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    const own = doc ? this.store.treeFor(doc.uri) : undefined;
    if (own) return own;
    if (this.store.current.length === 1) return this.store.current[0];
    const last = this.tree;
    return last ? this.store.current.find((x) => x.root === last.root) : undefined;
  }

  get text(): string | undefined {
    return this.item.text || undefined;
  }

  update(): void {
    const tree = this.activeTree();
    this.tree = tree;
    if (!tree) {
      this.item.text = '';
      this.item.hide();
      return;
    }
    const accepted = tree.events.filter((e) => e.status === 'accepted').length;
    const rejected = tree.events.filter((e) => e.status === 'rejected').length;
    this.item.text = `hcron: ${accepted} accepted · ${rejected} rejected`;
    this.item.tooltip = `${tree.server} (${tree.root})\n${countsLine(tree)}\nClick to show the hcron Event Status view`;
    this.item.show();
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
