// Shared by the service features: the document's event, its own lines, and
// what sits at an offset of the document (assignment name or value, include
// line, chain piece, $/# reference). Offsets are mapped through the engine's
// logical lines, so continuation lines work.

import { Assignment, FlatLine, IncludeUse, judgeEvent, Judgement, resolveName, TextSource } from '../engine/event';
import { fileOffset, fileRange, LogicalLine } from '../engine/lines';
import type { LintState } from '../engine/lint';
import { scanReferences } from '../engine/substitute';
import { EventRef, nameOf } from '../engine/tree';
import { pyStrip } from '../engine/py';
import { finish, STEP } from './steps';
import type { DocContext, Loc, ShouldStop, Steps } from './types';

export interface Doc {
  ctx: DocContext;
  state: LintState;
  /** The document's event, judged on ctx.text. */
  j: Judgement;
  /** Archive path of the regular file whose text the document shows (ref.content). */
  content: string;
  /** The document is an event hcron loads (not a dropped link, ignored name, ...). */
  isEvent: boolean;
}

/** The document's event: the judgement whose ref.path is the document path, re-judged if the state holds other text. */
export function docOf(ctx: DocContext): Doc | undefined {
  if (ctx.path !== 'events' && !ctx.path.startsWith('events/')) return undefined;
  const state = ctx.state;
  const name = nameOf(ctx.path);
  let j = state.judgement(name);
  if (j && j.ref.path !== ctx.path) j = undefined;
  const isEvent = !!j;
  const ref: EventRef = j?.ref ?? { name, path: ctx.path, content: ctx.path };
  if (!j || state.src.text(ref.content) !== ctx.text) {
    const src: TextSource = { text: (p) => (p === ref.content ? ctx.text : state.src.text(p)) };
    j = judgeEvent(state.tree, ref, src, state.ctx);
  }
  return { ctx, state, j, content: ref.content, isEvent };
}

/** File offsets [start, end) a logical line covers. */
export function lineSpan(ll: LogicalLine): { start: number; end: number } {
  const start = fileOffset(ll, 0);
  const end = ll.text.length ? fileOffset(ll, ll.text.length - 1) + 1 : start;
  return { start, end };
}

/** Offset in a logical line's text of a file offset, or undefined if the line does not cover it (end inclusive). */
export function textOffset(ll: LogicalLine, fileOff: number): number | undefined {
  const span = lineSpan(ll);
  if (fileOff < span.start || fileOff > span.end) return undefined;
  if (fileOff === span.end) return ll.text.length;
  for (let i = 0; i < ll.pieces.length; i++) {
    const p = ll.pieces[i];
    const len = i + 1 < ll.pieces.length ? ll.pieces[i + 1].at - p.at : Infinity;
    // a joined piece spans len characters, then its "\" (removed by the join)
    if (fileOff >= p.off && fileOff <= p.off + len) {
      const raw = p.at + Math.min(fileOff - p.off, len);
      return Math.max(0, Math.min(ll.text.length, raw - ll.lead));
    }
  }
  return undefined;
}

/** A range of a logical line as a Loc; the document's own file is reported under the document's path. */
export function docLoc(doc: Doc, ll: LogicalLine, start: number, end: number): Loc {
  const r = fileRange(ll, start, end);
  return { file: r.file === doc.content ? doc.ctx.path : r.file, start: r.start, end: r.end };
}

/** A range of a logical line as a Loc in the file holding it. */
export function lineLoc(ll: LogicalLine, start: number, end: number): Loc {
  const r = fileRange(ll, start, end);
  return { file: r.file, start: r.start, end: r.end };
}

/** The document's own lines: flattened lines and include directives of its own file, in file order. */
export function ownLines(doc: Doc): { ll: LogicalLine; fl?: FlatLine; use?: IncludeUse }[] {
  const out: { ll: LogicalLine; fl?: FlatLine; use?: IncludeUse }[] = [];
  for (const fl of doc.j.lines) if (fl.via.length === 0) out.push({ ll: fl.ll, fl });
  for (const use of doc.j.includes) if (use.line.via.length === 0) out.push({ ll: use.line.ll, use });
  out.sort((a, b) => a.ll.index - b.ll.index);
  return out;
}

