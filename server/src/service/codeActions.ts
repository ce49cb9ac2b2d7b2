// Quick fixes for the findings that have an obvious fix. Every fix is
// re-checked by the engine before it is offered: the edited text (or the
// tree with the new member) is judged again and the fix is dropped when it
// does not do what its title says.

import { Assignment, judgeEvent, Judgement, lastAssignment, REQUIRED_FIELDS, SKELETON_FIELDS, assignmentPositions, TextSource } from '../engine/event';
import { fileRange } from '../engine/lines';
import { chainPieces, chainTarget, Finding, lintEvent, lintTreeLevel, LintState, normalizedName } from '../engine/lint';
import { basename, dirname } from '../engine/py';
import { Member, nameOf } from '../engine/tree';
import { applyEdits, linkText, missingDirs, newPathProblem, rank, simulate, TextEditDesc, WorkspaceChange } from './edits';
import { allJudgements, Doc, docOf, lineSpan, namesOfFile } from './locate';
import type { DocContext } from './types';

export type FixCommand =
  | { command: 'hcron.createSymlink'; /** archive path of the new link */ link: string; /** its text */ target: string }
  | { command: 'hcron.replaceHardLink'; links: { file: string; target: string; of: string }[] };

export interface Fix {
  title: string;
  /** The finding it fixes. */
  finding: Finding;
  preferred?: boolean;
  /** Text edits and file creations (a WorkspaceEdit). */
  change?: WorkspaceChange;
  /** Or a server command (symlinks). */
  command?: FixCommand;
}

/** Templates offered for a missing chain target, at most. */
export const MAX_TEMPLATES = 8;

/** The findings shown in the document: the service computes them when the caller has none at hand. */
export function docFindings(doc: Doc): Finding[] {
  const own = doc.isEvent || doc.state.tree.members.get(doc.ctx.path)?.kind === 'file' ? lintEvent(doc.state, doc.j) : [];
  return [...lintTreeLevel(doc.state), ...own].filter((f) => f.file === doc.ctx.path);
}

