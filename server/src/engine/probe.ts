// An open event judged before its tree's names are walked (judgeNear): on the
// members its judgement looks up, found with lstat alone (Neighbourhood), and
// the texts those members have. An EventTree built from them with `missed`
// tells which paths its lookups missed; those are looked for next, until
// nothing is missed. A member found this way is the member the walk finds
// (same lstat, same link text); what lstat cannot tell (which name of a
// hard-linked file comes first) makes the judgement unsure, and so does what
// only the whole tree tells (an include fragment's includers). Where
// max_events_per_user cuts hcron's load order, loadIndexes walks the tree in
// hcron's order only as far as it must.
//
// Every file-system call goes through a NearFs: asynchronous ones by default
// (on a hung mount a call ties up a thread of libuv's pool, never the caller's
// thread: the server runs this on its main thread); synchronous ones
// (syncNearFs) in a worker of its own, which a hung mount stops and its owner
// terminates, and whose calls wait neither for a busy event loop nor for a
// pool other code keeps busy (the VS Code extension's early diagnostics).

import * as fsp from 'node:fs/promises';
import * as fs from 'node:fs';
import { Context, judgeEvent, Judgement, TextSource } from './event';
import { chainPieces, Finding, lintEvent, LintOptions, LintState } from './lint';
import { HcronConfig, ignoreMatcher } from './config';
import { compareCodePoints } from './py';
import { decodeBytes, fsDecode, fsPathIn, PY_TAR_MAX_DEPTH, ScannedFile } from './scan';
import { EventTree, Member, nameOf } from './tree';
import { maxEvents, recordAt, StatusRecord } from './status';

/** A name Python decoded from bytes that are not UTF-8: its path on disk is not this string's. */
const NOT_UTF8 = /[\ud800-\udfff]/;

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String(e);

/** The file-system calls of the probe. */
export interface NearFs {
  lstat(p: string): Promise<fs.Stats>;
  readlink(p: string): Promise<Buffer>;
  readdir(p: string): Promise<fs.Dirent[]>;
  /** The stats of the file opened and, where it is a regular file of one name and at most maxBytes, its bytes. */
  read(p: string, maxBytes: number): Promise<{ st: fs.Stats; bytes?: Buffer }>;
}

const ownFile = (st: fs.Stats, maxBytes: number) => st.isFile() && st.nlink === 1 && st.size <= maxBytes;
// lstat said "file", but it may have become a FIFO since: a plain open would wait for a writer
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export const asyncNearFs: NearFs = {
  lstat: (p) => fsp.lstat(p),
  readlink: (p) => fsp.readlink(p, { encoding: 'buffer' }),
  readdir: (p) => fsp.readdir(p, { withFileTypes: true }),
  async read(p, maxBytes) {
    const fh = await fsp.open(p, OPEN_FLAGS);
    try {
      const st = await fh.stat();
      if (!ownFile(st, maxBytes)) return { st };
      const b = Buffer.allocUnsafe(st.size);
      let got = 0;
      for (let k; got < b.length && (k = (await fh.read(b, got, b.length - got, got)).bytesRead) > 0; ) got += k;
      return { st, bytes: b.subarray(0, got) };
    } finally {
      await fh.close().catch(() => undefined);
    }
  },
};

export const syncNearFs: NearFs = {
  lstat: async (p) => fs.lstatSync(p),
  readlink: async (p) => fs.readlinkSync(p, { encoding: 'buffer' }),
  readdir: async (p) => fs.readdirSync(p, { withFileTypes: true }),
  async read(p, maxBytes) {
    const fd = fs.openSync(p, OPEN_FLAGS);
    try {
      const st = fs.fstatSync(fd);
      if (!ownFile(st, maxBytes)) return { st };
      const b = Buffer.allocUnsafe(st.size);
      let got = 0;
      for (let k; got < b.length && (k = fs.readSync(fd, b, got, b.length - got, got)) > 0; ) got += k;
      return { st, bytes: b.subarray(0, got) };
    } finally {
      fs.closeSync(fd);
    }
  },
};

