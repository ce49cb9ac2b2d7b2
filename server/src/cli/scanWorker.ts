// hcron-check status's second reading thread (dist/scan-worker.js, started by
// parallelStatus.ts). The main thread walks the names and hands over the
// files as the walk finds them; both threads take the files in runs from one
// shared counter (readRaw: a read depends on nothing read before it), and
// this one posts what it read, bytes joined and transferred. Its reads are
// time-boxed through the CLI's beacon, in a slot of their own.

import { parentPort, workerData } from 'node:worker_threads';
import { probed, RawRead, readRaw } from '../engine/scan';
import { packReads } from '../engine/scanPack';
import { ReadBeacon } from '../readWatch';
import { ReadJob, ScanMessage, ToReader, READ_RUN } from './parallelStatus';

const job = workerData as ReadJob;
const port = parentPort!;
const post = (m: ScanMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const probe = job.beacon ? new ReadBeacon(job.beacon, 1) : undefined;

/** [next file to read]. */
let shared: Int32Array | undefined;
/** The files to read as they arrive; how many there are, once the walk is done. */
const paths: (string | Buffer)[] = [];
let total = -1;
/** A run taken from the counter that ends past the paths in so far. */
let waiting: number | undefined;

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
  post({ t: 'reads', reads: pk }, [pk.bytes.buffer as ArrayBuffer]);
  return true;
}

/** Runs, with the messages that came meanwhile (more paths) between them. */
let looping = false;
function loop(): void {
  looping = false;
  try {
    if (!readRun()) return;
    looping = true;
    setImmediate(loop);
  } catch (e) {
    post({ t: 'error', message: (e as Error)?.message ?? String(e) });
  }
}

port.on('message', (m: ToReader) => {
  try {
    if (m.t === 'start') shared = new Int32Array(m.shared);
    else {
      // bytes (a name that is not UTF-8) arrive as a Uint8Array
      if (typeof m.fsPaths === 'string') {
        if (m.fsPaths) for (const p of m.fsPaths.split('\0')) paths.push(p);
      } else for (const p of m.fsPaths) paths.push(typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
      if (m.total !== undefined) total = m.total;
    }
    if (!looping) loop();
  } catch (e) {
    post({ t: 'error', message: (e as Error)?.message ?? String(e) });
  }
});
