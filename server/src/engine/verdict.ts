// The status verdict of an event without keeping where anything came from:
// what `hcron-check status` prints. Same stages, order and caps as
// judgeEvent (event.ts), which stays the reference; test/unit/verdict.test.mjs
// compares the two on the conformance trees and on generated ones.
//
// Cheaper because it keeps strings only: one pass over each file's text into
// (name, value) pairs, line passes and include resolutions shared by every
// event of the tree, and substituteSimple() for the usual references.

import { Context, earlyVars, EventType, firstBadWhen, MAX_FLAT_LINES, missingField, OVERFLOW_CAP, resolveName, substitutionCaps, TextSource } from './event';
import { forEachLogicalLine } from './lines';
import { basename, dirname, isPySpace, normpath } from './py';
import { EVENT_WORK_BUDGET, substitute, substituteSimple, SubstituteInfo, TREE_WORK_BUDGET, WorkBudget } from './substitute';
import { EventRef, EventTree } from './tree';

export interface Verdict {
  type: EventType;
  reason: string;
  /** As Judgement.capped. */
  capped?: string;
}

/** A file's logical lines, classified: an assignment (name, value), an include (argument) or a line without "=". */
interface Parsed {
  text: string;
  kind: Uint8Array;
  a: string[];
  b: string[];
}
const ASSIGN = 0;
const INCLUDE = 1;
const BAD = 2;

interface Resolved {
  name: string;
  /** The included file's lines; undefined on an include error. */
  parsed?: Parsed;
  /** Lines the target expands to when included this way (size()). */
  size?: number;
}

/** The line pass (lines.ts) and the classification of each logical line, as strings only. */
export function parseEventText(text: string): Parsed {
  const kinds: number[] = [];
  const a: string[] = [];
  const b: string[] = [];
  forEachLogicalLine(text, (starts, ends, count) => {
    let t: string;
    if (count === 1) t = strip(text, starts[0], ends[0]);
    else {
      let joined = '';
      for (let k = 0; k < count; k++) joined += text.slice(starts[k], ends[k]);
      t = strip(joined, 0, joined.length);
    }
    if (!t) return;
    if (t.startsWith('include') && t.length > 7 && isPySpace(t.charCodeAt(7))) {
      // "include ARG": exactly two words (pySplitWs), the line being stripped already.
      let k = 8;
      while (isPySpace(t.charCodeAt(k))) k++;
      let w = k;
      while (w < t.length && !isPySpace(t.charCodeAt(w))) w++;
      if (w === t.length) {
        kinds.push(INCLUDE);
        a.push(t.slice(k));
        b.push('');
        return;
      }
    }
    const eq = t.indexOf('=');
    kinds.push(eq < 0 ? BAD : ASSIGN);
    a.push(eq < 0 ? '' : strip(t, 0, eq));
    b.push(eq < 0 ? '' : strip(t, eq + 1, t.length));
  });
  return { text, kind: Uint8Array.from(kinds), a, b };
}

/** s[from:to].strip() */
function strip(s: string, from: number, to: number): string {
  while (from < to && isPySpace(s.charCodeAt(from))) from++;
  while (to > from && isPySpace(s.charCodeAt(to - 1))) to--;
  return from === 0 && to === s.length ? s : s.slice(from, to);
}

/**
 * Verdicts of the events of one tree, judged in load order (the substitution
 * work budget is the tree's, as in judgeTree).
 */
export class StatusJudge {
  private readonly parsed = new Map<string, Parsed>();
  private readonly resolved = new Map<string, Resolved>();
  private readonly budget: WorkBudget = { left: TREE_WORK_BUDGET };

  constructor(
    private readonly tree: EventTree,
    private readonly src: TextSource,
    private readonly ctx: Context,
  ) {}

  private parse(path: string, text: string, keep: boolean): Parsed {
    const hit = this.parsed.get(path);
    if (hit && hit.text === text) return hit;
    const p = parseEventText(text);
    if (keep) this.parsed.set(path, p);
    return p;
  }

  /** Resolutions of absolute include names by level: no key string to build. */
  private readonly absolute = new Map<number, Map<string, Resolved>>();

