// The chain graph view: a webview drawing the failover/next/include/symlink
// graph around the current event (request hcron/chainGraph), callers on the
// left, targets on the right, nodes coloured by hcron's verdict. Clicking a
// node opens its file (and the view follows the active editor). The SVG is
// built here, as text; the webview runs one small nonce'd script (clicks and
// the depth buttons) under a strict Content-Security-Policy, with no external
// resource and no network.
import * as vscode from 'vscode';
import { RequestType, type LanguageClient } from 'vscode-languageclient/node';

// The wire format is the server's (one definition; type-only, nothing of the server is bundled).
export type { EdgeKind, NodeStatus } from '../../server/src/service/chainGraph';
import type { EdgeKind, NodeStatus } from '../../server/src/service/chainGraph';
import type { ChainGraphParams, ChainGraphResult as ChainGraph } from '../../server/src/features/chainGraph';
export type { ChainGraph };
export type GraphNode = ChainGraph['nodes'][number];
export type GraphEdge = ChainGraph['edges'][number];

export const ChainGraphRequest = new RequestType<ChainGraphParams, ChainGraph | null, void>('hcron/chainGraph');

// ------------------------------------------------------------------ layout

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: (GraphEdge & { d: string })[];
}

const NODE_H = 40;
const ROW_GAP = 18;
const COL_GAP = 90;
const PAD = 20;
const CHAR_W = 7.2;

