// Safe renames.
//
// Events and included files (from a chain piece, an include line, or moves
// of files and folders as the editor's explorer does them): every
// next_event/failover_event piece, include line and symlink that names a
// moved member is rewritten so that hcron resolves it to the same member
// under its new name, and a template_name that equals the file's old last
// part follows the new one. A piece or include line read under several
// names (an include fragment, a symlinked file) gets one spelling that is
// right for every name, or is left alone with a warning. The result is
// judged again: verdicts that would change are reported.
//
// Variables: the assignments and references of the document's own file.

import * as posix from 'node:path/posix';
import { Assignment, IncludeUse, Judgement, KNOWN_FIELDS, lastAssignment, resolveName } from '../engine/event';
import { fileRange } from '../engine/lines';
import { BUILTINS_BOTH, chainTarget, dropText, LATE_ONLY, LintState } from '../engine/lint';
import { basename, dirname, normpath, pathJoin } from '../engine/py';
import { scanReferences } from '../engine/substitute';
import { Member, nameOf } from '../engine/tree';
import { applyEdits, editsByFile, linkText, newPathProblem, simulate, TextEditDesc, WorkspaceChange } from './edits';
import { CHAIN_FIELDS, Doc, docOf, Hit, locate, namesOfFile, piecesOf, refsIn } from './locate';
import { finish, STEP } from './steps';
import type { DocContext, ShouldStop, Steps } from './types';

export interface Move {
  /** Archive paths: a member (file, symlink or folder) and its new path. */
  from: string;
  to: string;
}

export interface RenamePlan {
  /** Text edits (at the files' current paths) and symlinks to re-point (at their new paths). No rename operations. */
  change: WorkspaceChange;
  /** Places that could not be updated (one spelling cannot serve every name that reads them). */
  conflicts: string[];
  /** Verdicts that change with the rename, and places that were not checked. */
  warnings: string[];
}

export type PrepareResult = { start: number; end: number; placeholder: string } | { error: string } | null;

export interface RenameResult {
  /** The edits, then the rename operation (for an event or include). */
  change: WorkspaceChange;
  warnings: string[];
}

const WORD = /^[\p{L}\p{N}_]+$/u;

// --------------------------------------------------------- what is renamed

type Target =
  | { kind: 'member'; path: string; start: number; end: number; placeholder: string; resolve: (text: string) => string }
  | { kind: 'variable'; name: string; start: number; end: number };

function targetAt(doc: Doc, offset: number): Target | { error: string } | null {
  const hit = locate(doc, offset);
  if (!hit) return null;
  const range = (h: Hit, s: number, e: number) => fileRange(h.ll, s, e);
  switch (hit.kind) {
    case 'piece': {
      const t = chainTarget(doc.state, hit.piece.name);
      if (t.kind === 'dropped') return { error: `${hit.piece.name} is not an event: hcron drops it (${dropText(t.dropped)})` };
      if (t.kind !== 'event') return { error: `${hit.piece.name} is not an event of this tree: there is nothing to rename` };
      const r = range(hit, hit.a.valueStart + hit.piece.start, hit.a.valueStart + hit.piece.end);
      const owner = doc.j.ref.name;
      return { kind: 'member', path: t.judgement.ref.path, start: r.start, end: r.end, placeholder: hit.piece.piece, resolve: (text) => 'events' + resolveName(owner, text.trim()) };
    }
    case 'include': {
      if (!hit.onArg) return null;
      const u = hit.use;
      const m = doc.state.tree.visible.get(u.key);
      if (!m || (m.kind !== 'file' && m.kind !== 'symlink')) return { error: `include ${u.arg} does not name a file of the tree: there is nothing to rename` };
      const r = range(hit, u.argStart, u.argStart + u.arg.length);
      const owner = doc.j.ref.name;
      return { kind: 'member', path: u.key, start: r.start, end: r.end, placeholder: u.arg, resolve: (text) => normpath('events/' + resolveName(owner, text.trim())) };
    }
    case 'name': {
      const r = range(hit, hit.a.nameStart, hit.a.nameEnd);
      return { kind: 'variable', name: hit.a.name, start: r.start, end: r.end };
    }
    case 'ref': {
      const r = range(hit, hit.a.valueStart + hit.ref.start + 1, hit.a.valueStart + hit.ref.nameEnd);
      return { kind: 'variable', name: hit.ref.name, start: r.start, end: r.end };
    }
    default:
      return null;
  }
}

