// hcron-check status on two threads. This thread walks the names (while the
// reading thread starts), builds the tree from them and hands the list of
// files over; then both threads read the files, taking runs of them from one
// shared counter (engine/scan.ts readRaw: a read depends on nothing read
// before it), and this thread judges the events in load order as their texts
// (and the texts they include) arrive, between its own runs. The answer is the
// serial one (load.ts judgeScan of the tree as read), exactly:
// * an event is judged only once every text it reads is in (a text that is
//   not in yet stops the pass until the next run; the status judge reads
//   every text before it substitutes, so nothing of a stopped judgement
//   counts), and in load order (the tree's substitution budget is spent in
//   that order);
// * the tree as read is the tree of the names only when every file was a
//   regular file read whole and no file has two names in the tree (the walk
//   would make the second a hard-link member); otherwise, and on anything odd
//   (a file that vanished or cannot be read), the tree is read and judged
//   again from the start, serially;
// * the not-UTF-8 test (no event at all) is made once every text is in.
// This thread also makes the snapshot estimate as the files come in, from the
// texts it holds for judging anyway (made on the reading thread, it needed this
// thread's reads posted there: docs/performance.md, fifteenth round).

import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HcronConfig } from '../engine/config';
import type { Context, TextSource } from '../engine/event';
import { decodeBytes, FsPath, probed, RawRead, ReadProbe, readRaw, ScannedFile, scanEventsDir, ScanResult } from '../engine/scan';
import { forEachRead, PackedReads } from '../engine/scanPack';
import { Contents, estimateSteps, SnapshotEstimate } from '../engine/snapshot';
import { fatalVerdict, limitFrom, maxEvents, StatusRecord, statusRecord, treeFatal, TreeVerdict } from '../engine/status';
import { EventTree } from '../engine/tree';
import { StatusJudge } from '../engine/verdict';

/** What the reading thread is started with. */
export interface ReadJob {
  maxFileBytes: number;
  /** The CLI's read beacon (readWatch.ts, two slots: the reading thread uses slot 1), when reads are time-boxed. */
  beacon?: SharedArrayBuffer;
}

/**
 * To the reading thread: the counter both threads take runs from; the files
 * to read as the walk finds them (paths joined with NUL when none is bytes).
 */
export type ToReader =
  | { t: 'start'; shared: SharedArrayBuffer }
  /** More of the files to read, in walk order (joined with NUL, which no path holds, when none is bytes); `total` once the walk is done. */
  | { t: 'paths'; fsPaths: string | FsPath[]; total?: number };

/** From the reading thread: its reads. */
export type ScanMessage = { t: 'reads'; reads: PackedReads } | { t: 'error'; message: string };

/**
 * A file as read, its text decoded each time it is asked for: the judge asks
 * for an event's text once (an include's once too: it keeps the parse), so
 * keeping 100,000 texts as strings only gave this thread's collector more to
 * copy and mark (at 100,000 events it was a fifth of the thread's time).
 */
class ReadFile implements ScannedFile {
  readonly truncated = false;
  readonly invalidUtf8?: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly mtimeMs: number,
    readonly size: number,
  ) {
    if (!isUtf8(bytes)) this.invalidUtf8 = decodeBytes(bytes).invalidUtf8;
  }
  get text(): string {
    return decodeBytes(this.bytes).text;
  }
  /** The file in the snapshot's archive: as the serial scan's text re-encodes it (a file that is not UTF-8: its lossy decoding). */
  get archived(): Uint8Array {
    return this.invalidUtf8 === undefined ? this.bytes : Buffer.from(this.text);
  }
}

/** Files a thread reads at a time. */
export const READ_RUN = 32;
/** File paths the walk hands over at a time. */
const PATH_BATCH = 1024;

/** Thrown by the text source for a file whose text has not arrived yet. */
const NOT_YET = new Error('not read yet');

export interface StatusLoad {
  scan: ScanResult;
  tree: EventTree;
  verdict: TreeVerdict;
  /** snapshotOfScan(scan), when it was computed already. */
  snapshot?: SnapshotEstimate;
}

export interface StatusJob {
  maxMembers: number;
  maxFileBytes: number;
  /** This thread's time box (slot 0 of `beacon`). */
  probe?: ReadProbe;
  beacon?: SharedArrayBuffer;
  /** The serial load: for a tree as read that is not the tree of the names. */
  serial: () => StatusLoad;
}

