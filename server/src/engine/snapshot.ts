// hcron reload packs events/ as a gzip'd tar and refuses it when larger than
// max_hcron_tree_snapshot_size ("snapshot file too big"): the scheduler then
// keeps the previous snapshot and none of the edits take effect. We rebuild
// the same archive layout (512-byte headers, padded contents, pax headers for
// long names, 10240-byte records) and gzip it at level 9 as Python does; the
// headers' metadata differ from the real ones, so this is an estimate.
//
// The archive is built and compressed in segments of 1 MB, each deflated with
// the previous 32 KB of the archive as its dictionary (what one deflate stream
// would see in its window): the sizes agree with one gzip of the whole archive
// to a few bytes per segment. Compression stops as soon as the output is over
// the limit (the answer is then "at least"): a tree far over it costs what its
// first few megabytes cost, not the whole tree.

import { deflateRawSync, gzipSync } from 'node:zlib';
import { numberSetting, HcronConfig } from './config';
import type { ScanResult } from './scan';
import type { Member } from './tree';

export interface SnapshotEstimate {
  bytes: number;
  limit: number;
  /** True when compression stopped once over the limit: the snapshot is at least `bytes`. */
  atLeast?: boolean;
  /** True when `bytes` was extrapolated from a sample of the archive, far from the limit. */
  sampled?: boolean;
}

/** Segment size: archives up to it are compressed in one piece (exactly gzip's answer). */
const SEGMENT = 1 << 20;
const WINDOW = 32 * 1024;

/** The fields every header shares, written once. */
const TEMPLATE = (() => {
  const h = Buffer.alloc(512);
  h.write('0000644\0', 100);
  h.write('0001750\0', 108);
  h.write('0001750\0', 116);
  h.write('14706736000\0', 136);
  h.write('        ', 148);
  h.write('ustar\x0000', 257);
  h.write('root', 265);
  h.write('root', 297);
  return h;
})();

/** The header as first written (names of more than 100 bytes spill into the next fields, then overwritten). */
function slowHeader(name: string, size: number, type: string, link = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0001750\0', 108);
  h.write('0001750\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('14706736000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link.slice(0, 100), 157, 'utf8');
  h.write('ustar\x0000', 257);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** The sum of the template's bytes: a header's checksum is it plus the bytes written into the blank fields. */
const TEMPLATE_SUM = TEMPLATE.reduce((a, b) => a + b, 0);

/** Write a member's 512-byte header at buf[off]. */
function writeHeader(buf: Buffer, off: number, name: string, size: number, type: string, link: string): void {
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) {
    slowHeader(name, size, type, link).copy(buf, off);
    return;
  }
  TEMPLATE.copy(buf, off);
  let sum = TEMPLATE_SUM;
  const add = (from: number, n: number) => {
    for (let i = from; i < from + n; i++) sum += buf[i];
  };
  add(off, buf.write(name, off, 100, 'utf8'));
  add(off + 124, buf.write(size.toString(8).padStart(11, '0') + '\0', off + 124, 'latin1'));
  add(off + 156, buf.write(type, off + 156, 'latin1'));
  if (link) add(off + 157, buf.write(link, off + 157, 100, 'utf8'));
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', off + 148, 'latin1');
}

/** Where the archive's member contents come from: their size in bytes, and writing them into the archive. */
export interface Contents {
  size(path: string): number | undefined;
  write(path: string, buf: Buffer, off: number): void;
  /** False while a file's contents are still being read (estimateSteps then waits); always true when absent. */
  ready?(path: string): boolean;
}

/**
 * Large archives are sampled: one segment in STRIDE is deflated (with the previous segment's tail
 * as its dictionary) and counts STRIDE times. Only when that estimate falls near the limit is the
 * whole archive compressed, so the answer over/under is the exact one where it matters.
 */
const STRIDE = 4;
const SAMPLE_FROM = 8 * SEGMENT;

