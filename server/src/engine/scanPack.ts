// What a reading thread posts, packed: a structured clone of one object per
// member or file costs both threads ~1-5 µs each (100,000 members: ~110-170 ms
// to take in on the receiving thread, measured), a few long strings and typed
// arrays almost nothing. Paths travel as one JSON array: JSON.parse gives flat
// strings (split() gives slices of one long string, and the tree built on
// them, hashing every path into maps, was up to 1.6x slower: measured).

import { isAscii } from 'node:buffer';
import { BytesFile, decodeUtf8, RawRead, ScannedFile, ScanPart, ScanResult } from './scan';
import { Member, MemberKind, sameMember } from './tree';

const KINDS: MemberKind[] = ['dir', 'file', 'symlink', 'hardlink', 'other'];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));

export interface PackedMembers {
  /** The archive paths, a JSON array. */
  paths: string;
  kinds: Uint8Array;
  /** [index, link, hardlinkOf, what] of the members that have any of them. */
  extra: [number, string | undefined, string | undefined, string | undefined][];
}

export function packMembers(members: readonly Member[]): PackedMembers {
  const n = members.length;
  const paths = new Array<string>(n);
  const kinds = new Uint8Array(n);
  const extra: PackedMembers['extra'] = [];
  for (let i = 0; i < n; i++) {
    const m = members[i];
    paths[i] = m.path;
    kinds[i] = KIND_CODE.get(m.kind)!;
    if (m.link !== undefined || m.hardlinkOf !== undefined || m.what !== undefined) extra.push([i, m.link, m.hardlinkOf, m.what]);
  }
  return { paths: JSON.stringify(paths), kinds, extra };
}

export function unpackMembers(pk: PackedMembers): Member[] {
  const n = pk.kinds.length;
  if (!n) return [];
  const paths = JSON.parse(pk.paths) as string[];
  const out = new Array<Member>(n);
  for (let i = 0; i < n; i++) out[i] = { path: paths[i], kind: KINDS[pk.kinds[i]] };
  for (const [i, link, hardlinkOf, what] of pk.extra) {
    const m = out[i];
    if (link !== undefined) m.link = link;
    if (hardlinkOf !== undefined) m.hardlinkOf = hardlinkOf;
    if (what !== undefined) m.what = what;
  }
  return out;
}

/**
 * Scanned files: their paths only when they are not the paths of the part's
 * members of kind 'file', in order (they always are: a file is read where the
 * walk finds it; the receiving thread then keys them with the members' own
 * strings, 100,000 fewer); the texts of files still as bytes
 * (BytesFile) as their bytes joined, transferable, decoded at once by the
 * receiving thread; the other texts joined; each text's length in UTF-16
 * units; the rest of each ScannedFile. A text crosses as bytes for what a
 * string costs: a string of a part's 300 KB is made by the decoder and made
 * again by the receiving thread (~115 ms each for 30 MB of texts), bytes are
 * copied only.
 */
export interface PackedFiles {
  /** JSON. */
  paths?: string;
  texts: string;
  bytes: Uint8Array;
  /** 1 for a file whose text is in `bytes`. */
  fromBytes: Uint8Array;
  lengths: Uint32Array;
  sizes: Float64Array;
  mtimes: Float64Array;
  /** [index, invalidUtf8 offset or -1, truncated] of the files that have either. */
  odd: [number, number, boolean][];
}