export function loadForStatus(dir: string, config: HcronConfig, ctx: Context, job: StatusJob, script = path.join(__dirname, 'scan-worker.js')): Promise<StatusLoad> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { maxFileBytes: job.maxFileBytes, beacon: job.beacon } satisfies ReadJob });
    let settled = false;
    const settle = (f: () => StatusLoad) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      try {
        resolve(f());
      } catch (e) {
        reject(e);
      }
    };
    const fail = (e: unknown) =>
      settle(() => {
        throw e;
      });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the reading thread ended (exit code ${code}) before the tree was read`)));

    // The names, while the reading thread starts; it reads the files as the walk finds them.
    const toReader = (m: ToReader, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
    const shared = new Int32Array(new SharedArrayBuffer(4));
    toReader({ t: 'start', shared: shared.buffer as SharedArrayBuffer });
    const fsPaths: FsPath[] = [];
    let posted = 0;
    const postPaths = (total?: number) => {
      const more = fsPaths.slice(posted);
      posted = fsPaths.length;
      toReader({ t: 'paths', fsPaths: more.every((p) => typeof p === 'string') ? more.join('\0') : more, total });
    };
    let names: ScanResult;
    try {
      names = scanEventsDir(dir, { maxMembers: job.maxMembers, maxFileBytes: job.maxFileBytes, probe: job.probe, namesOnly: true, fileFsPaths: fsPaths, onFileNames: () => postPaths(), fileBatch: PATH_BATCH });
    } catch (e) {
      return fail(e);
    }
    const n = fsPaths.length;
    postPaths(n);

    const arcs: string[] = [];
    for (const m of names.members) if (m.kind === 'file') arcs.push(m.path);
    const tree = new EventTree({ members: names.members }, config);
    const files = new Map<string, ReadFile>();
    let got = 0;
    let clean = true;
    const inodes = new Set<string>();
    const src: TextSource = {
      text: (p) => {
        const f = files.get(p);
        if (f) return f.text;
        if (got < n && tree.members.get(p)?.kind === 'file') throw NOT_YET;
        return undefined;
      },
    };
    const sj = new StatusJudge(tree, src, ctx);
    const max = maxEvents(tree);
    const records: StatusRecord[] = [];
    const capped: TreeVerdict['capped'] = [];

    const take = (i: number, r: RawRead) => {
      got++;
      if (r.k !== 'file' || r.truncated || (r.inode !== undefined && inodes.has(r.inode))) clean = false;
      else {
        if (r.inode !== undefined) inodes.add(r.inode);
        files.set(arcs[i], new ReadFile(r.bytes, r.mtimeMs, r.size));
      }
    };
    /** Judge on in load order until a text is missing. */
    const judge = () => {
      if (tree.rootIsLink) return;
      const events = tree.events;
      try {
        for (let i = records.length; i < events.length; i++) records.push(statusRecord(sj, events[i], i, max, capped));
      } catch (e) {
        if (e !== NOT_YET) throw e;
      }
    };
    let loaded: StatusLoad | undefined;
    let snapshot: SnapshotEstimate | undefined;
    // The estimate of the tree of the names (used only when it is the tree as read): it waits for a file not in yet
    // (and for nothing once every read is in: a file missing then has made the tree unclean, read again serially).
    const contents: Contents = { ready: (p) => got === n || files.has(p), size: (p) => files.get(p)?.archived.length, write: (p, buf, off) => void buf.set(files.get(p)!.archived, off) };
    const estimate = estimateSteps(names.members, config, contents);
    const estimateOn = () => {
      if (snapshot) return;
      const r = estimate.next();
      if (r.done) snapshot = r.value;
    };
    /** Every file is in (and the tree as read is the names'): the verdict; then the estimate. */
    const onward = () => {
      if (!clean) return settle(job.serial);
      if (got === n && !loaded) {
        const scan: ScanResult = { root: names.root, members: names.members, files, problems: names.problems, stoppedAt: names.stoppedAt };
        let invalid = false;
        for (const f of files.values()) invalid ||= f.invalidUtf8 !== undefined;
        const noEvents = treeFatal(tree, (p) => (invalid ? files.get(p)?.invalidUtf8 : undefined));
        if (noEvents) loaded = { scan, tree, verdict: fatalVerdict(noEvents) };
        else {
          judge();
          loaded = { scan, tree, verdict: { judgements: [], records, limitFrom: limitFrom(max), capped } };
        }
      } else judge();
      estimateOn();
      if (loaded && snapshot) settle(() => ({ ...loaded!, snapshot }));
    };
    /** One run of this thread's reads, then the messages that came meanwhile. */
    const step = () => {
      if (settled) return;
      try {
        const from = Atomics.add(shared, 0, READ_RUN);
        if (from >= n) return onward();
        for (let i = from; i < Math.min(n, from + READ_RUN); i++) {
          const r = probed(job.probe, fsPaths[i], () => readRaw(fsPaths[i], job.maxFileBytes));
          take(i, r);
        }
        onward();
        setImmediate(step);
      } catch (e) {
        fail(e);
      }
    };
    worker.on('message', (m: ScanMessage) => {
      if (settled) return;
      try {
        if (m.t === 'reads') {
          forEachRead(m.reads, take);
          onward();
        } else fail(new Error(m.message));
      } catch (e) {
        fail(e);
      }
    });
    step();
  });
}
