// Hover: what hcron makes of the thing under the cursor. Field values are
// shown after hcron's late pass for every way the file can run (by the
// clock under each of its names, and as the next/failover target of each
// event chaining to it); when_* lines show the schedule; chain pieces and
// include lines show what they resolve to.

import { Assignment, earlyVars, includeMessage, Judgement, KNOWN_FIELDS, lastAssignment, resolveName, status } from '../engine/event';
import { fileRange, LogicalLine } from '../engine/lines';
import { lateBuiltins, RunContext, LATE_ONLY_VARIABLES } from '../engine/late';
import { chainTarget, definitionOf, dropText, lineCol, nearestField, whenSets } from '../engine/lint';
import { basename, pyStrip } from '../engine/py';
import { EVENT_WORK_BUDGET, evalAssignments, substitute, VarTable, WorkBudget } from '../engine/substitute';

/** Substitution work one hover may do in all (it evaluates once per way to run; a glob over a 1 MB value costs millions of steps). */
let requestBudget: WorkBudget | undefined;
const sub = (v: string, vars: VarTable) => substitute(v, vars, undefined, requestBudget);
const evalAll = (as: readonly { name: string; value: string }[], vars: VarTable) => evalAssignments(as, vars, undefined, requestBudget);
import { nameOf } from '../engine/tree';
import { describeWhen, evalWhen, expireSeconds, isWhenField, nextRuns, WhenSet, WHEN_RANGES } from '../engine/when';
import { BUILTIN_DOCS, codeBlock, FIELD_DOCS, inlineCode } from './docs';
import { callerCount, callersOf, Doc, docOf, Hit, locate, namesOfFile, Piece, RefAt, sameAssignment } from './locate';
import type { DocContext, HoverOptions, HoverResult } from './types';

/** At most this many ways to run are evaluated per hover. */
export const MAX_CONTEXTS = 20;

/** Fields whose value matters at activation: the hover shows the late pass. */
const LATE_FIELDS = new Set(['notify_message', 'notify_subject', 'notify_email', 'command', 'host', 'as_user', 'when_expire', 'next_event', 'failover_event']);

export function hover(ctx: DocContext, offset: number, opts: HoverOptions): HoverResult | null {
  requestBudget = { left: EVENT_WORK_BUDGET };
  try {
    return hoverAt(ctx, offset, opts);
  } finally {
    requestBudget = undefined;
  }
}

function hoverAt(ctx: DocContext, offset: number, opts: HoverOptions): HoverResult | null {
  const doc = docOf(ctx);
  if (!doc) return null;
  const hit = locate(doc, offset);
  if (!hit) return null;
  const range = (ll: LogicalLine, s: number, e: number) => {
    const r = fileRange(ll, s, e);
    return { start: r.start, end: r.end };
  };
  switch (hit.kind) {
    case 'include': {
      const u = hit.use;
      return { markdown: includeHover(doc, hit), ...(hit.onArg ? range(hit.ll, u.argStart, u.argStart + u.arg.length) : range(hit.ll, 0, hit.ll.text.length)) };
    }
    case 'bad': {
      const words = hit.ll.text.split(/\s+/);
      const md =
        words[0] === 'include'
          ? '**not an include**: an include line has exactly two words (`include NAME`); hcron reads this as a line without `=` and rejects the event (`bad definition`).'
          : '**line without `=`**: hcron rejects the whole event (`bad definition`). There are no trailing comments; a comment line starts with `#`.';
      return { markdown: md, ...range(hit.ll, 0, hit.ll.text.length) };
    }
    case 'name':
      return { markdown: nameHover(doc, hit.a, hit.idx, opts), ...range(hit.ll, hit.a.nameStart, hit.a.nameEnd) };
    case 'piece':
      return { markdown: pieceHover(doc, hit.a, hit.piece), ...range(hit.ll, hit.a.valueStart + hit.piece.start, hit.a.valueStart + hit.piece.end) };
    case 'ref':
      return { markdown: refHover(doc, hit.a, hit.idx, hit.ref, opts), ...range(hit.ll, hit.a.valueStart + hit.ref.start, hit.a.valueStart + hit.ref.end) };
    case 'value': {
      const md = valueHover(doc, hit.a, hit.idx, opts);
      return md ? { markdown: md, ...range(hit.ll, hit.a.valueStart, hit.a.valueEnd) } : null;
    }
  }
}

// ------------------------------------------------------------ ways to run

interface Way {
  /** Markdown heading of this way to run. */
  label: string;
  j: Judgement;
  run: RunContext;
}

