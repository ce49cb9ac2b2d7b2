// Reading an events folder from disk the way hcron's reload packs it
// (Python tarfile.add): names sorted per folder, depth first; symlinks are
// stored, never followed; the second name of a hard-linked file becomes a
// hard-link member; FIFOs and devices are members; sockets are skipped; the
// first file that cannot be read ends the archive.
//
// With probe.ts, the engine's only file-system code; both read, never write.

import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareCodePoints } from './py';
import type { Member, TreeInput } from './tree';

export interface ScanLimits {
  /** Files and folders read at most; the rest is reported, not read. */
  maxMembers: number;
  /** Bytes read of one file at most. */
  maxFileBytes: number;
  /** Told of every file-system operation, so another thread can time-box it (readWatch.ts). */
  probe?: ReadProbe;
  /**
   * Given what was read so far, every `partSize` members (in walk order): the
   * scan then forgets it, and the result holds only what came after the last
   * part. The server's reading thread posts each part while it reads on.
   */
  onPart?: (part: ScanPart) => void;
  partSize?: number;
  /**
   * Only the names: files are listed (kind 'file', from the folder listing),
   * never opened, so hard links, unreadable files and texts are unknown. The
   * server's reading thread sends this first, then reads the tree.
   */
  namesOnly?: boolean;
  /**
   * Files that are valid UTF-8 keep their bytes (BytesFile), decoded when first
   * asked for: the server's reading thread posts them as bytes, and the server
   * decodes a part's at once (scanPack.ts unpackFiles).
   */
  keepBytes?: boolean;
  /**
   * Folder listings (decoded and sorted) by archive path. A folder found here
   * is taken out and not listed again; one listed is put in. hcron-check
   * status's reading thread walks the names first, then reads the tree with
   * the same listings.
   */
  listings?: Map<string, Listing>;
  /**
   * With namesOnly: the path on disk of each 'file' member, in walk order (a
   * string, or bytes when a name on the way is not UTF-8), so that other
   * threads can read the files (readRaw) while this one judges.
   */
  fileFsPaths?: FsPath[];
  /** With fileFsPaths: told each time another `fileBatch` paths are in it (the reading thread starts on them while the walk goes on). */
  onFileNames?: () => void;
  fileBatch?: number;
}

/** A folder's entries as the walk uses them: in hcron's order, with names as Python decodes them. */
export type Listing = { d: fs.Dirent<Buffer> | fs.Dirent; name: string; clean: boolean }[];

/** Members read since the previous part, in walk order, and the texts of the regular files among them. */
export interface ScanPart {
  members: Member[];
  files: Map<string, ScannedFile>;
}

/** A path on disk: a string, or bytes when a name on the way is not UTF-8. */
export type FsPath = string | Buffer;

/** Marks the file-system operation under way; begin/end bracket each blocking call. */
export interface ReadProbe {
  begin(fsPath: string | Uint8Array): void;
  end(): void;
}

const NO_PROBE: ReadProbe = { begin() {}, end() {} };

/** One blocking read (or a file's open..close), bracketed for the probe. */
export function probed<T>(probe: ReadProbe | undefined, fsPath: string | Uint8Array, read: () => T): T {
  probe?.begin(fsPath);
  try {
    return read();
  } finally {
    probe?.end();
  }
}

/**
 * Deepest member (components below events/) hcron's reload can pack: Python's
 * tarfile.add calls itself once per folder level, and at about 990 levels
 * (the exact depth moves by a level or two with the data being compressed)
 * it raises RecursionError; the reload swallows it and keeps what it packed
 * so far.
 */
export const PY_TAR_MAX_DEPTH = 988;

export const DEFAULT_LIMITS: ScanLimits = { maxMembers: 500_000, maxFileBytes: 16 * 1024 * 1024 };

export interface ScannedFile {
  text: string;
  /** Offset of the first byte that is not UTF-8 (hcron then loads no event at all). */
  invalidUtf8?: number;
  /** True when the file was longer than maxFileBytes and was cut. */
  truncated?: boolean;
  mtimeMs: number;
  size: number;
}

