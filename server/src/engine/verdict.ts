// The status verdict of an event without keeping where anything came from:
// what `hcron-check status` prints. Same stages, order and caps as
// judgeEvent (event.ts), which stays the reference; test/unit/verdict.test.mjs
// compares the two on the conformance trees and on generated ones.
//
// Cheaper because it keeps strings only: one pass over each file's text into
// (name, value) pairs, line passes and include resolutions shared by every
// event of the tree, and substituteSimple() for the usual references.

import { Context, earlyVars, EventType, firstBadWhen, Judgement, MAX_FLAT_LINES, missingField, OVERFLOW_CAP, resolveName, substitutionCaps, TextSource } from './event';
import { forEachLogicalLine } from './lines';
import { basename, dirname, isPySpace, normpath, pyStrip } from './py';
import { EVENT_WORK_BUDGET, substitute, substituteSimple, SubstituteInfo, TREE_WORK_BUDGET, WorkBudget } from './substitute';
import { EventRef, EventTree } from './tree';

export interface Verdict {
  type: EventType;
  reason: string;
  /** As Judgement.capped. */
  capped?: string;
}

/**
 * A verdict with what the language server's indexes and compact judgements
 * keep (workspace.ts): judgeEvent's stage, runnability, when_* results, files
 * read, include lookups and chain names, in judgeEvent's order.
 */
export interface IndexedVerdict extends Verdict {
  stage: number;
  runnable: boolean;
  when: Judgement['when'];
  /** Own content, then each include target, first seen first (judgeEvent's deps). */
  deps: string[];
  /** Lookup key of every include met while expanding, in order (judgeEvent's includes[].key). */
  keys: string[];
  /** Target of every include that has one, in order. */
  targets: string[];
  /** Names of the next_event, then failover_event pieces (chainPieces(j).name). */
  chains: string[];
}

/** Substitution work above which the server keeps an event whole: judging it again would cost as much again. */
export const HEAVY_WORK = 1_000_000;

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
  /** The archive path looked up (judgeEvent's IncludeUse.key). */
  key: string;
  /** The included file's lines; undefined on an include error. */
  parsed?: Parsed;
  /** The regular file the name resolves to (also when it cannot be included). */
  target?: string;
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
  private readonly budget: WorkBudget;

  /** `budget`: the tree's substitution work budget when shared with judgeEvent (the server's load); else a new one. */
  constructor(
    private readonly tree: EventTree,
    private readonly src: TextSource,
    private readonly ctx: Context,
    budget?: WorkBudget,
  ) {
    this.budget = budget ?? { left: TREE_WORK_BUDGET };
  }

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
      const key = normpath('events/' + name);
      const target = this.tree.contentPath(key);
      const t = target === undefined || level + 1 > 3 ? undefined : this.src.text(target);
      r = t === undefined ? { name, key, target } : { name, key, target, parsed: this.parse(target!, t, true) };
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
    return this.core(ref);
  }

  /**
   * The verdict with what the server indexes (IndexedVerdict), or undefined
   * where the server keeps the whole judgement: include errors, lines without
   * "=", caps, heavy substitution (the caller then runs judgeEvent).
   */
  judgeIndexed(ref: EventRef): IndexedVerdict | undefined {
    const rec: IndexedVerdict = { type: 'unknown', reason: '', stage: 0, runnable: false, when: {}, deps: [ref.content], keys: [], targets: [], chains: [] };
    const v = this.core(ref, rec);
    if (v === undefined) return undefined;
    rec.type = v.type;
    rec.reason = v.reason;
    return rec;
  }

  private core(ref: EventRef): Verdict;
  private core(ref: EventRef, rec: IndexedVerdict): Verdict | undefined;
  private core(ref: EventRef, rec?: IndexedVerdict): Verdict | undefined {
    const text = this.src.text(ref.content);
    if (text === undefined) return rec ? undefined : { type: 'unknown', reason: 'cannot load file' };
    const own = this.parse(ref.content, text, this.tree.linksTo.has(ref.content));

    // Stage 2: includes (the size first, as judgeEvent: past the cap nothing else counts).
    if (this.size(ref.name, own, 1) > MAX_FLAT_LINES) return rec ? undefined : { type: 'unknown', reason: 'cannot process include(s)', capped: OVERFLOW_CAP };
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
          if (rec) {
            rec.keys.push(r.key);
            if (r.target !== undefined) {
              rec.targets.push(r.target);
              if (!rec.deps.includes(r.target)) rec.deps.push(r.target);
            }
          }
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
    if (includeError) return rec ? undefined : { type: 'unknown', reason: 'cannot process include(s)' };
    // Stage 3
    if (bad) return rec ? undefined : { type: 'unknown', reason: 'bad definition' };

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
    if (caps.tooLong !== undefined) return rec ? undefined : { type: 'unknown', reason: 'bad variable substitution', capped: caps.capped };
    const capped = caps.capped;
    if (rec) {
      if (capped) return undefined;
      let work = 0;
      for (const i of infos) work += i?.work ?? 0;
      if (work >= HEAVY_WORK) return undefined;
      rec.runnable = true;
      for (const field of ['next_event', 'failover_event']) {
        const at = names.lastIndexOf(field);
        if (at < 0 || values[at] === '') continue;
        for (const raw of values[at].split(':')) rec.chains.push(resolveName(ref.name, pyStrip(raw)));
      }
    }
    // every when_* result is kept (judgeEvent's evalAllWhen), templates' too
    const badWhen = rec ? firstBadWhen(vars, (name, r) => (rec.when[name] = r)) : undefined;

    // Stage 5: template test.
    const tn = vars.get('template_name');
    const verdict = (stage: number, type: EventType, reason: string): Verdict => {
      if (rec) rec.stage = stage;
      return { type, reason, capped };
    };
    if (tn !== null && tn !== undefined && tn === basename(ref.name)) return verdict(5, 'template', 'template');
    // Stage 6: when_*; stage 7: required fields.
    if ((rec ? badWhen : firstBadWhen(vars)) !== undefined) return verdict(6, 'unknown', 'bad when_* setting');
    const f = missingField(vars);
    if (f) return verdict(7, 'partial', `not fully specified, missing field (${f})`);
    return verdict(8, 'normal', 'passed');
  }
}