export class Neighbourhood {
  /** Members found, by archive path. */
  readonly members = new Map<string, Member>();
  private readonly absent = new Set<string>();
  /** Why these members cannot stand for the tree's (the walk's names must decide), if they cannot. */
  unsure?: string;

  /** `root`: the events folder on disk. */
  constructor(
    private readonly root: string,
    private readonly fsys: NearFs = asyncNearFs,
  ) {}

  /** Look `archive` up, and each folder on its way; whether a member was added. */
  async find(archive: string): Promise<boolean> {
    if (this.unsure || (archive !== 'events' && !archive.startsWith('events/'))) return false;
    const comps = archive.split('/');
    let added = false;
    let prefix = '';
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i];
      if (i && (c === '' || c === '.' || c === '..')) return added; // never a member's name
      prefix = i ? prefix + '/' + c : c;
      const m = this.members.get(prefix);
      if (m) {
        if (m.kind === 'dir') continue;
        return added; // nothing is below a file, and the walk does not follow a symlink
      }
      if (this.absent.has(prefix)) return added;
      if (i > PY_TAR_MAX_DEPTH || NOT_UTF8.test(c)) {
        this.unsure = `${prefix}: too deep, or not UTF-8`;
        return added;
      }
      const found = await this.look(prefix, fsPathIn(this.root, prefix));
      if (!found) return added;
      added = true;
      if (found.kind !== 'dir') return added;
    }
    return added;
  }

  private async look(arc: string, fsPath: string): Promise<Member | undefined> {
    let st: fs.Stats;
    try {
      st = await this.fsys.lstat(fsPath);
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') this.absent.add(arc);
      else this.unsure = `${arc}: ${code(e)}`;
      return undefined;
    }
    let m: Member | undefined;
    if (st.isDirectory()) m = { path: arc, kind: 'dir' };
    else if (st.isFile()) {
      // the walk's first name of a hard-linked file is the file, the others hard links: only the walk knows which
      if (st.nlink > 1) this.unsure = `${arc}: hard-linked`;
      else m = { path: arc, kind: 'file' };
    } else if (st.isSymbolicLink()) {
      try {
        m = { path: arc, kind: 'symlink', link: fsDecode(await this.fsys.readlink(fsPath)).name };
      } catch (e) {
        this.unsure = `${arc}: ${code(e)}`;
      }
    } else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) m = { path: arc, kind: 'other', what: st.isFIFO() ? 'a FIFO' : 'a device' };
    else this.absent.add(arc); // a socket: tarfile skips it
    if (m) this.members.set(arc, m);
    return m;
  }

  list(): Member[] {
    return [...this.members.values()];
  }
}

/** A regular file's text as the scan would have it (scan.ts readRaw + takeRead), or why not: then the scan must read it. */
async function readText(fsys: NearFs, fsPath: string, maxFileBytes: number): Promise<ScannedFile | string> {
  try {
    const { st, bytes } = await fsys.read(fsPath, maxFileBytes);
    if (!st.isFile() || st.nlink > 1) return 'not a file of its own';
    if (!bytes) return 'over the cap of bytes';
    return { ...decodeBytes(bytes), truncated: false, mtimeMs: st.mtimeMs, size: st.size };
  } catch (e) {
    return code(e);
  }
}

/**
 * Each of these events' index in hcron's load order (regular files in walk
 * order, then symlinks), as far as max_events_per_user needs it: an index of
 * `max - 1` or more means "cut" (hcron overwrites the reason with "maximum
 * events reached"). The walk stops once `max - 1` regular files are counted or
 * every one of `files` is reached; a symlink needs the whole count. Undefined
 * when the walk cannot tell (a folder it cannot list, a name that is not
 * UTF-8, more than `maxMembers` members, a symlink near the cut).
 */
