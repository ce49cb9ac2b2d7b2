// An event tree as hcron's reload packs it (spec 1.3-1.5) and as its loader
// resolves it (spec 8): members in archive order, ignored names, symlinks
// resolved by hcron's own rules, dropped members with the reason why.
// Pure: the members and file texts come from a scanner (scan.ts) or a test.

import { HcronConfig, ignoreMatcher, numberSetting } from './config';
import { basename, dirname, normpath, pathJoin } from './py';

export type MemberKind = 'dir' | 'file' | 'symlink' | 'hardlink' | 'other';

export interface Member {
  /** Archive path: "events" or "events/...". */
  path: string;
  kind: MemberKind;
  /** Link text of a symlink. */
  link?: string;
  /** For a hard link: the archive path of the first name of the inode. */
  hardlinkOf?: string;
  /** For 'other': what it is (fifo, device). */
  what?: string;
}

/** The same member: a names walk and the read of a tree that did not change agree member by member (a hard link, a FIFO or a vanished file makes them differ). */
export function sameMember(a: Member, b: Member): boolean {
  return a.path === b.path && a.kind === b.kind && a.link === b.link && a.hardlinkOf === b.hardlinkOf && a.what === b.what;
}

export type DropReason =
  | 'absolute-link'
  | 'dangling-link'
  | 'link-leaves-tree'
  | 'link-to-ignored'
  | 'link-loop'
  | 'too-many-links'
  | 'link-to-directory'
  | 'link-to-non-file'
  | 'hard-link'
  | 'not-a-file';

export interface Dropped {
  name: string;
  path: string;
  reason: DropReason;
  /** Human detail: the link text, the member that was missing, the first name of a hard link. */
  detail: string;
  /** Links followed, in order (archive paths), for symlink drops. */
  chain?: string[];
  /** The archive path the resolution ended at, when there is one. */
  target?: string;
}

export interface Ignored {
  name: string;
  path: string;
  /** 'name': its basename matches names_to_ignore_regexp; 'parent': a parent folder is ignored. */
  why: 'name' | 'parent';
}

export interface EventRef {
  /** hcron's name: "/a/b". */
  name: string;
  /** Archive path of the event member itself. */
  path: string;
  /** Archive path of the regular file whose text it has (itself, or a symlink's resolution). */
  content: string;
  /** Links followed (archive paths), starting with the event's own, for a symlinked event. */
  links?: string[];
}

export type LinkResolution = { ok: true; path: string; chain: string[] } | { ok: false; reason: DropReason; detail: string; chain: string[]; target?: string };

export interface TreeInput {
  /** Members in archive order (the tar walk: names sorted per folder, depth first). */
  members: Member[];
  /** Where hcron's reload stopped reading (an unreadable file): later members are absent. */
  stoppedAt?: { path: string; message: string };
  /**
   * Told of each archive path the tree was asked for and does not have (for an
   * event name: its path). A tree of some members only (probe.ts) looks those
   * up on disk and is built again.
   */
  missed?: (path: string) => void;
}

/** A map that tells of the keys it was asked for and does not have. */
class MissMap<V> extends Map<string, V> {
  constructor(private readonly miss: (key: string) => void) {
    super();
  }
  override get(key: string): V | undefined {
    const v = super.get(key);
    if (v === undefined) this.miss(key);
    return v;
  }
}

/** Paths of at most this many components resolve without the trie. */
const SHALLOW = 32;

interface TrieNode {
  m?: Member;
  kids?: Map<string, TrieNode>;
}

export function nameOf(path: string): string {
  return path.slice('events'.length);
}

export function pathOf(name: string): string {
  return normpath('events/' + name);
}

export class EventTree {
  readonly members: Map<string, Member>;
  /** Non-ignored members by archive path: the loader's view ("cache" + "link_cache"). The same map as `members` when nothing is ignored (a map of 100,000 paths costs ~30 ms to fill). */
  readonly visible: ReadonlyMap<string, Member>;
  readonly ignored: Ignored[] = [];
  readonly ignoredPaths = new Set<string>();
  readonly dropped: Dropped[] = [];
  readonly droppedByPath = new Map<string, Dropped>();
  /** Events in load order: regular files, then symlinks. */
  readonly events: EventRef[] = [];
  /** Resolved links' events by the link's path (contentPath: an include through a link). */
  private readonly linkEvents = new Map<string, EventRef>();
  private byName?: Map<string, EventRef>;
  /** archive path of a resolved file -> links that resolve to it. */
  readonly linksTo = new Map<string, string[]>();
  readonly rootIsLink: boolean;
  readonly ignoreProblem?: string;

