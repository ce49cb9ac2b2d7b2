// The workspace model: event trees, their judgements and findings, kept
// current incrementally as documents change and files appear or vanish.
//
// One TreeModel per events folder. It holds the scanned members and disk
// texts, the overlays of open documents (the text source reads overlays
// first), the judgement of every event and reverse indexes:
//   deps         archive path     -> events whose judgement read it as an include (readersOf adds
//                                   the events whose own file it is, from the tree)
//   includeKeys  include lookup   -> events that tried to include it (found or not)
//   includers    include target   -> events whose includes read it
//   chainers     event name       -> events whose next_event/failover_event pieces name it
//   linksTo      (EventTree)      content path -> symlinked events
// so an edit re-judges only the events that read the edited file, and
// re-lints those plus the events that chain to an event whose verdict
// changed. No LSP types here: the server converts and publishes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { HcronConfig } from './engine/config';
import { Context, judgeEvent, Judgement, TextSource } from './engine/event';
import { chainPieces, Finding, lintEvent, lintTreeLevel, LintState, whenDescription } from './engine/lint';
import { compareCodePoints } from './engine/py';
import { DEFAULT_LIMITS, fsPathIn, ScanLimits, ScannedFile, ScanResult } from './engine/scan';
import { judgeNear } from './engine/probe';
import { inThreadReader, ReadStalled, ScanNames, ScanSoFar, TreeReader } from './treeReader';
import { CompactJudgement, compactable, RecentJudgements, Rejudge } from './compactJudgement';
import { seconds } from './readWatch';
import { collectSoon, loadBegins } from './gcTuning';
import { TREE_WORK_BUDGET } from './engine/substitute';
import { configContext, recordAt, StatusRecord, treeFatal } from './engine/status';
import { EventRef, EventTree, Member, nameOf } from './engine/tree';
import { IndexedVerdict, StatusJudge } from './engine/verdict';
import { EarlyVerdicts, TAKEN } from './earlyVerdicts';
import { NameSets } from './nameSets';
import { SeveritySetting } from './settings';

/** LintState plus what the language service and the server need beyond the engine's contract. */
export interface WorkspaceState extends LintState {
  /** Names of the events whose next_event/failover_event pieces name this event (load order). */
  callers(name: string): string[];
  /** Judgements of every event, in load order. */
  judgements(): Judgement[];
  /** Current findings shown in this file. */
  findings(file: string): Finding[];
  /** Filesystem path of the events folder. */
  root: string;
}

export interface ModelHost {
  log(message: string): void;
  /** Findings of these archive paths changed (or `force`: republish anyway). */
  publish(model: TreeModel, files: Set<string>, force: Set<string>): void;
  /** Some event's status (or the set of events) changed. */
  statusesChanged(model: TreeModel): void;
  /** Archive paths of this tree open in the client (their findings are brought up to date first). */
  openPaths?(model: TreeModel): Set<string>;
  /** A read of the tree did not answer in time (one line to show the user). */
  stalled?(model: TreeModel, message: string): void;
  /** Undefined when no request is being answered lately, else resolves when none is, or after `maxMs` (background work gives way to requests). */
  whenIdle?(maxMs: number): Promise<void> | undefined;
  /** Report loading progress; returns a reporter or undefined. */
  beginProgress?(title: string): Promise<ProgressReporter | undefined>;
}

export interface ProgressReporter {
  report(percentage: number, message: string): void;
  done(): void;
}

export interface ModelOptions {
  config: HcronConfig;
  serverName: string | null;
  hostName: string;
  severity?: (code: string) => SeveritySetting | undefined;
  /** Trees with more files than this report $/progress while loading. */
  progressThreshold?: number;
  /** Resource caps of the scan (settings hcron.maxFiles, hcron.maxFileBytes); default DEFAULT_LIMITS. */
  limits?: ScanLimits;
  /** Where the tree is read (the server: a time-boxed worker); default: this thread. */
  reader?: TreeReader;
}

let version = 0;
/** Bumped whenever any tree's model changes: a long request that sees it move answers ContentModified. */
export const treeVersion = (): number => version;

/** Component-wise order of archive paths: the order of hcron's tar walk. */
export function walkCompare(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] === y[i]) continue;
    return compareCodePoints(x[i], y[i]);
  }
  return x.length - y.length;
}

const TREE_KEY = '\u0000tree';
/** What the reverse indexes file an event under. */
type IndexRecord = Pick<IndexedVerdict, 'deps' | 'keys' | 'targets' | 'chains'>;
const NONE: string[] = [];
/** Above this many events to re-lint after one change, those not judged again are linted in the background. */
const INLINE_LINT = 200;
/** Events re-linted in the background after which their old findings are collected (gcTuning.ts collectSoon); at the end of a run, after a quarter of it. */
const BIG_RELINT = 20_000;
/** A load's background lint works this long between turns (a request waits at most about that). */
const LINT_SLICE_MS = 3;
/** ... and waits at most this long for a quiet moment. */
const MAX_WAIT_MS = 100;

function sameFinding(a: Finding, b: Finding): boolean {
  if (a.file !== b.file || a.start !== b.start || a.end !== b.end || a.severity !== b.severity || a.code !== b.code || a.message !== b.message || a.event !== b.event) return false;
  const ra = a.related ?? [];
  const rb = b.related ?? [];
  if (ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) {
    const x = ra[i];
    const y = rb[i];
    if (x.file !== y.file || x.start !== y.start || x.end !== y.end || x.message !== y.message) return false;
  }
  if (!a.data !== !b.data) return false;
  return !a.data || JSON.stringify(a.data) === JSON.stringify(b.data);
}

function sameFindings(a: Finding[] | undefined, b: Finding[] | undefined): boolean {
  if (!a?.length) return !b?.length;
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameFinding(a[i], b[i])) return false;
  return true;
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/**
 * Background work gives way to requests: a turn for those that came, then until none is being
 * answered (`whenIdle`: features/common.ts) and a turn for the reply of the last one to go out; a
 * client that never pauses waits `maxMs`.
 */
export async function afterRequests(whenIdle: ModelHost['whenIdle'], maxMs: number): Promise<void> {
  await yieldNow();
  const idle = whenIdle?.(maxMs);
  if (idle) {
    await idle;
    await yieldNow();
  }
}

/** HCRON_WHOLE_JUDGEMENTS=1 keeps every judgement whole (~9 KB an event more): to compare answers with compact ones. */
const KEEP_WHOLE = process.env.HCRON_WHOLE_JUDGEMENTS === '1';

/** Python's str.split() white space (JS \s lacks \x1c-\x1f and \x85). */
const PY_WS = /[\s\x1c-\x1f\x85]+/;

/**
 * Whether an include line of `t` may name a file called one of `names` (a
 * superset): its argument's last component is one of them, or is "", "." or
 * "..". Lines with "$" or "#" count too, though hcron reads include arguments
 * literally (spec 2.5). Continued lines are checked as the whole text.
 */
function mayInclude(t: string, names: Set<string>): boolean {
  let i = t.indexOf('include');
  if (i < 0) return false;
  if (/\\\r?\n/.test(t)) {
    for (const b of names) if (t.includes(b)) return true;
    return false;
  }
  for (; i >= 0; i = t.indexOf('include', i + 7)) {
    const a = t.lastIndexOf('\n', i) + 1;
    let b = t.indexOf('\n', i);
    if (b < 0) b = t.length;
    const line = t.slice(a, b);
    if (line.includes('$') || line.includes('#')) return true;
    const words = line.split(PY_WS).filter(Boolean);
    const arg = words[words.length - 1] ?? '';
    const last = arg.slice(arg.lastIndexOf('/') + 1);
    if (names.has(last) || last === '' || last === '.' || last === '..') return true;
  }
  return false;
}

export class TreeModel {
  /** The events folder as found (URIs are built from it). */
  readonly root: string;
  /** Its real path (documents opened through another spelling still match). */
  realRoot: string;
  /** The <server> of .hcron/<server>/events, if the tree sits there. */
  readonly server: string | null;