/** Every way the document's text runs, in order: its own name by the clock and as a chain target, then each other name. */
export function waysToRun(doc: Doc, opts: HoverOptions, limit = Infinity): { ways: Way[]; notes: string[]; more: number } {
  const { state } = doc;
  const ways: Way[] = [];
  const notes: string[] = [];
  if (!doc.isEvent) {
    notes.push(`${inlineCode(doc.j.ref.name)} is not an event hcron loads (${whyNotLoaded(doc)}): it never runs.`);
    return { ways, notes, more: 0 };
  }
  const names = [doc.j.ref.name, ...namesOfFile(state, doc.content).filter((n) => n !== doc.j.ref.name)];
  const base = { at: opts.now, user: opts.user, serverName: state.ctx.serverName, hostName: state.ctx.hostName, placeholders: true as const };
  // A template may have thousands of callers: build only the ways that will be shown, count the rest.
  let built = 0;
  for (const n of names) {
    const jn = n === doc.j.ref.name ? doc.j : state.judgement(n);
    if (!jn) continue;
    const link = jn.ref.links ? ' (symlink)' : '';
    if (!jn.runnable) {
      notes.push(`${inlineCode(n)}${link}: rejected (${reasonOf(doc, jn)}): hcron keeps no definition, so it never runs (chaining to it logs "was rejected").`);
      continue;
    }
    if (status(jn.type) === 'accepted') {
      if (ways.length < limit) ways.push({ label: `${inlineCode(n)}${link} by the clock`, j: jn, run: { ...base, trigger: 'clock', chain: n } });
      built++;
    } else notes.push(`${inlineCode(n)}${link} is not scheduled by the clock (rejected: ${reasonOf(doc, jn)}).`);
    if (ways.length >= limit) continue;
    for (const c of callersOf(state, [n], true, limit - ways.length)) {
      const trigger = c.field === 'failover_event' ? 'failover' : 'next';
      const chain = `${c.caller.ref.name}:${n}`;
      ways.push({ label: `${inlineCode(n)}${link} as ${c.field} of ${inlineCode(c.caller.ref.name)}`, j: jn, run: { ...base, trigger, chain } });
    }
  }
  const total = built + callerCount(state, names);
  if (total === 0 && notes.length === 0) notes.push('Nothing runs this event.');
  return { ways, notes, more: Math.max(0, total - ways.length) };
}

/** hcron's reason for an event, with the real verdict when max_events_per_user overwrote it. */
function reasonOf(doc: Doc, j: Judgement): string {
  const rec = doc.state.record(j.ref.name);
  return rec && rec.reason === 'maximum events reached' && j.reason !== rec.reason ? `maximum events reached; real verdict: ${j.reason}` : j.reason;
}

function whyNotLoaded(doc: Doc): string {
  const d = doc.state.tree.droppedByPath.get(doc.ctx.path);
  if (d) return `hcron drops it: ${dropText(d)}`;
  if (doc.state.tree.ignoredPaths.has(doc.ctx.path)) return 'its name is ignored (names_to_ignore_regexp)';
  if (doc.state.tree.rootIsLink || doc.state.noEvents) return doc.state.noEvents?.message ?? 'events/ is a symlink';
  return 'not in the tree hcron packs';
}

/** The variable table of `j`'s late pass just before assignment k. */
function lateTableBefore(j: Judgement, run: RunContext, k: number): VarTable {
  const vars = lateBuiltins(j.ref.name, run);
  evalAll(j.assignments.slice(0, k), vars);
  return vars;
}

/**
 * One block per distinct rendered value: the ways to run that give it (capped
 * at MAX_CONTEXTS ways), then the value; then the names that do not run.
 */
function perWay(doc: Doc, opts: HoverOptions, render: (w: Way) => string | undefined): string {
  const { ways, notes, more } = waysToRun(doc, opts, MAX_CONTEXTS);
  const groups = new Map<string, Way[]>();
  for (const w of ways) {
    const body = render(w);
    if (body === undefined) continue;
    const g = groups.get(body) ?? [];
    g.push(w);
    groups.set(body, g);
  }
  const parts: string[] = [];
  for (const [body, g] of groups) parts.push(`${g.map((w) => `- **${w.label}** — ${runText(w)}`).join('\n')}\n\n${body}`);
  if (more > 0) parts.push(`*… and ${more} more way${more > 1 ? 's' : ''} to run, not shown.*`);
  for (const n of notes.slice(0, MAX_CONTEXTS)) parts.push(n);
  if (notes.length > MAX_CONTEXTS) parts.push(`*… and ${notes.length - MAX_CONTEXTS} more names that do not run.*`);
  return parts.join('\n\n');
}

