// A whole tree from disk, judged: what the CLI and benchmarks use.

import { HcronConfig } from './config';
import { Context, Judgement, TextSource } from './event';
import { DEFAULT_LIMITS, ScanLimits, ScanResult, scanEventsDir } from './scan';
import { judgeTree, StatusRecord, TreeVerdict } from './status';
import { EventTree } from './tree';

export interface LoadedTree {
  scan: ScanResult;
  tree: EventTree;
  verdict: TreeVerdict;
  src: TextSource;
  ctx: Context;
  /** Judgement and final record by event name. */
  byName: Map<string, { judgement: Judgement; record: StatusRecord }>;
}

export function loadEventsDir(dir: string, config: HcronConfig, ctx: Context, limits: ScanLimits = DEFAULT_LIMITS, keep = true): LoadedTree {
  const scan = scanEventsDir(dir, limits);
  return judgeScan(scan, config, ctx, keep);
}

/** keep=false: records only, no judgements (byName is then empty). */
export function judgeScan(scan: ScanResult, config: HcronConfig, ctx: Context, keep = true): LoadedTree {
  const tree = new EventTree(scan, config);
  const src: TextSource = { text: (p) => scan.files.get(p)?.text };
  let invalid = false; // usually no file is: then no lookup per file
  for (const f of scan.files.values()) invalid ||= f.invalidUtf8 !== undefined;
  const verdict = judgeTree(tree, src, ctx, (p) => (invalid ? scan.files.get(p)?.invalidUtf8 : undefined), keep);
  const byName = new Map<string, { judgement: Judgement; record: StatusRecord }>();
  verdict.judgements.forEach((j, i) => byName.set(j.ref.name, { judgement: j, record: verdict.records[i] }));
  return { scan, tree, verdict, src, ctx, byName };
}
