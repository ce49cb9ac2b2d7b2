// One event through hcron's loader stages (spec 9.1): line pass, includes,
// assignments, early substitution, template test, when_*, required fields.
// Everything keeps its source position.

import { fileRange, LogicalLine, LinePassNote, processLines } from './lines';
import { basename, dirname, normpath, pathJoin, pySplitWs, pyStrip } from './py';
import { evalAssignments, MAX_SELECTOR_DEPTH, MAX_VALUE_LENGTH, SubstituteInfo, TREE_WORK_BUDGET, VarTable, WorkBudget, workAllowance } from './substitute';
import { EventTree, EventRef } from './tree';
import { evalWhen, isWhenField, WhenField, WhenResult } from './when';

export const REQUIRED_FIELDS = ['as_user', 'host', 'command', 'notify_email', 'notify_message', 'when_month', 'when_day', 'when_hour', 'when_minute', 'when_dow'] as const;

/** The skeleton `hcron event -c` writes, in its order. */
export const SKELETON_FIELDS = [
  'description', 'contact', 'url', 'label', 'as_user', 'host', 'command', 'notify_email', 'notify_subject', 'notify_message',
  'when_month', 'when_day', 'when_hour', 'when_minute', 'when_dow', 'next_event', 'failover_event', 'template_name',
] as const;

export const KNOWN_FIELDS = new Set<string>([...SKELETON_FIELDS, 'when_year', 'when_expire']);

export type EventType = 'normal' | 'template' | 'partial' | 'unknown';

export interface TextSource {
  /** Text of a regular file of the tree by archive path (open editors win over the disk). */
  text(path: string): string | undefined;
}

export interface Context {
  serverName: string;
  hostName: string;
  /** Line passes by file, reused while the text is the same string (shared includes are read once). */
  lineCache?: Map<string, { text: string; lines: LogicalLine[]; notes: LinePassNote[] }>;
  /** Substitution work shared by every event judged with this context (judgeTree gives each tree one). */
  workBudget?: WorkBudget;
}

/** processLines through the context's cache; a file is cached from its second use on (shared includes, link targets). */
export function linesOf(ctx: Context, path: string, text: string): { lines: LogicalLine[]; notes: LinePassNote[] } {
  const hit = ctx.lineCache?.get(path);
  if (hit && hit.text === text && hit.lines.length + hit.notes.length > 0) return hit;
  const notes: LinePassNote[] = [];
  const entry = { text, lines: processLines(text, path, notes), notes };
  if (hit && hit.text === text) ctx.lineCache!.set(path, entry);
  else ctx.lineCache?.set(path, { text, lines: [], notes: [] });
  return entry;
}

/** A logical line in the flattened event, with the include lines that brought it in. */
export interface FlatLine {
  ll: LogicalLine;
  /** Include directive lines from the event's own file down to this line's file. */
  via: LogicalLine[];
}

export type IncludeError = 'missing' | 'ignored' | 'directory' | 'outside-tree' | 'too-deep' | 'dropped-link' | 'not-a-file';

export interface IncludeUse {
  line: FlatLine;
  /** The argument as written, and its offset in the line. */
  arg: string;
  argStart: number;
  /** The name hcron builds (not normalised) and the archive path it looks up. */
  name: string;
  key: string;
  /** The regular file whose text is spliced in. */
  target?: string;
  error?: IncludeError;
  /** Level of the included file (the event is level 1). */
  level: number;
}