/** Why a member cannot be renamed safely, or undefined. */
function* memberProblem(state: LintState, path: string): Steps<string | undefined> {
  const name = nameOf(path);
  const hard = state.tree.dropped.filter((d) => d.reason === 'hard-link' && (d.detail === path || d.path === path));
  if (hard.length) return `${name} is hard-linked (${hard.map((d) => d.name).join(', ')}): which name hcron keeps depends on the tar walk order; replace the hard links by symlinks first`;
  // chain values with variables may name it: they cannot be rewritten
  const base = basename(name);
  let n = 0;
  for (const e of state.tree.events) {
    if ((++n & (STEP - 1)) === 0) yield;
    const j = state.judgement(e.name);
    // its values are in the texts it reads: no need to judge its lines again unless they name it
    if (!j || ![...j.deps].some((d) => state.src.text(d)?.includes(base))) continue;
    for (const a of j.assignments)
      if (CHAIN_FIELDS.has(a.name) && a.value.includes(base) && scanReferences(a.value).refs.length)
        return `${j.ref.name} names it in ${a.name}=${a.value}, a value with variables that cannot be updated safely`;
  }
  return undefined;
}

function variableProblem(doc: Doc, name: string): string | undefined {
  if (KNOWN_FIELDS.has(name) || name.startsWith('when_')) return `${name} is a field hcron reads: renaming it changes what hcron does`;
  if (BUILTINS_BOTH.has(name) || LATE_ONLY.has(name) || name === 'template_name') return `${name} is one of hcron's built-in variables`;
  if (!WORD.test(name)) return `"${name}" cannot be referenced (only names of letters, digits and _ can): there is nothing to rename`;
  const uses = (a: Assignment) => a.name === name || refsIn(a.value).some((r) => r.name === name);
  const inc = doc.j.assignments.find((a) => (a.line.via.length > 0 || a.line.ll.file !== doc.content) && uses(a));
  if (inc) return `${name} is also used in the included file ${nameOf(inc.line.ll.file)}: renaming it here would break that file for every event that includes it`;
  for (const n of doc.state.includers(doc.content)) {
    const j = doc.state.judgement(n);
    const other = j?.assignments.find((a) => a.line.ll.file !== doc.content && uses(a));
    if (other) return `${name} is also used by ${n}, which includes this file (in ${nameOf(other.line.ll.file)})`;
  }
  return undefined;
}

export function prepareRename(ctx: DocContext, offset: number, shouldStop?: ShouldStop): PrepareResult {
  return finish(prepareRenameSteps(ctx, offset), shouldStop);
}

/** prepareRename as resumable work (service/steps.ts): a member is checked against every event of the tree. */
export function* prepareRenameSteps(ctx: DocContext, offset: number): Steps<PrepareResult> {
  const doc = docOf(ctx);
  if (!doc) return null;
  const t = targetAt(doc, offset);
  if (!t || 'error' in t) return t;
  if (t.kind === 'variable') {
    const p = variableProblem(doc, t.name);
    return p ? { error: p } : { start: t.start, end: t.end, placeholder: t.name };
  }
  const p = yield* memberProblem(doc.state, t.path);
  return p ? { error: p } : { start: t.start, end: t.end, placeholder: t.placeholder };
}

export function rename(ctx: DocContext, offset: number, newName: string, shouldStop?: ShouldStop): RenameResult | { error: string } {
  return finish(renameSteps(ctx, offset, newName), shouldStop);
}

