// hcron's variable substitution (spec section 6), computed in linear time.
//
// hcron re-evaluates selector bodies up to three times per nesting level
// (body, list, each item), which costs time exponential in the nesting
// depth. The result of evaluating one piece of text depends only on that
// text and the variable table, so we memoise per value: same answers,
// linear cost.

import { clampBig, fnmatch, pyCount, pyInt, pySlice } from './py';

/** A variable table as hcron's varinfo dict: insertion-ordered; null is Python's None. */
export type VarTable = Map<string, string | null>;

const REF = /[#$][\p{L}\p{N}_]+/gu;
const REF_AT = /^[#$][\p{L}\p{N}_]+/u;
/** `(-?\d*)(:(-?\d*))?(:(-?\d*))?` matched at the start of an item. */
const SLICE = /^(-?\p{Nd}*)(:(-?\p{Nd}*))?(:(-?\p{Nd}*))?/u;

/** Beyond this nesting depth hcron itself never finishes (or hits Python's recursion limit). */
export const MAX_SELECTOR_DEPTH = 300;
/** Work budget per value, in characters handled; beyond it the value is left as written. */
export const WORK_BUDGET = 20_000_000;
/**
 * Work budget for a whole tree (judgeTree): a 1 KB event can make a 1 MB value
 * by doubling and spend a value's whole budget on globs over it, and a tree
 * has thousands of events. Past it, each value gets only WORK_FLOOR.
 */
export const TREE_WORK_BUDGET = 400_000_000;
const WORK_FLOOR = 1000;
/** Substitution work for one event (or one evalAssignments call without a budget), plus 20 steps per character of its values. */
export const EVENT_WORK_BUDGET = 10_000_000;

/** The work an event's values may take: EVENT_WORK_BUDGET + 20 per character. */
export function workAllowance(assignments: readonly { value: string }[]): number {
  let chars = 0;
  for (const a of assignments) chars += a.value.length;
  return EVENT_WORK_BUDGET + 20 * chars;
}

/** Work shared by many values (a tree); substitute() takes what it uses. */
export interface WorkBudget {
  left: number;
}

/**
 * Longest value a substitution may produce. `X=$X$X` forty times asks for 2^41
 * characters: hcron then fails with MemoryError and rejects the event as "bad
 * variable substitution" (the exact size depends on hcron's machine).
 */
export const MAX_VALUE_LENGTH = 1 << 26;

class TooComplex extends Error {}
class TooLong extends Error {}

/**
 * arr.join(sep) inside a reference, or null when longer than MAX_VALUE_LENGTH:
 * hcron's MemoryError there is caught with every other error of the
 * reference, which then stays as written.
 */
function joinChecked(arr: readonly string[], sep: string, ctx: Ctx): string | null {
  let n = arr.length > 0 ? sep.length * (arr.length - 1) : 0;
  for (const x of arr) n += x.length;
  if (n > MAX_VALUE_LENGTH) {
    if (ctx.info) ctx.info.refTooLong = true;
    return null;
  }
  return arr.join(sep);
}

export interface SubstituteInfo {
  /** Set when the value was too complex to evaluate and was left as written. */
  tooComplex?: boolean;
  /** Deepest selector nesting met. */
  maxDepth?: number;
  /** Set when selectors nested deeper than MAX_SELECTOR_DEPTH were left as written. */
  tooDeep?: boolean;
  /** Set when the result would be longer than MAX_VALUE_LENGTH (hcron: MemoryError); the value is then left as written. */
  tooLong?: boolean;
  /** Set when one reference's result would be longer than MAX_VALUE_LENGTH: that reference was left as written. */
  refTooLong?: boolean;
  /** Set with tooComplex when the shared (tree) budget, not the value's own, ran out. */
  budgetOut?: boolean;
  /** Work done, deterministic (tests check it grows linearly): references evaluated without the memo, and characters handled. */
  evals?: number;
  work?: number;
}

interface Ctx {
  vars: VarTable;
  memo: Map<string, string>;
  work: number;
  /** Work allowed for this value. */
  limit: number;
  evals: number;
  info?: SubstituteInfo;
}

/** Find the end (exclusive) of the selector opening at `open`, balancing only that bracket kind; -1 if unbalanced. */
export function balancedEnd(s: string, open: number): number {
  const o = s[open];
  const c = o === '[' ? ']' : '}';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === o) depth++;
    else if (ch === c) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export interface RefSpan {
  start: number;
  end: number;
  op: '$' | '#';
  name: string;
  /** Offsets of the selector body (inside the brackets), if any. */
  selector?: { kind: '[' | '{'; start: number; end: number };
}

/**
 * The top-level references of a value, as hcron's scan finds them. Scanning
 * stops at the first reference whose bracket never closes (`stoppedAt`).
 */
export function scanReferences(value: string): { refs: RefSpan[]; stoppedAt?: number } {
  const refs: RefSpan[] = [];
  REF.lastIndex = 0;
  for (;;) {
    const m = REF.exec(value);
    if (!m) return { refs };
    const start = m.index;
    let end = start + m[0].length;
    let selector: RefSpan['selector'];
    if (end < value.length && (value[end] === '[' || value[end] === '{')) {
      const close = balancedEnd(value, end);
      if (close < 0) return { refs, stoppedAt: start };
      selector = { kind: value[end] as '[' | '{', start: end + 1, end: close - 1 };
      end = close;
    }
    refs.push({ start, end, op: m[0][0] as '$' | '#', name: m[0].slice(1), selector });
    REF.lastIndex = end;
  }
}

/** hcron_variable_substitution: the value with every reference replaced. */
export function substitute(value: string, vars: VarTable, info?: SubstituteInfo, budget?: WorkBudget): string {
  if (value.indexOf('$') < 0 && value.indexOf('#') < 0) return value;
  // without info to fill, the usual values take the fast path: same result, same work (a hover runs the late pass once per way to run)
  if (!info && budget) {
    const fast = substituteSimple(value, vars, budget);
    if (fast !== null) return fast;
  }
  const { refs } = scanReferences(value);
  if (refs.length === 0) return value;
  const limit = budget ? Math.min(WORK_BUDGET, Math.max(WORK_FLOOR, budget.left)) : WORK_BUDGET;
  const ctx: Ctx = { vars, memo: new Map(), work: 0, limit, evals: 0, info };
  try {
    let out = '';
    let last = 0;
    for (const r of refs) {
      const piece = evalRef(value.slice(r.start, r.end), ctx, 1);
      if (out.length + (r.start - last) + piece.length > MAX_VALUE_LENGTH) throw new TooLong();
      out += value.slice(last, r.start) + piece;
      last = r.end;
    }
    if (out.length + value.length - last > MAX_VALUE_LENGTH) throw new TooLong();
    return out + value.slice(last);
  } catch (e) {
    if (e instanceof TooComplex) {
      if (info) {
        info.tooComplex = true;
        if (limit < WORK_BUDGET) info.budgetOut = true;
      }
      return value;
    }
    if (e instanceof TooLong) {
      if (info) info.tooLong = true;
      return value;
    }
    throw e;
  } finally {
    if (budget) budget.left -= Math.min(ctx.work, limit);
    if (info) {
      info.evals = ctx.evals;
      info.work = ctx.work;
    }
  }
}

/**
 * hcron_variable_substitution2: evaluate `s` as a reference at its start.
 * Returns the reference's result (anything after it is dropped), or `s`
 * unchanged when it does not start with a usable reference.
 */
function evalRef(s: string, ctx: Ctx, depth: number): string {
  if (s.length < 2 || (s[0] !== '$' && s[0] !== '#')) return s;
  if (depth > MAX_SELECTOR_DEPTH) {
    if (ctx.info) ctx.info.tooDeep = true;
    return s;
  }
  if (ctx.info && depth > (ctx.info.maxDepth ?? 0)) ctx.info.maxDepth = depth;
  const cached = ctx.memo.get(s);
  if (cached !== undefined) return cached;
  ctx.work += s.length;
  ctx.evals++;
  if (ctx.work > ctx.limit) throw new TooComplex();
  const r = evalRefUncached(s, ctx, depth);
  ctx.memo.set(s, r);
  return r;
}

function evalRefUncached(s: string, ctx: Ctx, depth: number): string {
  const m = REF_AT.exec(s);
  if (!m) return s;
  const op = s[0];
  const name = m[0].slice(1);
  const p = m[0].length;
  const nameValue = ctx.vars.get(name) ?? null;

  // The regex hcron uses here is greedy: the selector runs to the LAST closing bracket.
  let kind: '[' | '{' | null = null;
  let body = '';
  if (s[p] === '[' || s[p] === '{') {
    const close = s.lastIndexOf(s[p] === '[' ? ']' : '}');
    const nl = s.indexOf('\n', p);
    if (close > p && (nl < 0 || nl > close)) {
      kind = s[p] as '[' | '{';
      body = s.slice(p + 1, close);
    }
  }

  if (kind === null) {
    if (nameValue === null) return s;
    return op === '#' ? String(pyCount(nameValue, ':') + 1) : nameValue;
  }

  body = evalRef(body, ctx, depth + 1);

  // (?:(?P<split_sep>[^?!]*)((?:\?)(?P<join_sep>[^!]*))?!)?(?P<list>.*)
  let split: string | null = null;
  let join: string | null = null;
  let list = body;
  const q = firstOf(body, '?', '!');
  if (q >= 0) {
    if (body[q] === '!') {
      split = body.slice(0, q);
      list = body.slice(q + 1);
    } else {
      const bang = body.indexOf('!', q + 1);
      if (bang >= 0) {
        split = body.slice(0, q);
        join = body.slice(q + 1, bang);
        list = body.slice(bang + 1);
      }
    }
  }
  const nl = list.indexOf('\n');
  if (nl >= 0) list = list.slice(0, nl);

  let splitSep: string;
  if (split === null) splitSep = name === 'HCRON_EVENT_NAME' ? '/' : ':';
  else if (split === '') splitSep = '';
  else splitSep = evalRef(split, ctx, depth + 1);
  const joinSep = join === null ? splitSep : evalRef(join, ctx, depth + 1);

  if (nameValue === null) return s; // hcron: None.split() raises, the reference stays as written
  const parts = splitSep === '' ? Array.from(nameValue) : nameValue.split(splitSep);
  ctx.work += nameValue.length;
  if (ctx.work > ctx.limit) throw new TooComplex();

  const items = evalRef(list, ctx, depth + 1).split(',');
  const results: string[] = [];
  if (kind === '[') {
    for (const raw of items) {
      const item = evalRef(raw, ctx, depth + 1);
      const sm = SLICE.exec(item)!;
      const startTxt = sm[1] || null;
      const endColon = sm[2] || null;
      const endTxt = sm[3] || null;
      const stepTxt = sm[5] || null;
      let step = 1n;
      if (stepTxt !== null) {
        const v = pyInt(stepTxt);
        if (v === null) return s;
        step = v;
      }
      let start: bigint | null = null;
      if (startTxt !== null) {
        start = pyInt(startTxt);
        if (start === null) return s;
      }
      let end: bigint | null = null;
      if (endTxt !== null) {
        end = pyInt(endTxt);
        if (end === null) return s;
      } else if (endColon === null) {
        if (start === null) return s; // None < 0 raises TypeError
        if (start < 0n) {
          end = start - 1n;
          step = -1n;
        } else {
          end = start + 1n;
          step = 1n;
        }
      }
      if (step === 0n) return s;
      const picked = joinChecked(pySlice(parts, start === null ? null : clampBig(start), end === null ? null : clampBig(end), clampBig(step)), joinSep, ctx);
      if (picked === null) return s;
      results.push(picked);
    }
  } else {
    for (const raw of items) {
      const pat = evalRef(raw, ctx, depth + 1);
      const steps = { left: ctx.limit - ctx.work };
      for (const part of parts) if (fnmatch(part, pat, steps)) results.push(part);
      ctx.work = ctx.limit - steps.left; // a glob costs up to len(part) x len(pattern) steps
      if (ctx.work > ctx.limit) throw new TooComplex();
    }
  }
  const value = joinChecked(results, joinSep, ctx);
  if (value === null) return s;
  return op === '#' ? String(pyCount(value, splitSep) + 1) : value;
}

function firstOf(s: string, a: string, b: string): number {
  for (let i = 0; i < s.length; i++) if (s[i] === a || s[i] === b) return i;
  return -1;
}

/** eval_assignments: evaluate top to bottom into `vars`, returning each assignment's value. */
export function evalAssignments(assignments: readonly { name: string; value: string }[], vars: VarTable, info?: SubstituteInfo[], budget?: WorkBudget): string[] {
  budget ??= { left: workAllowance(assignments) }; // every caller is bounded (late pass, editor features)
  const out: string[] = [];
  for (let i = 0; i < assignments.length; i++) {
    const a = assignments[i];
    const inf: SubstituteInfo | undefined = info ? (info[i] = {}) : undefined;
    const v = substitute(a.value, vars, inf, budget);
    vars.set(a.name, v);
    out.push(v);
  }
  return out;
}

/** The last split made (values usually pick several parts of one name: split it once). */
let lastSplit: { value: string; sep: string; parts: string[] } = { value: '', sep: '', parts: [''] };

function splitOf(value: string, sep: string): readonly string[] {
  if (lastSplit.value !== value || lastSplit.sep !== sep) lastSplit = { value, sep, parts: value.split(sep) };
  return lastSplit.parts;
}

/** Longest variable value the fast path splits; longer ones take substitute(). */
const SIMPLE_MAX_VALUE = 1 << 16;

const isAsciiNameChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;

/**
 * substitute() for the values nearly every event has: ASCII, and only `$NAME`,
 * `#NAME` and `$NAME[int]` references. Same result, and the same work taken
 * from `budget`, with numbers instead of BigInt and no regex or memo map.
 * Returns null with the budget untouched for anything else, and wherever
 * substitute() would report a cap: the caller then runs substitute().
 */
export function substituteSimple(value: string, vars: VarTable, budget: WorkBudget): string | null {
  if (value.indexOf('$') < 0 && value.indexOf('#') < 0) return value;
  const n = value.length;
  let out = '';
  let last = 0;
  let work = 0;
  const seen: string[] = []; // reference texts met before: substitute()'s memo charges no work for them
  for (let p = 0; p < n; p++) {
    const c = value.charCodeAt(p);
    if (c >= 0x80) return null;
    if (c !== 0x24 && c !== 0x23) continue;
    let e = p + 1;
    while (e < n && isAsciiNameChar(value.charCodeAt(e))) e++;
    if (e === p + 1) continue;
    const next = e < n ? value.charCodeAt(e) : -1;
    if (next >= 0x80 || next === 0x7b /* { */) return null;
    let end = e;
    let index: number | undefined;
    if (next === 0x5b /* [ */) {
      let k = e + 1;
      const neg = value.charCodeAt(k) === 0x2d;
      if (neg) k++;
      const ds = k;
      while (k < n && k - ds < 10 && value.charCodeAt(k) >= 0x30 && value.charCodeAt(k) <= 0x39) k++;
      if (k === ds || k - ds >= 10 || value.charCodeAt(k) !== 0x5d) return null;
      index = Number(value.slice(ds, k));
      if (neg) index = -index;
      end = k + 1;
    }
    const s = value.slice(p, end);
    const first = !seen.includes(s);
    if (first) seen.push(s);
    const name = value.slice(p + 1, e);
    const nv = vars.get(name) ?? null;
    let piece: string;
    if (nv === null) piece = s; // hcron leaves it as written
    else if (index === undefined) {
      piece = c === 0x23 ? String(pyCount(nv, ':') + 1) : nv;
    } else {
      if (nv.length > SIMPLE_MAX_VALUE) return null;
      const sep = name === 'HCRON_EVENT_NAME' ? '/' : ':';
      const parts = splitOf(nv, sep);
      const at = index < 0 ? parts.length + index : index;
      piece = at >= 0 && at < parts.length ? parts[at] : '';
      if (c === 0x23) piece = String(pyCount(piece, sep) + 1);
    }
    if (first) work += s.length + (index !== undefined && nv !== null ? nv.length : 0);
    out += value.slice(last, p) + piece;
    last = end;
    p = end - 1;
  }
  const limit = Math.min(WORK_BUDGET, Math.max(WORK_FLOOR, budget.left));
  if (work > limit || out.length + n - last > MAX_VALUE_LENGTH) return null;
  budget.left -= work;
  return last === 0 ? value : out + value.slice(last);
}