export interface Assignment {
  name: string;
  value: string;
  line: FlatLine;
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface Cause {
  line?: FlatLine;
  start?: number;
  end?: number;
  message: string;
}

export interface Judgement {
  ref: EventRef;
  type: EventType;
  reason: string;
  /** Loader stage that decided (1-7), 8 for passed. */
  stage: number;
  cause?: Cause;
  /** hcron keeps the definition (runnable through chains and hcron activate). */
  runnable: boolean;
  lines: FlatLine[];
  includes: IncludeUse[];
  /** Lines without "=" (the first one rejects the event). */
  badLines: FlatLine[];
  assignments: Assignment[];
  early?: VarTable;
  earlyValues?: string[];
  earlyInfo?: SubstituteInfo[];
  when: Partial<Record<string, WhenResult | { unknownField: true }>>;
  /** Archive paths of every file read to judge it (own content and includes). */
  deps: Set<string>;
  /** Set when a resource cap of hcron-check (not of hcron) decided part of the verdict: hcron's own answer may differ. */
  capped?: string;
  notes: LinePassNote[];
}

export function status(type: EventType): 'accepted' | 'rejected' {
  return type === 'normal' ? 'accepted' : 'rejected';
}

/** resolve_event_name_to_name: relative names join the caller's folder, unnormalised. */
export function resolveName(caller: string, name: string): string {
  return name.startsWith('/') ? name : pathJoin('/', dirname(caller), name);
}

/** The early (load-time) variable table of an event. */
export function earlyVars(name: string, ctx: Context): VarTable {
  return new Map<string, string | null>([
    ['when_year', '*'],
    ['template_name', null],
    ['HCRON_EVENT_CHAIN', ''],
    ['HCRON_EVENT_NAME', name],
    ['HCRON_HOST_NAME', ctx.hostName],
    ['HCRON_SERVER_NAME', ctx.serverName],
    ['HCRON_SELF_CHAIN', ''],
  ]);
}

/** Lines an event may expand to through its includes (hcron has no such cap; 3 levels of 5,000 includes are 25 million lines). */
export const MAX_FLAT_LINES = 1_000_000;

function classifyMissing(tree: EventTree, key: string): IncludeError {
  if (key !== 'events' && !key.startsWith('events/')) return 'outside-tree';
  let p = key;
  while (p.startsWith('events')) {
    if (tree.ignoredPaths.has(p)) return 'ignored';
    const q = dirname(p);
    if (q === p) break;
    p = q;
  }
  const m = tree.visible.get(key);
  if (m?.kind === 'dir') return 'directory';
  if (m?.kind === 'symlink') return 'dropped-link';
  if (m) return 'not-a-file';
  return 'missing';
}

/** Split a logical line into its include directive, if it is one. */
export function includeDirective(text: string): { arg: string; argStart: number } | null {
  if (!text.startsWith('include')) return null;
  const words = pySplitWs(text);
  if (words.length !== 2 || words[0] !== 'include') return null;
  return { arg: words[1], argStart: text.lastIndexOf(words[1]) };
}

export function judgeEvent(tree: EventTree, ref: EventRef, src: TextSource, ctx: Context): Judgement {
  const deps = new Set<string>([ref.content]);
  const j: Judgement = {
    ref, type: 'unknown', reason: 'unknown', stage: 1, runnable: false,
    lines: [], includes: [], badLines: [], assignments: [], when: {}, deps, notes: [],
  };
  const text = src.text(ref.content);
  if (text === undefined) {
    j.reason = 'cannot load file';
    j.cause = { message: 'the file could not be read' };
    return j;
  }
  const { lines: own, notes } = linesOf(ctx, ref.content, text);
  j.notes = notes;

  // Stage 2: include expansion, depth first in line order like hcron; every
  // failure is recorded, the first one decides.
  const flat: FlatLine[] = [];
  let firstIncludeError: IncludeUse | undefined;
  // Include resolution depends only on the caller's folder and the argument: resolve each pair once.
  const resolved = new Map<string, { name: string; key: string; target?: string; error?: IncludeError; lines?: LogicalLine[] }>();
  const resolve = (caller: string, arg: string, level: number) => {
    const k = `${level}\u0000${dirname(caller)}\u0000${arg}`;
    let r = resolved.get(k);
    if (!r) {
      const name = resolveName(caller, arg);
      const key = normpath('events/' + name);
      r = { name, key };
      const target = tree.contentPath(key);
      if (target === undefined) r.error = classifyMissing(tree, key);
      else {
        r.target = target;
        if (level + 1 > 3) r.error = 'too-deep';
        else {
          const t = src.text(target);
          if (t === undefined) r.error = 'missing';
          else r.lines = linesOf(ctx, target, t).lines;
        }
      }
      resolved.set(k, r);
    }
    return r;
  };
  // hcron splices every include (3 levels of 5,000 includes are 25 million lines): count first, in
  // hcron's order, stopping at its first include error; materialise only what fits the cap.
  const sizes = new Map<string, number>();
  const size = (caller: string, lines: LogicalLine[], level: number, file: string): number => {
    const sk = `${level}\u0000${dirname(caller)}\u0000${file}`;
    const known = sizes.get(sk);
    if (known !== undefined) return known;
    let n = 0;
    for (const ll of lines) {
      const inc = includeDirective(ll.text);
      if (!inc) n++;
      else {
        const r = resolve(caller, inc.arg, level);
        if (r.error || !r.lines) return -1; // hcron stops at its first include error
        const m = size(r.name, r.lines, level + 1, r.target!);
        if (m < 0) return -1;
        n += m;
      }
      if (n > MAX_FLAT_LINES) break;
    }
    sizes.set(sk, n);
    return n;
  };
  const overflow = size(ref.name, own, 1, ref.content) > MAX_FLAT_LINES;
  const viaOf = new Map<LogicalLine[], Map<LogicalLine, LogicalLine[]>>();
  const expand = (caller: string, lines: LogicalLine[], level: number, via: LogicalLine[]) => {
    for (const ll of lines) {
      if (flat.length >= MAX_FLAT_LINES) return;
      const inc = includeDirective(ll.text);
      if (!inc) {
        flat.push({ ll, via });
        continue;
      }
      const r = resolve(caller, inc.arg, level);
      const use: IncludeUse = { line: { ll, via }, arg: inc.arg, argStart: inc.argStart, name: r.name, key: r.key, level: level + 1 };
      j.includes.push(use);
      if (r.target !== undefined) {
        use.target = r.target;
        deps.add(r.target);
      }
      if (r.error) use.error = r.error;
      if (use.error) {
        firstIncludeError ??= use;
        continue;
      }
      if (overflow) continue; // over the cap: the event's own lines and includes only
      let m = viaOf.get(via);
      if (!m) viaOf.set(via, (m = new Map()));
      let v = m.get(ll);
      if (!v) m.set(ll, (v = [...via, ll]));
      expand(r.name, r.lines!, level + 1, v);
    }
  };
  expand(ref.name, own, 1, []);
  j.lines = flat;

  // Stage 3: assignments (kept even when stage 2 failed, for the editor).
  for (const fl of flat) {
    const t = fl.ll.text;
    const eq = t.indexOf('=');
    if (eq < 0) {
      j.badLines.push(fl);
      continue;
    }
    const rawName = t.slice(0, eq);
    const rawValue = t.slice(eq + 1);
    const name = pyStrip(rawName);
    const value = pyStrip(rawValue);
    const nameStart = name ? rawName.indexOf(name) : eq;
    const valueStart = value ? eq + 1 + rawValue.indexOf(value) : eq + 1;
    j.assignments.push({ name, value, line: fl, nameStart, nameEnd: nameStart + name.length, valueStart, valueEnd: valueStart + value.length });
  }

  if (overflow) {
    j.stage = 2;
    j.reason = 'cannot process include(s)';
    j.cause = { message: `includes expand to more than ${MAX_FLAT_LINES} lines` };
    j.capped = OVERFLOW_CAP;
    return j;
  }
  if (firstIncludeError) {
    const u = firstIncludeError;
    j.stage = 2;
    j.reason = 'cannot process include(s)';
    j.cause = { line: u.line, start: u.argStart, end: u.argStart + u.arg.length, message: includeMessage(u) };
    return j;
  }
  if (j.badLines.length) {
    const fl = j.badLines[0];
    j.stage = 3;
    j.reason = 'bad definition';
    j.cause = { line: fl, start: 0, end: fl.ll.text.length, message: `line without "=": ${JSON.stringify(clip(fl.ll.text))}` };
    return j;
  }

  // Stage 4: early substitution.
  const vars = earlyVars(ref.name, ctx);
  j.earlyInfo = [];
  // Work for this event: a base plus an allowance per character, within what is left of the tree's.
  const allowance = workAllowance(j.assignments);
  const budget = { left: ctx.workBudget ? Math.min(allowance, ctx.workBudget.left) : allowance };
  const before = budget.left;
  j.earlyValues = evalAssignments(j.assignments, vars, j.earlyInfo, budget);
  const treeOut = ctx.workBudget !== undefined && ctx.workBudget.left < allowance;
  if (ctx.workBudget) ctx.workBudget.left -= before - budget.left;
  j.early = vars;
  const caps = substitutionCaps((i) => j.assignments[i].name, j.earlyInfo, treeOut);
  if (caps.tooLong !== undefined) {
    // hcron builds the value and fails with MemoryError: eval_assignments raises, the event is rejected.
    const a = j.assignments[caps.tooLong];
    j.stage = 4;
    j.reason = 'bad variable substitution';
    j.cause = { line: a.line, start: a.valueStart, end: a.valueEnd, message: `the value of ${clip(a.name, 40)} grows beyond ${MAX_VALUE_LENGTH} characters: hcron runs out of memory (MemoryError) and rejects the event` };
    j.capped = caps.capped;
    return j;
  }
  if (caps.capped) j.capped = caps.capped;
  j.runnable = true;

  // Stage 5: template test.
  const tn = vars.get('template_name');
  if (tn !== null && tn !== undefined && tn === basename(ref.name)) {
    j.type = 'template';
    j.reason = 'template';
    j.stage = 5;
    const a = lastAssignment(j, 'template_name');
    j.cause = { line: a?.line, start: a?.valueStart, end: a?.valueEnd, message: `template_name equals the last part of the name (${tn}): not scheduled, runs only when chained or activated` };
    evalAllWhen(j, vars);
    return j;
  }

  // Stage 6: when_* in the table's order (built-in when_year first).
  const badWhen = evalAllWhen(j, vars);
  if (badWhen) {
    j.stage = 6;
    j.reason = 'bad when_* setting';
    const a = lastAssignment(j, badWhen);
    const w = j.when[badWhen]!;
    const msg = 'unknownField' in w ? `"${badWhen}" is not a when_* field (hcron knows when_year, when_month, when_day, when_hour, when_minute, when_dow, when_expire)` : w.ok ? '' : `${badWhen}=${clip(vars.get(badWhen) ?? '')}: ${w.error.message}`;
    j.cause = { line: a?.line, start: a ? ('unknownField' in w ? a.nameStart : a.valueStart) : undefined, end: a ? ('unknownField' in w ? a.nameEnd : a.valueEnd) : undefined, message: msg };
    return j;
  }

  // Stage 7: required fields.
  const f = missingField(vars);
  if (f) {
    j.type = 'partial';
    j.reason = `not fully specified, missing field (${f})`;
    j.stage = 7;
    j.cause = { message: `missing required field ${f}` };
    return j;
  }
  j.type = 'normal';
  j.reason = 'passed';
  j.stage = 8;
  return j;
}

/** Evaluate every when_* entry of the table into j.when; returns the first failing name in hcron's order. */
function evalAllWhen(j: Judgement, vars: VarTable): string | undefined {
  return firstBadWhen(vars, (name, r) => (j.when[name] = r));
}

/** The first when_* entry of the table hcron fails on (its order: insertion); `each` sees every result. */
export function firstBadWhen(vars: VarTable, each?: (name: string, r: WhenResult | { unknownField: true }) => void): string | undefined {
  let first: string | undefined;
  for (const name of vars.keys()) {
    if (name.charCodeAt(0) !== 0x77 /* w */ || !name.startsWith('when_') || name === 'when_expire') continue;
    const value = vars.get(name);
    if (!isWhenField(name)) {
      each?.(name, { unknownField: true });
      first ??= name;
      if (!each) return first;
      continue;
    }
    const r = evalWhen(name as WhenField, value ?? '');
    each?.(name, r);
    if (!r.ok) {
      first ??= name;
      if (!each) return first;
    }
  }
  return first;
}

/** The first required field the table lacks (stage 7). */
export function missingField(vars: VarTable): string | undefined {
  for (const f of REQUIRED_FIELDS) if (!vars.has(f)) return f;
  return undefined;
}

/** Note for an event whose includes expand past MAX_FLAT_LINES. */
export const OVERFLOW_CAP = `includes expand to more than ${MAX_FLAT_LINES} lines: hcron-check stops there and reports "cannot process include(s)" (hcron itself splices them all)`;

/**
 * What hcron-check's caps decided in the early substitution: `tooLong`, the
 * first value hcron fails on with MemoryError (the event is rejected), and
 * the note for the verdict. `infos` may have holes (values that met no cap).
 */
export function substitutionCaps(nameAt: (i: number) => string, infos: readonly (SubstituteInfo | undefined)[], treeOut: boolean): { tooLong?: number; capped?: string } {
  const first = (f: (i: SubstituteInfo) => boolean | undefined) => {
    for (let k = 0; k < infos.length; k++) if (infos[k] && f(infos[k]!)) return k;
    return -1;
  };
  const long = first((i) => i.tooLong);
  if (long >= 0)
    return { tooLong: long, capped: `the value of ${clip(nameAt(long), 40)} grows beyond ${MAX_VALUE_LENGTH} characters: hcron-check stops there and reports "bad variable substitution", which is what hcron's MemoryError gives (at a size that depends on hcron's machine)` };
  const hard = first((i) => i.tooComplex || i.tooDeep);
  if (hard >= 0) {
    const h = infos[hard]!;
    return { capped: `the value of ${clip(nameAt(hard), 40)} is ${h.tooDeep ? `nested deeper than ${MAX_SELECTOR_DEPTH} selectors` : h.budgetOut ? `not evaluated: hcron-check's work budget for ${treeOut ? `the tree (${TREE_WORK_BUDGET} steps)` : 'this event'} is used up` : 'too complex to evaluate'}: hcron-check leaves it as written (${h.tooDeep ? "hcron itself takes time exponential in the depth, or hits Python's recursion limit" : 'hcron itself takes a very long time on it'})` };
  }
  const big = first((i) => i.refTooLong);
  if (big >= 0)
    return { capped: `a reference in the value of ${clip(nameAt(big), 40)} would give more than ${MAX_VALUE_LENGTH} characters: hcron-check leaves it as written (so does hcron when that runs it out of memory; on a machine with enough memory hcron computes it)` };
  return {};
}

const assignmentIndexes = new WeakMap<Judgement, { of: Assignment[]; n: number; byName: Map<string, number[]> }>();

/** Positions in j.assignments of each name, in increasing order (built once per judgement: lookups stay O(log n) on 50,000 assignments). */
export function assignmentPositions(j: Judgement, name: string): readonly number[] {
  let ix = assignmentIndexes.get(j);
  if (!ix || ix.of !== j.assignments || ix.n !== j.assignments.length) {
    const byName = new Map<string, number[]>();
    j.assignments.forEach((a, i) => {
      const l = byName.get(a.name);
      if (l) l.push(i);
      else byName.set(a.name, [i]);
    });
    ix = { of: j.assignments, n: j.assignments.length, byName };
    assignmentIndexes.set(j, ix);
  }
  return ix.byName.get(name) ?? [];
}

/** Index of the last assignment to `name` before position `before` (exclusive), or -1. */
export function assignmentBefore(j: Judgement, name: string, before: number): number {
  const l = assignmentPositions(j, name);
  let lo = 0;
  let hi = l.length; // first position >= before
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid] < before) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? l[lo - 1] : -1;
}