export function estimateSnapshot(
  members: readonly Member[],
  bytesOf: (path: string) => Buffer | undefined,
  config: HcronConfig,
  contents: Contents = { size: (p) => bytesOf(p)?.length, write: (p, buf, off) => void bytesOf(p)!.copy(buf, off) },
): SnapshotEstimate {
  const steps = estimateSteps(members, config, contents);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The estimate as contents come in, in walk order: each step that yields waits
 * for a file that is not `ready` yet. A tree far over the limit is decided by
 * its first files (compression stops once over it), so a reading thread can
 * make the estimate while the rest is still being read.
 */
export function* estimateSteps(members: readonly Member[], config: HcronConfig, contents: Contents): Generator<void, SnapshotEstimate> {
  const limit = numberSetting(config, 'max_hcron_tree_snapshot_size', 262144);
  // Sampled when the archive is large (its headers alone can say so, before any size is known).
  let sample = members.length * 1536 >= SAMPLE_FROM;
  if (!sample) {
    for (const m of members) while (m.kind === 'file' && contents.ready && !contents.ready(m.path)) yield;
    sample = isLarge(members, contents);
  }
  if (sample) {
    const sampled = yield* archiveSize(members, contents, limit, STRIDE);
    if (sampled.bytes > limit * 1.1 || sampled.bytes < limit * 0.9) return { ...sampled, sampled: true };
  }
  return yield* archiveSize(members, contents, limit, 1);
}

/** Whether the archive is large enough to be sampled first. */
function isLarge(members: readonly Member[], contents: Contents): boolean {
  let rough = 0;
  for (const m of members) rough += 1536 + (m.kind === 'file' ? (contents.size(m.path) ?? 0) : 0);
  return rough >= SAMPLE_FROM;
}

/** The pax header of a member whose name and link fit the ustar fields: its record is the 28-byte "28 mtime=...\n". */
const PAX_HEADER = (() => {
  const b = Buffer.alloc(512);
  writeHeader(b, 0, '././@PaxHeader', 28, 'x', '');
  return b;
})();

/** A finished segment of the archive: its bytes when it is deflated (with the previous 32 KB as dictionary), or when it is the whole archive (`only`: gzip answers). */
interface Segment {
  bytes?: Buffer;
  dict?: Buffer;
  only?: boolean;
}

/** The segments finished while one member was written (`check`: the early stop is tested after them), or by the closing pads. */
interface Step {
  segments: Segment[];
  check: boolean;
}

/**
 * The archive, written segment by segment. A segment nobody reads (not
 * deflated, and not the dictionary of the next one that is) is only counted:
 * its boundaries depend on sizes alone.
 */
function* archiveSteps(members: readonly Member[], contents: Contents, stride: number): Generator<Step | typeof WAIT> {
  let buf = Buffer.allocUnsafe(2 * SEGMENT);
  let pending = 0; // bytes of the current segment
  let total = 0; // bytes of the archive so far
  let dict: Buffer | undefined; // the last 32 KB of the archive segmented so far
  let segIndex = 0;
  let ready: Segment[] = [];
  const wanted = (k: number) => k % stride === 0 || (k + 1) % stride === 0;
  let write = wanted(0);
  const compress = () => {
    const seg = buf.subarray(0, pending);
    if (segIndex % stride === 0) {
      ready.push({ bytes: seg, dict });
      buf = Buffer.allocUnsafe(buf.length); // the segment keeps its bytes
    }
    if (write) dict = pending >= WINDOW ? Buffer.from(seg.subarray(pending - WINDOW)) : Buffer.concat([dict ?? Buffer.alloc(0), seg]).subarray(-WINDOW);
    segIndex++;
    write = wanted(segIndex);
    pending = 0;
  };
  /** Room for n more bytes at `pending`; the caller writes them only when `write`. */
  const reserve = (n: number): number => {
    if (write && pending + n > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, pending + n));
      buf.copy(bigger, 0, 0, pending);
      buf = bigger;
    }
    const at = pending;
    pending += n;
    total += n;
    return at;
  };
  const done = () => {
    if (pending >= SEGMENT) compress();
  };
  const pad = (n: number) => {
    if (!n) return;
    const at = reserve(n);
    if (write) buf.fill(0, at, at + n);
    done();
  };
  const push = (b: Buffer) => {
    const at = reserve(b.length);
    if (write) b.copy(buf, at);
    done();
  };
  let seed = 0x2545f491;
  for (const m of members) {
    while (m.kind === 'file' && contents.ready && !contents.ready(m.path)) yield WAIT;
    const name = m.kind === 'dir' ? m.path + '/' : m.path;
    const link = m.link ?? m.hardlinkOf ?? '';
    // Python 3's tarfile writes a pax header for every member: its float mtime does not fit ustar.
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const frac = String(seed % 10_000_000).padStart(7, '0');
    if (Buffer.byteLength(name) <= 100 && Buffer.byteLength(m.link ?? '') <= 100) {
      push(PAX_HEADER);
      const at = reserve(28);
      if (write) buf.write(`28 mtime=1795567738.${frac}\n`, at, 'latin1');
      done();
      pad(484);
    } else paxRecords(name, m.link, frac, push, pad);
    const size = m.kind === 'file' ? (contents.size(m.path) ?? 0) : 0;
    const type = { file: '0', dir: '5', symlink: '2', hardlink: '1', other: '6' }[m.kind];
    const at = reserve(512);
    if (write) writeHeader(buf, at, name, size, type, link);
    done();
    if (size) {
      const d = reserve(size);
      if (write) contents.write(m.path, buf, d);
      done();
      pad((512 - (size % 512)) % 512);
    }
    if (ready.length) {
      yield { segments: ready, check: true };
      ready = [];
    }
  }
  pad(1024);
  pad((10240 - (total % 10240)) % 10240);
  if (segIndex === 0) ready.push({ bytes: buf.subarray(0, pending), only: true });
  else if (pending) compress();
  yield { segments: ready, check: false };
}

