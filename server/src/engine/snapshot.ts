// hcron reload packs events/ as a gzip'd tar and refuses it when larger than
// max_hcron_tree_snapshot_size ("snapshot file too big"): the scheduler then
// keeps the previous snapshot and none of the edits take effect. We rebuild
// the same archive layout (512-byte headers, padded contents, pax headers for
// long names, 10240-byte records) and gzip it at level 9 as Python does; the
// headers' metadata differ from the real ones, so this is an estimate.

import { gzipSync } from 'node:zlib';
import { numberSetting, HcronConfig } from './config';
import type { ScanResult } from './scan';
import type { Member } from './tree';

export interface SnapshotEstimate {
  bytes: number;
  limit: number;
}

function header(name: string, size: number, type: string, link = ''): Buffer {
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

export function estimateSnapshot(members: readonly Member[], bytesOf: (path: string) => Buffer | undefined, config: HcronConfig): SnapshotEstimate {
  const parts: Buffer[] = [];
  let total = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    total += b.length;
  };
  let seed = 0x2545f491;
  for (const m of members) {
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
      push(Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]));
    }
    const data = m.kind === 'file' ? bytesOf(m.path) ?? Buffer.alloc(0) : Buffer.alloc(0);
    const type = { file: '0', dir: '5', symlink: '2', hardlink: '1', other: '6' }[m.kind];
    push(header(name, data.length, type, m.link ?? m.hardlinkOf ?? ''));
    if (data.length) push(Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]));
  }
  push(Buffer.alloc(1024));
  push(Buffer.alloc((10240 - (total % 10240)) % 10240));
  const bytes = gzipSync(Buffer.concat(parts), { level: 9 }).length;
  return { bytes, limit: numberSetting(config, 'max_hcron_tree_snapshot_size', 262144) };
}

/** The estimate for a tree read from disk. */
export function snapshotOfScan(scan: ScanResult, config: HcronConfig): SnapshotEstimate {
  return estimateSnapshot(scan.members, (p) => {
    const f = scan.files.get(p);
    return f ? Buffer.from(f.text, 'utf8') : undefined;
  }, config);
}