function runText(w: Way): string {
  return `HCRON_TRIGGER_NAME=\`${w.run.trigger}\`, HCRON_EVENT_CHAIN=${inlineCode(w.run.chain)}`;
}

// ------------------------------------------------------------ field values

function lateValueBlock(doc: Doc, a: Assignment, opts: HoverOptions): string {
  const field = a.name;
  return perWay(doc, opts, (w) => {
    const k = sameAssignment(w.j, a);
    if (k < 0) return undefined;
    const vars = lateTableBefore(w.j, w.run, k);
    const value = sub(w.j.assignments[k].value, vars);
    vars.set(field, value);
    const last = lastAssignment(w.j, field);
    const overridden = last && last !== w.j.assignments[k];
    let body = '';
    if (field === 'notify_message') {
      body += `mail body:\n\n${codeBlock(value.replace(/\\n/g, '\n').replace(/\\t/g, '\t'))}`;
    } else if (field === 'command') body += codeBlock(value, 'sh');
    else body += `${inlineCode(value)}`;
    if (!overridden) {
      // the rest of the late pass on the same table, run only for a note that reads the final values (it was run for
      // every field: a tenth of what a hover on notify_message allocated)
      const final = () => (evalAll(w.j.assignments.slice(k + 1), vars), vars);
      body += fieldNote(doc, w, field, value, final);
    } else body += `\n\n*overridden later in the event: hcron uses the last ${field}.*`;
    return body;
  });
}

/** What hcron does with the final value of a field in one run; `final()`: the run's late table after every assignment (computed on call). */
function fieldNote(doc: Doc, w: Way, field: string, value: string, final: () => VarTable): string {
  switch (field) {
    case 'as_user':
      return value === '' ? ` — empty: runs as the event owner (${inlineCode(w.run.user)})` : '';
    case 'host': {
      if (value === '') return ' — empty: hcron refuses to run it (no mail, no failover)';
      const local = [doc.state.ctx.hostName, doc.state.ctx.serverName, 'localhost'];
      if (local.includes(value) && !doc.state.config.allow_localhost) return ' — the hcron server itself and `allow_localhost` is off: hcron refuses to run it (no mail, no failover)';
      return '';
    }
    case 'notify_email': {
      if (value === '') return ' — empty: no mail is sent';
      const items = value.split(',').map((s) => s.trim());
      return items.length > 1 ? ` — ${items.length} recipients` : '';
    }
    case 'notify_subject': {
      if (value.trim() !== '') return '';
      const vars = final();
      const get = (n: string) => vars.get(n) ?? undefined;
      const asUserRaw = get('as_user');
      const asUser = asUserRaw === '' ? w.run.user : asUserRaw ?? 'None';
      return ` — empty: hcron uses ${inlineCode(`hcron (${w.run.serverName}): "${w.j.ref.name}" executed at ${asUser}@${get('host') ?? 'None'}`)}`;
    }
    case 'command':
      return value.trim() === '' ? '\n\nempty: nothing is run; the activation counts as a success' + (doc.state.config.error_on_empty_command ? ' — no: `error_on_empty_command` makes it a failure' : '') : '';
    case 'when_expire': {
      const s = expireSeconds(value);
      return s === null ? ' — not `[[H:]M:]S`: no expiry' : s === 0n ? ' — no expiry' : ` — ${s} s`;
    }
    case 'next_event':
    case 'failover_event': {
      if (value === '') return ' — nothing chained';
      const names = value.split(':').map((p) => resolveName(w.j.ref.name, pyStrip(p)));
      return ` — ${names.map((n) => `${inlineCode(n)}${chainTarget(doc.state, n).kind === 'event' ? '' : ' (does not exist)'}`).join(', ')}`;
    }
  }
  return '';
}

// ------------------------------------------------------------ names