/** Index of the first assignment to `name` at or after position `from`, or -1. */
export function assignmentFrom(j: Judgement, name: string, from: number): number {
  const l = assignmentPositions(j, name);
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < l.length ? l[lo] : -1;
}

export function lastAssignment(j: Judgement, name: string): Assignment | undefined {
  const l = assignmentPositions(j, name);
  return l.length ? j.assignments[l[l.length - 1]] : undefined;
}

function clip(s: string, n = 80): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function includeMessage(u: IncludeUse): string {
  const what = `include ${u.arg} (looked up as ${u.key.slice('events'.length) || '/'})`;
  switch (u.error) {
    case 'missing':
      return `${what}: no such file in the event tree`;
    case 'ignored':
      return `${what}: the name is ignored (names_to_ignore_regexp)`;
    case 'directory':
      return `${what}: a folder cannot be included`;
    case 'outside-tree':
      return `${what}: outside the events/ tree (hcron packs only events/)`;
    case 'too-deep':
      return `${what}: nested too deep (the event is level 1, includes may reach level 3; this is level ${u.level})`;
    case 'dropped-link':
      return `${what}: a symlink hcron drops`;
    case 'not-a-file':
      return `${what}: not a regular file`;
    default:
      return what;
  }
}

/** The range in the event's own file that a flattened line stands for (the include line that brought it in). */
export function ownRange(fl: FlatLine, start: number, end: number): { file: string; start: number; end: number } {
  if (fl.via.length === 0) return fileRange(fl.ll, start, end);
  const top = fl.via[0];
  return fileRange(top, 0, top.text.length);
}