export async function loadIndexes(
  root: string,
  files: Set<string>,
  links: Set<string>,
  max: number,
  ignore: RegExp | null,
  maxMembers: number,
  fsys: NearFs = asyncNearFs,
): Promise<Map<string, number> | undefined> {
  const out = new Map<string, number>();
  const cut = Math.max(max - 1, 0);
  let count = 0; // events among regular files so far
  let members = 0;
  let linksSeen = 0;
  const linkAt = new Map<string, number>();
  const inodes = new Set<string>();
  let left = files.size;
  const done = () => count >= cut || (left === 0 && links.size === 0);
  class Unsure extends Error {}
  const walk = async (dir: string, fsDir: string, ignored: boolean): Promise<void> => {
    let listed: fs.Dirent[];
    try {
      listed = await fsys.readdir(fsDir);
    } catch {
      throw new Unsure();
    }
    if (listed.some((d) => d.name.includes('\ufffd'))) throw new Unsure();
    listed.sort((a, b) => compareCodePoints(a.name, b.name));
    for (const d of listed) {
      if (done()) return;
      if (++members > maxMembers) throw new Unsure();
      const arc = dir + '/' + d.name;
      const fsPath = fsDir + '/' + d.name;
      const hidden = ignored || !!ignore?.test(d.name);
      let kind: 'dir' | 'file' | 'symlink' | 'other' = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'symlink' : 'other';
      let st: fs.Stats | undefined;
      // every regular file: an ignored name may be the first of a hard-linked file (the walk's first name)
      if (kind === 'other' || kind === 'file') {
        try {
          st = await fsys.lstat(fsPath);
        } catch {
          throw new Unsure();
        }
        kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
      }
      if (kind === 'dir') await walk(arc, fsPath, hidden);
      else if (kind === 'symlink' && !hidden) linkAt.set(arc, linksSeen++);
      else if (kind === 'file' && st) {
        // the first name of a hard-linked file is the file, the later ones are dropped
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (inodes.has(key)) continue;
          inodes.add(key);
        }
        if (hidden) continue;
        if (files.has(arc)) {
          out.set(arc, count);
          left--;
        }
        count++;
      }
    }
  };
  try {
    await walk('events', root, false);
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
  for (const f of files) if (!out.has(f)) out.set(f, cut); // past the cut (or not an event: then unused)
  for (const l of links) {
    if (count >= cut) out.set(l, cut);
    else {
      // after every regular file; the symlinks before it may or may not be events
      const before = linkAt.get(l);
      if (before === undefined || count + before >= cut) return undefined;
      out.set(l, count + before);
    }
  }
  return out;
}

export interface NearOptions {
  config: HcronConfig;
  ctx: Context;
  /** Texts the client shows (open documents), before the disk's. */
  overlay(archive: string): string | undefined;
  maxFileBytes: number;
  /** The reader's cap of members: a max_events_per_user at or over it cuts nothing that is read. */
  maxMembers: number;
  /** Members loadIndexes may list before it gives up (undefined: maxMembers); the VS Code extension's thread keeps it small. */
  walkBudget?: number;
  lint?: LintOptions;
  /** Checked between file-system calls: stop when true (the names came, the document closed). */
  stale?(): boolean;
  /** The file-system calls (default: asynchronous ones). */
  fs?: NearFs;
}

export type NearResult =
  | { ok: true; judgement: Judgement; findings: Finding[]; members: number; /** The texts it read from disk, by archive path. */ texts: Map<string, string> }
  | { ok: false; why: string };

/**
 * The event of the regular file `archive` of the tree at `root` (not its
 * symlinks' events), judged and linted as the whole tree would judge and lint
 * it, from what its judgement looks up: its member and those of the events it
 * chains to, the files it includes, their texts. Not ok where that cannot be
 * known without the whole tree (a hard link, an include fragment, a template
 * (its findings name the symlinks to it), a file that is not UTF-8).
 */
