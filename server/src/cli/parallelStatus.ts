// hcron-check status on two threads. A reading thread (scanWorker.ts) walks
// the names, then reads the tree and posts the file texts in parts; this
// thread builds the tree from the names and judges the events in load order
// as their texts (and the texts they include) arrive. The answer is the
// serial one (load.ts judgeScan of the tree as read), exactly:
// * an event is judged only once every text it reads is in (a text that is
//   not in yet stops the pass until the next part; the status judge reads
//   every text before it substitutes, so nothing of a stopped judgement
//   counts), and in load order (the tree's substitution budget is spent in
//   that order);
// * the tree as read must be the tree of the names (the reading thread
//   compares them: hard links, vanished or unreadable files, a tree changing
//   between the two walks); when it is not, the tree as read is judged again
//   from the start, serially;
// * the not-UTF-8 test (no event at all) is made once every text is in.
// The reading thread then makes the snapshot estimate of the tree as read
// while this thread judges the last events.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HcronConfig } from '../engine/config';
import type { Context, TextSource } from '../engine/event';
import { judgeScan } from '../engine/load';
import type { ScannedFile, ScanResult } from '../engine/scan';
import type { SnapshotEstimate } from '../engine/snapshot';
import { fatalVerdict, limitFrom, maxEvents, StatusRecord, statusRecord, treeFatal, TreeVerdict } from '../engine/status';
import { EventTree, Member } from '../engine/tree';
import { StatusJudge } from '../engine/verdict';
import { PackedFiles, PackedMembers, unpackFiles, unpackMembers } from '../engine/scanPack';

/** What the reading thread is asked to read. */
export interface ScanJob {
  dir: string;
  maxMembers: number;
  maxFileBytes: number;
  partSize: number;
  /** The CLI's read beacon (readWatch.ts), when reads are time-boxed. */
  beacon?: SharedArrayBuffer;
  /** For the snapshot estimate's limit. */
  config: HcronConfig;
}

export type ScanMessage =
  | { t: 'names'; members: PackedMembers }
  | { t: 'part'; files: PackedFiles }
  /** members: the tree as read, only when it is not the tree of the names. */
  | { t: 'end'; root: string; files: PackedFiles; problems: ScanResult['problems']; stoppedAt: ScanResult['stoppedAt']; members?: PackedMembers }
  | { t: 'snapshot'; estimate: SnapshotEstimate }
  | { t: 'error'; message: string };

/** Thrown by the text source for a file whose text has not arrived yet. */
const NOT_YET = new Error('not read yet');

export interface StatusLoad {
  scan: ScanResult;
  tree: EventTree;
  verdict: TreeVerdict;
  /** snapshotOfScan(scan), when it was computed already. */
  snapshot?: SnapshotEstimate;
}

/** Members per part the reading thread posts. */
const PART_SIZE = 500;

export function loadForStatus(dir: string, config: HcronConfig, ctx: Context, job: Omit<ScanJob, 'dir' | 'partSize' | 'config'>, script = path.join(__dirname, 'scan-worker.js')): Promise<StatusLoad> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { ...job, dir, partSize: PART_SIZE, config } satisfies ScanJob });
    const files = new Map<string, ScannedFile>();
    let done = false;
    let tree: EventTree | undefined;
    let sj: StatusJudge | undefined;
    let max = 0;
    const records: StatusRecord[] = [];
    const capped: TreeVerdict['capped'] = [];
    const src: TextSource = {
      text: (p) => {
        const f = files.get(p);
        if (f) return f.text;
        if (!done) throw NOT_YET;
        return undefined;
      },
    };
    /** Judge on in load order until a text is missing. */
    const judge = () => {
      if (!tree || !sj || tree.rootIsLink) return;
      const events = tree.events;
      try {
        for (let i = records.length; i < events.length; i++) records.push(statusRecord(sj, events[i], i, max, capped));
      } catch (e) {
        if (e !== NOT_YET) throw e;
      }
    };
    const finish = (m: Extract<ScanMessage, { t: 'end' }>): StatusLoad => {
      const scanned = (members: Member[]): ScanResult => ({ root: m.root, members, files, problems: m.problems, stoppedAt: m.stoppedAt });
      if (m.members || !tree) {
        const scan = scanned(m.members ? unpackMembers(m.members) : []);
        const loaded = judgeScan(scan, config, ctx, false);
        return { scan, tree: loaded.tree, verdict: loaded.verdict };
      }
      const scan = scanned(tree.input.members);
      let invalid = false;
      for (const f of files.values()) invalid ||= f.invalidUtf8 !== undefined;
      const noEvents = treeFatal(tree, (p) => (invalid ? files.get(p)?.invalidUtf8 : undefined));
      if (noEvents) return { scan, tree, verdict: fatalVerdict(noEvents) };
      judge();
      return { scan, tree, verdict: { judgements: [], records, limitFrom: limitFrom(max), capped } };
    };
    let settled = false;
    /** The verdict and the snapshot estimate, as they are ready (the reading thread estimates after posting the end). */
    let loaded: StatusLoad | undefined;
    let snapshot: SnapshotEstimate | undefined;
    const settle = (f: () => StatusLoad) => {
      if (settled) return;
      settled = true;
      try {
        resolve(f());
      } catch (e) {
        reject(e);
      }
      void worker.terminate();
    };
    worker.on('message', (m: ScanMessage) => {
      if (settled) return;
      try {
        if (m.t === 'names') {
          tree = new EventTree({ members: unpackMembers(m.members) }, config);
          sj = new StatusJudge(tree, src, ctx);
          max = maxEvents(tree);
        } else if (m.t === 'part') {
          unpackFiles(m.files, files);
          judge();
        } else if (m.t === 'end') {
          unpackFiles(m.files, files);
          done = true;
          loaded = finish(m);
          if (snapshot) settle(() => ({ ...loaded!, snapshot }));
        } else if (m.t === 'snapshot') {
          snapshot = m.estimate;
          if (loaded) settle(() => ({ ...loaded!, snapshot }));
        } else settle(() => {
          throw new Error(m.message);
        });
      } catch (e) {
        settle(() => {
          throw e;
        });
      }
    });
    worker.on('error', (e) => settle(() => {
      throw e;
    }));
    worker.on('exit', (code) => settle(() => {
      throw new Error(`the reading thread ended (exit code ${code}) before the tree was read`);
    }));
  });
}