export function packFiles(files: Map<string, ScannedFile>, members: readonly Member[]): PackedFiles {
  const n = files.size;
  const paths: string[] = [];
  const texts: string[] = [];
  const raw: Uint8Array[] = [];
  let rawBytes = 0;
  const fromBytes = new Uint8Array(n);
  const lengths = new Uint32Array(n);
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(n);
  const odd: PackedFiles['odd'] = [];
  let i = 0;
  for (const [p, f] of files) {
    paths.push(p);
    const b = f instanceof BytesFile ? f.bytes : undefined;
    if (b) {
      raw.push(b);
      rawBytes += b.length;
      fromBytes[i] = 1;
      lengths[i] = utf16Length(b);
    } else {
      texts.push(f.text);
      lengths[i] = f.text.length;
    }
    sizes[i] = f.size;
    mtimes[i] = f.mtimeMs;
    if (f.invalidUtf8 !== undefined || f.truncated) odd.push([i, f.invalidUtf8 ?? -1, !!f.truncated]);
    i++;
  }
  const bytes = new Uint8Array(rawBytes); // not Buffer.allocUnsafe: a pooled slab would travel whole
  for (let k = 0, at = 0; k < raw.length; k++) {
    bytes.set(raw[k], at);
    at += raw[k].length;
  }
  return { paths: sameOrder(paths, members) ? undefined : JSON.stringify(paths), texts: texts.join(''), bytes, fromBytes, lengths, sizes, mtimes, odd };
}

/** Whether `paths` are those of the members of kind 'file', in order. */
function sameOrder(paths: readonly string[], members: readonly Member[]): boolean {
  let i = 0;
  for (const m of members) if (m.kind === 'file' && m.path !== paths[i++]) return false;
  return i === paths.length;
}

/** What to transfer with a post of `p` (its bytes then belong to the receiver). */
export const transferOf = (p: { files: PackedFiles }): ArrayBuffer[] => (p.files.bytes.byteLength ? [p.files.bytes.buffer as ArrayBuffer] : []);