export async function judgeNear(root: string, archive: string, o: NearOptions): Promise<NearResult> {
  const config = o.config;
  const near = new Neighbourhood(root, o.fs);
  await near.find(archive);
  if (near.members.get(archive)?.kind !== 'file') return { ok: false, why: near.unsure ?? 'not a regular file of the tree' };
  const texts = new Map<string, ScannedFile>();
  const name = nameOf(archive);
  for (let round = 0; round < 64; round++) {
    if (o.stale?.()) return { ok: false, why: 'stale' };
    const missed = new Set<string>();
    const missedTexts = new Set<string>();
    const tree = new EventTree({ members: near.list(), missed: (p) => missed.add(p) }, config);
    const src: TextSource = {
      text: (p) => {
        const t = o.overlay(p) ?? texts.get(p)?.text;
        if (t === undefined) missedTexts.add(p);
        return t;
      },
    };
    const js = new Map<string, Judgement>();
    const judge = (n: string) => {
      const ref = js.has(n) ? undefined : tree.eventsByName.get(n);
      if (ref) js.set(n, judgeEvent(tree, ref, src, { ...o.ctx, workBudget: undefined }));
    };
    judge(name);
    const own = js.get(name);
    if (own) for (const p of chainPieces(own)) judge(p.name);
    let more = false;
    for (const p of missed) if (await near.find(p)) more = true;
    for (const p of missedTexts) {
      if (texts.has(p) || near.members.get(p)?.kind !== 'file' || near.unsure) continue;
      const t = await readText(o.fs ?? asyncNearFs, fsPathIn(root, p), o.maxFileBytes);
      if (typeof t === 'string') return { ok: false, why: `${p}: ${t}` };
      texts.set(p, t);
      more = true;
    }
    if (near.unsure) return { ok: false, why: near.unsure };
    if (more) continue;
    if (!own) return { ok: false, why: 'not an event' };
    // hcron loads no event at all when a file is not UTF-8; an include fragment's includers: the whole tree tells
    if ([...js.values()].some((j) => [...j.deps].some((d) => texts.get(d)?.invalidUtf8 !== undefined))) return { ok: false, why: 'not UTF-8' };
    if (own.reason.startsWith('not fully specified')) return { ok: false, why: 'may be an include fragment' };
    // a template's findings name the symlinks to it and its hard links: the names tell
    if (own.type === 'template') return { ok: false, why: 'a template' };
    if (tree.rootIsLink) return { ok: false, why: 'events/ is a symlink' };
    const max = maxEvents(tree);
    let order: Map<string, number> | undefined = new Map();
    if (max < o.maxMembers) {
      const refs = [...js.values()].map((j) => j.ref);
      const at = await loadIndexes(
        root,
        new Set(refs.filter((r) => r.path === r.content).map((r) => r.path)),
        new Set(refs.filter((r) => r.path !== r.content).map((r) => r.path)),
        max,
        ignoreMatcher(config).re,
        Math.min(o.walkBudget ?? o.maxMembers, o.maxMembers),
        o.fs,
      );
      order = at && new Map(refs.map((r) => [r.name, at.get(r.path)!]));
    }
    if (!order) return { ok: false, why: 'where max_events_per_user cuts' };
    if (o.stale?.()) return { ok: false, why: 'stale' };
    const record = (n: string): StatusRecord | undefined => {
      const j = js.get(n);
      return j && recordAt(n, j.type, j.reason, order.get(n) ?? 0, max);
    };
    const state: LintState = { tree, src, ctx: o.ctx, config, judgement: (n) => js.get(n), record, includers: () => [] };
    return { ok: true, judgement: own, findings: lintEvent(state, own, o.lint), members: near.members.size, texts: new Map([...texts].map(([p, f]) => [p, f.text])) };
  }
  return { ok: false, why: 'no end to what its lookups miss' };
}
