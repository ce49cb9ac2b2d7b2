// The status list hcron writes for a tree (spec 9): every event judged in
// load order, then max_events_per_user's overwrite.

import { HcronConfig, numberSetting } from './config';
import { Context, EventType, judgeEvent, Judgement, status, TextSource } from './event';
import { compareCodePoints } from './py';
import { TREE_WORK_BUDGET } from './substitute';
import { EventRef, EventTree } from './tree';
import { StatusJudge } from './verdict';

export interface StatusRecord {
  name: string;
  type: EventType;
  reason: string;
  status: 'accepted' | 'rejected';
}

export interface TreeVerdict {
  /** Why hcron loads no event at all, if it does not. */
  noEvents?: { path: string; message: string };
  /** Judgements in load order (empty when noEvents). */
  judgements: Judgement[];
  /** Records as hcron's event list has them, in load order. */
  records: StatusRecord[];
  /** 1-based load position from which max_events_per_user overwrites the reason (Infinity if never). */
  limitFrom: number;
  /** Events whose verdict a resource cap of hcron-check decided (see Judgement.capped). */
  capped: { name: string; message: string }[];
}

/** Why hcron would load nothing: events/ a symlink, or a file that is not UTF-8. */
export function treeFatal(tree: EventTree, invalidUtf8: (path: string) => number | undefined): TreeVerdict['noEvents'] {
  if (tree.rootIsLink) return { path: 'events', message: 'events/ is itself a symlink: hcron packs the link, not the folder, and loads no event at all' };
  for (const m of tree.visible.values()) {
    if (m.kind !== 'file') continue;
    const off = invalidUtf8(m.path);
    if (off !== undefined)
      return { path: m.path, message: `not UTF-8 (byte ${off}): hcron fails to decode the tree and loads NO event at all for this user` };
  }
  return undefined;
}

/** Judge every event; with keep=false only the records are kept (the status command: less memory, less GC). */
export function judgeTree(tree: EventTree, src: TextSource, ctx: Context, invalidUtf8: (path: string) => number | undefined, keep = true): TreeVerdict {
  const noEvents = treeFatal(tree, invalidUtf8);
  const max = maxEvents(tree);
  if (noEvents) return fatalVerdict(noEvents);
  const capped: TreeVerdict['capped'] = [];
  if (!keep) {
    // Verdicts only (verdict.ts: the same answers as judgeEvent without positions).
    const sj = new StatusJudge(tree, src, ctx);
    const recs = tree.events.map((e, i) => statusRecord(sj, e, i, max, capped));
    return { judgements: [], records: recs, limitFrom: limitFrom(max), capped };
  }
  // One line-pass cache (kept if the caller has one) and one substitution work budget per tree.
  const c: Context = { ...ctx, lineCache: ctx.lineCache ?? new Map(), workBudget: { left: TREE_WORK_BUDGET } };
  const judgements = tree.events.map((e) => {
    const j = judgeEvent(tree, e, src, c);
    if (j.capped) capped.push({ name: j.ref.name, message: j.capped });
    return j;
  });
  return { judgements, records: records(judgements, max), limitFrom: limitFrom(max), capped };
}

/** The verdict when hcron loads no event at all. */
export function fatalVerdict(noEvents: NonNullable<TreeVerdict['noEvents']>): TreeVerdict {
  return { noEvents, judgements: [], records: [], limitFrom: Infinity, capped: [] };
}

export function maxEvents(tree: EventTree): number {
  return numberSetting(tree.config, 'max_events_per_user', 25);
}

/** The record of an event judged `type` for `reason` at load position i (0-based): from position max on, max_events_per_user overwrites the reason. */
export function recordAt(name: string, type: EventType, reason: string, i: number, max: number): StatusRecord {
  return { name, type, reason: i + 1 >= max ? 'maximum events reached' : reason, status: status(type) };
}

/** The record of the event at load position i (0-based), judged by sj; a cap's note goes to `capped`. */
export function statusRecord(sj: StatusJudge, e: EventRef, i: number, max: number, capped: TreeVerdict['capped']): StatusRecord {
  const v = sj.judge(e);
  if (v.capped) capped.push({ name: e.name, message: v.capped });
  return recordAt(e.name, v.type, v.reason, i, max);
}

export function limitFrom(max: number): number {
  return Math.max(1, Math.ceil(max));
}

export function records(judgements: readonly Judgement[], max: number): StatusRecord[] {
  return judgements.map((j, i) => recordAt(j.ref.name, j.type, j.reason, i, max));
}

export function sortByName<T extends { name: string }>(recs: T[]): T[] {
  // hcron sorts with Python's str order (code points); names are unique.
  return [...recs].sort((a, b) => compareCodePoints(a.name, b.name));
}

export function formatRecords(recs: StatusRecord[], format: 'es' | 'all' | 'status' | 'json'): string {
  return [...formatRecordChunks(recs, format)].join('');
}

/**
 * formatRecords in pieces of `lines` lines each, in order: hcron-check writes
 * each piece as it is made (100,000 lines added up into one string all lived
 * to the end, and the thread's collector copied them: ~50 ms at 100,000 events).
 */
export function* formatRecordChunks(recs: StatusRecord[], format: 'es' | 'all' | 'status' | 'json', lines = 4096): Generator<string> {
  const sorted = sortByName(recs);
  if (format === 'json') {
    const rows = sorted.map((r) => ({ name: r.name, reason: r.reason, status: r.status, type: r.type }));
    yield pyJsonDumps(rows) + '\n';
    return;
  }
  for (let from = 0; from < sorted.length; from += lines) {
    const piece: string[] = [];
    for (let i = from; i < Math.min(sorted.length, from + lines); i++) {
      const r = sorted[i];
      if (format === 'es') piece.push(`${r.status}:${r.reason === 'passed' ? '' : r.reason}:${r.name}\n`);
      else if (format === 'all') piece.push(`${r.status}:${r.type}:${r.reason}:${r.name}\n`);
      else piece.push(`${r.status}:${r.name}\n`);
    }
    yield piece.join('');
  }
}

export function configContext(config: HcronConfig, serverName?: string, hostName?: string): Context {
  const host = hostName ?? 'localhost';
  const server = serverName ?? (typeof config.server_name === 'string' ? config.server_name : host);
  return { serverName: server, hostName: host };
}

/** json.dumps(v, indent=2) with Python's default ensure_ascii. */
export function pyJsonDumps(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
