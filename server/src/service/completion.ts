// Completion: field names at the start of a line, event names in
// next_event/failover_event values and after "include ", variable names
// after $ and #, when_* value forms.

import { KNOWN_FIELDS, REQUIRED_FIELDS, SKELETON_FIELDS, status } from '../engine/event';
import { LATE_ONLY_VARIABLES } from '../engine/late';
import { BUILTINS_BOTH, LintState } from '../engine/lint';
import { basename, dirname } from '../engine/py';
import { nameOf } from '../engine/tree';
import { evalWhen, isWhenField, WhenField } from '../engine/when';
import { BUILTIN_DOCS, FIELD_DOCS } from './docs';
import { setText } from './hover';
import { CHAIN_FIELDS, Doc, docOf, ownPosition } from './locate';
import { finish, STEP } from './steps';
import type { CompletionItem, DocContext, ShouldStop, Steps } from './types';

const WORD = /[\p{L}\p{N}_]/u;

export function completion(ctx: DocContext, offset: number, shouldStop?: ShouldStop): CompletionItem[] {
  return finish(completionSteps(ctx, offset), shouldStop);
}

/** completion as resumable work (service/steps.ts): event names are offered from the whole tree. */
export function* completionSteps(ctx: DocContext, offset: number): Steps<CompletionItem[]> {
  const text = ctx.text;
  offset = Math.max(0, Math.min(offset, text.length));
  const physStart = text.lastIndexOf('\n', offset - 1) + 1;
  // The logical line: join previous physical lines that end with "\" (not comments).
  let ls = physStart;
  while (ls > 0) {
    const prevEnd = ls - 1;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const prev = text.slice(prevStart, prevEnd);
    if (!prev.endsWith('\\') || /^\s*#/.test(prev)) break;
    ls = prevStart;
  }
  if (ls === physStart && /^\s*#/.test(text.slice(physStart, offset))) return [];
  const logical = text.slice(ls, offset).replace(/\\\n/g, '');
  const lp = logical.replace(/^\s+/, '');
  const doc = docOf(ctx);
  let wordEnd = offset;
  while (wordEnd < text.length && WORD.test(text[wordEnd])) wordEnd++;

  const eq = lp.indexOf('=');
  if (eq < 0) {
    const inc = /^include\s+(\S*)$/.exec(lp);
    if (inc) {
      let end = offset;
      while (end < text.length && !/\s/.test(text[end])) end++;
      return yield* eventItems(ctx.state, doc, inc[1], offset - inc[1].length, end, 'include');
    }
    if (!/^[\p{L}\p{N}_]*$/u.test(lp) || offset - lp.length < physStart) return [];
    const hasEq = text[wordEnd] === '=' || /^\s*=/.test(text.slice(wordEnd, text.indexOf('\n', wordEnd) < 0 ? undefined : text.indexOf('\n', wordEnd)));
    return fieldItems(doc, ls, offset - lp.length, wordEnd, hasEq);
  }
  const name = lp.slice(0, eq).trim();
  const valuePrefix = lp.slice(eq + 1);
  const ref = /[$#]([\p{L}\p{N}_]*)$/u.exec(valuePrefix);
  if (ref) return variableItems(doc, name, ls, offset - ref[1].length, wordEnd);
  if (CHAIN_FIELDS.has(name)) {
    const piece = valuePrefix.slice(valuePrefix.lastIndexOf(':') + 1).replace(/^\s+/, '');
    let end = offset;
    while (end < text.length && !/[:\s]/.test(text[end])) end++;
    return yield* eventItems(ctx.state, doc, piece, offset - piece.length, end, 'chain');
  }
  if (isWhenField(name) || name === 'when_expire') {
    const el = valuePrefix.slice(valuePrefix.lastIndexOf(',') + 1).replace(/^\s+/, '');
    let end = offset;
    while (end < text.length && !/[,\s]/.test(text[end])) end++;
    return whenItems(name, offset - el.length, end);
  }
  if (name === 'template_name' && doc) {
    const v = valuePrefix.replace(/^\s+/, '');
    const start = offset - v.length;
    let end = offset;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const last = basename(doc.j.ref.name);
    return [
      { label: last, kind: 'value', detail: 'this file\'s last name part: a template', documentation: 'Only this name is a template; symlinks to the file (other last parts) are not, and hcron schedules them.', replaceStart: start, replaceEnd: end },
      { label: '$HCRON_EVENT_NAME[-1]', kind: 'value', detail: 'every name of the file is a template', documentation: 'Evaluates to the last part of whichever name hcron loads (the file or a symlink to it), so the file and every symlink to it are templates (spec 7.1).', replaceStart: start, replaceEnd: end },
    ];
  }
  return [];
}

function fieldItems(doc: Doc | undefined, lineStart: number, start: number, end: number, hasEq: boolean): CompletionItem[] {
  const assigned = new Set<string>();
  if (doc)
    for (const a of doc.j.assignments) {
      // the line being edited does not count
      if (a.line.via.length === 0 && ownPosition(a.line) === lineStart + leadOf(doc.ctx.text, lineStart)) continue;
      assigned.add(a.name);
    }
  const out: CompletionItem[] = [];
  const req = new Set<string>(REQUIRED_FIELDS);
  for (const f of [...SKELETON_FIELDS, 'when_year', 'when_expire']) {
    if (assigned.has(f)) continue;
    const d = FIELD_DOCS[f];
    out.push({
      label: f,
      kind: 'field',
      detail: req.has(f) ? 'required field' : 'optional field',
      documentation: d ? `${d.doc}\n\nRead at: ${d.read}.` : undefined,
      insertText: hasEq ? f : f + '=',
      replaceStart: start,
      replaceEnd: end,
    });
  }
  out.push({ label: 'include', kind: 'keyword', detail: 'include NAME', documentation: 'Splice in another file of the event tree (relative names join this file\'s folder; at most two levels of nesting).', insertText: 'include ', replaceStart: start, replaceEnd: end });
  return out;
}

function leadOf(text: string, at: number): number {
  let k = 0;
  while (at + k < text.length && /[ \t\f\v]/.test(text[at + k])) k++;
  return k;
}

function* eventItems(state: LintState, doc: Doc | undefined, typed: string, start: number, end: number, kind: 'chain' | 'include'): Steps<CompletionItem[]> {
  const own = doc?.j.ref.name ?? '/';
  const folder = dirname(own);
  const prefix = folder === '/' ? '/' : folder + '/';
  const out: CompletionItem[] = [];
  const abs = typed === '' || typed.startsWith('/');
  const rel = !typed.startsWith('/');
  let n = 0;
  for (const e of state.tree.events) {
    if ((++n & (STEP - 1)) === 0) yield;
    if (kind === 'include' && (e.path === doc?.ctx.path || e.content === doc?.content)) continue;
    const j = state.judgement(e.name);
    const rec = state.record(e.name);
    const st = j ? status(j.type) : rec?.status ?? '';
    const reason = rec?.reason ?? j?.reason ?? '';
    let detail = `${st}${reason && reason !== 'passed' ? `: ${reason}` : ''}`;
    if (e.links) detail += ` — symlink to ${nameOf(e.content)}`;
    if (kind === 'chain' && j && !j.runnable) detail += ' — cannot run when chained';
    const documentation = kind === 'chain' ? (j?.runnable ? `Runs when chained (${e.name}).` : `hcron keeps no definition of ${e.name}: chaining to it logs "was rejected".`) : `Splices in ${e.content}.`;
    if (abs) out.push({ label: e.name, kind: 'event', detail, documentation, replaceStart: start, replaceEnd: end });
    if (rel && e.name.startsWith(prefix) && e.name !== prefix) out.push({ label: e.name.slice(prefix.length), kind: 'event', detail: `${detail} (${e.name})`, documentation, replaceStart: start, replaceEnd: end });
  }
  return out;
}

function variableItems(doc: Doc | undefined, field: string, lineStart: number, start: number, end: number): CompletionItem[] {
  const out: CompletionItem[] = [];
  const seen = new Set<string>();
  const loadOnly = isWhenField(field) || field === 'template_name' || field.startsWith('when_') && field !== 'when_expire';
  if (doc) {
    const before = doc.j.assignments.filter((a) => ownPosition(a.line) < lineStart);
    for (let i = before.length - 1; i >= 0; i--) {
      const a = before[i];
      if (seen.has(a.name) || !/^[\p{L}\p{N}_]+$/u.test(a.name)) continue;
      seen.add(a.name);
      const from = a.line.via.length ? ` (from ${nameOf(a.line.ll.file)})` : '';
      out.push({ label: a.name, kind: 'variable', detail: `= ${clip(a.value)}${from}`, documentation: KNOWN_FIELDS.has(a.name) ? `The field ${a.name} as assigned earlier.` : undefined, replaceStart: start, replaceEnd: end });
    }
  }
  for (const n of [...BUILTINS_BOTH, ...LATE_ONLY_VARIABLES]) {
    if (seen.has(n)) continue;
    const d = BUILTIN_DOCS[n];
    const lateOnly = LATE_ONLY_VARIABLES.includes(n);
    out.push({
      label: n,
      kind: 'variable',
      detail: lateOnly ? (loadOnly ? 'activation only — stays literal in this load-time field' : 'built-in (activation only)') : 'built-in',
      documentation: d?.doc,
      replaceStart: start,
      replaceEnd: end,
    });
  }
  return out;
}

function clip(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

const WHEN_FORMS: Record<WhenField, string[]> = {
  when_minute: ['*', '*/5', '*/15', '0', '0,30', '0-29'],
  when_hour: ['*', '*/2', '0', '9-17'],
  when_day: ['*', '1', '1-15', '*/2'],
  when_month: ['*', '1', '1-6', '*/3'],
  when_dow: ['*', '1-5', '0,6', '0', '1'],
  when_year: ['*'],
};

function whenItems(field: string, start: number, end: number): CompletionItem[] {
  if (field === 'when_expire')
    return [
      ['90', '90 seconds'],
      ['5:00', '5 minutes (M:SS — "1:30" is 90 s, not 1 h 30)'],
      ['1:00:00', '1 hour (H:MM:SS)'],
    ].map(([label, detail]) => ({ label, kind: 'value' as const, detail, documentation: 'Maximum delay between the scheduled minute and the activation; beyond it the command is not run and failover_event fires.', replaceStart: start, replaceEnd: end }));
  const f = field as WhenField;
  const forms = [...WHEN_FORMS[f]];
  if (f === 'when_year') {
    const y = new Date().getFullYear();
    forms.push(String(y), `${y}-${Math.min(y + 1, 2050)}`);
  }
  return forms.map((label, i) => {
    const r = evalWhen(f, label);
    return {
      label,
      kind: 'value' as const,
      detail: r.ok ? setText(r.set) : undefined,
      documentation: i === 0 ? 'Every value of the field. hcron has no month or weekday names; when_day and when_dow are combined with AND.' : 'Forms: N, A-B, */STEP, A-B/STEP, comma-separated lists. N/STEP means only N.',
      replaceStart: start,
      replaceEnd: end,
    };
  });
}