/** A file that is valid UTF-8, its text decoded when first asked for (then its bytes go). */
export class BytesFile implements ScannedFile {
  private decoded?: string;
  constructor(
    /** Undefined once decoded. */
    public bytes: Uint8Array | undefined,
    readonly size: number,
    readonly mtimeMs: number,
    readonly truncated: boolean,
  ) {}
  get text(): string {
    if (this.decoded === undefined) {
      this.decoded = decodeUtf8(this.bytes!);
      this.bytes = undefined;
    }
    return this.decoded;
  }
}

export interface ScanResult extends TreeInput {
  /** Absolute path of the events folder that was read. */
  root: string;
  files: Map<string, ScannedFile>;
  /** Things the scan could not do (vanished files, limits), as messages naming the path. */
  problems: { path: string; message: string; kind?: 'vanished' | 'max-files' | 'max-file-bytes' | 'stalled' }[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Bytes known to be valid UTF-8 (isUtf8), as the scan decodes them: a BOM is kept (hcron reads it as part of the first line). */
export const decodeUtf8 = (b: Uint8Array): string => decoder.decode(b);

/** Length of the valid UTF-8 sequence starting at b[i], or 0 if none starts there. */
export function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let need: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    min = 0x10000;
  } else return 0;
  if (i + need >= b.length) return 0;
  let cp = c & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const d = b[i + k];
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return need + 1;
}

/** Offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const k = utf8SeqLen(b, i);
    if (k === 0) return i;
    i += k;
  }
  return -1;
}

/**
 * A file name as Python's os.fsdecode gives it (hcron's tar walk): UTF-8, and
 * every byte of an invalid sequence as the lone surrogate U+DC80..U+DCFF
 * ("surrogateescape"). `clean` is false when a byte had to be escaped.
 */
export function fsDecode(b: Uint8Array): { name: string; clean: boolean } {
  try {
    return { name: decoder.decode(b), clean: true };
  } catch {
    let name = '';
    for (let i = 0; i < b.length; ) {
      const k = utf8SeqLen(b, i);
      if (k === 0) name += String.fromCharCode(0xdc00 + b[i++]);
      else {
        name += decoder.decode(b.subarray(i, i + k));
        i += k;
      }
    }
    return { name, clean: false };
  }
}

