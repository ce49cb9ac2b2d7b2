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

function header(name: string, size: number, type: string, link = ''): Buffer {
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100) return slowHeader(name, size, type, link);
  const h = Buffer.allocUnsafe(512);
  TEMPLATE.copy(h);
  h.write(name.length > 100 ? name.slice(0, 100) : name, 0, 100, 'utf8');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write(type, 156, 'latin1');
  if (link) h.write(link.length > 100 ? link.slice(0, 100) : link, 157, 100, 'utf8');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

const ZEROS = Buffer.alloc(10240);

/**
 * Large archives are sampled: one segment in STRIDE is deflated (with the previous segment's tail
 * as its dictionary) and counts STRIDE times. Only when that estimate falls near the limit is the
 * whole archive compressed, so the answer over/under is the exact one where it matters.
 */
const STRIDE = 4;
const SAMPLE_FROM = 8 * SEGMENT;

export function estimateSnapshot(members: readonly Member[], bytesOf: (path: string) => Buffer | undefined, config: HcronConfig): SnapshotEstimate {
  const limit = numberSetting(config, 'max_hcron_tree_snapshot_size', 262144);
  let rough = 0;
  for (const m of members) rough += 1536 + (m.kind === 'file' ? (bytesOf(m.path)?.length ?? 0) : 0);
  if (rough >= SAMPLE_FROM) {
    const sampled = archiveSize(members, bytesOf, limit, STRIDE);
    if (sampled.bytes > limit * 1.1 || sampled.bytes < limit * 0.9) return { ...sampled, sampled: true };
  }
  return archiveSize(members, bytesOf, limit, 1);
}

function archiveSize(members: readonly Member[], bytesOf: (path: string) => Buffer | undefined, limit: number, stride: number): SnapshotEstimate {
  let parts: Buffer[] = [];
  let pending = 0; // bytes in parts
  let total = 0; // bytes of the archive so far
  let out = 0; // compressed bytes of the segments done
  let dict: Buffer | undefined; // the last 32 KB of the archive compressed so far
  let stopped = false;
  let segIndex = 0;
  const compress = () => {
    const seg = parts.length === 1 ? parts[0] : Buffer.concat(parts, pending);
    parts = [];
    pending = 0;
    if (segIndex++ % stride === 0) out += stride * deflateRawSync(seg, dict ? { level: 9, dictionary: dict } : { level: 9 }).length;
    dict = seg.length >= WINDOW ? Buffer.from(seg.subarray(seg.length - WINDOW)) : Buffer.concat([dict ?? Buffer.alloc(0), seg]).subarray(-WINDOW);
    if (out + 18 > (stride > 1 ? limit * 1.1 : limit)) stopped = true;
  };
  const push = (b: Buffer) => {
    parts.push(b);
    pending += b.length;
    total += b.length;
    if (pending >= SEGMENT) compress();
  };
  const pad = (n: number) => {
    if (n) push(n <= ZEROS.length ? ZEROS.subarray(0, n) : Buffer.alloc(n));
  };
  let seed = 0x2545f491;
  for (const m of members) {
    if (stopped) break;
    const name = m.kind === 'dir' ? m.path + '/' : m.path;
    // Python 3's tarfile writes a pax header for every member: its float mtime does not fit ustar.
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const frac = String(seed % 10_000_000).padStart(7, '0');
    const recs = [`mtime=1795567738.${frac}`];
    if (Buffer.byteLength(name) > 100) recs.push(`path=${name}`);
    if (Buffer.byteLength(m.link ?? '') > 100) recs.push(`linkpath=${m.link}`);
    {
      const rec = recs.map((r) => {
        const len = Buffer.byteLength(r) + 2;
        const n = len + String(len + String(len).length).length;
        return `${n} ${r}\n`;
      }).join('');
      const body = Buffer.from(rec);
      push(header('././@PaxHeader', body.length, 'x'));
      push(body);
      pad((512 - (body.length % 512)) % 512);
    }
    const data = m.kind === 'file' ? bytesOf(m.path) : undefined;
    const size = data?.length ?? 0;
    const type = { file: '0', dir: '5', symlink: '2', hardlink: '1', other: '6' }[m.kind];
    push(header(name, size, type, m.link ?? m.hardlinkOf ?? ''));
    if (data && size) {
      push(data);
      pad((512 - (size % 512)) % 512);
    }
  }
  if (stopped) return { bytes: out + 18, limit, atLeast: true };
  pad(1024);
  pad((10240 - (total % 10240)) % 10240);
  if (dict === undefined) {
    // one segment: exactly what gzip answers
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, pending);
    return { bytes: gzipSync(all, { level: 9 }).length, limit };
  }
  if (pending) compress();
  return { bytes: out + 18, limit };
}

/** The estimate for a tree read from disk. */
export function snapshotOfScan(scan: ScanResult, config: HcronConfig): SnapshotEstimate {
  return estimateSnapshot(scan.members, (p) => {
    const f = scan.files.get(p);
    return f ? Buffer.from(f.text, 'utf8') : undefined;
  }, config);
}