  /** judgeEvent's resolve: depends on the caller's folder (not for absolute names), the argument and the level only. */
  private resolve(caller: string, arg: string, level: number): Resolved {
    let m: Map<string, Resolved> | undefined;
    let k = arg;
    if (arg.charCodeAt(0) === 0x2f) {
      m = this.absolute.get(level);
      if (!m) this.absolute.set(level, (m = new Map()));
    } else {
      m = this.resolved;
      k = `${level}\u0000${dirname(caller)}\u0000${arg}`;
    }
    let r = m.get(k);
    if (!r) {
      const name = resolveName(caller, arg);
      const target = this.tree.contentPath(normpath('events/' + name));
      const t = target === undefined || level + 1 > 3 ? undefined : this.src.text(target);
      r = t === undefined ? { name } : { name, parsed: this.parse(target!, t, true) };
      m.set(k, r);
    }
    return r;
  }

  /**
   * judgeEvent's size: lines the expansion gives, -1 at hcron's first include error; stops counting
   * past MAX_FLAT_LINES. An included file's size is kept on its resolution (what it depends on).
   */
  private size(caller: string, p: Parsed, level: number): number {
    let n = 0;
    for (let i = 0; i < p.kind.length; i++) {
      if (p.kind[i] !== INCLUDE) n++;
      else {
        const r = this.resolve(caller, p.a[i], level);
        if (!r.parsed) return -1;
        r.size ??= this.size(r.name, r.parsed, level + 1);
        if (r.size < 0) return -1;
        n += r.size;
      }
      if (n > MAX_FLAT_LINES) break;
    }
    return n;
  }

  judge(ref: EventRef): Verdict {
    const text = this.src.text(ref.content);
    if (text === undefined) return { type: 'unknown', reason: 'cannot load file' };
    const own = this.parse(ref.content, text, this.tree.linksTo.has(ref.content));

    // Stage 2: includes (the size first, as judgeEvent: past the cap nothing else counts).
    if (this.size(ref.name, own, 1) > MAX_FLAT_LINES) return { type: 'unknown', reason: 'cannot process include(s)', capped: OVERFLOW_CAP };
    const names: string[] = [];
    const values: string[] = [];
    let flat = 0;
    let bad = false;
    let includeError = false;
    const expand = (caller: string, p: Parsed, level: number): void => {
      for (let i = 0; i < p.kind.length; i++) {
        if (flat >= MAX_FLAT_LINES) return;
        const k = p.kind[i];
        if (k === INCLUDE) {
          const r = this.resolve(caller, p.a[i], level);
          if (!r.parsed) includeError = true;
          else expand(r.name, r.parsed, level + 1);
          if (includeError) return;
          continue;
        }
        flat++;
        if (k === BAD) bad = true;
        else {
          names.push(p.a[i]);
          values.push(p.b[i]);
        }
      }
    };
    expand(ref.name, own, 1);
    if (includeError) return { type: 'unknown', reason: 'cannot process include(s)' };
    // Stage 3
    if (bad) return { type: 'unknown', reason: 'bad definition' };

    // Stage 4: early substitution, with judgeEvent's budgets.
    const vars = earlyVars(ref.name, this.ctx);
    let chars = 0;
    for (const v of values) chars += v.length;
    const allowance = EVENT_WORK_BUDGET + 20 * chars;
    const budget = { left: Math.min(allowance, this.budget.left) };
    const before = budget.left;
    const infos: (SubstituteInfo | undefined)[] = [];
    for (let i = 0; i < names.length; i++) {
      let v = substituteSimple(values[i], vars, budget);
      if (v === null) v = substitute(values[i], vars, (infos[i] = {}), budget);
      vars.set(names[i], v);
    }
    const treeOut = this.budget.left < allowance;
    this.budget.left -= before - budget.left;
    const caps = substitutionCaps((i) => names[i], infos, treeOut);
    if (caps.tooLong !== undefined) return { type: 'unknown', reason: 'bad variable substitution', capped: caps.capped };
    const capped = caps.capped;

    // Stage 5: template test.
    const tn = vars.get('template_name');
    if (tn !== null && tn !== undefined && tn === basename(ref.name)) return { type: 'template', reason: 'template', capped };
    // Stage 6: when_*; stage 7: required fields.
    if (firstBadWhen(vars) !== undefined) return { type: 'unknown', reason: 'bad when_* setting', capped };
    const f = missingField(vars);
    if (f) return { type: 'partial', reason: `not fully specified, missing field (${f})`, capped };
    return { type: 'normal', reason: 'passed', capped };
  }
}
