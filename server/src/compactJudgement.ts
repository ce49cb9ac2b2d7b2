// Judgements of events nobody is looking at, kept small. A whole judgement
// keeps every flattened line, assignment and variable table (~9 KB an event:
// 900 MB for 100,000 events). What other events' findings and the indexes
// read stays here: the verdict, runnability, schedule and the files read.
// The rest is judged again when a request asks for it (judgeEvent is a pure
// function of the tree and the texts), and the last few are kept.

import { Judgement } from './engine/event';
import { HEAVY_WORK, IndexedVerdict } from './engine/verdict';

/** Re-judges one event (the model's texts are the ones its compact form was made from). */
export type Rejudge = (c: CompactJudgement) => Judgement;

/** Whether a judgement may be kept compact: one a resource cap decided is kept whole (judged again, a cap could land elsewhere). */
export function compactable(j: Judgement): boolean {
  if (j.capped || j instanceof CompactJudgement) return false;
  let work = 0;
  for (const i of j.earlyInfo ?? []) work += i.work ?? 0;
  return work < HEAVY_WORK;
}

export class CompactJudgement implements Judgement {
  readonly ref: Judgement['ref'];
  readonly type: Judgement['type'];
  readonly reason: string;
  readonly stage: number;
  readonly runnable: boolean;
  readonly when: Judgement['when'];
  /** An array is a third of a Set's size; the few readers get a Set. */
  private readonly depList: string[];

  /** `deps`: the same files as an array the caller keeps anyway (shared, not copied). */
  constructor(j: Judgement, private readonly rejudge: Rejudge, deps?: string[]) {
    this.ref = j.ref;
    this.type = j.type;
    this.reason = j.reason;
    this.stage = j.stage;
    this.runnable = j.runnable;
    this.when = j.when;
    this.depList = deps ?? [...j.deps];
  }

  /** From a load's indexed verdict (no whole judgement made). */
  static of(ref: Judgement['ref'], v: IndexedVerdict, rejudge: Rejudge, deps: string[]): CompactJudgement {
    return new CompactJudgement({ ref, type: v.type, reason: v.reason, stage: v.stage, runnable: v.runnable, when: v.when } as Judgement, rejudge, deps);
  }

  get deps(): Set<string> {
    return new Set(this.depList);
  }

  private get full(): Judgement {
    return this.rejudge(this);
  }
  get cause() {
    return this.full.cause;
  }
  get lines() {
    return this.full.lines;
  }
  get includes() {
    return this.full.includes;
  }
  get badLines() {
    return this.full.badLines;
  }
  get assignments() {
    return this.full.assignments;
  }
  get early() {
    return this.full.early;
  }
  get earlyValues() {
    return this.full.earlyValues;
  }
  get earlyInfo() {
    return this.full.earlyInfo;
  }
  get notes() {
    return this.full.notes;
  }
}

/** The last `max` re-judged events, most recent last (a Map keeps insertion order). */
export class RecentJudgements {
  private readonly m = new Map<CompactJudgement, Judgement>();
  /** `judge`: a compact judgement judged whole again (every getter of a CompactJudgement comes here: one function, no closure per call). */
  constructor(
    private readonly judge: Rejudge,
    private readonly max = 1024,
  ) {}

  /** The most recent one: asked again and again by one request (each getter of a CompactJudgement asks). */
  private last: CompactJudgement | undefined;
  private lastJ: Judgement | undefined;

  get(c: CompactJudgement): Judgement {
    if (c === this.last) return this.lastJ!;
    let j = this.m.get(c);
    if (j) this.m.delete(c);
    else j = this.judge(c);
    this.m.set(c, j);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
    this.last = c;
    this.lastJ = j;
    return j;
  }

  /** The whole judgement if it is among the recent ones (without making it more recent). */
  peek(c: CompactJudgement): Judgement | undefined {
    return this.m.get(c);
  }

  clear(): void {
    this.m.clear();
    this.last = this.lastJ = undefined;
  }
}
