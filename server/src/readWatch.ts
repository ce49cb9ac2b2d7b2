// Time-boxed reads. A read on a hung NFS/FUSE mount blocks the thread that
// makes it, and no JavaScript on that thread runs again until it returns. So
// the thread that reads only marks each operation in shared memory (a
// "beacon"), and another thread watches: when one operation has been busy for
// longer than the limit, the watcher reports its path.
//
// Node cannot end a process while one of its threads is stuck in a system call
// (process.exit joins every thread), so the CLI's watchdog kills its own
// process (bin/hcron-check turns that into exit 1), and the server reads in a
// worker it can abandon.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReadProbe } from './engine/scan';

/** Default time one file-system operation may take before it counts as hung. */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;

const PATH_BYTES = 4096;
const encoder = new TextEncoder();

/** Bytes of one slot: [sequence, busy, path length] and the path. */
const SLOT_BYTES = 12 + PATH_BYTES;

/**
 * Where a reading thread says what it is doing; readable from any thread. One
 * shared buffer can hold a slot per reading thread (hcron-check status reads
 * on two), and the watchdog watches every slot.
 */
export class ReadBeacon implements ReadProbe {
  readonly shared: SharedArrayBuffer;
  private readonly head: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(shared?: SharedArrayBuffer, slot = 0, slots = 1) {
    this.shared = shared ?? new SharedArrayBuffer(slots * SLOT_BYTES);
    this.head = new Int32Array(this.shared, slot * SLOT_BYTES, 3);
    this.bytes = new Uint8Array(this.shared, slot * SLOT_BYTES + 12, PATH_BYTES);
  }

  /** One beacon per slot of a shared buffer. */
  static slotsOf(shared: SharedArrayBuffer): ReadBeacon[] {
    return Array.from({ length: Math.floor(shared.byteLength / SLOT_BYTES) }, (_, k) => new ReadBeacon(shared, k));
  }

  begin(p: string | Uint8Array): void {
    const n = typeof p === 'string' ? encoder.encodeInto(p.length > PATH_BYTES ? p.slice(-PATH_BYTES / 4) : p, this.bytes).written : copyTail(p, this.bytes);
    Atomics.store(this.head, 2, n);
    Atomics.add(this.head, 0, 1);
    Atomics.store(this.head, 1, 1);
  }

  end(): void {
    Atomics.store(this.head, 1, 0);
  }

  /** The operation under way: its sequence number and path bytes, or undefined when idle. */
  current(): { seq: number; path: Uint8Array } | undefined {
    if (Atomics.load(this.head, 1) === 0) return undefined;
    const n = Atomics.load(this.head, 2);
    return { seq: Atomics.load(this.head, 0), path: this.bytes.slice(0, n) };
  }
}

function copyTail(p: Uint8Array, into: Uint8Array): number {
  const s = p.length > into.length ? p.subarray(p.length - into.length) : p;
  into.set(s);
  return s.length;
}

/**
 * Calls onStall(path bytes, ms) once when one operation stays busy for
 * timeoutMs. Polls from this thread; `keepAlive`: the polling alone keeps the
 * thread running (the watchdog thread has nothing else).
 */
export function watchBeacon(beacon: ReadBeacon, timeoutMs: number, onStall: (path: Uint8Array, ms: number) => void, keepAlive = false): { stop(): void } {
  let seq = -1;
  let since = 0;
  let fired = false;
  const timer = setInterval(
    () => {
      const cur = beacon.current();
      const now = Date.now();
      if (!cur || cur.seq !== seq) {
        seq = cur ? cur.seq : -1;
        since = now;
        return;
      }
      if (!fired && now - since >= timeoutMs) {
        fired = true;
        onStall(cur.path, now - since);
      }
    },
    Math.max(20, Math.min(250, timeoutMs / 4)),
  );
  if (!keepAlive) timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * A watcher thread for a process whose main thread reads synchronously (the
 * CLI; dist/watchdog.js, server/src/watchdogWorker.ts). On a stall it writes
 * the one line (after `prefix`) to stderr, a mark to `fd` (bin/hcron-check's
 * pipe: it then exits 1) and ends the process: nothing else can end it while a
 * thread is stuck in a read.
 */
export function startWatchdog(beacon: ReadBeacon, timeoutMs: number, fd: number | null, prefix: string, script = path.join(__dirname, 'watchdog.js')): Worker {
  const w = new Worker(script, { workerData: { shared: beacon.shared, timeoutMs, fd, prefix } });
  w.unref();
  return w;
}

/** The one line said when a read did not answer in time. */
const STALL_TEMPLATE = '%PATH%: the file system has not answered for %SEC% s (a slow or vanished mount?); stopped without a verdict';

export function stallMessage(path: string, ms: number): string {
  return STALL_TEMPLATE.replace('%PATH%', path).replace('%SEC%', seconds(ms));
}

/** The line as bytes: a path that is not UTF-8 is written as it is on disk. */
export function stallLine(prefix: string, path: Uint8Array, ms: number): Buffer {
  const [before, after] = STALL_TEMPLATE.split('%PATH%');
  return Buffer.concat([Buffer.from(prefix + before), path, Buffer.from(after.replace('%SEC%', seconds(ms)) + '\n')]);
}

/** "0.4", "9.9", "12": tenths below ten seconds. */
export function seconds(ms: number): string {
  return ms < 9950 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}