/** Position in the document of a flattened line: its own line, or the include line that brought it in. */
export function ownPosition(fl: FlatLine): number {
  return lineSpan(fl.via.length ? fl.via[0] : fl.ll).start;
}

export interface Piece {
  piece: string;
  /** Offsets of the piece in the assignment's value. */
  start: number;
  end: number;
  /** The name hcron looks up (joined to the event's folder, not normalised). */
  name: string;
  /** The value has references: the pieces are known only at activation. */
  late: boolean;
}

export const CHAIN_FIELDS = new Set(['next_event', 'failover_event']);

/** The ":"-separated pieces of a next_event/failover_event value, resolved against `owner`'s folder. */
export function piecesOf(owner: string, a: { value: string }): Piece[] {
  if (a.value === '') return [];
  const late = scanReferences(a.value).refs.length > 0;
  const out: Piece[] = [];
  let off = 0;
  for (const raw of a.value.split(':')) {
    const piece = pyStrip(raw);
    const lead = piece ? raw.indexOf(piece) : 0;
    out.push({ piece, start: off + lead, end: off + lead + piece.length, name: resolveName(owner, piece), late });
    off += raw.length + 1;
  }
  return out;
}

export interface RefAt {
  op: '$' | '#';
  name: string;
  /** Offsets in the value: the whole reference, and the end of OP+NAME. */
  start: number;
  end: number;
  nameEnd: number;
  /** Nesting depth: 0 = top level of the value. */
  depth: number;
}

/** Every reference of a value, including those nested in selectors (inner ones after their outer one). */
export function refsIn(value: string, base = 0, depth = 0, out: RefAt[] = []): RefAt[] {
  if (depth > 50) return out;
  const { refs } = scanReferences(value);
  for (const r of refs) {
    out.push({ op: r.op, name: r.name, start: base + r.start, end: base + r.end, nameEnd: base + r.start + 1 + r.name.length, depth });
    if (r.selector) refsIn(value.slice(r.selector.start, r.selector.end), base + r.selector.start, depth + 1, out);
  }
  return out;
}

export type Hit =
  | { kind: 'include'; ll: LogicalLine; use: IncludeUse; onArg: boolean }
  | { kind: 'name'; ll: LogicalLine; a: Assignment; idx: number }
  | { kind: 'piece'; ll: LogicalLine; a: Assignment; idx: number; piece: Piece }
  | { kind: 'ref'; ll: LogicalLine; a: Assignment; idx: number; ref: RefAt }
  | { kind: 'value'; ll: LogicalLine; a: Assignment; idx: number; at: number }
  | { kind: 'bad'; ll: LogicalLine; fl: FlatLine };

/** What is at a file offset of the document. */
export function locate(doc: Doc, offset: number): Hit | undefined {
  for (const o of ownLines(doc)) {
    const t = textOffset(o.ll, offset);
    if (t === undefined) continue;
    if (o.use) {
      const onArg = t >= o.use.argStart && t <= o.use.argStart + o.use.arg.length;
      return { kind: 'include', ll: o.ll, use: o.use, onArg };
    }
    const idx = doc.j.assignments.findIndex((a) => a.line === o.fl);
    if (idx < 0) return { kind: 'bad', ll: o.ll, fl: o.fl! };
    const a = doc.j.assignments[idx];
    const eq = o.ll.text.indexOf('=');
    if (t <= eq) return { kind: 'name', ll: o.ll, a, idx };
    const at = t - a.valueStart;
    // innermost reference first (nested ones follow their outer one)
    const refs = refsIn(a.value).filter((r) => at >= r.start && at <= r.end);
    if (refs.length) return { kind: 'ref', ll: o.ll, a, idx, ref: refs[refs.length - 1] };
    if (CHAIN_FIELDS.has(a.name)) {
      const p = piecesOf(doc.j.ref.name, a).find((x) => !x.late && at >= x.start && at <= x.end);
      if (p) return { kind: 'piece', ll: o.ll, a, idx, piece: p };
    }
    return { kind: 'value', ll: o.ll, a, idx, at };
  }
  return undefined;
}