/** rename as resumable work (service/steps.ts): renaming a member edits the whole tree. */
export function* renameSteps(ctx: DocContext, offset: number, newName: string): Steps<RenameResult | { error: string }> {
  const doc = docOf(ctx);
  if (!doc) return { error: 'not an hcron event file' };
  const t = targetAt(doc, offset);
  if (!t) return { error: 'nothing to rename here' };
  if ('error' in t) return t;
  if (t.kind === 'variable') return renameVariable(doc, t.name, newName);
  const problem = yield* memberProblem(doc.state, t.path);
  if (problem) return { error: problem };
  const to = t.resolve(newName);
  if (to === t.path) return { error: 'the new name is the current one' };
  const bad = newPathProblem(doc.state, to);
  if (bad) return { error: bad };
  const plan = yield* renameMembersSteps(doc.state, [{ from: t.path, to }]);
  if (plan.conflicts.length) return { error: `cannot rename safely: ${plan.conflicts.join('; ')}` };
  plan.change.ops.unshift({ kind: 'rename', from: t.path, to });
  // the rename first, then the links that pointed at the old name
  const rename = plan.change.ops.filter((o) => o.kind === 'rename');
  const rest = plan.change.ops.filter((o) => o.kind !== 'rename');
  return { change: { edits: plan.change.edits, ops: [...rename, ...rest] }, warnings: plan.warnings };
}

// --------------------------------------------------------------- variables

function renameVariable(doc: Doc, name: string, newName: string): RenameResult | { error: string } {
  const p = variableProblem(doc, name);
  if (p) return { error: p };
  const nn = newName.trim();
  if (!WORD.test(nn)) return { error: `"${nn}" cannot be referenced: use letters, digits and _ only` };
  if (nn === name) return { error: 'the new name is the current one' };
  if (KNOWN_FIELDS.has(nn) || nn.startsWith('when_') || BUILTINS_BOTH.has(nn) || LATE_ONLY.has(nn) || nn === 'template_name') return { error: `${nn} means something to hcron: choose another name` };
  const j = doc.j;
  if (j.assignments.some((a) => a.name === nn || refsIn(a.value).some((r) => r.name === nn))) return { error: `${nn} is already used in this event` };
  const edits: TextEditDesc[] = [];
  for (const a of j.assignments) {
    if (a.line.via.length > 0 || a.line.ll.file !== doc.content) continue;
    if (a.name === name) {
      const r = fileRange(a.line.ll, a.nameStart, a.nameEnd);
      edits.push({ file: doc.ctx.path, start: r.start, end: r.end, newText: nn });
    }
    for (const ref of refsIn(a.value)) {
      if (ref.name !== name) continue;
      const r = fileRange(a.line.ll, a.valueStart + ref.start + 1, a.valueStart + ref.nameEnd);
      edits.push({ file: doc.ctx.path, start: r.start, end: r.end, newText: nn });
    }
  }
  if (!edits.length) return { error: `no use of ${name} in this file` };
  // hcron must compute the same values under the new name
  const text = applyEdits(doc.ctx.text, edits);
  const sim = simulate(doc.state, { texts: new Map([[doc.content, text]]) });
  const after = sim.judgement(j.ref.name);
  if (after && (after.reason !== j.reason || (after.earlyValues ?? []).join('\0') !== (j.earlyValues ?? []).join('\0')))
    return { error: `renaming ${name} to ${nn} would change what hcron computes` };
  return { change: { edits, ops: [] }, warnings: [] };
}

// ------------------------------------------------------ moves of members

function mapper(moves: readonly Move[]): (path: string) => string {
  return (p) => {
    for (const m of moves) if (p === m.from || p.startsWith(m.from + '/')) return m.to + p.slice(m.from.length);
    return p;
  };
}

interface Want {
  text: string;
  /** What it must reach (the new target's path), for the absolute fallback. */
  target: string;
  absolute: string;
  who: string;
}