/** The length in UTF-16 code units of valid UTF-8 `b`: a unit per character, two for one above U+FFFF. */
function utf16Length(b: Uint8Array): number {
  if (isAscii(b)) return b.length;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** Add packed files to `into`, in their order; `members`: the part's. */
export function unpackFiles(pk: PackedFiles, members: readonly Member[], into: Map<string, ScannedFile>): void {
  const n = pk.lengths.length;
  if (!n) return;
  const paths = pk.paths !== undefined ? (JSON.parse(pk.paths) as string[]) : members.filter((m) => m.kind === 'file').map((m) => m.path);
  if (paths.length !== n) throw new Error(`a part of ${n} files with ${paths.length} paths`);
  // valid UTF-8 decodes whole as it does file by file
  const decoded = pk.bytes.length ? decodeUtf8(pk.bytes) : '';
  const files: ScannedFile[] = [];
  for (let i = 0, at = 0, atBytes = 0; i < n; i++) {
    const len = pk.lengths[i];
    let text: string;
    if (pk.fromBytes[i]) {
      text = decoded.slice(atBytes, atBytes + len);
      atBytes += len;
    } else {
      text = pk.texts.slice(at, at + len);
      at += len;
    }
    files.push({ text, mtimeMs: pk.mtimes[i], size: pk.sizes[i], truncated: false });
  }
  for (const [i, inv, tr] of pk.odd) {
    if (inv >= 0) files[i].invalidUtf8 = inv;
    files[i].truncated = tr;
  }
  for (let i = 0; i < n; i++) into.set(paths[i], files[i]);
}

/**
 * A part's members as posted: packed, or only their count when they are the
 * members the names walk posted first, from the part's place on (the read
 * lists the folders the names walk listed: what it finds is what that found,
 * unless the tree changed meanwhile or a file is a hard link). The receiving
 * thread then takes the names' own members: at 100,000 events, ~100 ms of its
 * time and a second copy of every path.
 */
export type PartMembers = PackedMembers | { same: number };

/** The names a reading thread posted first, and how many of them its parts have covered so far. */
export interface NamesSent {
  members: readonly Member[];
  at: number;
}

function packPartMembers(members: readonly Member[], names: NamesSent | undefined): PartMembers {
  if (!names) return packMembers(members);
  const at = names.at;
  names.at += members.length;
  const same = at + members.length <= names.members.length && members.every((m, i) => sameMember(m, names.members[at + i]));
  return same ? { same: members.length } : packMembers(members);
}

export interface PackedPart {
  members: PartMembers;
  files: PackedFiles;
}

export const packPart = (p: ScanPart, names?: NamesSent): PackedPart => ({ members: packPartMembers(p.members, names), files: packFiles(p.files, p.members) });

/**
 * `names`, `at`: the names' members and where this part begins among them (for a part posted as a count);
 * `into`: the files of the parts before it, to add this part's to.
 */
export function unpackPart(p: PackedPart, names?: readonly Member[], at = 0, into = new Map<string, ScannedFile>()): ScanPart {
  const m = p.members;
  let members: Member[];
  if ('same' in m) {
    if (!names || at + m.same > names.length) throw new Error('a part posted as the names, without those names');
    members = names.slice(at, at + m.same);
  } else members = unpackMembers(m);
  unpackFiles(p.files, members, into);
  return { members, files: into };
}

export type PackedScan = Omit<ScanResult, 'members' | 'files'> & PackedPart;

/** A scan's end: its last part, and the rest of the result as it is. */
export const packScan = (r: ScanResult, names?: NamesSent): PackedScan => ({ ...r, ...packPart(r, names) });

export const unpackScan = (r: PackedScan, names?: readonly Member[], at = 0, into?: Map<string, ScannedFile>): ScanResult => ({ ...r, ...unpackPart(r, names, at, into) });

const READ_KINDS: RawRead['k'][] = ['file', 'other', 'vanished', 'failed'];
const READ_CODE = new Map(READ_KINDS.map((k, i) => [k, i]));

/** Raw reads (readRaw) of the files `start`, `start + 1`, ... of a tree: their bytes joined in one buffer of its own (transferable). */
export interface PackedReads {
  start: number;
  kinds: Uint8Array;
  lengths: Uint32Array;
  sizes: Float64Array;
  mtimes: Float64Array;
  truncated: Uint8Array;
  /** A file's inode key (more than one name), or the other kinds' what / error. */
  notes: (string | undefined)[];
  bytes: Uint8Array;
}

export function packReads(start: number, reads: readonly RawRead[]): PackedReads {
  const n = reads.length;
  const kinds = new Uint8Array(n);
  const lengths = new Uint32Array(n);
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(n);
  const truncated = new Uint8Array(n);
  const notes = new Array<string | undefined>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = reads[i];
    kinds[i] = READ_CODE.get(r.k)!;
    if (r.k === 'file') {
      lengths[i] = r.bytes.length;
      total += r.bytes.length;
      sizes[i] = r.size;
      mtimes[i] = r.mtimeMs;
      truncated[i] = r.truncated ? 1 : 0;
      notes[i] = r.inode;
    } else notes[i] = r.k === 'other' ? r.what : r.error;
  }
  const bytes = new Uint8Array(total); // not Buffer.allocUnsafe: a pooled slab would travel whole
  for (let i = 0, at = 0; i < n; i++) {
    const r = reads[i];
    if (r.k === 'file') {
      bytes.set(r.bytes, at);
      at += r.bytes.length;
    }
  }
  return { start, kinds, lengths, sizes, mtimes, truncated, notes, bytes };
}

/** Each read of a pack with its file index, in order (a file's bytes are a view of the pack's buffer). */
export function forEachRead(pk: PackedReads, f: (index: number, r: RawRead) => void): void {
  for (let i = 0, at = 0; i < pk.kinds.length; i++) {
    const k = READ_KINDS[pk.kinds[i]];
    const note = pk.notes[i];
    if (k === 'file') {
      const len = pk.lengths[i];
      f(pk.start + i, { k, bytes: pk.bytes.subarray(at, at + len), size: pk.sizes[i], mtimeMs: pk.mtimes[i], truncated: pk.truncated[i] === 1, inode: note });
      at += len;
    } else f(pk.start + i, k === 'other' ? { k, what: note! } : { k, error: note! });
  }
}
