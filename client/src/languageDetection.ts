// Which documents are hcron events, beyond the manifest's filenamePatterns (**/.hcron/*/events/**):
//  * every file under a tree named in hcron.eventTrees;
//  * an extension-less plain-text file inside a folder named "events" whose content clearly is
//    an event (at least two lines assigning hcron fields).
// A file with an extension (src/events/handler.ts) keeps its language, and so does a document
// whose language the user picked after we set it.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const LANGUAGE_ID = 'hcron';

/** Fields hcron reads (spec section 4), plus the include directive's target-less form. */
const FIELDS = new Set([
  'as_user', 'host', 'command', 'notify_email', 'notify_message', 'notify_subject', 'next_event', 'failover_event',
  'template_name', 'description', 'contact', 'url', 'label', 'when_year', 'when_month', 'when_day', 'when_hour',
  'when_minute', 'when_dow', 'when_expire',
]);

/** True when the text looks like an hcron event: >= 2 logical lines assigning known fields. */
export function looksLikeEvent(text: string): boolean {
  let hits = 0;
  let other = 0;
  for (const raw of text.split('\n').slice(0, 200)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (m && FIELDS.has(m[1])) hits++;
    else if (!m && !/^include\s/.test(line)) other++;
  }
  return hits >= 2 && hits >= other;
}

function hasGlob(s: string): boolean {
  return /[*?[\]{}]/.test(s);
}

/** hcron.eventTrees entries as RelativePatterns matching every file below each tree. */
export function treePatterns(entries: readonly string[], folders: readonly vscode.WorkspaceFolder[] | undefined): vscode.RelativePattern[] {
  const out: vscode.RelativePattern[] = [];
  for (let raw of entries) {
    raw = raw.trim().replace(/[\\/]+$/, '');
    if (!raw) continue;
    if (raw === '~' || raw.startsWith('~/')) raw = os.homedir() + raw.slice(1);
    if (path.isAbsolute(raw)) {
      const segs = raw.split('/');
      const i = segs.findIndex(hasGlob);
      if (i < 0) out.push(new vscode.RelativePattern(vscode.Uri.file(raw), '**'));
      else out.push(new vscode.RelativePattern(vscode.Uri.file(segs.slice(0, i).join('/') || '/'), `${segs.slice(i).join('/')}/**`));
    } else {
      const rel = raw.replace(/^\.\//, '');
      for (const f of folders ?? []) out.push(new vscode.RelativePattern(f, `${rel}/**`));
    }
  }
  return out;
}

export class LanguageDetection implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private patterns: vscode.RelativePattern[] = [];
  /** Documents we switched once this session: never switched again (the user may switch back). */
  private readonly switched = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.reloadPatterns();
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => void this.check(d)),
      vscode.workspace.onDidSaveTextDocument((d) => void this.check(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hcron.eventTrees')) {
          this.reloadPatterns();
          this.checkAll();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.reloadPatterns();
        this.checkAll();
      }),
    );
    this.checkAll();
  }

  private reloadPatterns(): void {
    const entries = vscode.workspace.getConfiguration('hcron').get<string[] | string>('eventTrees') ?? [];
    this.patterns = treePatterns(Array.isArray(entries) ? entries : [entries], vscode.workspace.workspaceFolders);
  }

  checkAll(): void {
    for (const d of vscode.workspace.textDocuments) void this.check(d);
  }

  /** Whether this document should be hcron (undefined: leave it alone). */
  verdict(doc: vscode.TextDocument): 'tree' | 'content' | undefined {
    if (doc.uri.scheme !== 'file') return undefined;
    if (this.patterns.some((pattern) => vscode.languages.match({ pattern }, doc) > 0)) return 'tree';
    const p = doc.uri.fsPath;
    const base = path.basename(p);
    if (base.includes('.') && !base.startsWith('.')) return undefined; // has an extension: keep its language
    if (doc.languageId !== 'plaintext') return undefined;
    const dirs = path.dirname(p).split(path.sep);
    if (!dirs.includes('events')) return undefined;
    return looksLikeEvent(doc.getText()) ? 'content' : undefined;
  }

  async check(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId === LANGUAGE_ID || doc.isClosed) return;
    const key = doc.uri.toString();
    if (this.switched.has(key)) return;
    const why = this.verdict(doc);
    if (!why) return;
    this.switched.add(key);
    try {
      await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
      this.log.info(`${doc.uri.fsPath}: hcron event (${why === 'tree' ? 'under hcron.eventTrees' : 'content of an event'})`);
    } catch (e) {
      this.log.warn(`cannot set language of ${doc.uri.fsPath}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