function fieldDoc(name: string, j: Judgement): string {
  const fd = FIELD_DOCS[name];
  if (fd) return `**${inlineCode(name)}** — hcron field · required: ${fd.required} · read at: ${fd.read}\n\n${fd.doc}`;
  if (name.startsWith('when_')) return `**${inlineCode(name)}** is not a when_* field: hcron rejects the event (\`bad when_* setting\`). The when_* fields are ${[...Object.keys(WHEN_RANGES), 'when_expire'].map((f) => '`' + f + '`').join(', ')}.`;
  const b = BUILTIN_DOCS[name];
  if (b) return `**${inlineCode(name)}** — redefines the built-in variable: later references see this value (the real name used for templates and chaining does not change).\n\n${b.doc}`;
  const near = nearestField(name);
  let md = `**${inlineCode(name)}** — plain variable (not a field hcron reads); reference it as \`$${name}\` in later values.`;
  if (name === '') md = '**empty name** — assigns the variable with the empty name; it can never be referenced.';
  else if (!/^[\p{L}\p{N}_]+$/u.test(name)) md += ' Only names made of word characters can be referenced, so this one cannot.';
  if (near) md += `\n\nDid you mean the field ${inlineCode(near)}?${j.assignments.some((a) => a.name === near) ? ' (it is also set in this event)' : ''}`;
  return md;
}

function nameHover(doc: Doc, a: Assignment, idx: number, opts: HoverOptions): string {
  let md = fieldDoc(a.name, doc.j);
  const extra = valueHover(doc, a, idx, opts);
  if (extra) md += `\n\n---\n\n${extra}`;
  return md;
}

function valueHover(doc: Doc, a: Assignment, idx: number, opts: HoverOptions): string | undefined {
  if (a.name.startsWith('when_') && a.name !== 'when_expire') return whenHover(doc, a, idx, opts);
  if (a.name === 'template_name') return templateHover(doc, a, idx);
  if (LATE_FIELDS.has(a.name)) return `${inlineCode(a.name)} after hcron's late pass (time and job values as placeholders):\n\n` + lateValueBlock(doc, a, opts);
  if (KNOWN_FIELDS.has(a.name)) return `value: ${inlineCode(earlyValue(doc, idx))}`;
  return `value of ${a.name ? inlineCode(a.name) : 'the empty name'} at load time: ${inlineCode(earlyValue(doc, idx))}`;
}

function earlyValue(doc: Doc, idx: number): string {
  return doc.j.earlyValues?.[idx] ?? earlyTableAndValue(doc, idx).value;
}

/** The early table before assignment idx and that assignment's early value (works for rejected events too). */
function earlyTableAndValue(doc: Doc, idx: number): { vars: VarTable; value: string } {
  const vars = earlyVars(doc.j.ref.name, doc.state.ctx);
  evalAll(doc.j.assignments.slice(0, idx), vars);
  return { vars, value: sub(doc.j.assignments[idx].value, vars) };
}

// ------------------------------------------------------------ when_*

const DOW = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The values of a set as runs: "0, 15, 30, 45", "1–5 (Monday–Friday)". */
export function setText(set: WhenSet): string {
  const [mn] = WHEN_RANGES[set.field];
  const vals: number[] = [];
  set.values.forEach((on, i) => on && vals.push(i + mn));
  if (vals.length === 0) return 'no values (never fires)';
  if (set.full) return `every value (${mn}–${WHEN_RANGES[set.field][1]})`;
  const name = set.field === 'when_dow' ? (v: number) => `${v} ${DOW[v]}` : set.field === 'when_month' ? (v: number) => `${v} ${MONTH[v - 1]}` : (v: number) => String(v);
  const out: string[] = [];
  for (let i = 0; i < vals.length; ) {
    let k = i;
    while (k + 1 < vals.length && vals[k + 1] === vals[k] + 1) k++;
    out.push(k - i >= 2 ? `${name(vals[i])} – ${name(vals[k])}` : vals.slice(i, k + 1).map(name).join(', '));
    i = k + 1;
  }
  return out.join(', ');
}

function fmtDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())} (${DOW[d.getDay()].slice(0, 3)})`;
}

function whenHover(doc: Doc, a: Assignment, idx: number, opts: HoverOptions): string {
  const j = doc.j;
  const parts: string[] = [];
  if (!isWhenField(a.name)) return `${inlineCode(a.name)} is not a when_* field: hcron rejects the event (\`bad when_* setting\`).`;
  const value = earlyValue(doc, idx);
  const r = evalWhen(a.name, value);
  const last = lastAssignment(j, a.name) === a;
  const shown = value === a.value ? '' : ` (after substitution: ${inlineCode(value)})`;
  if (r.ok) parts.push(`**${a.name}**${shown}: ${setText(r.set)}`);
  else parts.push(`**${a.name}**${shown}: invalid — ${r.error.message}: hcron rejects the event (\`bad when_* setting\`)`);
  if (r.ok) {
    const unread = r.set.elements.filter((e) => !e.examined);
    if (unread.length) parts.push(`hcron stops reading after the set is complete: ${unread.map((e) => inlineCode(e.text)).join(', ')} never examined.`);
  }
  if (!last) parts.push(`*overridden later in the event: hcron uses the last ${a.name}.*`);
  const sets = whenSets(j);
  if (sets) {
    parts.push(`Schedule: ${describeWhen(sets)}.`);
    const accepted = status(j.type) === 'accepted' && doc.isEvent;
    const runs = nextRuns(sets, opts.now, 5);
    const list = runs.length ? runs.map((d) => `- ${fmtDate(d)}`).join('\n') : 'never';
    if (accepted) parts.push(`Next runs:\n\n${list}`);
    else parts.push(`hcron does not schedule it by the clock (${doc.isEvent ? `rejected: ${reasonOf(doc, j)}` : 'not an event hcron loads'}); the clock would match:\n\n${list}`);
  }
  return parts.join('\n\n');
}

// ------------------------------------------------------------ template_name

function templateHover(doc: Doc, a: Assignment, idx: number): string {
  const value = earlyValue(doc, idx);
  const parts = [`**template_name** = ${inlineCode(value)}${value === a.value ? '' : ` (as written: ${inlineCode(a.value)})`}`];
  if (lastAssignment(doc.j, 'template_name') !== a) parts.push('*overridden later in the event: hcron uses the last template_name.*');
  const names = doc.isEvent ? [doc.j.ref.name, ...namesOfFile(doc.state, doc.content).filter((n) => n !== doc.j.ref.name)] : [doc.j.ref.name];
  const rows: string[] = [];
  for (const n of names) {
    const jn = n === doc.j.ref.name ? doc.j : doc.state.judgement(n);
    if (!jn) continue;
    const tv = jn.early?.get('template_name');
    const lastPart = basename(n);
    const link = jn.ref.links ? ' (symlink)' : '';
    if (tv === undefined || tv === null) {
      rows.push(`- ${inlineCode(n)}${link}: not evaluated (rejected: ${reasonOf(doc, jn)})`);
      continue;
    }
    const eq = tv !== '' && tv === lastPart;
    rows.push(
      `- ${inlineCode(n)}${link}: last part ${inlineCode(lastPart)}, template_name ${inlineCode(tv)} → ` +
        (eq ? '**equal: a template** (not scheduled; runs only when chained or activated)' : `**differs: not a template** — ${status(jn.type)}${jn.type === 'normal' ? ', hcron schedules it' : ` (${reasonOf(doc, jn)})`}`),
    );
  }
  parts.push(rows.join('\n'));
  if (value === '') parts.push('An empty template_name never matches.');
  return parts.join('\n\n');
}

// ------------------------------------------------------------ chain pieces

function pieceHover(doc: Doc, a: Assignment, p: Piece): string {
  const field = a.name;
  const parts = [`**${field}** piece ${inlineCode(p.piece)} → ${inlineCode(p.name)}${p.piece.startsWith('/') ? '' : ` (relative to the folder of ${inlineCode(doc.j.ref.name)}, not normalised)`}`];
  if (lastAssignment(doc.j, field) !== a) parts.push(`*overridden later in the event: hcron uses the last ${field}.*`);
  const t = chainTarget(doc.state, p.name);
  const trig = field === 'failover_event' ? 'failover' : 'next';
  if (t.kind === 'event') {
    const tj = t.judgement;
    const rec = t.record;
    const reason = reasonOf(doc, tj);
    const st = `${status(tj.type)}${reason !== 'passed' ? ` (${reason})` : ''}`;
    parts.push(`Target ${inlineCode(tj.ref.name)}: ${st}${tj.ref.links ? ` — symlink to ${inlineCode(nameOf(tj.ref.content))}` : ''}`);
    if (tj.runnable) {
      parts.push(`Runnable: hcron queues it with trigger \`${trig}\` and HCRON_EVENT_CHAIN ending \`…:${tj.ref.name}\`.`);
      if (tj.type === 'normal') parts.push('It is accepted, so it also runs on its own schedule.');
    } else parts.push(`**Not runnable**: hcron keeps no definition and logs "chained event (${p.name}) was rejected (${rec?.reason ?? tj.reason})."`);
  } else if (t.kind === 'dropped') parts.push(`**Does not exist** for hcron: ${dropText(t.dropped)}. hcron logs "chained event (${p.name}) does not exist."`);
  else if (t.kind === 'ignored') parts.push(`**Does not exist** for hcron: the name is ignored (names_to_ignore_regexp). hcron logs "chained event (${p.name}) does not exist."`);
  else {
    const comps = p.name.split('/');
    const why = p.piece === '' ? 'an empty piece' : comps.includes('.') || comps.includes('..') ? 'hcron does not normalise `.`/`..` in chain names' : p.name.includes('//') || p.name.endsWith('/') ? 'an empty name component' : 'no such event';
    parts.push(`**Does not exist** (${why}): hcron logs "chained event (${p.name}) does not exist."`);
  }
  return parts.join('\n\n');
}