/** Quick fixes for the findings of the document that touch [start, end]. */
export function codeActions(ctx: DocContext, start: number, end: number, findings?: Finding[]): Fix[] {
  const doc = docOf(ctx);
  if (!doc) return [];
  const all = (findings ?? docFindings(doc)).filter((f) => f.file === ctx.path && f.start <= end && f.end >= start);
  const out: Fix[] = [];
  const seen = new Set<string>();
  for (const f of all) {
    const key = `${f.code}\0${f.start}\0${f.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      out.push(...fixesFor(doc, f));
    } catch {
      /* a fix that cannot be computed is not offered */
    }
  }
  return out;
}

function fixesFor(doc: Doc, f: Finding): Fix[] {
  switch (f.code) {
    case 'hcron-status':
      return missingFields(doc, f);
    case 'symlinked-template':
      return symlinkedTemplate(doc, f);
    case 'template-name-mismatch':
      return templateMismatch(doc, f);
    case 'unknown-field':
    case 'unknown-when-field':
      return fieldTypo(doc, f);
    case 'chain-dot':
    case 'chain-slash':
      return chainDots(doc, f);
    case 'brace-reference':
      return braceReference(doc, f);
    case 'command-substitution':
      return shellReference(doc, f);
    case 'chain-missing':
      return createTarget(doc, f);
    case 'dropped':
    case 'hard-linked-template':
      return hardLinks(doc, f);
    default:
      return [];
  }
}

// ------------------------------------------------------------ helpers

/** The document's event judged on another text of its file. */
function rejudge(doc: Doc, text: string): Judgement {
  const src: TextSource = { text: (p) => (p === doc.content ? text : doc.state.src.text(p)) };
  return judgeEvent(doc.state.tree, doc.j.ref, src, { serverName: doc.state.ctx.serverName, hostName: doc.state.ctx.hostName });
}

/** The findings of the document's event on another text of its file. */
function relint(doc: Doc, text: string): { j: Judgement; findings: Finding[] } {
  const sim = simulate(doc.state, { texts: new Map([[doc.content, text]]) });
  const j = sim.judgement(doc.j.ref.name) ?? rejudge(doc, text);
  return { j, findings: lintEvent(sim, j) };
}

function edit(doc: Doc, start: number, end: number, newText: string): TextEditDesc {
  return { file: doc.ctx.path, start, end, newText };
}

function textChange(edits: TextEditDesc[]): WorkspaceChange {
  return { edits, ops: [] };
}

/** Assignments of the document's own file (not brought in by includes). */
function ownAssignments(doc: Doc): Assignment[] {
  return doc.j.assignments.filter((a) => a.line.via.length === 0 && a.line.ll.file === doc.content);
}

/** The own assignment whose name or value covers exactly [start, end). */
function assignmentAt(doc: Doc, start: number, end: number, part: 'name' | 'value'): Assignment | undefined {
  return ownAssignments(doc).find((a) => {
    const r = part === 'name' ? fileRange(a.line.ll, a.nameStart, a.nameEnd) : fileRange(a.line.ll, a.valueStart, a.valueEnd);
    return r.start === start && r.end === end;
  });
}

function valueRange(a: Assignment): { start: number; end: number } {
  const r = fileRange(a.line.ll, a.valueStart, a.valueEnd);
  return { start: r.start, end: r.end };
}

// ------------------------------------------------------- missing fields

function missingFields(doc: Doc, f: Finding): Fix[] {
  const j = doc.j;
  if (j.type !== 'partial' || !j.early || !/^not fully specified/.test(j.reason)) return [];
  const missing = REQUIRED_FIELDS.filter((x) => !j.early!.has(x));
  if (!missing.length) return [];
  const text = doc.ctx.text;
  const own = ownAssignments(doc);
  const order = (n: string) => (SKELETON_FIELDS as readonly string[]).indexOf(n);
  const lineEnd = (a: Assignment) => {
    const nl = text.indexOf('\n', lineSpan(a.line.ll).end);
    return nl < 0 ? text.length : nl + 1;
  };
  const lineStart = (a: Assignment) => {
    const s = lineSpan(a.line.ll).start;
    return text.lastIndexOf('\n', s - 1) + 1;
  };
  const inserts = new Map<number, string[]>();
  for (const m of missing) {
    const k = order(m);
    let at: number | undefined;
    let best = -1;
    for (const a of own) {
      const o = order(a.name);
      if (o >= 0 && o < k && o >= best) {
        best = o;
        at = lineEnd(a);
      }
    }
    if (at === undefined) {
      const next = own.find((a) => order(a.name) > k);
      at = next ? lineStart(next) : text.length;
    }
    const l = inserts.get(at) ?? [];
    l.push(`${m}=\n`);
    inserts.set(at, l);
  }
  const edits: TextEditDesc[] = [];
  for (const [at, lines] of inserts) {
    const needNl = at === text.length && text.length > 0 && !text.endsWith('\n');
    edits.push(edit(doc, at, at, (needNl ? '\n' : '') + lines.join('')));
  }
  const after = rejudge(doc, applyEdits(text, edits));
  if (/^not fully specified/.test(after.reason)) return [];
  const then = after.type === 'normal' ? 'accepted' : `then rejected: ${after.reason}${missing.some((m) => m.startsWith('when_')) ? ' — fill in the when_* values' : ''}`;
  return [{ title: `Add the missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (empty; ${then})`, finding: f, preferred: after.type === 'normal', change: textChange(edits) }];
}

// ------------------------------------------------------------- templates

function symlinkedTemplate(doc: Doc, f: Finding): Fix[] {
  const a = assignmentAt(doc, f.start, f.end, 'value');
  if (!a || a.name !== 'template_name') return [];
  const value = '$HCRON_EVENT_NAME[-1]';
  const e = edit(doc, f.start, f.end, value);
  const sim = simulate(doc.state, { texts: new Map([[doc.content, applyEdits(doc.ctx.text, [e])]]) });
  const names = namesOfFile(doc.state, doc.content);
  if (!names.length || !names.every((n) => sim.judgement(n)?.type === 'template')) return [];
  return [{ title: `Make every symlinked name a template too: template_name=${value}`, finding: f, preferred: true, change: textChange([e]) }];
}

function templateMismatch(doc: Doc, f: Finding): Fix[] {
  const a = assignmentAt(doc, f.start, f.end, 'value');
  if (!a || a.name !== 'template_name') return [];
  const out: Fix[] = [];
  for (const value of [basename(doc.j.ref.name), '$HCRON_EVENT_NAME[-1]']) {
    const e = edit(doc, f.start, f.end, value);
    if (rejudge(doc, applyEdits(doc.ctx.text, [e])).type !== 'template') continue;
    out.push({ title: `Make it a template again: template_name=${value}${value.startsWith('$') ? ' (follows renames and symlinks)' : ''}`, finding: f, preferred: out.length === 0, change: textChange([e]) });
  }
  return out;
}

// ----------------------------------------------------------- field typos

function fieldTypo(doc: Doc, f: Finding): Fix[] {
  const suggestion = f.data?.suggestion;
  if (typeof suggestion !== 'string' || !suggestion) return [];
  const a = assignmentAt(doc, f.start, f.end, 'name');
  if (!a) return [];
  if (assignmentPositions(doc.j, suggestion).length) return []; // it would silently override (or be overridden by) the real one
  const e = edit(doc, f.start, f.end, suggestion);
  const after = rejudge(doc, applyEdits(doc.ctx.text, [e]));
  if (rank(after) < rank(doc.j)) return [];
  return [{ title: `Change "${a.name}" to "${suggestion}"`, finding: f, preferred: true, change: textChange([e]) }];
}

// ---------------------------------------------------------- chain pieces


/**
 * How to write `target` in a chain piece of a file read under the names
 * `callers`: relative when it is below the folder of every caller with the
 * same remainder (and the old piece was relative), else absolute.
 */
export function spellPiece(target: string, callers: string[], wasRelative: boolean): string {
  if (wasRelative && callers.length) {
    const rels = new Set(callers.map((c) => {
      const d = dirname(c);
      const prefix = d === '/' ? '/' : d + '/';
      return target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
    }));
    if (rels.size === 1) {
      const [rel] = rels;
      if (rel) return rel;
    }
  }
  return target;
}

function chainDots(doc: Doc, f: Finding): Fix[] {
  const piece = f.data?.piece;
  const name = f.data?.name;
  if (typeof piece !== 'string' || typeof name !== 'string') return [];
  if (doc.ctx.text.slice(f.start, f.end) !== piece) return [];
  const target = normalizedName(name);
  if (!target) return [];
  if (chainTarget(doc.state, target).kind !== 'event') return [];
  const callers = doc.isEvent ? namesOfFile(doc.state, doc.content) : [doc.j.ref.name];
  const spelled = spellPiece(target, callers.length ? callers : [doc.j.ref.name], !piece.startsWith('/'));
  const e = edit(doc, f.start, f.end, spelled);
  const after = rejudge(doc, applyEdits(doc.ctx.text, [e]));
  if (!chainPieces(after).some((p) => p.name === target)) return [];
  return [{ title: `Write "${piece}" as "${spelled}" (hcron does not normalise chain names)`, finding: f, preferred: true, change: textChange([e]) }];
}

// ------------------------------------------------------------ references

function braceReference(doc: Doc, f: Finding): Fix[] {
  const replacement = f.data?.replacement;
  if (typeof replacement !== 'string') return [];
  const old = doc.ctx.text.slice(f.start, f.end);
  if (!/^\$\{[\p{L}\p{N}_]+\}$/u.test(old)) return [];
  // "${host}name" -> "$hostname" would name another variable
  if (/[\p{L}\p{N}_]/u.test(doc.ctx.text[f.end] ?? '')) return [];
  const e = edit(doc, f.start, f.end, replacement);
  const { findings } = relint(doc, applyEdits(doc.ctx.text, [e]));
  const bad = findings.some((x) => (x.code === 'undefined-reference' || x.code === 'forward-reference') && x.file === doc.ctx.path && x.start >= f.start && x.start < f.start + replacement.length);
  if (bad) return [];
  return [{ title: `Write ${replacement} (hcron has no \${NAME} form)`, finding: f, preferred: true, change: textChange([e]) }];
}

function shellReference(doc: Doc, f: Finding): Fix[] {
  const replacement = f.data?.replacement;
  if (typeof replacement !== 'string') return [];
  const old = doc.ctx.text.slice(f.start, f.end);
  if (!/^\$[\p{L}\p{N}_]+$/u.test(old) || replacement !== `\${${old.slice(1)}}`) return [];
  const e = edit(doc, f.start, f.end, replacement);
  const { findings } = relint(doc, applyEdits(doc.ctx.text, [e]));
  if (findings.some((x) => x.code === 'command-substitution' && x.start === f.start)) return [];
  return [{ title: `Leave ${old} to the shell: write ${replacement}`, finding: f, change: textChange([e]) }];
}

// ------------------------------------------------ missing chain targets

function createTarget(doc: Doc, f: Finding): Fix[] {
  const name = f.data?.name;
  if (typeof name !== 'string' || !name.startsWith('/')) return [];
  const state = doc.state;
  const path = 'events' + name;
  if (newPathProblem(state, path)) return [];
  const dirs = missingDirs(state.tree, path) ?? [];
  const folder = dirname(name);
  const templates = allJudgements(state)
    .filter((t) => t.type === 'template' && !t.ref.links && t.ref.path === t.ref.content)
    .sort((a, b) => Number(dirname(b.ref.name) === folder) - Number(dirname(a.ref.name) === folder) || (a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0))
    .slice(0, MAX_TEMPLATES);
  const base: Member[] = [...state.tree.input.members, ...dirs.map((d): Member => ({ path: d, kind: 'dir' }))];
  const out: Fix[] = [];
  for (const t of templates) {
    const email = lastAssignment(t, 'notify_email');
    const perName = !!email && email.value.includes('$HCRON_EVENT_NAME[-1]');
    if (perName) {
      const text = linkText(path, t.ref.path);
      const sim = simulate(state, { members: [...base, { path, kind: 'symlink', link: text }] });
      const nj = sim.judgement(name);
      if (!nj?.runnable || nj.ref.content !== t.ref.content) continue;
      const scheduled = nj.type === 'normal';
      out.push({
        title: `Create ${name} as a symlink to the template ${t.ref.name}${scheduled ? ` (warning: hcron would also schedule it: ${t.ref.name} has no template_name=$HCRON_EVENT_NAME[-1])` : ''}`,
        finding: f,
        preferred: !scheduled && out.length === 0,
        command: { command: 'hcron.createSymlink', link: path, target: text },
      });
    } else {
      const src = state.src.text(t.ref.content);
      if (src === undefined) continue;
      let copy = src;
      const tn = lastAssignment(t, 'template_name');
      if (tn && tn.line.via.length === 0 && tn.line.ll.file === t.ref.content && !tn.value.includes('$')) {
        const r = valueRange(tn);
        copy = applyEdits(src, [{ ...r, newText: basename(name) }]);
      }
      const sim = simulate(state, { members: [...base, { path, kind: 'file' }], texts: new Map([[path, copy]]) });
      const nj = sim.judgement(name);
      if (!nj?.runnable) continue;
      out.push({
        title: `Create ${name} as a copy of the template ${t.ref.name}${nj.type === 'template' ? '' : ` (then ${nj.type === 'normal' ? 'accepted: hcron would also schedule it' : `rejected: ${nj.reason}`})`}`,
        finding: f,
        preferred: nj.type === 'template' && out.length === 0,
        change: { edits: [], ops: [{ kind: 'create', file: path, text: copy }] },
      });
    }
  }
  return out;
}

// ------------------------------------------------------------ hard links

function hardLinks(doc: Doc, f: Finding): Fix[] {
  const state = doc.state;
  let drops = [];
  if (f.code === 'dropped') {
    const d = state.tree.droppedByPath.get(f.file);
    if (!d || d.reason !== 'hard-link' || !d.detail) return [];
    drops = [d];
  } else drops = state.tree.dropped.filter((d) => d.reason === 'hard-link' && d.detail === doc.content);
  if (!drops.length) return [];
  const links = drops.map((d) => ({ file: d.path, target: linkText(d.path, d.detail), of: d.detail }));
  const byPath = new Map(links.map((l) => [l.file, l]));
  const members = state.tree.input.members.map((m): Member => (byPath.has(m.path) ? { path: m.path, kind: 'symlink', link: byPath.get(m.path)!.target } : m));
  const sim = simulate(state, { members });
  if (!drops.every((d) => sim.judgement(d.name)?.ref.content === d.detail)) return [];
  const title =
    links.length === 1
      ? `Replace the hard link ${drops[0].name} by a symlink to ${nameOf(drops[0].detail)} (hcron loads only one name of a hard-linked file)`
      : `Replace the ${links.length} hard links (${drops.map((d) => d.name).join(', ')}) by symlinks (hcron loads only one name of a hard-linked file)`;
  return [{ title, finding: f, preferred: true, command: { command: 'hcron.replaceHardLink', links } }];
}