/** Length of `b` without a trailing incomplete UTF-8 sequence (at most 3 bytes are dropped). */
export function utf8Boundary(b: Uint8Array): number {
  let i = b.length;
  let k = 0;
  while (i > 0 && k < 3 && (b[i - 1] & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i === 0) return b.length;
  const lead = b[i - 1];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > k ? i - 1 : b.length;
}

export function decodeBytes(b: Uint8Array): { text: string; invalidUtf8?: number } {
  try {
    return { text: decoder.decode(b) };
  } catch {
    const at = firstInvalidUtf8(b);
    return { text: lossy.decode(b), invalidUtf8: at < 0 ? 0 : at };
  }
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(/^\w+: /, '')}` : String(e);
}

/** The path on disk of archive path `archive` ("events" or "events/...") of the tree whose events folder is `root`. */
export function fsPathIn(root: string, archive: string): string {
  return archive === 'events' ? root : path.join(root, ...archive.slice('events/'.length).split('/'));
}

const vanishedProblem = (arc: string, error: string): ScanResult['problems'][number] => ({ path: arc, message: `vanished while the tree was read (${error})`, kind: 'vanished' });

/**
 * One regular file as read through one descriptor, before the walk decides
 * what it is (takeRead): a read depends on nothing read before it, so two
 * threads can share a tree's files. `inode` only when the file has more than
 * one name (hard links: the first name in walk order is the file).
 */
export type RawRead =
  | { k: 'file'; bytes: Uint8Array; size: number; mtimeMs: number; truncated: boolean; inode?: string }
  | { k: 'other'; what: string }
  | { k: 'vanished'; error: string }
  | { k: 'failed'; error: string };

export function readRaw(fsPath: FsPath, maxFileBytes: number): RawRead {
  let fd: number;
  try {
    fd = fs.openSync(fsPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { k: 'vanished', error: errText(e) } : { k: 'failed', error: errText(e) };
  }
  try {
    // fstat gives nlink for hard links without another lstat
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { k: 'other', what: st.isFIFO() ? 'a FIFO' : 'not a regular file' };
    const want = Math.min(st.size, maxFileBytes);
    let bytes = Buffer.allocUnsafe(want);
    let got = 0;
    try {
      for (let k; got < want && (k = fs.readSync(fd, bytes, got, want - got, got)) > 0; ) got += k;
    } catch (e) {
      return { k: 'failed', error: errText(e) };
    }
    bytes = bytes.subarray(0, got);
    const truncated = st.size > maxFileBytes;
    if (truncated) bytes = bytes.subarray(0, utf8Boundary(bytes)); // a cut inside a character is not "invalid UTF-8"
    return { k: 'file', bytes, size: st.size, mtimeMs: st.mtimeMs, truncated, inode: st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined };
  } finally {
    fs.closeSync(fd);
  }
}

/** What a read adds to the scan at its place in walk order. */
interface TakenRead {
  member?: Member;
  file?: ScannedFile;
  problem?: ScanResult['problems'][number];
  /** The file could not be read: hcron's reload stops here. */
  stop?: NonNullable<ScanResult['stoppedAt']>;
}

/** The read of `arc` in walk order; `inodes`: first name of each multi-name file so far. */
function takeRead(r: RawRead, arc: string, inodes: Map<string, string>, maxFileBytes: number, keepBytes = false): TakenRead {
  if (r.k === 'vanished') return { problem: vanishedProblem(arc, r.error) };
  if (r.k === 'failed') return { stop: { path: arc, message: `cannot read file (${r.error}): hcron's reload stops here, everything after it in walk order is missing` } };
  if (r.k === 'other') return { member: { path: arc, kind: 'other', what: r.what } };
  const first = r.inode !== undefined ? inodes.get(r.inode) : undefined;
  if (first !== undefined && first !== arc) return { member: { path: arc, kind: 'hardlink', hardlinkOf: first } };
  if (r.inode !== undefined) inodes.set(r.inode, arc);
  let file: ScannedFile;
  if (keepBytes && isUtf8(r.bytes)) file = new BytesFile(r.bytes, r.size, r.mtimeMs, r.truncated);
  else {
    const d = decodeBytes(r.bytes);
    file = { text: d.text, invalidUtf8: d.invalidUtf8, truncated: r.truncated, mtimeMs: r.mtimeMs, size: r.size };
  }
  return {
    member: { path: arc, kind: 'file' },
    file,
    problem: r.truncated ? { path: arc, message: `${r.size} bytes, more than the cap of ${maxFileBytes}: only the first ${maxFileBytes} bytes were read, and its verdict is computed on them`, kind: 'max-file-bytes' } : undefined,
  };
}