/** The event judgements of the tree, in load order. */
export function allJudgements(state: LintState): Judgement[] {
  const out: Judgement[] = [];
  for (const e of state.tree.events) {
    const j = state.judgement(e.name);
    if (j) out.push(j);
  }
  return out;
}

/** Names hcron loads whose text is this regular file: the file's own name and every symlink resolving to it. */
export function namesOfFile(state: LintState, content: string): string[] {
  const out: string[] = [];
  const own = state.judgement(nameOf(content));
  if (own && own.ref.path === content) out.push(own.ref.name);
  for (const l of state.tree.linksTo.get(content) ?? []) {
    const n = nameOf(l);
    if (state.judgement(n)?.ref.path === l) out.push(n);
  }
  return out;
}

export interface Caller {
  caller: Judgement;
  field: 'next_event' | 'failover_event';
  /** The name it chains to (one of the names of the file). */
  target: string;
  piece: Piece;
  a: Assignment;
}

/** Chain pieces of the whole tree (final next_event/failover_event of each event) that name one of `names`. */
export function callersOf(state: LintState, names: Iterable<string>, runnableOnly = true, max = Infinity, shouldStop?: ShouldStop): Caller[] {
  return finish(callersSteps(state, names, runnableOnly, max), shouldStop);
}

/** callersOf as resumable work (a pause every STEP events read). */
export function* callersSteps(state: LintState, names: Iterable<string>, runnableOnly = true, max = Infinity): Steps<Caller[]> {
  const want = new Set(names);
  const out: Caller[] = [];
  let n = 0;
  // With the server's callers index only the events that name one of these are read, not the whole
  // tree; candidates stay in load order, like a scan of the tree.
  // Names only: a hover wants the first few callers of thousands, read lazily below.
  let candidates: readonly string[] | undefined;
  if (state.callers && want.size === 1) candidates = state.callers([...want][0]); // unique, in load order already
  else if (state.callers) {
    const seen = new Set<string>();
    const names: string[] = [];
    for (const w of want)
      for (const c of state.callers(w)) {
        if ((++n & (STEP - 1)) === 0) yield;
        if (seen.has(c)) continue;
        seen.add(c);
        names.push(c);
      }
    candidates = names;
    if (want.size > 1 && names.length > 1) {
      // load order: a walk of the tree's events (no sort of the whole list in one go)
      const ordered: string[] = [];
      for (const e of state.tree.events) {
        if ((++n & (STEP - 1)) === 0) yield;
        if (seen.has(e.name)) ordered.push(e.name);
      }
      if (ordered.length === names.length) candidates = ordered;
      else {
        const order = new Map(state.tree.events.map((e, i) => [e.name, i]));
        names.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
      }
    }
  }
  // without the index: every event of the tree
  const count = candidates ? candidates.length : state.tree.events.length;
  for (let i = 0; i < count; i++) {
    if ((++n & (STEP - 1)) === 0) yield;
    const cj = state.judgement(candidates ? candidates[i] : state.tree.events[i].name);
    if (!cj || (runnableOnly && !cj.runnable)) continue;
    const as = cj.assignments; // once: a compact judgement's getter looks the whole one up each time
    for (const field of ['next_event', 'failover_event'] as const) {
      let a: Assignment | undefined;
      for (let k = as.length - 1; k >= 0; k--)
        if (as[k].name === field) {
          a = as[k];
          break;
        }
      if (!a) continue;
      for (const p of piecesOf(cj.ref.name, a)) if (!p.late && want.has(p.name)) out.push({ caller: cj, field, target: p.name, piece: p, a });
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** The assignment of `j` standing for the same line of the same file as `a` (the same text under another name). */
export function sameAssignment(j: Judgement, a: Assignment): number {
  return j.assignments.findIndex((b) => b.line.ll.file === a.line.ll.file && b.line.ll.index === a.line.ll.index && b.line.via.length === a.line.via.length && (a.line.via.length === 0 || b.line.via[0]?.index === a.line.via[0]?.index));
}

/** How many (caller, name) pairs chain to these names: the callers index when there is one, else a full count. */
export function callerCount(state: LintState, names: Iterable<string>): number {
  if (!state.callers) return callersOf(state, names).length;
  let n = 0;
  for (const name of names) n += state.callers(name).length;
  return n;
}
