// Verdicts judged while a tree is still being read. The reading thread sends
// the tree's names first and then its texts in walk order; meanwhile the
// server's own thread would only wait. Each event is judged for its verdict and what
// the indexes need (StatusJudge.judgeIndexed) as soon as the texts it reads
// are in; one that reads a text not read yet waits for that text. The load
// takes these verdicts when the read's members are the names' (the same
// tree), and judges the rest (workspace.ts load). Each verdict is also handed
// to `taken` as it is made: the model indexes it during the read rather than
// after it (at 100,000 events, ~700 ms it spent after the read).

import { Context, TextSource } from './engine/event';
import { ScannedFile } from './engine/scan';
import { TREE_WORK_BUDGET } from './engine/substitute';
import { EventRef, EventTree, Member, sameMember, TreeInput } from './engine/tree';
import { IndexedVerdict, StatusJudge } from './engine/verdict';

/** A file of the tree whose text has not been read yet. */
class NotReadYet {
  constructor(readonly path: string) {}
}

/** A verdict the model took as it was made (its record lives there, not twice). */
export const TAKEN = Symbol('taken');

export class EarlyVerdicts {
  /** By event name; null: judgeIndexed declined (the load judges it whole); TAKEN: see `taken`. */
  readonly verdicts = new Map<string, IndexedVerdict | null | typeof TAKEN>();
  /** The tree's substitution budget, spent here first (see usable()). */
  readonly budget = { left: TREE_WORK_BUDGET };
  private readonly judge: StatusJudge;
  private cursor = 0;
  /** Events waiting for the text of a path. */
  private readonly waiting = new Map<string, EventRef[]>();
  private ready: EventRef[] = [];
  private readonly byTarget = new Map<string, string[]>();

  constructor(
    readonly tree: EventTree,
    private readonly files: () => Map<string, ScannedFile>,
    src: TextSource,
    ctx: Context,
    /** Whether the model took the verdict (then kept only there: garbage that dies young costs the collector less). */
    private readonly taken?: (ref: EventRef, v: IndexedVerdict) => boolean,
  ) {
    const text = (p: string) => {
      const t = src.text(p);
      if (t === undefined && tree.members.get(p)?.kind === 'file' && !this.files().has(p)) throw new NotReadYet(p);
      return t;
    };
    // a judgement that stops for a text has cached nothing of it (StatusJudge caches only what it read): it is simply tried again
    this.judge = new StatusJudge(tree, { text }, ctx, this.budget);
  }

  /** Judge what the texts read so far allow, for about `ms`; returns whether some of it is left. */
  step(ms: number): boolean {
    const t0 = performance.now();
    const files = this.files();
    for (const [p, refs] of this.waiting)
      if (files.has(p)) {
        this.waiting.delete(p);
        for (const r of refs) this.ready.push(r);
      }
    while (this.ready.length) {
      this.one(this.ready.pop()!);
      if (performance.now() - t0 > ms) return true;
    }
    const events = this.tree.events;
    while (this.cursor < events.length) {
      const ref = events[this.cursor];
      // a regular file not read yet: the read's frontier (texts come in walk order, the events' order)
      if (ref.path === ref.content && !files.has(ref.content) && this.tree.members.get(ref.content)?.kind === 'file') return false;
      this.cursor++;
      this.one(ref);
      if (performance.now() - t0 > ms) return true;
    }
    return false;
  }

  private unsureList?: EventRef[];
  /** Regular files whose events were not judged here (or declined): what they include is not known here. */
  unsure(): readonly EventRef[] {
    return (this.unsureList ??= this.tree.events.filter((e) => e.path === e.content && !this.verdicts.get(e.name)));
  }

  /** Events judged here whose includes read this file (whether a file is an include fragment shows on it). */
  includersOf(content: string): readonly string[] {
    return this.byTarget.get(content) ?? [];
  }

  private one(ref: EventRef) {
    try {
      const v = this.judge.judgeIndexed(ref);
      this.verdicts.set(ref.name, v === undefined ? null : this.taken?.(ref, v) ? TAKEN : v);
      if (v)
        for (const t of v.targets) {
          const l = this.byTarget.get(t);
          if (!l) this.byTarget.set(t, [ref.name]);
          else if (l[l.length - 1] !== ref.name) l.push(ref.name);
        }
    } catch (e) {
      if (!(e instanceof NotReadYet)) throw e;
      let l = this.waiting.get(e.path);
      if (!l) this.waiting.set(e.path, (l = []));
      l.push(ref);
    }
  }

  /**
   * Whether the load may take these verdicts for a read whose members and
   * stop are these (the names' tree is then the read's). Judged out of load
   * order, they spend the tree's budget in another order: that changes
   * nothing while most of it is left (no event's allowance reached it), so a
   * tree that spent half of it is judged again.
   */
  usable(members: Member[], stoppedAt: TreeInput['stoppedAt']): boolean {
    if (this.budget.left < TREE_WORK_BUDGET / 2) return false;
    const names = this.tree.input;
    if (stoppedAt?.path !== names.stoppedAt?.path || stoppedAt?.message !== names.stoppedAt?.message) return false;
    return sameMembers(names.members, members);
  }
}

/** Same members in the same order: the same tree. */
function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  return a.length === b.length && a.every((m, i) => sameMember(m, b[i]));
}
