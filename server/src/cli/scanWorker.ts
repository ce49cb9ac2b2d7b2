// hcron-check status's second reading thread (dist/scan-worker.js, started by
// parallelStatus.ts). The main thread walks the names and hands over the
// files as the walk finds them; both threads take the files in runs from one
// shared counter (readRaw: a read depends on nothing read before it), and
// this one posts what it read, bytes joined. Meanwhile it makes the snapshot
// estimate (engine/snapshot.ts estimateSteps) from the files as they come in,
// its own and those the main thread posts until the estimate is made: a tree
// far over the limit is decided by its first files. Its reads are time-boxed
// through the CLI's beacon, in a slot of their own.

import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBytes, probed, RawRead, readRaw } from '../engine/scan';
import { forEachRead, PackedReads, packReads, unpackMembers } from '../engine/scanPack';
import { Contents, estimateSteps, SnapshotEstimate } from '../engine/snapshot';
import { ReadBeacon } from '../readWatch';
import { ReadJob, ScanMessage, ToReader, READ_RUN, ESTIMATE_MADE } from './parallelStatus';

const job = workerData as ReadJob;
const port = parentPort!;
const post = (m: ScanMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const probe = job.beacon ? new ReadBeacon(job.beacon, 1) : undefined;

/** [next file to read, ESTIMATE_MADE once the estimate no longer needs the main thread's reads]. */
let shared: Int32Array | undefined;
/** The files to read as they arrive; how many there are, once the walk is done. */
const paths: (string | Buffer)[] = [];
let total = -1;
/** A run taken from the counter that ends past the paths in so far. */
let waiting: number | undefined;

/** Each file's bytes by its index in walk order, as the serial scan's text would re-encode them (a file that is not UTF-8: its lossy decoding). */
const bytes: (Uint8Array | undefined)[] = [];
let estimate: Generator<void, SnapshotEstimate> | undefined;
let estimated = false;

function take(pk: PackedReads): void {
  if (estimated) return;
  forEachRead(pk, (i, r) => {
    if (r.k === 'file') bytes[i] = isUtf8(r.bytes) ? r.bytes : Buffer.from(decodeBytes(r.bytes).text);
    else bytes[i] = new Uint8Array(0); // the tree as read is not the names': the main thread reads it again, the estimate is not used
  });
}

/** The estimate as far as the files in allow. */
function estimateOn(): void {
  if (!estimate || estimated) return;
  const r = estimate.next();
  if (!r.done) return;
  estimated = true;
  bytes.length = 0; // the estimate no longer needs them: from now on reads are posted (transferred), not kept
  if (shared) Atomics.store(shared, 1, ESTIMATE_MADE);
  post({ t: 'snapshot', estimate: r.value });
}

/** One run of reads, when its paths are in (a run that ends past them waits for the next paths). */
function readRun(): boolean {
  if (!shared) return false;
  const from = waiting ?? Atomics.add(shared, 0, READ_RUN);
  waiting = undefined;
  if (total >= 0 && from >= total) return false;
  const end = total >= 0 ? Math.min(total, from + READ_RUN) : from + READ_RUN;
  if (paths.length < end) {
    waiting = from;
    return false;
  }
  const reads: RawRead[] = [];
  for (let i = from; i < end; i++) reads.push(probed(probe, paths[i], () => readRaw(paths[i], job.maxFileBytes)));
  const pk = packReads(from, reads);
  if (estimated) post({ t: 'reads', reads: pk }, [pk.bytes.buffer as ArrayBuffer]);
  else {
    post({ t: 'reads', reads: pk }); // copied: this thread keeps the bytes for the estimate
    take(pk);
  }
  return true;
}

/** Runs, with the messages that came meanwhile (the main thread's reads, more paths) between them. */
let looping = false;
function loop(): void {
  looping = false;
  try {
    if (!readRun()) return estimateOn();
    estimateOn();
    looping = true;
    setImmediate(loop);
  } catch (e) {
    post({ t: 'error', message: (e as Error)?.message ?? String(e) });
  }
}

port.on('message', (m: ToReader) => {
  try {
    if (m.t === 'reads') take(m.reads);
    else if (m.t === 'start') shared = new Int32Array(m.shared);
    else if (m.t === 'members') {
      const members = unpackMembers(m.members);
      // each file's index in walk order, mapped only as far as the estimate asks (a tree far
      // over the limit is decided by its first files: 100,000 paths hashed were ~60 ms)
      const fileIndex = new Map<string, number>();
      let mapped = 0;
      const indexOf = (p: string): number => {
        let i = fileIndex.get(p);
        while (i === undefined && mapped < members.length) {
          const mm = members[mapped++];
          if (mm.kind !== 'file') continue;
          fileIndex.set(mm.path, fileIndex.size);
          if (mm.path === p) i = fileIndex.size - 1;
        }
        return i ?? -1;
      };
      const at = (p: string) => bytes[indexOf(p)];
      const contents: Contents = { ready: (p) => at(p) !== undefined, size: (p) => at(p)?.length, write: (p, buf, off) => void buf.set(at(p)!, off) };
      estimate = estimateSteps(members, job.config, contents);
    } else {
      // bytes (a name that is not UTF-8) arrive as a Uint8Array
      if (typeof m.fsPaths === 'string') {
        if (m.fsPaths) for (const p of m.fsPaths.split('\0')) paths.push(p);
      } else for (const p of m.fsPaths) paths.push(typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
      if (m.total !== undefined) total = m.total;
    }
    if (!looping) loop();
    else estimateOn();
  } catch (e) {
    post({ t: 'error', message: (e as Error)?.message ?? String(e) });
  }
});