const deflateOptions = (s: Segment) => (s.dict ? { level: 9, dictionary: s.dict } : { level: 9 });
/** 18: gzip's header and trailer around the deflate streams. */
const over = (out: number, limit: number, stride: number) => out + 18 > (stride > 1 ? limit * 1.1 : limit);

/** Yielded by archiveSteps while a file's contents are not ready. */
const WAIT = Symbol('wait');

function* archiveSize(members: readonly Member[], contents: Contents, limit: number, stride: number): Generator<void, SnapshotEstimate> {
  let out = 0;
  for (const step of archiveSteps(members, contents, stride)) {
    if (step === WAIT) {
      yield;
      continue;
    }
    for (const s of step.segments) {
      if (s.only) return { bytes: gzipSync(s.bytes!, { level: 9 }).length, limit };
      if (s.bytes) out += stride * deflateRawSync(s.bytes, deflateOptions(s)).length;
    }
    if (step.check && over(out, limit, stride)) return { bytes: out + 18, limit, atLeast: true };
  }
  return { bytes: out + 18, limit };
}

/** The pax header and records of a member with a long name or link, as pushes and pads. */
function paxRecords(name: string, link: string | undefined, frac: string, push: (b: Buffer) => void, pad: (n: number) => void): void {
  const recs = [`mtime=1795567738.${frac}`];
  if (Buffer.byteLength(name) > 100) recs.push(`path=${name}`);
  if (Buffer.byteLength(link ?? '') > 100) recs.push(`linkpath=${link}`);
  const rec = recs.map((r) => {
    const len = Buffer.byteLength(r) + 2;
    const n = len + String(len + String(len).length).length;
    return `${n} ${r}\n`;
  }).join('');
  const body = Buffer.from(rec);
  const head = Buffer.alloc(512);
  writeHeader(head, 0, '././@PaxHeader', body.length, 'x', '');
  push(head);
  push(body);
  pad((512 - (body.length % 512)) % 512);
}

/** Sizes and bytes straight from the scanned texts: no Buffer per file. */
function scanContents(scan: ScanResult): Contents {
  const text = (p: string) => scan.files.get(p)?.text;
  return {
    size: (p) => {
      const t = text(p);
      return t === undefined ? undefined : Buffer.byteLength(t);
    },
    write: (p, buf, off) => void buf.write(text(p)!, off, 'utf8'),
  };
}

/** The estimate for a tree read from disk. */
export function snapshotOfScan(scan: ScanResult, config: HcronConfig): SnapshotEstimate {
  return estimateSnapshot(scan.members, () => undefined, config, scanContents(scan));
}