  members: Member[] = [];
  files = new Map<string, ScannedFile>();
  problems: ScanResult['problems'] = [];
  stoppedAt?: { path: string; message: string };
  tree!: EventTree;
  readonly overlays = new Map<string, string>();
  ctx!: Context;
  config!: HcronConfig;
  severity?: (code: string) => SeveritySetting | undefined;
  noEvents?: { path: string; message: string };

  /** Judgement by event name: whole for open documents and capped events, else compact (see compactJudgement.ts). */
  private readonly js = new Map<string, Judgement>();
  /** Compact judgements asked for lately, judged again. */
  private readonly recent = new RecentJudgements((c) => this.judgeAgain(c));
  private readonly rejudge: Rejudge = (c) => this.recent.get(c);
  /** Each event's index in load order, made on first use (a map of 100,000 names costs ~40 ms; the first diagnostics do not need it). */
  private orderMap?: Map<string, number>;
  private get order(): Map<string, number> {
    return (this.orderMap ??= new Map(this.ordered.map((n, i) => [n, i])));
  }
  private ordered: string[] = [];
  private readonly deps = new NameSets();
  private readonly includeKeys = new NameSets();
  private readonly includersIdx = new NameSets();
  private readonly chainers = new NameSets();
  /** chainers of a name sorted by load order, kept until the index or the order changes (hovers read them often). */
  private readonly sortedChainers = new Map<string, string[]>();
  /** includers of a file sorted by load order, likewise (what a fragment's finding lists does not depend on what was judged first). */
  private readonly sortedIncluders = new Map<string, string[]>();
  private readonly indexed = new Map<string, { deps: string[]; keys: string[]; targets: string[]; chains: string[] }>();
  private readonly eventFindings = new Map<string, Finding[]>();
  private readonly byFile = new Map<string, FileFindings>();
  private readonly invalid = new Set<string>();
  private readonly deferred = new Set<string>();
  private draining = false;
  /** While judging from names (readJudgingOpen): the texts asked for and not read yet. */
  private misses?: Set<string>;
  /** Verdicts judged while the tree is read (earlyVerdicts.ts); dropped when the read fails. */
  private early?: EarlyVerdicts;
  /** While a read runs: wakes its loop when a document is opened (judgeNear starts on it). */
  private wakeRead?: () => void;
  /** Files published from names: the load publishes them again. */
  private readonly earlyFiles = new Set<string>();

  readonly src: TextSource;
  readonly state: WorkspaceState;
  /** Every event is judged and indexed: requests are answered and edits applied (the findings may still be in the making). */
  judged = false;
  /** Every event's findings are made too: closed files are published. */
  loaded = false;
  /** Removed from the workspace (dispose): nothing of it is published any more. */
  disposed = false;
  ready: Promise<void>;
  private resolveReady!: () => void;
  private readyResolved = false;
  private gen = 0;
  private pendingDisk: string[] = [];
  private pendingContent = new Set<string>();
  /** Serialises disk updates that arrive while one is running. */
  private busy: Promise<void> = Promise.resolve();
  /** Time the last full load took (ms), for logs and benchmarks. */
  loadMs = 0;
  /** Time until every event of the last load was judged (ms). */
  judgedMs = 0;
  /** The last read that did not answer in time, while the tree is shown as read before it (or empty). */
  stalled?: ReadStalled;
  private retry?: { timer: NodeJS.Timeout; delay: number };

  constructor(root: string, server: string | null, private readonly host: ModelHost, private opts: ModelOptions) {
    this.root = path.resolve(root);
    try {
      this.realRoot = fs.realpathSync(this.root);
    } catch {
      this.realRoot = this.root;
    }
    this.server = server;
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.src = {
      text: (p) => {
        const t = this.overlays.get(p) ?? this.files.get(p)?.text;
        if (t === undefined) this.misses?.add(p);
        return t;
      },
    };
    const self = this;
    this.state = {
      get tree() {
        return self.tree;
      },
      src: this.src,
      get ctx() {
        return self.ctx;
      },
      get config() {
        return self.config;
      },
      get noEvents() {
        return self.noEvents;
      },
      get stoppedAt() {
        return self.stoppedAt;
      },
      get problems() {
        return self.problems;
      },
      root: this.root,
      judgement: (n) => self.js.get(n),
      record: (n) => self.record(n),
      // sorted once, cached; most files and events have none (no entry: 100,000 empty lists cost ~5 MB)
      includers: (p) => {
        let l = self.sortedIncluders.get(p);
        if (!l) {
          const s = self.includersIdx.get(p);
          if (!s) return NONE;
          self.sortedIncluders.set(p, (l = self.sortedByLoad(s)));
        }
        return l;
      },
      callers: (n) => {
        let l = self.sortedChainers.get(n);
        if (!l) {
          const s = self.chainers.get(n);
          if (!s) return NONE;
          self.sortedChainers.set(n, (l = self.sortedByLoad(s)));
        }
        return l;
      },
      judgements: () => self.ordered.map((n) => self.js.get(n)!).filter(Boolean),
      findings: (f) => self.findingsOf(f),
    };
    this.applyOptions(opts);
  }

  private applyOptions(opts: ModelOptions) {
    this.opts = opts;
    this.config = opts.config;
    this.severity = opts.severity;
    const ctx = configContext(opts.config, opts.serverName ?? this.server ?? undefined, opts.hostName);
    this.ctx = Object.assign(ctx, { lineCache: new Map() });
  }

  // ------------------------------------------------------------ paths

  /** Archive path of a filesystem path inside this tree, else undefined. */
  archiveOf(fsPath: string): string | undefined {
    const p = path.resolve(fsPath);
    for (const r of [this.root, this.realRoot]) {
      if (p === r) return 'events';
      if (p.startsWith(r + path.sep)) return 'events/' + p.slice(r.length + 1).split(path.sep).join('/');
    }
    return undefined;
  }

  fsPathOf(archive: string): string {
    return fsPathIn(this.root, archive);
  }

  /** The regular file whose text a document at this archive path shows (symlinks followed like the OS does). */
  contentKey(archive: string): string {
    const m = this.members.length ? this.tree?.members.get(archive) : undefined;
    if (!m || m.kind !== 'symlink') return archive;
    const c = this.tree.contentPath(archive);
    if (c) return c;
    try {
      const real = fs.realpathSync(this.fsPathOf(archive));
      const a = this.archiveOf(real);
      if (a) return a;
    } catch {
      /* dangling */
    }
    return archive;
  }

  /** Text shown for a file: its own, or a symlink's target's. */
  textOf(archive: string): string | undefined {
    return this.src.text(archive) ?? this.src.text(this.contentKey(archive));
  }

  // ---------------------------------------------------------- queries

  record(name: string): StatusRecord | undefined {
    const j = this.js.get(name);
    if (!j) return undefined;
    const idx = this.order.get(name) ?? 0;
    const max = typeof this.config.max_events_per_user === 'number' ? this.config.max_events_per_user : 25;
    return recordAt(name, j.type, j.reason, idx, max);
  }

  judgement(name: string): Judgement | undefined {
    return this.js.get(name);
  }

  eventNames(): string[] {
    return this.ordered;
  }

  findingsOf(file: string): Finding[] {
    const m = this.byFile.get(file);
    if (!m) return [];
    if (m.length === 2) return [...(m[1] as Finding[])];
    const out: Finding[] = [];
    for (let i = 1; i < m.length; i += 2) out.push(...(m[i] as Finding[]));
    return out;
  }

  filesWithFindings(): string[] {
    return [...this.byFile.keys()];
  }

