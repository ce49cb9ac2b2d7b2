// Reads for the server, off its thread and time-boxed. A read that hangs (a
// hung NFS mount) only blocks the reading worker: after `timeoutMs` without an
// answer the read is given up (ReadStalled), that worker is abandoned and the
// next read gets a fresh one. Without the worker bundle (unit tests of the
// model), reads run in this thread, untimed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS, fsDecode, ScanLimits, ScanPart, ScanResult, scanEventsDir } from './engine/scan';
import { ReadBeacon, stallMessage, watchBeacon } from './readWatch';
import type { Member } from './engine/tree';
import { PackedMembers, PackedPart, PackedScan, unpackMembers, unpackPart, unpackScan } from './engine/scanPack';

export type ReaderJob = { id: number; op: 'scan'; path: string; limits: { maxMembers: number; maxFileBytes: number }; names?: boolean } | { id: number; op: 'lstat'; path: string };
/** A reply; a scan's reply comes after its `names` (when asked) and its `part`s (what it read so far, in walk order), which hold no `scan`. Members and files come packed (scanPack.ts). */
export type ReaderReply = { id: number; names?: PackedNames; part?: PackedPart; scan?: PackedScan; stat?: { file: boolean; nlink: number }; error?: string };
export type PackedNames = { members: PackedMembers; stoppedAt?: ScanResult['stoppedAt'] };

/** The members of a tree from its folder listings alone (scan.ts namesOnly). */
export interface ScanNames {
  members: Member[];
  stoppedAt?: ScanResult['stoppedAt'];
}

/** What a scan under way has given so far: its names, then the texts read in walk order. */
export interface ScanSoFar {
  names?: ScanNames;
  parts?: ScanPart;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A read given up on: `path` has not answered for `ms`. */
export class ReadStalled extends Error {
  constructor(
    readonly path: string,
    readonly ms: number,
  ) {
    super(stallMessage(path, ms));
  }
}

export interface TreeReader {
  /** `watch`: told each time the read gives more (names, a part); readers in this thread never tell. */
  scan(fsPath: string, limits?: ScanLimits, watch?: (soFar: ScanSoFar) => void): Promise<ScanResult>;
  /** lstat: undefined when the path does not exist. */
  lstat(fsPath: string): Promise<{ file: boolean; nlink: number } | undefined>;
  /** Reading threads still stuck in a read (they cannot be stopped; the process must be killed to end). */
  readonly stuck: number;
  /** How long one read may take (ms). */
  timeoutMs: number;
  /** Start the reading thread now, so its start-up overlaps the client's handshake. */
  warm(): void;
  /**
   * Start reading a tree now (during the handshake): the first scan of the same path with the same
   * limits in the next PREFETCH_MS takes this read's result instead of reading again.
   */
  prefetch(fsPath: string, limits?: ScanLimits): void;
  dispose(): void;
}

/** Reads in this thread (tests, and when the worker bundle is missing). */
export const inThreadReader: TreeReader = {
  scan: async (p, limits = DEFAULT_LIMITS) => scanEventsDir(p, limits),
  lstat: async (p) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    return st && { file: st.isFile(), nlink: st.nlink };
  },
  stuck: 0,
  timeoutMs: 0,
  warm() {},
  prefetch() {}, // a read in this thread would hold up the handshake
  dispose() {},
};

/** At most this many threads are left stuck; then reads fail at once until one comes back. */
const MAX_STUCK = 4;
/** An idle reading thread is ended after this long: what it read is garbage in its heap until then. */
const IDLE_MS = 2000;
/** A thread that has read a tree of this many members is ended at once. */
const BIG_READ = 20_000;
/** A prefetched read not asked for within this long is dropped. */
export const PREFETCH_MS = 10_000;

