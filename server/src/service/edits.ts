// Plain descriptions of changes to an event tree (text edits, file
// operations) and the engine's re-check of a change before it is offered: a
// simulated tree with the edited texts and moved or added members, judged
// lazily, only where asked.

import * as posix from 'node:path/posix';
import type { HcronConfig } from '../engine/config';
import { ignoreMatcher } from '../engine/config';
import { Context, judgeEvent, Judgement, status as statusOf, TextSource } from '../engine/event';
import type { LintState } from '../engine/lint';
import { compareCodePoints, normpath } from '../engine/py';
import type { StatusRecord } from '../engine/status';
import { EventTree, Member } from '../engine/tree';

/** Replace [start, end) of a file (archive path, UTF-16 offsets in its current text) by newText. */
export interface TextEditDesc {
  file: string;
  start: number;
  end: number;
  newText: string;
}

/**
 * File operations. `create` and `rename` map onto LSP resource operations;
 * the symlink operations cannot be expressed in a WorkspaceEdit and are run
 * by the server itself (commands hcron.createSymlink, hcron.replaceHardLink,
 * and the re-pointing after a rename).
 */
export type FileOp =
  | { kind: 'create'; file: string; text: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'symlink'; file: string; target: string }
  /** Point an existing symlink (its path after the renames) at `target`; only if its text is still `was`. */
  | { kind: 'relink'; file: string; target: string; was: string }
  /** Replace the hard link `file` by a symlink with text `target` (to `of`, the name hcron keeps). */
  | { kind: 'replaceHardLink'; file: string; target: string; of: string };

export interface WorkspaceChange {
  /** Applied first, to the files at their current paths. */
  edits: TextEditDesc[];
  /** Then these, in order. */
  ops: FileOp[];
}

export function emptyChange(): WorkspaceChange {
  return { edits: [], ops: [] };
}

/** A text with non-overlapping edits applied. */
export function applyEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let last = 0;
  for (const e of sorted) {
    if (e.start < last) continue; // overlapping: the first one wins
    out += text.slice(last, e.start) + e.newText;
    last = e.end;
  }
  return out + text.slice(last);
}

/** Edits of one file, grouped. */
export function editsByFile(edits: readonly TextEditDesc[]): Map<string, TextEditDesc[]> {
  const m = new Map<string, TextEditDesc[]>();
  for (const e of edits) {
    const l = m.get(e.file) ?? [];
    l.push(e);
    m.set(e.file, l);
  }
  return m;
}

/** Component-wise order of archive paths (hcron's tar walk). */
export function walkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return compareCodePoints(x[i], y[i]);
  return x.length - y.length;
}

/** The symlink text that leads from `link` (archive path) to `target` (archive path). */
export function linkText(link: string, target: string): string {
  return posix.relative(posix.dirname(link), target) || '.';
}

/** Does names_to_ignore_regexp hide this archive path (any component)? */
export function isIgnoredPath(config: HcronConfig, path: string): boolean {
  const { re } = ignoreMatcher(config);
  if (!re) return false;
  return path
    .split('/')
    .slice(1)
    .some((c) => re.test(c));
}

export interface Simulation extends LintState {
  /** The simulated tree's judgement of an event (judged on first use). */
  judgement(name: string): Judgement | undefined;
}

/**
 * A LintState for a changed tree: `texts` overrides file texts (archive path
 * -> text, in the new tree's paths), `members` replaces the member list
 * (sorted into walk order here). Judgements are computed on demand, without
 * max_events_per_user (the comparison is of hcron's real verdicts).
 */
export function simulate(base: LintState, change: { texts?: Map<string, string>; src?: TextSource; members?: Member[]; includers?: (path: string) => string[] }): Simulation {
  const members = change.members ? [...change.members].sort((a, b) => walkOrder(a.path, b.path)) : undefined;
  const tree = members ? new EventTree({ members, stoppedAt: base.tree.input.stoppedAt }, base.config) : base.tree;
  const under = change.src ?? base.src;
  const texts = change.texts;
  const src: TextSource = { text: (p) => texts?.get(p) ?? under.text(p) };
  const ctx: Context = { serverName: base.ctx.serverName, hostName: base.ctx.hostName };
  const memo = new Map<string, Judgement | undefined>();
  const judgement = (name: string): Judgement | undefined => {
    if (memo.has(name)) return memo.get(name);
    const ref = tree.eventsByName.get(name);
    const j = ref ? judgeEvent(tree, ref, src, ctx) : undefined;
    memo.set(name, j);
    return j;
  };
  return {
    tree,
    src,
    ctx,
    config: base.config,
    judgement,
    record: (name): StatusRecord | undefined => {
      const j = judgement(name);
      return j && { name, type: j.type, reason: j.reason, status: statusOf(j.type) };
    },
    includers: change.includers ?? ((p) => base.includers(p)),
    now: base.now,
  };
}

/** Folders a new member at `path` needs that the tree does not have (outermost first), or undefined if a non-folder is in the way. */
export function missingDirs(tree: EventTree, path: string): string[] | undefined {
  const out: string[] = [];
  const comps = path.split('/');
  for (let i = 1; i < comps.length - 1; i++) {
    const p = comps.slice(0, i + 1).join('/');
    const m = tree.members.get(p);
    if (!m) out.push(p);
    else if (m.kind !== 'dir') return undefined;
  }
  return out;
}

/** A problem with `path` as the archive path of a new member, or undefined. */
export function newPathProblem(state: LintState, path: string): string | undefined {
  const name = path.slice('events'.length);
  if (!path.startsWith('events/') || normpath(path) !== path || name.endsWith('/')) return `${name || '/'} is not a plain name inside the event tree`;
  if (name.split('/').some((c) => c !== c.trim())) return `a part of ${name} begins or ends with white space: hcron strips next_event/failover_event pieces`;
  if (name.includes(':')) return `${name} contains ":", which separates next_event/failover_event pieces: it could never be chained to`;
  if (state.tree.members.has(path)) return `${name} already exists`;
  if (isIgnoredPath(state.config, path)) return `${name} matches names_to_ignore_regexp: hcron would ignore it`;
  if (!missingDirs(state.tree, path)) return `a part of ${name} is a file, not a folder`;
  return undefined;
}

/** How far hcron's loader got: later stages are better; a template counts as fully loaded. */
export function rank(j: Judgement | undefined): number {
  if (!j) return 0;
  return j.type === 'template' ? 8 : j.stage;
}
