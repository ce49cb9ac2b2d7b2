// Reading an events folder from disk the way hcron's reload packs it
// (Python tarfile.add): names sorted per folder, depth first; symlinks are
// stored, never followed; the second name of a hard-linked file becomes a
// hard-link member; FIFOs and devices are members; sockets are skipped; the
// first file that cannot be read ends the archive.
//
// This is the engine's only file-system code; it reads, never writes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareCodePoints } from './py';
import type { Member, TreeInput } from './tree';

export interface ScanLimits {
  /** Files and folders read at most; the rest is reported, not read. */
  maxMembers: number;
  /** Bytes read of one file at most. */
  maxFileBytes: number;
}

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

export interface ScanResult extends TreeInput {
  /** Absolute path of the events folder that was read. */
  root: string;
  files: Map<string, ScannedFile>;
  /** Things the scan could not do (vanished files, limits), as messages naming the path. */
  problems: { path: string; message: string }[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
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
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
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

/** Read the events folder `root` (its own name need not be "events"; hcron's must be). */
export function scanEventsDir(root: string, limits: ScanLimits = DEFAULT_LIMITS): ScanResult {
  const absRoot = path.resolve(root);
  const members: Member[] = [];
  const files = new Map<string, ScannedFile>();
  const problems: ScanResult['problems'] = [];
  const inodes = new Map<string, string>();
  let stoppedAt: ScanResult['stoppedAt'];

  class Stop extends Error {}

  const add = (fsPath: string, arc: string): void => {
    if (members.length >= limits.maxMembers) {
      problems.push({ path: arc, message: `more than ${limits.maxMembers} files and folders: the rest was not read` });
      throw new Stop();
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(fsPath);
    } catch (e) {
      // Vanished between listing and reading: a race, not the user's tree.
      problems.push({ path: arc, message: `vanished while the tree was read (${errText(e)})` });
      return;
    }
    if (st.isSymbolicLink()) {
      let link: string;
      try {
        link = fs.readlinkSync(fsPath);
      } catch (e) {
        problems.push({ path: arc, message: `vanished while the tree was read (${errText(e)})` });
        return;
      }
      members.push({ path: arc, kind: 'symlink', link });
    } else if (st.isDirectory()) {
      members.push({ path: arc, kind: 'dir' });
      let names: string[];
      try {
        names = fs.readdirSync(fsPath);
      } catch (e) {
        stoppedAt = { path: arc, message: `cannot list folder (${errText(e)}): hcron's reload stops here, everything after it in walk order is missing` };
        throw new Stop();
      }
      names.sort(compareCodePoints);
      for (const n of names) add(path.join(fsPath, n), arc + '/' + n);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? inodes.get(key) : undefined;
      if (first !== undefined && first !== arc) {
        members.push({ path: arc, kind: 'hardlink', hardlinkOf: first });
        return;
      }
      if (st.nlink > 1) inodes.set(key, arc);
      let bytes: Buffer;
      let truncated = false;
      try {
        if (st.size > limits.maxFileBytes) {
          const fd = fs.openSync(fsPath, 'r');
          try {
            bytes = Buffer.alloc(limits.maxFileBytes);
            const got = fs.readSync(fd, bytes, 0, limits.maxFileBytes, 0);
            bytes = bytes.subarray(0, got);
          } finally {
            fs.closeSync(fd);
          }
          truncated = true;
          problems.push({ path: arc, message: `larger than ${limits.maxFileBytes} bytes: only the start was read` });
        } else bytes = fs.readFileSync(fsPath);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          problems.push({ path: arc, message: `vanished while the tree was read (${errText(e)})` });
          return;
        }
        stoppedAt = { path: arc, message: `cannot read file (${errText(e)}): hcron's reload stops here, everything after it in walk order is missing` };
        throw new Stop();
      }
      members.push({ path: arc, kind: 'file' });
      const d = decodeBytes(bytes);
      files.set(arc, { text: d.text, invalidUtf8: d.invalidUtf8, truncated, mtimeMs: st.mtimeMs, size: st.size });
    } else if (st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice()) {
      members.push({ path: arc, kind: 'other', what: st.isFIFO() ? 'a FIFO' : 'a device' });
    }
    // sockets: tarfile skips them entirely
  };

  try {
    add(absRoot, 'events');
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { root: absRoot, members, files, problems, stoppedAt };
}