export function workerReader(timeoutMs: number, script = path.join(__dirname, 'reader.js')): TreeReader {
  if (!fs.existsSync(script)) return inThreadReader;
  /** A reply as its asker gets it: unpacked. */
  type Answer = { scan?: ScanResult; stat?: ReaderReply['stat']; error?: string };
  type Pending = Map<number, { resolve(r: Answer): void; reject(e: Error): void; soFar?: Watched }>;
  type Watched = ScanSoFar & { watch?: (s: ScanSoFar) => void };
  type Thread = { worker: Worker; beacon: ReadBeacon; pending: Pending; watch?: { stop(): void }; idle?: NodeJS.Timeout };
  let current: Thread | undefined;
  let stuck = 0;
  let nextId = 1;
  const prefetched = new Map<string, { scan: Promise<ScanResult>; soFar: Watched; timer: NodeJS.Timeout }>();
  const keyOf = (p: string, l: ScanLimits) => `${l.maxMembers}:${l.maxFileBytes}:${path.resolve(p)}`;

  /** End the thread once it has had nothing to do for IDLE_MS. */
  const endWhenIdle = (t: Thread) => {
    t.idle = setTimeout(() => {
      if (t.pending.size) return;
      if (current === t) current = undefined;
      void t.worker.terminate();
    }, IDLE_MS).unref();
  };

  const start = (): Thread => {
    const beacon = new ReadBeacon();
    const worker = new Worker(script, { workerData: { shared: beacon.shared } });
    worker.unref();
    const me: Thread = { worker, beacon, pending: new Map() };
    worker.on('message', (r: ReaderReply) => {
      const p = me.pending.get(r.id);
      const soFar = p?.soFar;
      if (r.names || r.part) {
        if (!soFar) return;
        if (r.names) soFar.names = { members: unpackMembers(r.names.members), stoppedAt: r.names.stoppedAt };
        if (r.part) {
          const acc = soFar.parts;
          const part = unpackPart(r.part, soFar.names?.members, acc?.members.length, acc?.files);
          if (acc) for (const m of part.members) acc.members.push(m);
          else soFar.parts = part;
        }
        soFar.watch?.(soFar);
        return;
      }
      const acc = soFar?.parts;
      const scan = r.scan && unpackScan(r.scan, soFar?.names?.members, acc?.members.length, acc?.files);
      if (acc && scan) scan.members = acc.members.concat(scan.members);
      me.pending.delete(r.id);
      if (!me.pending.size) {
        me.watch?.stop();
        me.watch = undefined;
        if (scan && scan.members.length >= BIG_READ) {
          // its heap holds a big tree's garbage: a new thread for the next read
          if (current === me) current = undefined;
          void me.worker.terminate();
        } else endWhenIdle(me);
      }
      p?.resolve({ scan, stat: r.stat, error: r.error });
    });
    const fail = (e: Error) => {
      for (const p of me.pending.values()) p.reject(e);
      me.pending.clear();
      me.watch?.stop();
      if (current === me) current = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the reading thread ended')));
    return me;
  };

  const ask = async (job: DistributiveOmit<ReaderJob, 'id'>, soFar?: Watched): Promise<Answer> => {
    const timeoutMs = reader.timeoutMs;
    if (stuck >= MAX_STUCK) throw new ReadStalled(job.path, timeoutMs);
    const w = (current ??= start());
    clearTimeout(w.idle);
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      w.pending.set(id, { resolve, reject, soFar });
      w.worker.postMessage({ ...job, id });
      w.watch ??= watchBeacon(w.beacon, timeoutMs, (bytes, ms) => {
        // This worker is stuck in a read: give up everything it was asked, leave it to finish (or not) on its own.
        if (current === w) current = undefined;
        stuck++;
        w.worker.once('exit', () => stuck--);
        void w.worker.terminate();
        const e = new ReadStalled(fsDecode(bytes).name, ms);
        for (const p of w.pending.values()) p.reject(e);
        w.pending.clear();
      });
    });
  };

  /** `names`: walk the names first and send them (only when someone may watch: the walk costs ~17% of a read). */
  const scanNow = async (p: string, limits: ScanLimits, soFar: Watched, names: boolean): Promise<ScanResult> => {
    const r = await ask({ op: 'scan', path: p, limits: { maxMembers: limits.maxMembers, maxFileBytes: limits.maxFileBytes }, names }, soFar);
    if (r.error !== undefined) throw new Error(r.error);
    return r.scan!;
  };

  const reader: TreeReader = {
    timeoutMs,
    warm() {
      if (current || stuck >= MAX_STUCK) return;
      endWhenIdle((current = start()));
    },
    scan(p, limits = DEFAULT_LIMITS, watch) {
      const key = keyOf(p, limits);
      const early = prefetched.get(key);
      if (early) {
        prefetched.delete(key);
        clearTimeout(early.timer);
        early.soFar.watch = watch;
        if (watch && (early.soFar.names || early.soFar.parts)) watch(early.soFar);
        return early.scan;
      }
      return scanNow(p, limits, { watch }, watch !== undefined);
    },
    prefetch(p, limits = DEFAULT_LIMITS) {
      const key = keyOf(p, limits);
      if (prefetched.has(key)) return;
      const soFar: Watched = {};
      const scan = scanNow(p, limits, soFar, true); // its taker watches
      scan.catch(() => undefined); // a read nobody takes fails quietly; the one who takes it sees the error
      prefetched.set(key, { scan, soFar, timer: setTimeout(() => prefetched.delete(key), PREFETCH_MS).unref() });
    },
    async lstat(p) {
      const r = await ask({ op: 'lstat', path: p });
      if (r.error !== undefined) throw new Error(r.error);
      return r.stat;
    },
    get stuck() {
      return stuck;
    },
    dispose() {
      void current?.worker.terminate();
      current = undefined;
    },
  };
  return reader;
}