/** Columns by depth (callers left, targets right), rows ordered to follow their neighbours. */
export function layoutGraph(g: ChainGraph): Layout {
  const cols = new Map<number, GraphNode[]>();
  for (const n of g.nodes) cols.set(n.depth, [...(cols.get(n.depth) ?? []), n]);
  const depths = [...cols.keys()].sort((a, b) => a - b);
  const width = (n: GraphNode) => Math.max(120, Math.ceil(Math.max(n.name.length, statusLabel(n).length) * CHAR_W) + 24);
  const placed = new Map<string, PlacedNode>();
  let x = PAD;
  let height = 0;
  // order each column by the mean row of its already placed neighbours, from the center outwards
  const order = [0, ...depths.filter((d) => d > 0), ...depths.filter((d) => d < 0).reverse()];
  const rowOf = new Map<string, number>();
  for (const d of order) {
    const ns = cols.get(d);
    if (!ns) continue;
    const score = (n: GraphNode) => {
      const rows = g.edges.filter((e) => e.from === n.name || e.to === n.name).map((e) => rowOf.get(e.from === n.name ? e.to : e.from)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
    };
    ns.sort((a, b) => score(a) - score(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    ns.forEach((n, i) => rowOf.set(n.name, i));
  }
  for (const d of depths) {
    const ns = cols.get(d)!;
    const w = Math.max(...ns.map(width));
    ns.forEach((n, i) => placed.set(n.name, { ...n, x, y: PAD + 30 + i * (NODE_H + ROW_GAP), w, h: NODE_H }));
    height = Math.max(height, PAD + 30 + ns.length * (NODE_H + ROW_GAP));
    x += w + COL_GAP;
  }
  const edges = g.edges
    .filter((e) => placed.has(e.from) && placed.has(e.to))
    .map((e) => {
      const a = placed.get(e.from)!;
      const b = placed.get(e.to)!;
      let d: string;
      if (b.x > a.x) {
        const x1 = a.x + a.w;
        const y1 = a.y + a.h / 2;
        const x2 = b.x - 4;
        const y2 = b.y + b.h / 2;
        const c = (x2 - x1) / 2;
        d = `M${x1},${y1} C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}`;
      } else {
        // same column or backwards: loop around on the right
        const x1 = a.x + a.w;
        const y1 = a.y + a.h / 2 + 6;
        const x2 = b.x + b.w + 4;
        const y2 = b.y + b.h / 2 - 6;
        const out = Math.max(x1, x2) + 40;
        d = `M${x1},${y1} C${out},${y1} ${out},${y2} ${x2},${y2}`;
      }
      return { ...e, d };
    });
  return { width: Math.max(x - COL_GAP + PAD, 300), height: Math.max(height + PAD, 140), nodes: [...placed.values()], edges };
}

function statusLabel(n: GraphNode): string {
  if (n.status === 'accepted') return n.reason && n.reason !== 'passed' ? `accepted: ${n.reason}` : 'accepted';
  if (n.status === 'template') return 'template';
  if (n.status === 'rejected') return `rejected: ${n.reason}`;
  return n.status;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** The graph as an SVG element (text). Nodes with a file carry data-uri; the script makes them clickable. */
export function renderSvg(g: ChainGraph): string {
  const l = layoutGraph(g);
  const kinds: EdgeKind[] = ['failover', 'next', 'include', 'symlink'];
  const defs = kinds.map((k) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="head ${k}"/></marker>`).join('');
  const edges = l.edges.map((e) => `<path class="edge ${e.kind}" d="${e.d}" marker-end="url(#arrow-${e.kind})"><title>${escapeXml(`${e.from} → ${e.to} (${e.kind === 'failover' ? 'failover_event' : e.kind === 'next' ? 'next_event' : e.kind})`)}</title></path>`).join('');
  const nodes = l.nodes
    .map((n) => {
      const cls = `node ${n.status}${n.name === g.center ? ' center' : ''}${n.uri ? ' link' : ''}`;
      const data = n.uri ? ` data-uri="${escapeXml(n.uri)}" tabindex="0" role="button"` : '';
      return (
        `<g class="${cls}" transform="translate(${n.x},${n.y})"${data} data-name="${escapeXml(n.name)}">` +
        `<title>${escapeXml(`${n.name}\n${statusLabel(n)}${n.status !== 'accepted' && n.status !== 'template' && n.status !== 'rejected' ? ` — ${n.reason}` : ''}${n.uri ? '\n(click to open)' : ''}`)}</title>` +
        `<rect width="${n.w}" height="${n.h}" rx="6" ry="6"/>` +
        `<text x="10" y="16" class="name">${escapeXml(clip(n.name, Math.floor((n.w - 20) / CHAR_W)))}</text>` +
        `<text x="10" y="32" class="status">${escapeXml(clip(statusLabel(n), Math.floor((n.w - 20) / CHAR_W)))}</text>` +
        `</g>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}"><defs>${defs}</defs>${edges}${nodes}</svg>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: 12px; color: var(--vscode-foreground); background: var(--vscode-editor-background); margin: 0; padding: 8px 12px; }
header { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
header h1 { font-size: 13px; font-weight: 600; margin: 0; }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.legend { display: flex; gap: 10px; flex-wrap: wrap; opacity: 0.9; }
.legend span { display: inline-flex; align-items: center; gap: 4px; }
.sw { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
.ln { width: 18px; height: 0; border-top: 2px solid; display: inline-block; }
.note { color: var(--vscode-descriptionForeground); margin: 4px 0; }
svg { display: block; max-width: 100%; height: auto; }
.node rect { fill: var(--vscode-editorWidget-background); stroke-width: 1.5; }
.node text { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); }
.node text.status { fill: var(--vscode-descriptionForeground); font-size: 11px; }
.node.link { cursor: pointer; }
.node.link:hover rect, .node.link:focus rect { stroke-width: 3; outline: none; }
.node.center rect { stroke-width: 3; }
.node.accepted rect, .sw.accepted { stroke: var(--vscode-charts-green); background: var(--vscode-charts-green); }
.node.template rect, .sw.template { stroke: var(--vscode-charts-blue); background: var(--vscode-charts-blue); }
.node.rejected rect, .sw.rejected { stroke: var(--vscode-charts-red); background: var(--vscode-charts-red); }
.node.dropped rect, .sw.dropped { stroke: var(--vscode-charts-orange); background: var(--vscode-charts-orange); stroke-dasharray: 5 3; }
.node.missing rect, .sw.missing { stroke: var(--vscode-charts-yellow); background: var(--vscode-charts-yellow); stroke-dasharray: 2 3; }
.node.ignored rect, .sw.ignored { stroke: var(--vscode-disabledForeground); background: var(--vscode-disabledForeground); stroke-dasharray: 2 3; }
.edge { fill: none; stroke-width: 1.6; }
.edge.failover, .ln.failover { stroke: var(--vscode-charts-red); border-color: var(--vscode-charts-red); }
.edge.next, .ln.next { stroke: var(--vscode-charts-green); border-color: var(--vscode-charts-green); }
.edge.include, .ln.include { stroke: var(--vscode-charts-purple); border-color: var(--vscode-charts-purple); stroke-dasharray: 6 3; border-top-style: dashed; }
.edge.symlink, .ln.symlink { stroke: var(--vscode-charts-blue); border-color: var(--vscode-charts-blue); stroke-dasharray: 2 3; border-top-style: dotted; }
.head.failover { fill: var(--vscode-charts-red); } .head.next { fill: var(--vscode-charts-green); }
.head.include { fill: var(--vscode-charts-purple); } .head.symlink { fill: var(--vscode-charts-blue); }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
const svg = document.getElementById('graph');
function open(el) { const g = el.closest('[data-uri]'); if (g) vscode.postMessage({ type: 'open', uri: g.getAttribute('data-uri') }); }
if (svg) {
  svg.addEventListener('click', (e) => open(e.target));
  svg.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') open(e.target); });
}
for (const b of document.querySelectorAll('button[data-depth]')) b.addEventListener('click', () => vscode.postMessage({ type: 'depth', depth: Number(b.getAttribute('data-depth')) }));
vscode.postMessage({ type: 'rendered', nodes: svg ? svg.querySelectorAll('.node').length : 0, edges: svg ? svg.querySelectorAll('.edge').length : 0 });
`;

export function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

/** The whole webview document: CSP, styles, header (center, depth, legend), the SVG, the script. */
export function graphHtml(g: ChainGraph | undefined, opts: { cspSource: string; nonce: string; message?: string; depth: number }): string {
  const n = opts.nonce;
  const legend =
    (['accepted', 'template', 'rejected', 'dropped', 'missing'] as NodeStatus[]).map((s) => `<span><i class="sw ${s}"></i>${s}</span>`).join('') +
    (['failover', 'next', 'include', 'symlink'] as EdgeKind[]).map((k) => `<span><i class="ln ${k}"></i>${k === 'failover' ? 'failover_event' : k === 'next' ? 'next_event' : k}</span>`).join('');
  const head = g
    ? `<h1>${escapeXml(g.center)}</h1><span>depth ${g.depth}</span><button data-depth="${Math.max(0, opts.depth - 1)}" title="Fewer hops">−</button><button data-depth="${Math.min(10, opts.depth + 1)}" title="More hops">+</button>`
    : '<h1>hcron chain graph</h1>';
  const body = g
    ? `${g.truncated ? '<p class="note">Only part of the graph is drawn (too many events): lower the depth.</p>' : ''}${g.nodes.length === 1 && !g.edges.length ? '<p class="note">Nothing chains to this event, includes it or links to it, and it chains to nothing.</p>' : ''}${renderSvg(g)}`
    : `<p class="note">${escapeXml(opts.message ?? 'Open an hcron event to see its chain graph.')}</p>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${opts.cspSource} 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>hcron chain graph</title><style nonce="${n}">${STYLE}</style></head>
<body><header>${head}<div class="legend">${legend}</div></header>${body}<script nonce="${n}">${SCRIPT}</script></body></html>`;
}

// ------------------------------------------------------------------- panel

export interface ChainGraphState {
  /** The graph last drawn (undefined: none yet, or a message). */
  graph?: ChainGraph;
  /** What the webview reported after drawing it. */
  rendered?: { nodes: number; edges: number };
  visible: boolean;
}

export class ChainGraphView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: vscode.Uri | undefined;
  private depth: number;
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastColumn: vscode.ViewColumn = vscode.ViewColumn.One;
  readonly state: ChainGraphState = { visible: false };
  private readonly renderedEmitter = new vscode.EventEmitter<ChainGraphState>();
  /** Fired when the webview reports a drawing. */
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.depth = vscode.workspace.getConfiguration('hcron').get<number>('chainGraph.depth', 2);
    this.subs.push(
      this.renderedEmitter,
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e?.viewColumn) this.lastColumn = e.viewColumn;
        if (this.panel && e && isEventDoc(e.document)) this.show(e.document.uri, false);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && this.uri && isEventDoc(e.document)) this.schedule();
      }),
    );
  }

  /** Open (or reveal) the view on an event file. */
  async show(uri: vscode.Uri | undefined, reveal = true): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (vscode.window.activeTextEditor?.viewColumn) this.lastColumn = vscode.window.activeTextEditor.viewColumn;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('hcron.chainGraph', 'hcron: Chain Graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.state.visible = false;
        this.state.graph = undefined;
        this.state.rendered = undefined;
      });
      this.panel.webview.onDidReceiveMessage((m) => this.onMessage(m));
      this.state.visible = true;
    } else if (reveal) this.panel.reveal(undefined, true);
    if (target && target.scheme === 'file') this.uri = target;
    await this.render();
  }

  /** Re-draw soon (edits, status changes). */
  schedule(): void {
    if (!this.panel) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render();
    }, 300);
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    let graph: ChainGraph | undefined;
    let message: string | undefined;
    const client = this.getClient();
    if (!this.uri) message = 'Open an hcron event to see its chain graph.';
    else if (!client || !client.isRunning()) message = 'The hcron language server is not running.';
    else {
      try {
        graph = (await client.sendRequest(ChainGraphRequest, { uri: this.uri.toString(), depth: this.depth })) ?? undefined;
        if (!graph) message = `${this.uri.fsPath} is not in an hcron event tree.`;
      } catch (e) {
        message = `hcron/chainGraph failed: ${(e as Error).message}`;
        this.log.warn(message);
      }
    }
    if (this.panel !== panel) return;
    this.state.graph = graph;
    this.state.rendered = undefined;
    panel.title = graph ? `hcron: ${graph.center}` : 'hcron: Chain Graph';
    panel.webview.html = graphHtml(graph, { cspSource: panel.webview.cspSource, nonce: nonce(), message, depth: this.depth });
  }

  private async onMessage(m: { type?: string; uri?: string; depth?: number; nodes?: number; edges?: number }): Promise<void> {
    if (m?.type === 'open' && typeof m.uri === 'string') {
      const uri = vscode.Uri.parse(m.uri);
      try {
        await vscode.window.showTextDocument(uri, { viewColumn: this.lastColumn, preview: false });
      } catch (e) {
        void vscode.window.showErrorMessage(`hcron: cannot open ${uri.fsPath}: ${(e as Error).message}`);
      }
    } else if (m?.type === 'depth' && typeof m.depth === 'number') {
      this.depth = Math.max(0, Math.min(10, Math.floor(m.depth)));
      await this.render();
    } else if (m?.type === 'rendered') {
      this.state.rendered = { nodes: Number(m.nodes) || 0, edges: Number(m.edges) || 0 };
      this.renderedEmitter.fire(this.state);
    }
  }

  /** Simulate a click on a node (tests). */
  async openNode(name: string): Promise<boolean> {
    const n = this.state.graph?.nodes.find((x) => x.name === name);
    if (!n?.uri) return false;
    await this.onMessage({ type: 'open', uri: n.uri });
    return true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}

function isEventDoc(d: vscode.TextDocument): boolean {
  return d.languageId === 'hcron' && d.uri.scheme === 'file';
}