interface Place {
  kind: 'piece' | 'include' | 'template';
  file: string;
  start: number;
  end: number;
  old: string;
  wants: Want[];
}

/** The name that an include line of `j` is resolved against (hcron: the including file's own name as built). */
function includeCaller(j: Judgement, u: IncludeUse): string {
  if (u.line.via.length === 0) return j.ref.name;
  const via = u.line.via[u.line.via.length - 1];
  const parent = j.includes.find((p) => p.line.ll === via);
  return parent?.name ?? j.ref.name;
}

/**
 * An include line with a "$" in it. hcron reads include arguments literally (no substitution, spec
 * 2.5), so its last name component already tells what it names; such events are examined anyway.
 */
const INCLUDE_WITH_VARIABLE = /^[ \t]*include[ \t][^\n]*\$/m;

/** Rewrites for moving members of the tree (files, symlinks or folders). */
export function renameMembers(state: LintState, moves: readonly Move[], shouldStop?: ShouldStop): RenamePlan {
  return finish(renameMembersSteps(state, moves), shouldStop);
}

/** renameMembers as resumable work (service/steps.ts). */
export function* renameMembersSteps(state: LintState, moves: readonly Move[]): Steps<RenamePlan> {
  const mapPath = mapper(moves);
  const mapName = (n: string) => nameOf(mapPath(normpath('events' + n)));
  const places = new Map<string, Place>();
  const want = (kind: Place['kind'], file: string, start: number, end: number, old: string, w: Want) => {
    const k = `${file}\0${start}\0${end}`;
    let p = places.get(k);
    if (!p) places.set(k, (p = { kind, file, start, end, old, wants: [] }));
    p.wants.push(w);
  };
  const moved = new Set<string>();
  const warnings: string[] = [];
  const lateValues: string[] = [];
  const bases = new Set(moves.map((m) => basename(nameOf(m.from))));
  let n = 0;

  // Only events that move or whose texts name a moved member can want a
  // change (events with a "$" in an include line are examined too); judging
  // every event's lines again is what the others would cost (compact
  // judgements). An event left out would want each place it reads kept as it
  // is, which matters only where another event wants it changed: those
  // readers are examined after.
  const baseList = [...bases];
  const mayWant = (j: Judgement) =>
    mapPath(j.ref.path) !== j.ref.path || mapPath(j.ref.content) !== j.ref.content || [...j.deps].some((d) => {
      const t = state.src.text(d);
      return t !== undefined && (baseList.some((b) => t.includes(b)) || INCLUDE_WITH_VARIABLE.test(t));
    });
  const examined = new Set<string>();
  const examine = (j: Judgement) => {
    examined.add(j.ref.name);
    const caller = j.ref.name;
    const newCaller = mapName(caller);
    // next_event / failover_event pieces (every assignment, not only the last: they stay consistent)
    for (const a of j.assignments) {
      if (!CHAIN_FIELDS.has(a.name)) continue;
      const pieces = piecesOf(caller, a);
      if (pieces.some((p) => p.late)) {
        if (baseList.some((b) => a.value.includes(b))) lateValues.push(`${caller}: ${a.name}=${a.value}`);
        continue;
      }
      for (const p of pieces) {
        if (p.piece === '' || !state.tree.members.has('events' + p.name)) continue;
        const target = mapPath('events' + p.name);
        const newTarget = nameOf(target);
        const r = fileRange(a.line.ll, a.valueStart + p.start, a.valueStart + p.end);
        const keep = resolveName(newCaller, p.piece) === newTarget;
        const text = keep ? p.piece : p.piece.startsWith('/') ? newTarget : spellRelative(newTarget, newCaller) ?? newTarget;
        want('piece', r.file, r.start, r.end, p.piece, { text, target, absolute: newTarget, who: caller });
      }
    }
    // include lines
    for (const u of j.includes) {
      if (!state.tree.visible.has(u.key)) continue;
      const inc = includeCaller(j, u);
      const newInc = mapName(nameOf(normpath('events' + inc)) || '/');
      const target = mapPath(u.key);
      const r = fileRange(u.line.ll, u.argStart, u.argStart + u.arg.length);
      const keep = normpath('events/' + resolveName(newInc, u.arg)) === target;
      const abs = nameOf(target);
      const text = keep ? u.arg : u.arg.startsWith('/') ? abs : posix.relative(dirname(newInc), abs) || abs;
      want('include', r.file, r.start, r.end, u.arg, { text, target, absolute: abs, who: caller });
    }
    // template_name that must follow the file's new name
    if (j.ref.path === j.ref.content && mapPath(j.ref.path) !== j.ref.path) {
      moved.add(caller);
      const oldBase = basename(caller);
      const newBase = basename(newCaller);
      const a = lastAssignment(j, 'template_name');
      if (oldBase !== newBase && a && a.line.via.length === 0 && a.line.ll.file === j.ref.content && a.value === oldBase) {
        const r = fileRange(a.line.ll, a.valueStart, a.valueEnd);
        want('template', r.file, r.start, r.end, a.value, { text: newBase, target: '', absolute: newBase, who: caller });
      }
    } else if (mapPath(j.ref.path) !== j.ref.path) moved.add(caller);
  };
  for (const e of state.tree.events) {
    if ((++n & (STEP - 1)) === 0) yield;
    const j = state.judgement(e.name);
    if (j && mayWant(j)) examine(j);
  }
  const readers = new Set<string>();
  for (const p of places.values()) {
    if ((++n & (STEP - 1)) === 0) yield;
    if (p.wants.every((w) => w.text === p.old)) continue;
    for (const r of [...state.includers(p.file), ...namesOfFile(state, p.file)]) if (!examined.has(r)) readers.add(r);
  }
  if (readers.size) {
    for (const r of readers) {
      if ((++n & (STEP - 1)) === 0) yield;
      const j = state.judgement(r);
      if (j) examine(j);
    }
    // wants in load order, as a walk of the tree gives them
    const order = new Map(state.tree.events.map((e, i) => [e.name, i]));
    for (const p of places.values()) p.wants.sort((a, b) => (order.get(a.who) ?? 0) - (order.get(b.who) ?? 0));
  }

  const edits: TextEditDesc[] = [];
  const conflicts: string[] = [];
  for (const p of places.values()) {
    if ((++n & (STEP - 1)) === 0) yield;
    const texts = new Set(p.wants.map((w) => w.text));
    let text: string | undefined;
    if (texts.size === 1) [text] = texts;
    else {
      const targets = new Set(p.wants.map((w) => w.target));
      if (targets.size === 1 && p.wants[0].target) text = p.wants[0].absolute;
    }
    if (text === undefined) {
      conflicts.push(`"${p.old}" in ${nameOf(p.file)} is read by ${[...new Set(p.wants.map((w) => w.who))].join(', ')}, which would need different names (${[...texts].join(', ')})`);
      continue;
    }
    if (p.kind === 'include' && /\s/.test(text)) {
      conflicts.push(`include lines cannot name ${text} (white space splits the line into more words)`);
      continue;
    }
    if (text !== p.old) edits.push({ file: p.file, start: p.start, end: p.end, newText: text });
  }

  // symlinks whose text must change: they point at a moved member, or moved themselves
  const ops: WorkspaceChange['ops'] = [];
  const relinked = new Map<string, string>();
  for (const m of state.tree.members.values()) {
    if ((++n & (STEP - 1)) === 0) yield;
    if (m.kind !== 'symlink' || m.link === undefined || m.link.startsWith('/')) continue;
    const dest = normpath(pathJoin(dirname(m.path), m.link));
    if (dest !== 'events' && !dest.startsWith('events/')) continue;
    const l2 = mapPath(m.path);
    const d2 = mapPath(dest);
    if (l2 === m.path && d2 === dest) continue;
    const text = linkText(l2, d2);
    if (text === m.link) continue;
    ops.push({ kind: 'relink', file: l2, target: text, was: m.link });
    relinked.set(l2, text);
  }

  if (lateValues.length) warnings.push(`not checked (chain values with variables): ${lateValues.slice(0, 5).join('; ')}${lateValues.length > 5 ? '; …' : ''}`);
  warnings.push(...(yield* verdictChanges(state, moves, edits, relinked)));
  return { change: { edits, ops }, conflicts, warnings };
}