  constructor(readonly input: TreeInput, readonly config: HcronConfig) {
    const missed = input.missed;
    this.members = missed ? new MissMap(missed) : new Map();
    const { re, problem } = ignoreMatcher(config);
    this.ignoreProblem = problem;
    const root = input.members.find((m) => m.path === 'events');
    this.rootIsLink = root?.kind === 'symlink';
    for (const m of input.members) {
      if (m.path !== 'events' && !m.path.startsWith('events/')) continue;
      this.members.set(m.path, m);
      if (re?.test(basename(m.path))) {
        this.ignored.push({ name: nameOf(m.path), path: m.path, why: 'name' });
        this.ignoredPaths.add(m.path);
      } else if (this.ignoredPaths.size && this.ignoredPaths.has(dirname(m.path))) {
        this.ignored.push({ name: nameOf(m.path), path: m.path, why: 'parent' });
        this.ignoredPaths.add(m.path);
      }
    }
    if (!this.ignoredPaths.size) this.visible = this.members;
    else {
      const visible = missed ? new MissMap<Member>(missed) : new Map<string, Member>();
      for (const [p, m] of this.members) if (!this.ignoredPaths.has(p)) visible.set(p, m);
      this.visible = visible;
    }
    const links: Member[] = [];
    for (const m of this.visible.values()) {
      if (m.path === 'events') continue;
      if (m.kind === 'file') this.events.push({ name: nameOf(m.path), path: m.path, content: m.path });
      else if (m.kind === 'symlink') links.push(m);
      else if (m.kind === 'hardlink') this.drop({ name: nameOf(m.path), path: m.path, reason: 'hard-link', detail: m.hardlinkOf ?? '' });
      else if (m.kind === 'other') this.drop({ name: nameOf(m.path), path: m.path, reason: 'not-a-file', detail: m.what ?? 'not a regular file' });
    }
    for (const m of links) {
      const r = this.resolveLink(m.path, m.link ?? '');
      if (r.ok) {
        const target = this.visible.get(r.path)!;
        if (target.kind === 'file') {
          const e: EventRef = { name: nameOf(m.path), path: m.path, content: r.path, links: r.chain };
          this.events.push(e);
          this.linkEvents.set(m.path, e);
          const l = this.linksTo.get(r.path) ?? [];
          l.push(m.path);
          this.linksTo.set(r.path, l);
        } else
          this.drop({
            name: nameOf(m.path),
            path: m.path,
            reason: target.kind === 'dir' ? 'link-to-directory' : 'link-to-non-file',
            detail: m.link ?? '',
            chain: r.chain,
            target: r.path,
          });
      } else this.drop({ name: nameOf(m.path), path: m.path, reason: r.reason, detail: r.detail, chain: r.chain, target: r.target });
    }
  }

  /**
   * Events by name, made when first asked for: hcron-check status never asks
   * (100,000 names hashed into a map were ~100 ms of its judging thread at
   * 100,000 events).
   */
  get eventsByName(): Map<string, EventRef> {
    if (this.byName) return this.byName;
    const missed = this.input.missed;
    const byName = missed ? new MissMap<EventRef>((name) => missed(pathOf(name))) : new Map<string, EventRef>();
    for (const e of this.events) byName.set(e.name, e);
    return (this.byName = byName);
  }

  private drop(d: Dropped) {
    this.dropped.push(d);
    this.droppedByPath.set(d.path, d);
  }

  /** hcron's resolve_symlink, with the reason when it gives up. */
  resolveLink(linkPath: string, text: string): LinkResolution {
    const chain = [linkPath];
    if (text.startsWith('/')) return { ok: false, reason: 'absolute-link', detail: text, chain };
    let path = normpath(pathJoin(dirname(linkPath), text));
    const rounds = numberSetting(this.config, 'max_symlinks', 8);
    const seen = new Set<string>([linkPath]);
    let looped = false;
    for (let round = 0; round < rounds; round++) {
      const comps = path.split('/');
      let next: string | null = null;
      // The member at each prefix. A deep path walks a trie of the visible members (one step per
      // component: 1,500 folders deep costs its length, not its length squared); a usual one
      // looks its prefixes up directly, and no trie is built.
      let node: TrieNode | undefined = comps.length > SHALLOW ? this.trie() : undefined;
      let prefix = '';
      for (let i = 0; i < comps.length; i++) {
        let m: Member | undefined;
        if (comps.length > SHALLOW) m = (node = node?.kids?.get(comps[i]))?.m;
        else m = this.visible.get((prefix = i ? prefix + '/' + comps[i] : comps[i]));
        if (m && m.kind !== 'symlink') continue;
        const xpath = comps.slice(0, i + 1).join('/'); // once per round: the walk ends here
        if (m) {
          const lt = m.link ?? '';
          chain.push(xpath);
          if (seen.has(xpath)) looped = true;
          seen.add(xpath);
          if (lt.startsWith('/')) return { ok: false, reason: 'absolute-link', detail: `${xpath} -> ${lt}`, chain };
          next = normpath(pathJoin(normpath(pathJoin(dirname(xpath), lt)), ...comps.slice(i + 1)));
          break;
        }
        if (xpath !== 'events' && !xpath.startsWith('events/'))
          return { ok: false, reason: 'link-leaves-tree', detail: path, chain, target: path };
        if (this.ignoredPaths.has(xpath)) return { ok: false, reason: 'link-to-ignored', detail: xpath, chain, target: xpath };
        return { ok: false, reason: 'dangling-link', detail: xpath, chain, target: xpath };
      }
      if (next === null) return { ok: true, path, chain };
      path = next;
    }
    return looped
      ? { ok: false, reason: 'link-loop', detail: chain.join(' -> '), chain }
      : { ok: false, reason: 'too-many-links', detail: `more than max_symlinks (${rounds}) rounds`, chain };
  }

  private trieRoot?: TrieNode;

  /** The visible members as a trie of path components (built on first use). */
  private trie(): TrieNode {
    if (this.trieRoot) return this.trieRoot;
    const root: TrieNode = {};
    for (const [p, m] of this.visible) {
      let node = root;
      for (const c of p.split('/')) {
        node.kids ??= new Map();
        let k = node.kids.get(c);
        if (!k) node.kids.set(c, (k = {}));
        node = k;
      }
      node.m = m;
    }
    return (this.trieRoot = root);
  }

  /** The regular file whose text an include or event lookup of this archive path gets, if any. */
  contentPath(path: string): string | undefined {
    const m = this.visible.get(path);
    if (!m) return undefined;
    if (m.kind === 'file') return path;
    if (m.kind === 'symlink') {
      const e = this.linkEvents.get(path);
      if (!e) this.input.missed?.(path); // as eventsByName would tell
      return e?.content;
    }
    return undefined;
  }
}
