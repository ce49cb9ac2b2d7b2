// The client side of the editing features (issue #7). Everything else (quick
// fixes, renames, lenses, hints, call hierarchy, formatting) comes from the
// language server through vscode-languageclient; this adds what needs VS
// Code's UI:
//   hcron.showChainGraph   the chain graph webview (client/src/chainGraph.ts)
//   hcron.showReferences   what the code lenses run: the references peek
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ChainGraphView } from './chainGraph';
import type { TreeEvent, TreeInfo } from './protocol';
import { eventUri, type TreeStore } from './trees';

type Arg = vscode.Uri | string | { event?: TreeEvent; tree?: TreeInfo; uri?: string } | undefined;

function uriOf(arg: Arg): vscode.Uri | undefined {
  if (!arg) return undefined;
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg.event && arg.tree) return eventUri(arg.tree, arg.event); // an Event Status view item
  const u = arg.event?.uri ?? arg.uri;
  return typeof u === 'string' ? vscode.Uri.parse(u) : undefined;
}

export class Editing implements vscode.Disposable {
  readonly graph: ChainGraphView;
  private readonly subs: vscode.Disposable[] = [];

  constructor(store: TreeStore, getClient: () => LanguageClient | undefined, log: vscode.LogOutputChannel) {
    this.graph = new ChainGraphView(getClient, log);
    this.subs.push(
      this.graph,
      vscode.commands.registerCommand('hcron.showChainGraph', (arg?: Arg) => this.graph.show(uriOf(arg))),
      vscode.commands.registerCommand('hcron.showReferences', async (uri: string, position: { line: number; character: number }, locations?: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]) => {
        const client = getClient();
        if (!client) return;
        const c = client.protocol2CodeConverter;
        const u = vscode.Uri.parse(uri);
        const pos = c.asPosition(position);
        // without locations (too many for a lens): the references of the file, from the server
        const locs = locations ? locations.map((l) => c.asLocation(l)) : ((await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', u, pos)) ?? []);
        await vscode.commands.executeCommand('editor.action.showReferences', u, pos, locs);
      }),
      store.onDidChange(() => this.graph.schedule()),
    );
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