// ------------------------------------------------------------ includes

function includeHover(doc: Doc, hit: Extract<Hit, { kind: 'include' }>): string {
  const u = hit.use;
  const parts = [`**include** ${inlineCode(u.arg)} → looked up as ${inlineCode(nameOf(u.key) || '/')}`];
  if (u.error) parts.push(`**Fails**: ${includeMessage(u)}. hcron rejects the event (\`cannot process include(s)\`).`);
  if (u.target) {
    const tn = nameOf(u.target);
    parts.push(`File: ${inlineCode(u.target)}${u.target !== u.key ? ` (through a symlink: ${inlineCode(u.key)})` : ''}`);
    const tj = doc.state.judgement(tn);
    if (tj) {
      const reason = reasonOf(doc, tj);
      if (tj.type === 'normal') parts.push(`As an event of its own, ${inlineCode(tn)} is **accepted**: a complete event, hcron schedules it too.`);
      else parts.push(`As an event of its own, ${inlineCode(tn)} is rejected (${reason})${reason.startsWith('not fully specified') ? ' — a normal include fragment (it still counts toward max_events_per_user)' : ''}.`);
      const defined = [...new Set(tj.assignments.filter((a) => a.line.via.length === 0).map((a) => a.name))];
      if (defined.length) parts.push(`Defines: ${defined.slice(0, 15).map(inlineCode).join(', ')}${defined.length > 15 ? ', …' : ''}`);
    }
  }
  return parts.join('\n\n');
}

// ------------------------------------------------------------ references

function refHover(doc: Doc, a: Assignment, idx: number, ref: RefAt, opts: HoverOptions): string {
  const j = doc.j;
  const text = a.value.slice(ref.start, ref.end);
  const parts: string[] = [`**${inlineCode(text)}**${ref.op === '#' ? ' — count of parts' : ''}`];
  const k = definitionOf(j, idx, ref.name);
  if (k !== undefined && k >= 0) {
    const d = j.assignments[k];
    const r = fileRange(d.line.ll, d.nameStart, d.nameEnd);
    const ftext = r.file === doc.content ? doc.ctx.text : doc.state.src.text(r.file);
    const line = ftext !== undefined ? lineCol(ftext, r.start).line : undefined;
    const where = r.file === doc.content ? `line ${line}` : `line ${line} of ${inlineCode(nameOf(r.file))}${d.line.via.length ? ' (included)' : ''}`;
    parts.push(`${ref.name} comes from the assignment on ${where}: ${inlineCode(d.value)}`);
  } else if (k === -1) parts.push(`built-in: ${BUILTIN_DOCS[ref.name]?.doc ?? ''}`);
  else if (LATE_ONLY_VARIABLES.includes(ref.name)) parts.push(`built-in at activation only: ${BUILTIN_DOCS[ref.name]?.doc ?? ''} At load time (template test, when_*) it stays literal.`);
  else {
    const later = j.assignments.findIndex((b, i) => i >= idx && b.name === ref.name);
    parts.push(later >= 0 ? `${ref.name} is assigned only later: hcron evaluates top to bottom, so this reference stays literal.` : `${ref.name} is not defined: hcron leaves ${inlineCode(text)} as written.`);
  }
  const early = earlyTableAndValue(doc, idx);
  parts.push(`At load time: ${inlineCode(sub(text, early.vars))}`);
  if (a.name.startsWith('when_') && a.name !== 'when_expire') parts.push('when_* values are read at load time only.');
  else if (a.name === 'template_name') parts.push('template_name is read at load time only.');
  else {
    const block = perWay(doc, opts, (w) => {
      const kk = sameAssignment(w.j, a);
      if (kk < 0) return undefined;
      return `→ ${inlineCode(sub(text, lateTableBefore(w.j, w.run, kk)))}`;
    });
    parts.push(`At activation (time and job values as placeholders):\n\n${block}`);
  }
  return parts.join('\n\n');
}