  private sortedByLoad(s: Iterable<string> | undefined): string[] {
    if (!s) return [];
    return [...s].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  // ------------------------------------------------------------ loading

  /** Scan from disk and judge everything, in slices so the server stays responsive. */
  async load(): Promise<void> {
    const over = loadBegins(); // until requests are answered: the findings follow in the background
    try {
      await this.loadVerdicts();
    } finally {
      over();
      // the load's garbage, once the requests that waited for the load are answered: the full
      // collection holds this thread ~150 ms at 100,000 events (measured), and their replies with it
      void this.afterRequests().then(collectSoon);
    }
  }

  private afterRequests(): Promise<void> {
    return afterRequests(this.host.whenIdle, MAX_WAIT_MS);
  }

  private async loadVerdicts(): Promise<void> {
    const gen = ++this.gen;
    version++;
    const t0 = performance.now();
    // a reload: requests wait for it like for the first load
    if (this.readyResolved) {
      this.readyResolved = false;
      this.ready = new Promise((r) => (this.resolveReady = r));
    }
    this.loaded = false;
    this.judged = false;
    // files with findings now: the load publishes them again (cleared if their findings went)
    const oldFiles = new Set(this.byFile.keys());
    let scan: ScanResult;
    try {
      scan = await this.readJudgingOpen(gen);
    } catch (e) {
      if (gen !== this.gen) return;
      if (!(e instanceof ReadStalled)) throw e;
      scan = this.readStalled(e);
    }
    if (!scan.problems.some((p) => p.kind === 'stalled')) {
      this.stalled = undefined;
      if (this.retry) clearTimeout(this.retry.timer);
      this.retry = undefined;
    }
    const readMs = performance.now() - t0;
    // A whole-tree load shares one substitution work budget (like judgeTree); later re-judging gets per-event budgets.
    this.ctx.workBudget = { left: TREE_WORK_BUDGET };
    if (gen !== this.gen) return;
    for (const f of this.earlyFiles) oldFiles.add(f);
    this.earlyFiles.clear();
    // verdicts judged during the read hold for the same tree, except those that read a document edited meanwhile
    const early = this.early && this.early.tree.config === this.config && this.early.usable(scan.members, scan.stoppedAt) ? this.early : undefined;
    this.early = undefined;
    if (early) {
      // (a pass over every verdict: ~40 ms at 100,000 events, after the read; only when a document was opened or edited meanwhile)
      if (this.pendingContent.size) for (const [name, v] of early.verdicts) if ((v === TAKEN ? this.indexed.get(name) : v)?.deps.some((d) => this.pendingContent.has(d))) early.verdicts.delete(name);
      this.ctx.workBudget = early.budget; // what the early verdicts spent of the tree's budget is spent
    }
    this.takeScan(scan, early?.tree);
    if (early) this.keepEarly(early);
    else this.clearJudgements();
    this.pendingContent.clear();
    this.deferred.clear();
    this.draining = false;

    const n = this.tree.events.length;
    const progress = n >= (this.opts.progressThreshold ?? 2000) && this.host.beginProgress ? await this.host.beginProgress(`hcron: loading ${this.server ?? this.root}`) : undefined;
    try {
      // documents opened while the tree was read: their diagnostics first
      await yieldNow();
      if (gen !== this.gen) return;
      const openedFirst = new Set<string>();
      // let the open documents' diagnostics go out before the first slice (a stream writer sends on the next turn)
      if (this.judgeOpenFirst(openedFirst, early)) {
        await yieldNow();
        if (gen !== this.gen) return;
      }
      // Every event is judged for its verdict and what the indexes need
      // (StatusJudge.judgeIndexed: no lines or positions kept), whole only where
      // that declines or a document shows it. Then requests are answered; the
      // findings follow in the background (lintInBackground).
      let open = this.host.openPaths?.(this) ?? new Set<string>();
      const quick = KEEP_WHOLE ? undefined : new StatusJudge(this.tree, this.src, this.ctx, this.ctx.workBudget);
      let slice = performance.now();
      for (let i = 0; i < n; i++) {
        const ref = this.tree.events[i];
        if (!this.js.has(ref.name)) this.judgeForIndex(ref, quick, open, early?.verdicts); // not judged ahead for an open document
        if ((i & 31) === 0 && performance.now() - slice > 30) {
          progress?.report(Math.floor((i / n) * 100), `judged ${i}/${n} events`);
          await yieldNow();
          if (gen !== this.gen) return;
          open = this.host.openPaths?.(this) ?? open;
          // documents opened during the pass (an editor opens them after the server starts): theirs next
          if (this.judgeOpenFirst(openedFirst, early)) {
            await yieldNow();
            if (gen !== this.gen) return;
          }
          slice = performance.now();
        }
      }
      this.relintTree(undefined);
      this.judged = true;
      this.ctx.workBudget = undefined;
      this.judgedMs = performance.now() - t0;
      this.host.log(`${this.root}: ${n} events judged in ${Math.round(this.judgedMs)} ms (read ${Math.round(readMs)} ms); findings follow`);
    } finally {
      progress?.done();
    }
    this.readyResolved = true;
    this.resolveReady();
    this.host.statusesChanged(this);
    this.lintInBackground(gen, t0, readMs, oldFiles, n).catch((e) => this.host.log(`${this.root}: making the findings failed: ${(e as Error)?.stack ?? e}`));
    // Work that arrived while loading.
    const disk = this.pendingDisk.splice(0);
    const content = [...this.pendingContent];
    this.pendingContent.clear();
    if (content.length) this.contentChanged(content, new Set());
    if (disk.length) await this.diskChanged(disk);
  }

  /**
   * The load's second half, once every event is judged and indexed: every
   * event is linted (open documents first, then in load order), in short
   * slices so requests are answered meanwhile, and compacted. Closed files
   * are published when all are linted (their findings read other events').
   */
  private async lintInBackground(gen: number, t0: number, readMs: number, oldFiles: Set<string>, n: number): Promise<void> {
    const progress = n >= (this.opts.progressThreshold ?? 2000) && this.host.beginProgress ? await this.host.beginProgress(`hcron: checking ${this.server ?? this.root}`) : undefined;
    try {
      const names = this.ordered;
      const seenOpen = new Set<string>();
      let open = this.host.openPaths?.(this) ?? new Set<string>();
      let slice = performance.now();
      this.lintOpen(seenOpen, open);
      for (let i = 0; i < names.length; i++) {
        this.lintOne(names[i], undefined);
        this.compact(names[i], open);
        if (performance.now() - slice > LINT_SLICE_MS) {
          progress?.report(Math.floor((i / names.length) * 100), `checked ${i}/${names.length} events`);
          await this.afterRequests(); // none waits for more than one slice
          if (gen !== this.gen) return;
          open = this.host.openPaths?.(this) ?? open;
          this.lintOpen(seenOpen, open);
          slice = performance.now();
        }
      }
    } finally {
      progress?.done();
    }
    if (gen !== this.gen) return;
    this.loaded = true;
    // the line passes of every file read once are not needed after the load (shared includes are judged again cheaply)
    this.ctx.lineCache = new Map();
    this.loadMs = performance.now() - t0;
    let whole = 0;
    for (const j of this.js.values()) if (!(j instanceof CompactJudgement)) whole++;
    this.host.log(`${this.root}: ${this.ordered.length} events, ${this.tree.dropped.length} dropped, ${this.tree.ignored.length} ignored, loaded in ${Math.round(this.loadMs)} ms (read ${Math.round(readMs)} ms, judged ${Math.round(this.judgedMs)} ms); ${whole} judgements kept whole`);
    const changed = new Set([...oldFiles, ...this.byFile.keys()]);
    this.host.publish(this, changed, new Set());
  }

  /** Open documents not in `seen` (now marked seen), with the regular file each shows. */
  private *unseenOpen(open: Iterable<string>, seen: Set<string>): Generator<{ archive: string; content: string }> {
    for (const archive of open) {
      if (seen.has(archive)) continue;
      seen.add(archive);
      const content = this.tree.contentPath(archive);
      if (content) yield { archive, content };
    }
  }

  /** While the load lints in the background: open documents not linted yet in it, now (every event is judged). */
  private lintOpen(seen: Set<string>, open: Set<string>) {
    const files = new Set<string>();
    for (const { archive, content } of this.unseenOpen(open, seen)) {
      for (const x of this.namesOfContent(content)) this.lintOne(x, undefined);
      files.add(archive);
      if (content !== archive) files.add(content);
    }
    if (files.size) this.host.publish(this, files, files);
  }

  /** A read (or the names of one) becomes the tree. */
  /** `tree`: the tree of these members built already (from the names, earlyVerdicts.ts usable()). */
  private takeScan(scan: Pick<ScanResult, 'members' | 'files' | 'problems' | 'stoppedAt'>, tree?: EventTree) {
    this.members = scan.members;
    this.files = scan.files;
    this.problems = scan.problems;
    this.stoppedAt = scan.stoppedAt;
    this.invalid.clear();
    for (const [p, f] of this.files) if (f.invalidUtf8 !== undefined) this.invalid.add(p);
    this.buildTree(tree);
  }

  /**
   * The read's end, when its verdicts judged during the read hold: the
   * judgements they made (compact, indexed as they came) stay; those judged
   * whole meanwhile (the open documents, on texts then read), those the load
   * judges whole (an open document's events) and those that read a document
   * edited since are dropped and judged again by the load.
   */
  private keepEarly(early: EarlyVerdicts) {
    const open = this.host.openPaths?.(this) ?? new Set<string>();
    for (const [name, j] of this.js)
      if (!(j instanceof CompactJudgement) || !early.verdicts.get(name) || open.has(j.ref.path) || open.has(j.ref.content)) {
        this.unindex(name);
        this.js.delete(name);
      }
    this.recent.clear();
    this.eventFindings.clear();
    this.byFile.clear();
  }

  /** Forget every judgement, index and finding (a new tree is judged from scratch). */
  private clearJudgements() {
    this.js.clear();
    this.recent.clear();
    this.deps.clear();
    this.includeKeys.clear();
    this.includersIdx.clear();
    this.chainers.clear();
    this.sortedChainers.clear();
    this.sortedIncluders.clear();
    this.indexed.clear();
    this.eventFindings.clear();
    this.byFile.clear();
  }

  /**
   * The tree's read. Meanwhile the open documents are judged from the tree's
   * names (sent first by the reading thread) and the texts read so far, and
   * published: seconds before the read of a large tree ends. A document is
   * published only when every file its verdict and findings read has been
   * read, and not when it may be an include fragment (its includers are known
   * only once every text is); the full pass that follows publishes it again.
   */
  private async readJudgingOpen(gen: number): Promise<ScanResult> {
    let soFar: ScanSoFar | undefined;
    let wake: (() => void) | undefined;
    let settled = false;
    /** Something came since the loop last looked (a part may come while it judges: no wake is lost). */
    let news = false;
    const read = this.reader.scan(this.root, this.opts.limits, (s) => {
      soFar = s;
      news = true;
      wake?.();
    });
    const end = () => {
      settled = true;
      wake?.();
    };
    read.then(end, end);
    // a read that fails shows the tree as read before (readStalled): not what the names phase made of it
    const before = { members: this.members, files: this.files, problems: this.problems, stoppedAt: this.stoppedAt };
    read.catch(() => {
      if (gen === this.gen && names) this.takeScan(before);
    });
    let names: ScanNames | undefined;
    this.early = undefined;
    const done = new Set<string>();
    const near = new Set<string>();
    this.wakeRead = () => ((news = true), wake?.());
    while (!settled) {
      news = false;
      let more = false;
      // each open document judged on what lstat finds around it, while the names are walked
      for (const a of this.host.openPaths?.(this) ?? [])
        if (!near.has(a) && !done.has(a) && gen === this.gen) {
          near.add(a);
          void this.publishNear(a, gen, done, () => settled);
        }
      if (soFar?.names && gen === this.gen) {
        if (names !== soFar.names) {
          // the tree from the names: open documents are judged on it, every event's verdict as its texts come
          names = soFar.names;
          this.takeScan({ members: names.members, files: new Map(), problems: [], stoppedAt: names.stoppedAt });
          this.clearJudgements();
          this.early = this.noEvents ? undefined : new EarlyVerdicts(this.tree, () => this.files, this.src, this.ctx, (ref, v) => this.takeEarly(ref, v));
        }
        this.files = soFar.parts?.files ?? this.files;
        if ([...(this.host.openPaths?.(this) ?? [])].some((a) => !done.has(a))) this.judgeOpenOnNames(done);
        more = this.early?.step(30) ?? false;
      }
      // waiting for the reader: the load order's map now, which the first hover on a template needs (~60 ms at 100,000 events)
      if (!more && !news && !settled && names && !this.orderMap) void this.order;
      if (!more && !news && !settled) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      await yieldNow(); // several parts may have come; requests meanwhile
    }
    this.wakeRead = undefined;
    try {
      return await read;
    } catch (e) {
      this.early = undefined; // judged on texts of a read that failed
      throw e;
    }
  }

  /**
   * While the tree is read: an open regular file's event judged on its
   * neighbourhood (engine/probe.ts judgeNear: the members its judgement looks
   * up, found with lstat; their texts) and published, unless the names phase
   * published it first or the read ended. Its symlinks' events come with the
   * names (judgeOpenOnNames publishes the file again).
   */
  private async publishNear(archive: string, gen: number, done: Set<string>, ended: () => boolean): Promise<void> {
    const stale = () => gen !== this.gen || ended() || done.has(archive) || this.disposed;
    const limits = this.opts.limits ?? DEFAULT_LIMITS;
    try {
      const r = await judgeNear(this.root, archive, {
        config: this.config,
        ctx: this.ctx,
        overlay: (p) => this.overlays.get(p),
        maxFileBytes: limits.maxFileBytes,
        maxMembers: limits.maxMembers,
        lint: { severity: this.severity },
        stale,
      });
      if (!r.ok || stale() || !this.host.openPaths?.(this).has(archive)) return;
      this.setFindings(r.judgement.ref.name, r.findings, undefined);
      this.earlyFiles.add(archive);
      this.host.log(`${this.root}: ${archive} judged on its neighbourhood while the tree is read (${r.members} members looked up)`);
      const one = new Set([archive]);
      this.host.publish(this, one, one);
    } catch (e) {
      this.host.log(`${this.root}: judging ${archive} on its neighbourhood failed: ${(e as Error)?.stack ?? e}`);
    }
  }

  /** judgeOpenFirst before the texts are all read (readJudgingOpen). */
  private judgeOpenOnNames(done: Set<string>) {
    const open = this.host.openPaths?.(this);
    if (!open?.size || this.noEvents) return;
    const files = new Set<string>();
    for (const archive of open) {
      if (done.has(archive)) continue;
      const content = this.tree.contentPath(archive);
      if (!content) continue;
      const own = this.namesOfContent(content);
      if (!own.length) continue;
      const misses = (this.misses = new Set<string>());
      try {
        // judged again at each try: more texts have been read since the last one
        const judged = new Set<string>();
        this.judgeOwnAndTargets(own, (name) => {
          const ref = this.tree.eventsByName.get(name);
          if (ref && !judged.has(name)) {
            judged.add(name);
            this.judgeRef(ref);
          }
        });
        // a text not read yet: try again with the next part
        if ([...misses].some((p) => this.tree.members.get(p)?.kind === 'file')) continue;
        done.add(archive);
        // hcron loads no event at all when a file is not UTF-8: only the full read knows
        if ([...judged].some((x) => [...this.js.get(x)!.deps].some((d) => this.files.get(d)?.invalidUtf8 !== undefined))) continue;
        // an include fragment? its includers are known once every text is read
        if (own.some((x) => this.js.get(x)!.reason.startsWith('not fully specified'))) continue;
      } finally {
        this.misses = undefined;
      }
      for (const x of own) this.lintOne(x, undefined);
      files.add(archive);
      if (content !== archive) files.add(content);
    }
    for (const f of files) this.earlyFiles.add(f);
    if (files.size) this.host.publish(this, files, files);
  }

  /** The tree is no longer shown (its workspace folder was removed): stop loading and retrying. */
  dispose(): void {
    this.disposed = true;
    this.gen++;
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
  }

  private get reader(): TreeReader {
    return this.opts.reader ?? inThreadReader;
  }

  /**
   * A read of this tree did not answer in time. A tree read before stays as it
   * was (plus a warning on the path that hung); a first read shows an empty
   * tree. Either way the tree is read again later, less often each time.
   */
  private readStalled(e: ReadStalled): ScanResult {
    this.stalled = e;
    const archive = this.archiveOf(e.path) ?? 'events';
    const delay = Math.min((this.retry?.delay ?? 15_000) * 2, 300_000);
    const message = `the file system has not answered for ${seconds(e.ms)} s (a slow or vanished mount?): the tree is shown as it was last read${this.members.length ? '' : ' (nothing yet)'} and is read again in ${delay / 1000} s`;
    this.host.stalled?.(this, `${e.path}: ${message}`);
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = { delay, timer: setTimeout(() => void this.load(), delay).unref() };
    const problem = { path: archive, message, kind: 'stalled' as const };
    return { root: this.root, members: this.members, files: this.files, problems: [...this.problems.filter((p) => p.kind !== 'stalled'), problem], stoppedAt: this.stoppedAt };
  }

  /**
   * While loading: judge the events of the open documents and what their
   * findings read (chain targets, symlinks to them, candidate includers),
   * lint and publish those documents before the rest of the tree. A file that
   * many files may include is left to the full pass (its includers are needed
   * to know it is a fragment). Called at the start of the pass and between
   * its slices; `done` holds the documents already seen; `early`, the load's
   * verdicts judged during the read, name the includers among them. Returns
   * whether it published anything.
   */
  private judgeOpenFirst(done: Set<string>, early: EarlyVerdicts | undefined): boolean {
    const open = this.host.openPaths?.(this);
    if (!open?.size || this.noEvents) return false;
    const judge = (name: string) => {
      if (this.js.has(name)) return; // judged already (a judgement is a function of the tree and the texts)
      const ref = this.tree.eventsByName.get(name);
      if (ref) this.judgeRef(ref);
    };
    const lint: string[] = [];
    const files = new Set<string>();
    for (const { archive, content } of this.unseenOpen(open, done)) {
      // events that may include it: their text has "include" and the name of the file or of a link to it
      const names = new Set([content, ...(this.tree.linksTo.get(content) ?? [])].map((p) => p.slice(p.lastIndexOf('/') + 1)));
      // events judged while the tree was read name what they include; the text test is for the others
      const includers: string[] = early ? [...early.includersOf(content)] : [];
      for (const e of early ? early.unsure() : this.tree.events) {
        if (includers.length > 200) break;
        if (e.path !== e.content) continue;
        const t = this.src.text(e.content);
        if (t && mayInclude(t, names)) includers.push(e.name);
      }
      if (includers.length > 200) continue;
      const own = this.namesOfContent(content);
      for (const x of includers) judge(x);
      this.judgeOwnAndTargets(own, judge);
      lint.push(...own);
      files.add(archive);
      if (content !== archive) files.add(content);
    }
    if (!lint.length) return false;
    for (const x of lint) this.lintOne(x, undefined);
    this.host.publish(this, files, files);
    return true;
  }

  /** An open file's events (the file's and its symlinks' names) and their chain targets: what their findings read. */
  private judgeOwnAndTargets(own: string[], judge: (name: string) => void) {
    for (const x of own) judge(x);
    for (const x of own) {
      const j = this.js.get(x);
      if (j) for (const p of chainPieces(j)) judge(p.name);
    }
  }

  /** New settings: judge everything again (the scan is kept unless the config changes what is ignored). */
  async reconfigure(opts: ModelOptions): Promise<void> {
    const sameLimits = (opts.limits?.maxMembers ?? 0) === (this.opts.limits?.maxMembers ?? 0) && (opts.limits?.maxFileBytes ?? 0) === (this.opts.limits?.maxFileBytes ?? 0);
    const relintOnly = opts.config === this.opts.config && opts.serverName === this.opts.serverName && opts.hostName === this.opts.hostName && sameLimits;
    this.applyOptions(opts);
    if (!this.judged) return;
    if (relintOnly) {
      const dirty = new Set<string>();
      for (const n of this.ordered) this.lintOne(n, dirty);
      this.relintTree(dirty);
      this.host.publish(this, dirty, new Set());
      return;
    }
    await this.load();
  }

  private buildTree(tree?: EventTree) {
    const same = tree !== undefined && tree === this.tree; // the names' tree taken by the read (the same load order)
    this.tree = tree ?? new EventTree({ members: this.members, stoppedAt: this.stoppedAt }, this.config);
    this.recent.clear(); // judged again with the tree they were judged in
    if (!same) {
      this.ordered = this.tree.events.map((e) => e.name);
      this.orderMap = undefined;
    }
    this.sortedChainers.clear();
    this.sortedIncluders.clear();
    this.noEvents = this.tree.rootIsLink || this.invalid.size ? treeFatal(this.tree, (p) => (this.overlays.has(p) ? undefined : this.files.get(p)?.invalidUtf8)) : undefined;
  }

  // ------------------------------------------------------ judge and lint

  private judgeRef(ref: EventRef): Judgement {
    const j = judgeEvent(this.tree, ref, this.src, this.ctx); // index() takes the old record out first (indexRecord)
    this.js.set(ref.name, j);
    this.index(j);
    return j;
  }

  private dropEvent(name: string, dirty: Set<string>) {
    if (!this.js.has(name)) return;
    this.unindex(name);
    this.js.delete(name);
    this.setFindings(name, [], dirty);
  }

  /**
   * A load judges an event for its verdict and the indexes only (compact,
   * judged again on demand), or whole where that declines, a document shows
   * it, or HCRON_WHOLE_JUDGEMENTS asks.
   */
  private judgeForIndex(ref: EventRef, quick: StatusJudge | undefined, open: Set<string>, early?: EarlyVerdicts['verdicts']) {
    let v: IndexedVerdict | undefined;
    if (quick && !open.has(ref.path) && !open.has(ref.content)) {
      const e = early?.get(ref.name);
      // TAKEN and not judged: keepEarly dropped it (an open document's event); judged again
      v = e === null ? undefined : e === undefined || e === TAKEN ? quick.judgeIndexed(ref) : e;
    }
    if (!v) this.judgeRef(ref);
    else this.keepCompact(ref, v);
  }

  /** An event's verdict and index record, its judgement kept compact (judged again on demand). */
  private keepCompact(ref: EventRef, v: IndexedVerdict) {
    const rec = this.indexRecord(ref.name, v);
    this.js.set(ref.name, CompactJudgement.of(ref, v, this.rejudge, rec.deps));
  }

  private index(j: Judgement) {
    const rec = { deps: [...j.deps], keys: [] as string[], targets: [] as string[], chains: [] as string[] };
    for (const u of j.includes) {
      rec.keys.push(u.key);
      if (u.target) rec.targets.push(u.target);
    }
    for (const p of chainPieces(j)) rec.chains.push(p.name);
    this.indexRecord(j.ref.name, rec);
  }

  /** Each reverse index with the keys an event's record files it under (the callers' sorted lists of those keys are dropped). */
  private eachIndex(rec: IndexRecord, f: (index: NameSets, key: string) => void) {
    // deps[0] is the event's own file: the tree knows who reads that (readersOf), 100,000 keys fewer
    for (let i = 1; i < rec.deps.length; i++) f(this.deps, rec.deps[i]);
    for (const k of rec.keys) f(this.includeKeys, k);
    for (const t of rec.targets) {
      f(this.includersIdx, t);
      this.sortedIncluders.delete(t);
    }
    for (const c of rec.chains) {
      f(this.chainers, c);
      this.sortedChainers.delete(c);
    }
  }

  /** A verdict judged during the read (EarlyVerdicts), indexed now; not over one judged whole meanwhile (an open document's). */
  private takeEarly(ref: EventRef, v: IndexedVerdict): boolean {
    if (this.js.has(ref.name)) return false;
    this.keepCompact(ref, v);
    return true;
  }

  private indexRecord(name: string, rec: IndexRecord) {
    if (this.indexed.has(name)) this.unindex(name); // NameSets: an event's adds come together
    this.eachIndex(rec, (index, key) => index.add(key, name));
    // arrays grown by push keep spare room (~150 bytes each); 100,000 events keep four each
    const fit = (a: string[]) => (a.length ? a.slice() : NONE);
    const kept = { deps: fit(rec.deps), keys: fit(rec.keys), targets: fit(rec.targets), chains: fit(rec.chains) };
    this.indexed.set(name, kept);
    return kept;
  }

  private unindex(name: string) {
    const rec = this.indexed.get(name);
    if (!rec) return;
    this.eachIndex(rec, (index, key) => index.delete(key, name));
    this.indexed.delete(name);
  }

  /** What other events' findings depend on: status, runnability, schedule. */
  private signature(name: string): string {
    const j = this.js.get(name);
    if (!j) return '';
    const r = this.record(name);
    return `${j.type}|${r?.reason}|${j.runnable}|${j.type === 'normal' ? whenDescription(j) ?? '' : ''}`;
  }

  private lintOne(name: string, dirty: Set<string> | undefined) {
    let j = this.js.get(name);
    // linting thousands of callers again (a template's verdict flipped) must not churn the recent ones
    if (j instanceof CompactJudgement) j = this.recent.peek(j) ?? this.judgeAgain(j);
    const f = j ? lintEvent(this.state, j, { severity: this.severity }) : [];
    this.setFindings(name, f, dirty);
  }

  /** Keep only the compact form of an event's judgement, unless a document shows it. */
  private compact(name: string, open: Set<string>) {
    const j = this.js.get(name);
    if (KEEP_WHOLE || !j || !compactable(j) || open.has(j.ref.path) || open.has(j.ref.content)) return;
    this.js.set(name, new CompactJudgement(j, this.rejudge, this.indexed.get(name)?.deps));
  }

  /** A compact judgement's lines, assignments and tables, judged again (same tree, same texts: the same judgement). */
  private judgeAgain(c: CompactJudgement): Judgement {
    // The tree's budget: an event a load judged without a cap is judged again without one.
    // no line cache: it would keep the lines of every event judged twice (thousands of callers re-linted)
    const j = judgeEvent(this.tree, c.ref, this.src, { ...this.ctx, lineCache: undefined, workBudget: { left: TREE_WORK_BUDGET } });
    if (j.type !== c.type || j.reason !== c.reason) this.host.log(`internal: ${c.ref.name} judged again as ${j.type} (${j.reason}), was ${c.type} (${c.reason})`);
    return j;
  }

  /** Events whose judgement read this file: as their own text or as an include. */
  private *readersOf(p: string): Iterable<string> {
    yield* this.namesOfContent(p);
    yield* this.deps.get(p) ?? [];
  }

  /** Names whose text is this regular file: its own and its symlinks'. */
  private namesOfContent(content: string): string[] {
    const out: string[] = [];
    for (const p of [content, ...(this.tree.linksTo.get(content) ?? [])]) {
      const ref = this.tree.eventsByName.get(nameOf(p));
      if (ref && ref.content === content) out.push(ref.name);
    }
    return out;
  }

  /** A document was opened: its events are kept whole from now on (its requests read them often). */
  private pin(key: string) {
    if (!this.tree) return;
    const content = this.tree.contentPath(key) ?? key;
    for (const name of this.namesOfContent(content)) {
      const j = this.js.get(name);
      if (j instanceof CompactJudgement) this.js.set(name, this.rejudge(j));
    }
  }

  private setFindings(key: string, f: Finding[], dirty: Set<string> | undefined) {
    const old = this.eventFindings.get(key) ?? [];
    const oldBy = groupByFile(old);
    const newBy = groupByFile(f);
    if (f.length) this.eventFindings.set(key, f);
    else this.eventFindings.delete(key);
    for (const file of new Set([...oldBy.keys(), ...newBy.keys()])) {
      const a = oldBy.get(file);
      const b = newBy.get(file);
      const m = this.byFile.get(file);
      if (b?.length) {
        if (!m) this.byFile.set(file, [key, b]);
        else putFindings(m, key, b);
      } else if (m) {
        dropFindings(m, key);
        if (!m.length) this.byFile.delete(file);
      }
      if (dirty && !sameFindings(a, b)) dirty.add(file);
    }
  }

  private relintTree(dirty: Set<string> | undefined) {
    this.setFindings(TREE_KEY, lintTreeLevel(this.state, { severity: this.severity }), dirty);
  }

  // ------------------------------------------------------------ edits

  /** Open documents: text that overrides the disk for archive path `key`. */
  setOverlay(key: string, text: string | undefined): void {
    if (text !== undefined) this.pin(key);
    const before = this.src.text(key);
    if (text === undefined) this.overlays.delete(key);
    else this.overlays.set(key, text);
    if (this.src.text(key) === before) return;
    if (!this.judged) {
      this.pendingContent.add(key);
      this.wakeRead?.();
      return;
    }
    this.contentChanged([key], new Set());
  }

  /** Read a regular file's text from disk again; re-judge what reads it if it changed and is not open. */
  async refreshDisk(key: string): Promise<void> {
    if (!this.judged || this.tree.members.get(key)?.kind !== 'file') return;
    const gen = this.gen;
    let f: ScannedFile | undefined;
    try {
      f = fileOf(await this.reader.scan(this.fsPathOf(key), this.opts.limits));
    } catch (e) {
      if (e instanceof ReadStalled) this.readStalled(e);
      return;
    }
    if (!f || gen !== this.gen || !this.judged || this.tree.members.get(key)?.kind !== 'file') return;
    const old = this.files.get(key);
    this.files.set(key, f);
    if (f.invalidUtf8 !== undefined) this.invalid.add(key);
    else this.invalid.delete(key);
    if (old?.text !== f.text && !this.overlays.has(key)) this.contentChanged([key], new Set());
  }

  /** Re-judge what read these files; re-lint them and what chains to an event whose verdict changed. */
  contentChanged(paths: string[], force: Set<string>, extraJudge: Iterable<string> = [], extraLint: Iterable<string> = [], dirty = new Set<string>()): { judged: number; linted: number } {
    version++;
    const toJudge = new Set<string>(extraJudge);
    for (const p of paths) for (const n of this.readersOf(p)) toJudge.add(n);
    const before = new Map<string, string>();
    const includeTargetsBefore = new Map<string, string[]>();
    for (const n of toJudge) {
      before.set(n, this.signature(n));
      includeTargetsBefore.set(n, this.indexed.get(n)?.targets ?? []);
    }
    const toLint = new Set<string>([...toJudge, ...extraLint]);
    for (const n of toJudge) {
      const ref = this.tree.eventsByName.get(n);
      if (!ref) continue;
      this.judgeRef(ref);
    }
    let statusChanged = false;
    for (const n of toJudge) {
      if (this.signature(n) !== before.get(n)) {
        statusChanged = true;
        for (const c of this.chainers.get(n) ?? []) toLint.add(c);
        // a symlinked event's verdict shows on its template's template_name line
        const ref = this.tree.eventsByName.get(n);
        if (ref?.links) {
          const owner = this.tree.eventsByName.get(nameOf(ref.content));
          if (owner) toLint.add(owner.name);
        }
      }
      // include fragments: whether something includes them shows on them
      const a = includeTargetsBefore.get(n) ?? [];
      const b = this.indexed.get(n)?.targets ?? [];
      if (a.join('\n') !== b.join('\n'))
        for (const t of new Set([...a, ...b])) {
          const e = this.tree.eventsByName.get(nameOf(t));
          if (e) toLint.add(e.name);
        }
    }
    const fatal = this.noEvents;
    if (this.invalid.size && paths.some((p) => this.invalid.has(p))) {
      this.noEvents = treeFatal(this.tree, (p) => (this.overlays.has(p) ? undefined : this.files.get(p)?.invalidUtf8));
      if (fatal?.path !== this.noEvents?.path) this.relintTree(dirty);
    }
    // What was judged (the edited file's events, links, includers) is linted
    // now; a long tail (the callers of a template whose links flipped) is
    // linted in the background, open documents first, so the edited
    // document's diagnostics are not held back.
    const later: string[] = [];
    const open = toLint.size > INLINE_LINT ? this.host.openPaths?.(this) : undefined;
    for (const n of toLint) {
      if (toJudge.has(n) || toLint.size <= INLINE_LINT || open?.has(this.tree.eventsByName.get(n)?.path ?? '')) {
        this.deferred.delete(n);
        this.lintOne(n, dirty);
      } else later.push(n);
    }
    if (later.length) this.defer(later);
    const openNow = open ?? this.host.openPaths?.(this) ?? new Set<string>();
    for (const n of toJudge) this.compact(n, openNow);
    // a shared include edited twice would leave the lines of all its includers cached
    if (toJudge.size > INLINE_LINT) this.ctx.lineCache = new Map();
    for (const p of paths) {
      const owner = this.tree.eventsByName.get(nameOf(p));
      if (owner) force.add(owner.path);
      for (const l of this.tree.linksTo.get(p) ?? []) force.add(l);
    }
    this.host.publish(this, dirty, force);
    if (statusChanged) this.host.statusesChanged(this);
    return { judged: toJudge.size, linted: toLint.size };
  }

  private defer(names: string[]) {
    for (const n of names) this.deferred.add(n);
    if (this.draining) return;
    this.draining = true;
    const gen = this.gen;
    let linted = 0;
    const drain = () => {
      if (gen !== this.gen) return;
      const dirty = new Set<string>();
      const t = performance.now();
      for (const n of this.deferred) {
        this.deferred.delete(n);
        this.lintOne(n, dirty);
        linted++;
        if (performance.now() - t > 15) break;
      }
      if (dirty.size) this.host.publish(this, dirty, new Set());
      // the findings of thousands of events replaced: their old ones are garbage now
      if (linted >= BIG_RELINT || (!this.deferred.size && linted >= BIG_RELINT / 4)) {
        linted = 0;
        collectSoon();
      }
      if (this.deferred.size) setImmediate(drain);
      else this.draining = false;
    };
    setImmediate(drain);
  }

  /** Findings still being brought up to date in the background. */
  get lintPending(): number {
    return this.deferred.size;
  }

  // ------------------------------------------------------ disk changes

  /** Files created, changed or deleted on disk (filesystem paths inside this tree). */
  diskChanged(fsPaths: string[]): Promise<void> {
    const run = this.busy.then(() => this.applyDisk(fsPaths));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async applyDisk(fsPaths: string[]): Promise<void> {
    if (!this.judged) {
      for (const p of fsPaths) this.pendingDisk.push(p); // no push(...): 200,000 paths overflow the stack
      return;
    }
    const archives = [...new Set(fsPaths.map((p) => this.archiveOf(p)).filter((a): a is string => !!a))];
    if (!archives.length) return;
    if (archives.includes('events') || this.stalled) return this.load(); // after a hung read, any change means: read it all again
    // Drop paths below another changed path: the subtree is read again anyway.
    archives.sort(walkCompare);
    const tops: string[] = [];
    for (let a of archives) {
      // a path whose folder is not known yet: read from the highest unknown folder
      while (a.lastIndexOf('/') > 'events'.length && !this.tree.members.has(a.slice(0, a.lastIndexOf('/')))) a = a.slice(0, a.lastIndexOf('/'));
      if (!tops.some((t) => a === t || a.startsWith(t + '/'))) tops.push(a);
    }

    // Read first (off this thread, time-boxed), then apply in one go: nothing else changes the tree meanwhile.
    const gen = this.gen;
    const stats = new Map<string, { file: boolean; nlink: number } | undefined>();
    const scans = new Map<string, ScanResult>();
    try {
      for (const a of tops) stats.set(a, await this.reader.lstat(this.fsPathOf(a)).catch(rethrowStall));
      for (const a of tops) if (stats.get(a) || this.tree.members.has(a)) scans.set(a, await this.reader.scan(this.fsPathOf(a), this.opts.limits));
    } catch (e) {
      if (!(e instanceof ReadStalled)) throw e;
      this.readStalled(e); // the change is applied by the next full read
      return;
    }
    if (gen !== this.gen || !this.judged) {
      // a full read started meanwhile: it reads these too, or (still running) takes them after
      if (!this.judged) for (const a of tops) this.pendingDisk.push(this.fsPathOf(a));
      return;
    }

    const contentOnly: string[] = [];
    const structural: string[] = [];
    for (const a of tops) {
      const m = this.tree.members.get(a);
      const st = stats.get(a);
      if (m && m.kind === 'file' && st?.file && st.nlink <= 1) contentOnly.push(a);
      else if (!m && !st) continue;
      else structural.push(a);
      if (st?.file && st.nlink > 1 && !(m && m.kind === 'file')) return this.load(); // hard links: the tar walk decides which name survives
    }
    const changedText: string[] = [];
    for (const a of contentOnly) {
      const f = fileOf(scans.get(a));
      if (!f) {
        structural.push(a);
        continue;
      }
      const old = this.files.get(a);
      this.files.set(a, f);
      if (f.invalidUtf8 !== undefined) this.invalid.add(a);
      else this.invalid.delete(a);
      if (old?.text !== f.text && !this.overlays.has(a)) changedText.push(a);
    }
    if (!structural.length) {
      if (changedText.length) this.contentChanged(changedText, new Set());
      return;
    }
    this.structural(structural, changedText, scans);
  }

  /** Members appeared, vanished or changed kind: rebuild the EventTree, re-judge what it changes. */
  private structural(tops: string[], changedText: string[], scans: Map<string, ScanResult>) {
    version++;
    const oldTree = this.tree;
    const oldRecords = new Map<string, string>();
    for (const n of this.ordered) oldRecords.set(n, this.record(n)?.reason ?? '');
    const textChanged = new Set(changedText);
    for (const a of tops) {
      // remove a and its subtree
      let i = lowerBound(this.members, a);
      let k = i;
      while (k < this.members.length && (this.members[k].path === a || this.members[k].path.startsWith(a + '/'))) {
        const m = this.members[k];
        if (m.kind === 'file') {
          this.files.delete(m.path);
          this.invalid.delete(m.path);
          textChanged.add(m.path);
        }
        k++;
      }
      const removed = this.members.splice(i, k - i);
      this.problems = this.problems.filter((p) => p.path !== a && !p.path.startsWith(a + '/'));
      // read it again
      const r: ScanResult = scans.get(a) ?? { root: this.fsPathOf(a), members: [], files: new Map(), problems: [] };
      if (r.stoppedAt) {
        this.host.log(`${a}: ${r.stoppedAt.message}; reading the whole tree again`);
        void this.load();
        return;
      }
      const remap = (p: string) => a + p.slice('events'.length);
      const fresh = r.members.map((m) => ({ ...m, path: remap(m.path) }));
      if (fresh.length === 0 && removed.length === 0) continue;
      i = lowerBound(this.members, a);
      // no splice(i, 0, ...fresh): a folder of 200,000 files overflows the stack
      this.members = [...this.members.slice(0, i), ...fresh, ...this.members.slice(i)];
      for (const [p, f] of r.files) {
        const ap = remap(p);
        this.files.set(ap, f);
        if (f.invalidUtf8 !== undefined) this.invalid.add(ap);
        textChanged.add(ap);
      }
      for (const p of r.problems) if (!/vanished/.test(p.message)) this.problems.push({ path: remap(p.path), message: p.message });
    }
    this.buildTree();
    const tree = this.tree;
    const dirty = new Set<string>();
    const toJudge = new Set<string>();
    const toLint = new Set<string>();
    const touchedNames = new Set<string>();
    // events that vanished
    for (const e of oldTree.events)
      if (tree.eventsByName.get(e.name)?.content !== e.content) {
        touchedNames.add(e.name);
        if (!tree.eventsByName.has(e.name)) {
          for (const c of this.chainers.get(e.name) ?? []) toLint.add(c);
          this.dropEvent(e.name, dirty);
        }
      }
    // events that are new or read another file
    for (const e of tree.events) {
      const old = oldTree.eventsByName.get(e.name);
      if (!old || old.content !== e.content || (old.links ?? []).join() !== (e.links ?? []).join() || textChanged.has(e.content)) {
        toJudge.add(e.name);
        touchedNames.add(e.name);
      }
    }
    // includes whose lookup answers differently now
    for (const [key, names] of this.includeKeys) {
      if (oldTree.contentPath(key) !== tree.contentPath(key) || oldTree.visible.get(key)?.kind !== tree.visible.get(key)?.kind || oldTree.ignoredPaths.has(key) !== tree.ignoredPaths.has(key) || textChanged.has(tree.contentPath(key) ?? ''))
        for (const n of names) toJudge.add(n);
    }
    for (const p of textChanged) for (const n of this.readersOf(p)) toJudge.add(n);
    // dropped/ignored changes affect chain targets
    for (const d of oldTree.dropped) if (!tree.droppedByPath.has(d.path)) touchedNames.add(d.name);
    for (const d of tree.dropped) if (oldTree.droppedByPath.get(d.path)?.reason !== d.reason) touchedNames.add(d.name);
    for (const n of touchedNames) for (const c of this.chainers.get(n) ?? []) toLint.add(c);
    // symlinks to a content file changed: its template lint changes
    for (const c of new Set([...oldTree.linksTo.keys(), ...tree.linksTo.keys()]))
      if ((oldTree.linksTo.get(c) ?? []).join() !== (tree.linksTo.get(c) ?? []).join()) {
        const owner = tree.eventsByName.get(nameOf(c));
        if (owner) toLint.add(owner.name);
      }
    // load order moved max_events_per_user's cut
    for (const n of this.ordered) {
      if (!this.js.has(n)) continue;
      if (oldRecords.get(n) !== this.record(n)?.reason) {
        toLint.add(n);
        for (const c of this.chainers.get(n) ?? []) toLint.add(c);
      }
    }
    this.relintTree(dirty);
    this.contentChanged([], new Set(), toJudge, toLint, dirty);
    this.host.statusesChanged(this);
  }
}

/**
 * The findings shown in one file, by the key (event name, or the tree's) that
 * made them: [key, findings, key, findings, ...]. Most files have one key, and
 * a Map per file cost ~250 bytes (60,000 callers re-linted: ~15 MB).
 */
type FileFindings = (string | Finding[])[];

function putFindings(m: FileFindings, key: string, f: Finding[]): void {
  for (let i = 0; i < m.length; i += 2)
    if (m[i] === key) {
      m[i + 1] = f;
      return;
    }
  m.push(key, f);
}

function dropFindings(m: FileFindings, key: string): void {
  for (let i = 0; i < m.length; i += 2)
    if (m[i] === key) {
      m.splice(i, 2);
      return;
    }
}

/** Findings by the file they show in; findings all in one file stay the one array. */
function groupByFile(f: Finding[]): Map<string, Finding[]> {
  if (f.length && f.every((x) => x.file === f[0].file)) return new Map([[f[0].file, f]]);
  const m = new Map<string, Finding[]>();
  for (const x of f) {
    let l = m.get(x.file);
    if (!l) m.set(x.file, (l = []));
    l.push(x);
  }
  return m;
}

/** First index whose member is at or after `a` in walk order. */
function lowerBound(members: Member[], a: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (walkCompare(members[mid].path, a) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ----------------------------------------------------------- workspace

export interface WorkspaceHost extends ModelHost {
  /** A tree was added (watch it). */
  treeAdded(model: TreeModel): void;
}

interface DocEntry {
  fsPath: string;
  model?: TreeModel;
  /** Archive path of the document. */
  archive?: string;
  /** Archive path whose text it overrides (a symlink's real file). */
  key?: string;
  text: string;
  /** When it last changed (0: opened, never edited): the newest edit wins among views of one file. */
  stamp: number;
}

/** All trees of the session and the open documents that override their files. */
export class Workspace {
  readonly trees = new Map<string, TreeModel>();
  private readonly docs = new Map<string, DocEntry>();
  private opts!: ModelOptions;
  private clock = 0;

  constructor(private readonly host: WorkspaceHost, opts: ModelOptions) {
    this.opts = opts;
  }

  get options(): ModelOptions {
    return this.opts;
  }

  /** Add (and start loading) a tree; an already known root is returned as is. */
  addTree(root: string, server: string | null): TreeModel {
    const r = path.resolve(root);
    const known = this.trees.get(r) ?? [...this.trees.values()].find((m) => m.realRoot === safeRealpath(r));
    if (known) return known;
    const model = new TreeModel(r, server, this.host, this.opts);
    this.trees.set(r, model);
    this.host.treeAdded(model);
    // documents opened before the tree was known
    for (const [uri, d] of this.docs) if (!d.model && model.archiveOf(d.fsPath)) this.attach(uri, d);
    model.load().catch((e) => this.host.log(`loading ${r} failed: ${(e as Error)?.stack ?? e}`));
    return model;
  }

  /** Forget a tree (its workspace folder was removed); documents open in it are attached to another tree holding them, if any. */
  removeTree(model: TreeModel): void {
    if (this.trees.get(model.root) !== model) return;
    this.trees.delete(model.root);
    model.dispose();
    for (const [uri, d] of this.docs)
      if (d.model === model) {
        d.model = undefined;
        d.archive = undefined;
        d.key = undefined;
        this.attach(uri, d);
      }
  }

  /** The tree holding a filesystem path (the deepest root wins). */
  treeOf(fsPath: string): { model: TreeModel; archive: string } | undefined {
    let best: { model: TreeModel; archive: string } | undefined;
    for (const m of this.trees.values()) {
      const a = m.archiveOf(fsPath);
      if (a && (!best || m.root.length > best.model.root.length)) best = { model: m, archive: a };
    }
    return best;
  }

  docModel(uri: string): { model: TreeModel; archive: string; text: string } | undefined {
    const d = this.docs.get(uri);
    if (!d?.model || !d.archive) return undefined;
    return { model: d.model, archive: d.archive, text: d.text };
  }

  openDoc(uri: string, fsPath: string | undefined, text: string, addTree: (fsPath: string) => void): void {
    if (!fsPath) return;
    const d: DocEntry = { fsPath, text, stamp: 0 };
    this.docs.set(uri, d);
    if (!this.treeOf(fsPath)) addTree(fsPath);
    this.attach(uri, d);
  }

  private attach(uri: string, d: DocEntry) {
    const t = this.treeOf(d.fsPath);
    if (!t) return;
    d.model = t.model;
    d.archive = t.archive;
    // the OS's view: a symlink's unsaved text is its real file's
    const real = safeRealpath(d.fsPath);
    d.key = (real && t.model.archiveOf(real)) || t.archive;
    const apply = () => {
      // a document of a file the tree does not have yet: read it from disk
      if (t.model.judged && !t.model.tree.members.has(t.archive) && fs.existsSync(d.fsPath)) void t.model.diskChanged([d.fsPath]).then(() => t.model.setOverlay(d.key!, this.overlayText(t.model, d.key!)));
      else t.model.setOverlay(d.key!, this.overlayText(t.model, d.key!));
    };
    apply();
  }

  /** The open text for an overlay key: of the most recently edited document showing that file. */
  private overlayText(model: TreeModel, key: string): string | undefined {
    let best: DocEntry | undefined;
    for (const d of this.docs.values()) if (d.model === model && d.key === key && (!best || d.stamp >= best.stamp)) best = d;
    return best?.text;
  }

  changeDoc(uri: string, text: string): void {
    const d = this.docs.get(uri);
    if (!d) return;
    d.text = text;
    d.stamp = ++this.clock;
    if (d.model && d.key) d.model.setOverlay(d.key, this.overlayText(d.model, d.key));
  }

  closeDoc(uri: string): void {
    const d = this.docs.get(uri);
    if (!d) return;
    this.docs.delete(uri);
    if (d.model && d.key) {
      const other = this.overlayText(d.model, d.key);
      d.model.setOverlay(d.key, other);
      // back to the disk's text, read again: it may have been saved meanwhile
      if (other === undefined) void d.model.refreshDisk(d.key);
    }
  }

  isOpen(uri: string): boolean {
    return this.docs.has(uri);
  }

  openUris(): string[] {
    return [...this.docs.keys()];
  }

  async reconfigure(opts: ModelOptions): Promise<void> {
    this.opts = opts;
    await Promise.all([...this.trees.values()].map((m) => m.reconfigure(opts)));
  }

  /** Disk changes, routed to the trees they belong to. */
  async diskChanged(fsPaths: string[]): Promise<void> {
    const by = new Map<TreeModel, string[]>();
    for (const p of fsPaths) {
      const t = this.treeOf(p);
      if (!t) continue;
      by.set(t.model, [...(by.get(t.model) ?? []), p]);
    }
    await Promise.all([...by].map(([m, ps]) => m.diskChanged(ps)));
  }
}

export function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** A file read on its own: its text, unless it is not a regular file (any more) or could not be read. */
function fileOf(r: ScanResult | undefined): ScannedFile | undefined {
  const m = r?.members[0];
  if (!r || !m || m.kind !== 'file' || r.stoppedAt) return undefined;
  return r.files.get('events');
}

/** lstat failing for any reason but a hang counts as "not there". */
function rethrowStall(e: unknown): undefined {
  if (e instanceof ReadStalled) throw e;
  return undefined;
}
