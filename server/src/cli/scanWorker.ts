// hcron-check status's reading thread (dist/scan-worker.js, started by
// parallelStatus.ts): walks the tree's names first and posts them, then reads
// the tree (engine/scan.ts, unchanged) and posts the file texts in parts while
// the main thread builds the tree from the names and judges; then the snapshot
// estimate (engine/snapshot.ts) of what it read. Its reads are
// time-boxed through the CLI's beacon, as the main thread's are.

import { parentPort, workerData } from 'node:worker_threads';
import { ScanLimits, ScannedFile, scanEventsDir } from '../engine/scan';
import { snapshotOfScan } from '../engine/snapshot';
import { Member, sameMember } from '../engine/tree';
import { ReadBeacon } from '../readWatch';
import { packFiles, packMembers } from '../engine/scanPack';
import { ScanJob, ScanMessage } from './parallelStatus';

const job = workerData as ScanJob;
const port = parentPort!;
const post = (m: ScanMessage) => port.postMessage(m);
// Stay alive until the main thread ends this thread: its 'exit' then never overtakes the last message.
port.on('message', () => {});

/** Same member as the names walk listed (which has no hard links or FIFOs): then the tree built from the names is the tree read. */
const same = (a: Member, b: Member | undefined) => b !== undefined && sameMember(a, b);

try {
  // One listing of each folder for both walks.
  const base: ScanLimits = { maxMembers: job.maxMembers, maxFileBytes: job.maxFileBytes, probe: job.beacon ? new ReadBeacon(job.beacon) : undefined, listings: new Map() };
  const names = scanEventsDir(job.dir, { ...base, namesOnly: true }).members;
  post({ t: 'names', members: packMembers(names) });
  const read: Member[] = [];
  const files = new Map<string, ScannedFile>();
  let agree = true;
  const check = (ms: Member[]) => {
    for (const m of ms) {
      if (agree && !same(m, names[read.length])) agree = false;
      read.push(m);
    }
  };
  const r = scanEventsDir(job.dir, {
    ...base,
    partSize: job.partSize,
    onPart: (part) => {
      check(part.members);
      post({ t: 'part', files: packFiles(part.files) });
      for (const [k, v] of part.files) files.set(k, v);
    },
  });
  check(r.members);
  agree &&= read.length === names.length;
  post({ t: 'end', root: r.root, files: packFiles(r.files), problems: r.problems, stoppedAt: r.stoppedAt, members: agree ? undefined : packMembers(read) });
  // The snapshot estimate while the main thread judges the last events: this thread's core is free now.
  for (const [k, v] of r.files) files.set(k, v);
  post({ t: 'snapshot', estimate: snapshotOfScan({ ...r, members: read, files }, job.config) });
} catch (e) {
  post({ t: 'error', message: (e as Error)?.message ?? String(e) });
}