/** `target` relative to the folder of `caller` (hcron joins without normalising: only names below the folder). */
function spellRelative(target: string, caller: string): string | undefined {
  const d = dirname(caller);
  const prefix = d === '/' ? '/' : d + '/';
  return target.startsWith(prefix) && target.length > prefix.length ? target.slice(prefix.length) : undefined;
}

/** The tree after the moves, edits and re-pointed links, judged again where it can differ. */
function* verdictChanges(state: LintState, moves: readonly Move[], edits: TextEditDesc[], relinked: Map<string, string>): Steps<string[]> {
  const mapPath = mapper(moves);
  const back = mapper(moves.map((m) => ({ from: m.to, to: m.from })));
  const members: Member[] = [];
  let n = 0;
  for (const m of state.tree.input.members) {
    if ((++n & (STEP - 1)) === 0) yield;
    const path = mapPath(m.path);
    const out: Member = { ...m, path };
    if (m.hardlinkOf) out.hardlinkOf = mapPath(m.hardlinkOf);
    const l = relinked.get(path);
    if (l !== undefined) out.link = l;
    members.push(out);
  }
  // folders a move creates
  const have = new Set(members.map((m) => m.path));
  for (const m of [...members]) {
    if ((++n & (STEP - 1)) === 0) yield;
    for (let d = dirname(m.path); d.startsWith('events/') && !have.has(d); d = dirname(d)) {
      have.add(d);
      members.push({ path: d, kind: 'dir' });
    }
  }
  const texts = new Map<string, string>();
  for (const [file, es] of editsByFile(edits)) {
    if ((++n & (STEP - 1)) === 0) yield;
    const t = state.src.text(file);
    if (t !== undefined) texts.set(mapPath(file), applyEdits(t, es));
  }
  const sim = simulate(state, { members, texts, src: { text: (p) => state.src.text(back(p)) } });
  const touched = new Set<string>([...moves.map((m) => m.from), ...edits.map((e) => e.file)]);
  // a path is touched when it or one of its folders is (a set lookup per folder, not a scan of every touched path)
  const isTouched = (d: string) => {
    for (let p = d; ; ) {
      if (touched.has(p)) return true;
      const i = p.lastIndexOf('/');
      if (i <= 0) return false;
      p = p.slice(0, i);
    }
  };
  const out: string[] = [];
  let judged = 0;
  for (const e of state.tree.events) {
    if ((++n & (STEP - 1)) === 0) yield;
    const j = state.judgement(e.name);
    if (!j) continue;
    const affected = mapPath(j.ref.path) !== j.ref.path || !!j.ref.links || [...j.deps].some(isTouched);
    if (!affected) continue;
    const n2 = nameOf(mapPath(j.ref.path));
    if ((++judged & 31) === 0) yield; // each judges an event again
    const after = sim.judgement(n2);
    const label = n2 === j.ref.name ? j.ref.name : `${j.ref.name} (then ${n2})`;
    const verdict = (x: Judgement) => (x.type === 'normal' ? 'accepted' : `rejected: ${x.reason}`);
    if (!after) {
      const d = sim.tree.droppedByPath.get(mapPath(j.ref.path));
      out.push(`${label} would no longer be an event${d ? ` (hcron drops it: ${dropText(d)})` : ''}`);
    } else if (after.type !== j.type || after.reason !== j.reason) out.push(`${label} would be ${verdict(after)} (now ${verdict(j)})`);
  }
  return out;
}