/** Read the events folder `root` (its own name need not be "events"; hcron's must be). */
export function scanEventsDir(root: string, limits: ScanLimits = DEFAULT_LIMITS): ScanResult {
  const absRoot = path.resolve(root);
  let members: Member[] = [];
  let files = new Map<string, ScannedFile>();
  /** Members already handed to onPart. */
  let parted = 0;
  const partSize = limits.onPart ? Math.max(1, limits.partSize ?? 1000) : Infinity;
  const problems: ScanResult['problems'] = [];
  const inodes = new Map<string, string>();
  let stoppedAt: ScanResult['stoppedAt'];
  const probe = limits.probe ?? NO_PROBE;
  const watched = <T>(p: FsPath, read: () => T): T => probed(probe, p, read);

  class Stop extends Error {}

  const vanished = (arc: string, e: unknown) => problems.push(vanishedProblem(arc, errText(e)));

  const batch = limits.fileBatch ?? 1000;
  const addFile = (fsPath: FsPath, arc: string): void => {
    members.push({ path: arc, kind: 'file' });
    if (limits.fileFsPaths && limits.fileFsPaths.push(fsPath) % batch === 0) limits.onFileNames?.();
  };

  /** Read a regular file (readRaw) and take it at its place in walk order (takeRead). */
  const readFile = (fsPath: FsPath, arc: string): void => {
    const t = takeRead(
      watched(fsPath, () => readRaw(fsPath, limits.maxFileBytes)),
      arc,
      inodes,
      limits.maxFileBytes,
      limits.keepBytes,
    );
    if (t.problem) problems.push(t.problem);
    if (t.stop) {
      stoppedAt = t.stop;
      throw new Stop();
    }
    if (t.member) members.push(t.member);
    if (t.file) files.set(arc, t.file);
  };
  const fileOf = limits.namesOnly ? addFile : readFile;

  const addDir = (fsPath: FsPath, arc: string, depth: number): void => {
    members.push({ path: arc, kind: 'dir' });
    let entries = limits.listings?.get(arc);
    if (entries) limits.listings!.delete(arc);
    else {
      try {
        // Names as strings (the walk of 100,000 names: 247 ms as bytes decoded one by one, 119 as
        // strings, measured); a name that is not UTF-8 comes with U+FFFD in it, and then the folder
        // is listed again as bytes.
        const listed = watched(fsPath, () => fs.readdirSync(fsPath, { withFileTypes: true }));
        if (listed.some((d) => d.name.includes('\ufffd'))) {
          // Names as Python sees them: bytes that are not UTF-8 become lone surrogates.
          const raw = watched(fsPath, () => fs.readdirSync(fsPath, { withFileTypes: true, encoding: 'buffer' }));
          entries = raw.map((d) => ({ d, ...fsDecode(d.name) }));
        } else entries = listed.map((d) => ({ d, name: d.name, clean: true }));
      } catch (e) {
        stoppedAt = { path: arc, message: `cannot list folder (${errText(e)}): hcron's reload stops here, everything after it in walk order is missing` };
        throw new Stop();
      }
      // sorted by code point, as Python sorts
      entries.sort((a, b) => compareCodePoints(a.name, b.name));
      limits.listings?.set(arc, entries);
    }
    // path.join's answer for a listed name (never "", "." or ".."), without its normalizing pass.
    const dirPrefix = typeof fsPath === 'string' ? (fsPath.endsWith('/') ? fsPath : fsPath + '/') : '';
    for (const { d, name, clean } of entries) {
      if (members.length >= partSize) {
        parted += members.length;
        limits.onPart!({ members, files });
        members = [];
        files = new Map();
      }
      if (parted + members.length >= limits.maxMembers) {
        problems.push({ path: arc, message: `more than the cap of ${limits.maxMembers} files and folders: the rest of the tree was not read`, kind: 'max-files' });
        throw new Stop();
      }
      // A name that is not UTF-8 is reached through its bytes.
      const p: FsPath = clean && typeof fsPath === 'string' ? dirPrefix + name : Buffer.concat([Buffer.from(fsPath), Buffer.from('/'), typeof d.name === 'string' ? Buffer.from(d.name) : d.name]);
      const a = arc + '/' + name;
      if (depth + 1 > PY_TAR_MAX_DEPTH) {
        stoppedAt = {
          path: a,
          message: `nested more than ${PY_TAR_MAX_DEPTH} folders deep: hcron's reload (Python's tarfile, one call per level) hits the recursion limit at about this depth (RecursionError), and everything after it in walk order is missing`,
        };
        throw new Stop();
      }
      if (d.isFile()) fileOf(p, a);
      else if (d.isDirectory()) addDir(p, a, depth + 1);
      else add(p, a, depth + 1);
    }
  };

  /** Anything whose type the folder listing did not give: lstat decides. */
  const add = (fsPath: FsPath, arc: string, depth: number): void => {
    let st: fs.Stats;
    try {
      st = watched(fsPath, () => fs.lstatSync(fsPath));
    } catch (e) {
      return void vanished(arc, e);
    }
    if (st.isSymbolicLink()) {
      try {
        members.push({ path: arc, kind: 'symlink', link: fsDecode(watched(fsPath, () => fs.readlinkSync(fsPath, { encoding: 'buffer' }))).name });
      } catch (e) {
        vanished(arc, e);
      }
    } else if (st.isDirectory()) addDir(fsPath, arc, depth);
    else if (st.isFile()) fileOf(fsPath, arc);
    else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) members.push({ path: arc, kind: 'other', what: st.isFIFO() ? 'a FIFO' : 'a device' });
    // sockets: tarfile skips them entirely
  };

  try {
    add(absRoot, 'events', 0);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { root: absRoot, members, files, problems, stoppedAt };
}
