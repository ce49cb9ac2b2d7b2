// Findings: hcron's verdict on each event at the characters that cause it,
// plus the warnings of spec section 12 (accepted by hcron, probably wrong).
// Each finding has a stable code so users and CI can filter or re-grade it.

import { HcronConfig, numberSetting } from './config';
import { Assignment, assignmentBefore, assignmentFrom, assignmentPositions, Context, FlatLine, includeMessage, Judgement, KNOWN_FIELDS, lastAssignment, resolveName, TextSource } from './event';
import { fileRange } from './lines';
import { LATE_ONLY_VARIABLES } from './late';
import { basename, pyStrip } from './py';
import { StatusRecord } from './status';
import { MAX_SELECTOR_DEPTH, RefSpan, scanReferences } from './substitute';
import { Dropped, EventRef, EventTree, nameOf } from './tree';
import { describeWhen, expireSeconds, WhenField, WHEN_FIELDS, WhenResult, WhenSets } from './when';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Related {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  /** Archive path ("events/...") of the file it is shown in. */
  file: string;
  /** UTF-16 offsets in that file's text. */
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  /** The event it is about. */
  event?: string;
  related?: Related[];
  /** Facts a quick fix needs (field names, suggested text). */
  data?: Record<string, unknown>;
}

/** Everything the linter needs to know about a tree; the server keeps it incrementally. */
export interface LintState {
  tree: EventTree;
  src: TextSource;
  ctx: Context;
  config: HcronConfig;
  judgement(name: string): Judgement | undefined;
  record(name: string): StatusRecord | undefined;
  /** Names of events whose includes read this archive path. */
  includers(path: string): string[];
  /** Optional index: names of the events whose next_event/failover_event pieces name this event, in load order. */
  callers?(name: string): string[];
  noEvents?: { path: string; message: string };
  stoppedAt?: { path: string; message: string };
  problems?: { path: string; message: string }[];
  /** Estimated size of hcron reload's compressed snapshot of the tree. */
  snapshot?: { bytes: number; limit: number; atLeast?: boolean };
  /** Current time (for "all years in the past"); default now. */
  now?: Date;
}

export const BUILTINS_BOTH = new Set(['HCRON_EVENT_NAME', 'HCRON_EVENT_CHAIN', 'HCRON_SELF_CHAIN', 'HCRON_HOST_NAME', 'HCRON_SERVER_NAME', 'when_year']);
export const LATE_ONLY = new Set(LATE_ONLY_VARIABLES);

const CHAIN_FIELDS = ['next_event', 'failover_event'];
const MISSPELLINGS: Record<string, string> = {
  notify_msg: 'notify_message',
  template_event: 'template_name',
  failover: 'failover_event',
  nextevent: 'next_event',
  next: 'next_event',
  email: 'notify_email',
  subject: 'notify_subject',
  user: 'as_user',
};

/** Build a LintState from a whole judged tree (CLI, tests). */
export function stateFromJudgements(
  tree: EventTree,
  src: TextSource,
  ctx: Context,
  config: HcronConfig,
  judgements: Judgement[],
  records: StatusRecord[],
  extra: Partial<LintState> = {},
): LintState {
  const byName = new Map<string, number>();
  judgements.forEach((j, i) => byName.set(j.ref.name, i));
  const includers = new Map<string, Set<string>>();
  for (const j of judgements)
    for (const u of j.includes) {
      if (!u.target) continue;
      const l = includers.get(u.target) ?? new Set<string>();
      l.add(j.ref.name);
      includers.set(u.target, l);
    }
  return {
    tree, src, ctx, config,
    judgement: (n) => {
      const i = byName.get(n);
      return i === undefined ? undefined : judgements[i];
    },
    record: (n) => {
      const i = byName.get(n);
      return i === undefined ? undefined : records[i];
    },
    includers: (p) => [...(includers.get(p) ?? [])],
    ...extra,
  };
}

// ---------------------------------------------------------------- helpers

function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let k = 1; k <= b.length; k++) {
      cur[k] = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
      best = Math.min(best, cur[k]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The known field a name was probably meant to be, if any. */
export function nearestField(name: string): string | undefined {
  if (KNOWN_FIELDS.has(name)) return undefined;
  if (MISSPELLINGS[name]) return MISSPELLINGS[name];
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = 99;
  for (const f of KNOWN_FIELDS) {
    if (f === lower) return f;
    if (name.length < 4) continue;
    const d = levenshtein(lower, f, 2);
    if (d < bestD) {
      bestD = d;
      best = f;
    }
  }
  return bestD <= 2 ? best : undefined;
}

/** At most this many findings of one code per event (a 2 MB line can hold 100,000 references); the rest are counted. */
export const MAX_FINDINGS_PER_CODE = 200;
/** Messages longer than this are clipped in the middle (values can be megabytes long). */
export const MAX_MESSAGE_LENGTH = 1000;

/** s clipped to about n characters, keeping both ends, never splitting a surrogate pair. */
export function clipMiddle(s: string, n = MAX_MESSAGE_LENGTH): string {
  if (s.length <= n) return s;
  let a = Math.floor(n * 0.6);
  let b = s.length - Math.floor(n * 0.3);
  if (a > 0 && isHigh(s.charCodeAt(a - 1))) a--;
  if (b < s.length && isLow(s.charCodeAt(b))) b++;
  return `${s.slice(0, a)} … [${s.length - a - (s.length - b)} characters] … ${s.slice(b)}`;
}
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * One copy of each message: thousands of events share a few (every caller of
 * a template's links gets the same two or three), and each built message is a
 * tree of concatenations (~1 KB per finding of 60,000 callers, measured).
 * Bounded: cleared when it holds INTERN_MAX messages.
 */
const interned = new Map<string, string>();
const INTERN_MAX = 20_000;
function intern(s: string): string {
  const had = interned.get(s);
  if (had !== undefined) return had;
  if (interned.size >= INTERN_MAX) interned.clear();
  interned.set(s, s);
  return s;
}

class Collector {
  readonly out: Finding[] = [];
  private readonly counts = new Map<string, { n: number; severity: Severity }>();
  constructor(
    private readonly ref: EventRef | undefined,
    private readonly severityFor?: (code: string) => Severity | 'off' | undefined,
    private readonly maxPerCode = MAX_FINDINGS_PER_CODE,
  ) {}

  /** The findings, with one "N more" note per code that went over the cap. */
  finish(): Finding[] {
    if (this.ref)
      for (const [code, { n, severity }] of this.counts)
        if (n > this.maxPerCode)
          this.out.push({
            file: this.ref.path, start: 0, end: 0, severity: 'information', code: 'too-many-findings', event: this.ref.name,
            message: `${n - this.maxPerCode} more ${severity} finding${n - this.maxPerCode === 1 ? '' : 's'} "${code}" in ${this.ref.name} not listed (at most ${this.maxPerCode} per kind and event)`,
            data: { code, count: n },
          });
    return this.out;
  }

  /** A finding on a flattened line: in the event's own file, or at the include line that brought it in. */
  at(fl: FlatLine, start: number, end: number, severity: Severity, code: string, message: string, data?: Record<string, unknown>, related: Related[] = []) {
    let r;
    if (fl.via.length === 0) r = fileRange(fl.ll, start, end);
    else {
      const top = fl.via[0];
      r = fileRange(top, 0, top.text.length);
      const inner = fileRange(fl.ll, start, end);
      related = [{ ...inner, message: `here, in the included file ${nameOf(fl.ll.file)}` }, ...related];
      message += ` (in included ${nameOf(fl.ll.file)})`;
    }
    this.add({ file: this.own(r.file), start: r.start, end: r.end, severity, code, message, related: related.length ? related : undefined, data });
  }

  /** A finding at the start of the event's own file. */
  top(severity: Severity, code: string, message: string, data?: Record<string, unknown>, related?: Related[]) {
    if (!this.ref) return;
    this.add({ file: this.ref.path, start: 0, end: 0, severity, code, message, related, data });
  }

  add(f: Finding) {
    const sev = this.severityFor?.(f.code);
    if (sev === 'off') return;
    if (sev) f.severity = sev;
    if (this.ref) {
      const k = this.counts.get(f.code) ?? { n: 0, severity: f.severity };
      k.n++;
      this.counts.set(f.code, k);
      if (k.n > this.maxPerCode) return;
    }
    f.message = intern(clipMiddle(f.message));
    if (f.related) for (const r of f.related) r.message = intern(clipMiddle(r.message));
    if (this.ref) f.event ??= this.ref.name;
    this.out.push(f);
  }

  /** Findings of a symlinked event show on the link, whose document has the target's text. */
  private own(file: string): string {
    return this.ref && file === this.ref.content ? this.ref.path : file;
  }
}

function rangeOf(fl: FlatLine, start: number, end: number): Related {
  const r = fileRange(fl.ll, start, end);
  return { ...r, message: '' };
}

// ------------------------------------------------------------ per event

export interface LintOptions {
  severity?: (code: string) => Severity | 'off' | undefined;
  /** Findings of one code per event at most (default MAX_FINDINGS_PER_CODE); the rest are summed up in one "too-many-findings". */
  maxPerCode?: number;
}

/** Findings about one event, shown in its own file (and at the include lines it uses). */
export function lintEvent(state: LintState, j: Judgement, opts: LintOptions = {}): Finding[] {
  const c = new Collector(j.ref, opts.severity, opts.maxPerCode);
  const rec = state.record(j.ref.name);
  const reason = rec?.reason ?? j.reason;
  const includers = state.includers(j.ref.content);
  const isFragment = includers.length > 0 && j.ref.path === j.ref.content;

  statusFinding(state, c, j, rec, reason, isFragment, includers);
  linePassFindings(c, j);
  for (const u of j.includes) if (u.error) c.at(u.line, u.argStart, u.argStart + u.arg.length, 'error', 'include-failed', includeMessage(u) + ': hcron rejects the event (cannot process include(s))');
  for (const fl of j.badLines) c.at(fl, 0, fl.ll.text.length, 'error', 'no-equals', noEqualsMessage(fl.ll.text));
  if (j.ref.name.includes(':')) c.top('warning', 'name-has-colon', `the name ${j.ref.name} contains ":": it can never be chained to (":" separates next_event/failover_event pieces) and it corrupts HCRON_EVENT_CHAIN`);
  assignmentFindings(state, c, j);
  if (j.early) {
    whenFindings(state, c, j);
    chainFindings(state, c, j);
    fieldFindings(state, c, j);
    templateFindings(state, c, j);
  }
  return c.finish();
}

function noEqualsMessage(text: string): string {
  const words = text.split(/\s+/);
  if (words[0] === 'include') return `"${clip(text)}": an include line must have exactly two words (include NAME); hcron reads it as a line without "=" and rejects the event (bad definition)`;
  return `line without "=": hcron rejects the whole event (bad definition)`;
}

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function statusFinding(state: LintState, c: Collector, j: Judgement, rec: StatusRecord | undefined, reason: string, isFragment: boolean, includers: string[]) {
  const status = rec?.status ?? (j.type === 'normal' ? 'accepted' : 'rejected');
  const cause = j.cause;
  const place = (sev: Severity, code: string, msg: string, data?: Record<string, unknown>) => {
    if (cause?.line && cause.start !== undefined) c.at(cause.line, cause.start, cause.end ?? cause.start, sev, code, msg, data);
    else c.top(sev, code, msg, data);
  };
  if (reason === 'maximum events reached') {
    const max = numberSetting(state.config, 'max_events_per_user', 25);
    c.top('warning', 'max-events', `${status}: maximum events reached — this is event number ${max} or later in hcron's load order (max_events_per_user=${max}); hcron overwrites its reason (real verdict: ${j.reason})`);
  }
  if (j.type === 'normal') return;
  if (j.type === 'template') {
    place('information', 'template', `rejected: template — hcron does not schedule it; it runs only when chained (next_event/failover_event) or activated`, { reason: j.reason });
    return;
  }
  const detail = cause?.message ? ` — ${cause.message}` : '';
  if (isFragment && j.reason.startsWith('not fully specified')) {
    c.top('information', 'include-fragment', `include fragment (included by ${includers.slice(0, 5).join(', ')}${includers.length > 5 ? ', …' : ''}): hcron also loads it as an event: rejected: ${j.reason} — harmless, but it counts toward max_events_per_user`);
    return;
  }
  const missing = /missing field \((.*)\)/.exec(j.reason)?.[1];
  place('error', 'hcron-status', `rejected: ${j.reason}${detail}`, { reason: j.reason, missing, runnable: j.runnable });
}

function linePassFindings(c: Collector, j: Judgement) {
  for (const n of j.notes) {
    const file = j.ref.path;
    if (n.kind === 'bom')
      c.add({ file, start: 0, end: 1, severity: 'error', code: 'bom', message: 'UTF-8 byte-order mark: hcron keeps it glued to the first line (a first field becomes "\\ufeffas_user", a first comment stops being a comment)' });
    else if (n.kind === 'crlf-continuation')
      c.add({ file, start: n.off, end: n.off + 1, severity: 'error', code: 'crlf-continuation', message: 'continuation "\\" before a CR (CRLF line end) is not at the end of the line: hcron does not join the next line' });
    else c.add({ file, start: n.off, end: n.off, severity: 'warning', code: 'backslash-space', message: '"\\" followed by spaces is not a continuation: the next line is not joined' });
  }
}

// ----------------------------------------------------- assignments, refs

/** Which assignment (index) a reference at assignment `idx` sees; -1 = built-in, undefined = none. */
export function definitionOf(j: Judgement, idx: number, name: string): number | undefined {
  const k = assignmentBefore(j, name, idx);
  if (k >= 0) return k;
  return BUILTINS_BOTH.has(name) ? -1 : undefined;
}

function assignmentFindings(state: LintState, c: Collector, j: Judgement) {
  j.assignments.forEach((a, idx) => {
    const near = a.name.startsWith('when_') ? undefined : nearestField(a.name);
    if (near && assignmentPositions(j, near).length === 0)
      c.at(a.line, a.nameStart, a.nameEnd, 'warning', 'unknown-field', `"${a.name}" is not a field hcron reads (it is a plain variable); did you mean "${near}"?`, { suggestion: near });
    else if (near)
      c.at(a.line, a.nameStart, a.nameEnd, 'warning', 'unknown-field', `"${a.name}" is not a field hcron reads (it is a plain variable; "${near}" is set elsewhere)`, { suggestion: near });
    refFindings(state, c, j, a, idx);
    if (a.name !== 'command') {
      const m = /\$\{(\w+)\}/u.exec(a.value);
      if (m) c.at(a.line, a.valueStart + m.index, a.valueStart + m.index + m[0].length, 'warning', 'brace-reference', `"${m[0]}" is not hcron syntax (hcron has no \${NAME} form): it stays literal; write $${m[1]}`, { replacement: '$' + m[1] });
    }
  });
}

function refFindings(state: LintState, c: Collector, j: Judgement, a: Assignment, idx: number) {
  const { refs, stoppedAt } = scanReferences(a.value);
  const at = (s: number, e: number, sev: Severity, code: string, msg: string, data?: Record<string, unknown>) => c.at(a.line, a.valueStart + s, a.valueStart + e, sev, code, msg, data);
  if (stoppedAt !== undefined)
    at(stoppedAt, a.value.length, 'warning', 'unbalanced-selector', 'this selector never closes: hcron stops substituting here and leaves the rest of the value (and every later reference) as written');
  const isWhen = a.name.startsWith('when_') && a.name !== 'when_expire';
  for (const r of refs) {
    const def = definitionOf(j, idx, r.name);
    if (def === undefined) {
      const later = assignmentFrom(j, r.name, idx);
      if (later >= 0 && later !== idx)
        at(r.start, r.start + 1 + r.name.length, 'warning', 'forward-reference', `${r.op}${r.name} is assigned only later (line ${lineNo(j.assignments[later])}): hcron evaluates top to bottom, so it stays literal here`);
      else if (later === idx)
        at(r.start, r.start + 1 + r.name.length, 'warning', 'forward-reference', `${r.op}${r.name} refers to itself before any earlier assignment: it stays literal`);
      else if (LATE_ONLY.has(r.name)) {
        if (isWhen || a.name === 'template_name')
          at(r.start, r.end, 'error', 'late-variable-at-load', `${r.name} exists only at activation: at load time (template test, when_*) it is still literal`);
      } else if (a.name !== 'command' && r.name !== 'template_name')
        at(r.start, r.start + 1 + r.name.length, 'warning', 'undefined-reference', `${r.op}${r.name} is not defined: hcron leaves it as written`);
      else if (r.name === 'template_name' && a.name !== 'command')
        at(r.start, r.start + 1 + r.name.length, 'warning', 'undefined-reference', `$template_name is undefined unless assigned earlier (hcron's built-in is None): it stays literal`);
    } else if (a.name === 'command' && r.op === '$' && !r.selector) {
      at(r.start, r.end, 'information', 'command-substitution', `hcron replaces $${r.name} before the shell sees it; if the shell variable was meant, write \${${r.name}}`, { replacement: `\${${r.name}}` });
    }
    if (r.name === 'HCRON_EVENT_NAME' && r.op === '#' && !r.selector)
      at(r.start, r.end, 'warning', 'count-event-name', '#HCRON_EVENT_NAME counts ":"-separated parts (always 1); use #HCRON_EVENT_NAME[:] to count "/" parts');
    if (r.selector) selectorFindings(a, r, at);
    // $X[0][1]: only one selector is taken
    const after = a.value[r.end];
    if (r.selector && (after === '[' || after === '{'))
      at(r.start, Math.min(a.value.length, r.end + 1), 'warning', 'chained-selector', 'only one selector is applied: the second one stays as literal text');
  }
}

function selectorFindings(a: Assignment, r: RefSpan, at: (s: number, e: number, sev: Severity, code: string, msg: string) => void) {
  const sel = r.selector!;
  const body = a.value.slice(sel.start, sel.end);
  // nesting depth of same-kind brackets
  let depth = 0;
  let max = 0;
  for (const ch of body) {
    if (ch === sel.kind) max = Math.max(max, ++depth);
    else if (ch === (sel.kind === '[' ? ']' : '}')) depth--;
  }
  if (max >= 4)
    at(r.start, r.end, 'warning', 'deep-selector', `selectors nested ${max + 1} deep: hcron's evaluation time grows about 3x per level${max + 1 > MAX_SELECTOR_DEPTH ? ' (this one never finishes in hcron)' : ''}`);
  const bang = body.indexOf('!');
  const q = body.indexOf('?');
  if (bang >= 0 && (q < 0 || q > bang ? body.slice(0, bang) === '' : body.slice(0, q) === '') && !body.startsWith('$') && !body.startsWith('#'))
    at(sel.start, sel.end, 'warning', 'char-split', `"[${body}]" has no split separator before ${q >= 0 && q < bang ? '"?"' : '"!"'}: hcron splits the value into single characters${r.op === '#' ? ' (and # then counts length + 2)' : ''}`);
  if (sel.kind === '[') {
    let listText = body;
    if (bang >= 0) listText = body.slice(bang + 1);
    if (listText.startsWith('$') || listText.startsWith('#')) return;
    for (const item of listText.split(',')) {
      if (item.startsWith('$') || item.startsWith('#')) continue;
      const m = /^(-?\p{Nd}*)(:(-?\p{Nd}*))?(:(-?\p{Nd}*))?/u.exec(item)!;
      if (m[0].length < item.length && m[0].length > 0)
        at(sel.start, sel.end, 'warning', 'index-junk', `index "${item}": hcron reads only "${m[0]}" and ignores "${item.slice(m[0].length)}"`);
    }
  }
}

function lineNo(a: Assignment): string {
  return nameOf(a.line.ll.file) + ':' + (a.line.ll.index + 1);
}

// ------------------------------------------------------------- when_*

function whenFindings(state: LintState, c: Collector, j: Judgement) {
  for (const [name, r] of Object.entries(j.when)) {
    const a = lastAssignment(j, name);
    if (!r || !a) continue;
    if ('unknownField' in r) {
      const near = nearestField(name);
      c.at(a.line, a.nameStart, a.nameEnd, 'error', 'unknown-when-field', `"${name}" is not a when_* field: hcron rejects the event (bad when_* setting)${near ? `; did you mean "${near}"?` : ''}`, { suggestion: near });
      continue;
    }
    const raw = a.value;
    const value = j.early!.get(name) ?? '';
    const same = raw === value;
    const elRange = (e: number): [number, number] => {
      if (!same) return [a.valueStart, a.valueEnd];
      const el = (r.ok ? r.set.elements : r.error.elements)[e];
      return [a.valueStart + el.start, a.valueStart + el.start + el.text.length];
    };
    if (!r.ok) {
      const [s, e] = elRange(r.error.element);
      const late = /\$(HCRON_(ACTIVATE|SCHEDULE|QUEUE|JOB|PJOB|TRIGGER)\w*)/.exec(raw);
      const names = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)/i.test(r.error.elements[r.error.element]?.text.trim() ?? '');
      c.at(a.line, s, e, 'error', 'bad-when', `${name}: ${r.error.message}${names ? ' (hcron has no month or weekday names)' : ''}${late ? ` (${late[1]} is still literal at load time)` : ''}${same ? '' : ` (value after substitution: "${clip(value)}")`}: hcron rejects the event (bad when_* setting)`);
      continue;
    }
    const set = r.set;
    const unexamined = set.elements.filter((el) => !el.examined);
    if (unexamined.length && same) {
      const first = unexamined[0];
      c.at(a.line, a.valueStart + first.start - 1, a.valueEnd, 'warning', 'when-unexamined', `hcron stops reading ${name} once the set is complete: "${clip(raw.slice(first.start))}" is never checked`);
    }
    for (const n of set.notes) {
      const [s, e] = elRange(n.element);
      const el = set.elements[n.element].text;
      if (n.kind === 'single-step') c.at(a.line, s, e, 'warning', 'when-single-step', `"${el}" is only ${el.split('/')[0].trim()}: a step after a single number does not extend to the maximum (write ${el.split('/')[0].trim()}-${WHEN_FIELD_MAX(name)}/${el.split('/')[1]})`);
      else if (n.kind === 'reversed') c.at(a.line, s, e, 'warning', 'when-reversed', `"${el}" is a reversed range: it adds no value (hcron does not wrap around)`);
      else if (n.kind === 'negative-step') c.at(a.line, s, e, 'warning', 'when-negative-step', `"${el}" has a negative step: it counts down and fires at most where it starts`);
      else if (n.kind === 'empty') c.at(a.line, s, e, 'warning', 'when-reversed', `"${el}" adds no value`);
    }
    if (set.values.every((v) => !v)) c.at(a.line, a.valueStart, a.valueEnd, 'warning', 'when-never', `${name} has no values: the event never fires`);
    if (name === 'when_year') {
      const now = (state.now ?? new Date()).getFullYear();
      const years = set.values.map((v, i) => (v ? 2000 + i : -1)).filter((y) => y >= 0);
      if (years.length && years.every((y) => y < now)) c.at(a.line, a.valueStart, a.valueEnd, 'warning', 'when-past', `every year in when_year is in the past: the event never fires again`);
    }
  }
  const sets = whenSets(j);
  if (!sets) return;
  const day = sets.when_day;
  const dow = sets.when_dow;
  if (!day.full && !dow.full && j.type === 'normal') {
    const a = lastAssignment(j, 'when_dow') ?? lastAssignment(j, 'when_day');
    if (a) c.at(a.line, a.valueStart, a.valueEnd, 'information', 'when-day-and-dow', 'when_day and when_dow are both restricted: hcron fires only on days matching BOTH (Vixie cron uses OR)');
  }
  // days that no chosen month has
  const maxDay = Math.max(...sets.when_month.values.map((v, i) => (v ? [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][i] : 0)));
  const days = day.values.map((v, i) => (v ? i + 1 : 0)).filter((d) => d > 0);
  if (!day.full && days.length && days.every((d) => d > maxDay)) {
    const a = lastAssignment(j, 'when_day');
    if (a) c.at(a.line, a.valueStart, a.valueEnd, 'warning', 'when-never', `no chosen month has day ${days.join(', ')}: the event never fires`);
  }
  const exp = lastAssignment(j, 'when_expire');
  if (exp) {
    const v = j.early!.get('when_expire') ?? '';
    const secs = expireSeconds(v);
    const at = (msg: string, sev: Severity = 'warning') => c.at(exp.line, exp.valueStart, exp.valueEnd, sev, 'when-expire', msg);
    if (v === '') return;
    if (secs === null) at(`when_expire "${v}" is not [[H:]M:]S: hcron ignores it (no expiry)`);
    else if (secs === 0n) at('when_expire 0 means no expiry');
    else if (secs < 0n) at('a negative when_expire makes every activation "expired": the command never runs and failover_event fires every time');
    else if (/^\s*\d+\s*:\s*\d+\s*$/.test(v)) at(`when_expire "${v}" is read as minutes:seconds = ${secs} s (not hours:minutes); an expired activation counts as a failure and fires failover_event`, 'information');
  }
}

function WHEN_FIELD_MAX(name: string): number {
  return { when_year: 2050, when_month: 12, when_day: 31, when_hour: 23, when_minute: 59, when_dow: 6 }[name as WhenField] ?? 59;
}

/** The six sets of an event whose when_* all evaluated, else undefined. */
export function whenSets(j: Judgement): WhenSets | undefined {
  const out: Partial<WhenSets> = {};
  for (const f of WHEN_FIELDS) {
    const r = j.when[f] as WhenResult | undefined;
    if (!r || 'unknownField' in r || !r.ok) return undefined;
    out[f] = r.set;
  }
  return out as WhenSets;
}

export function whenDescription(j: Judgement): string | undefined {
  const s = whenSets(j);
  return s && describeWhen(s);
}

// -------------------------------------------------------------- chains

export interface ChainPiece {
  field: 'next_event' | 'failover_event';
  piece: string;
  /** Offsets of the piece in the assignment's value (raw text). */
  start: number;
  end: number;
  /** The name hcron looks up (joined to the event's folder, not normalised). */
  name: string;
  assignment: Assignment;
}

/** The `:`-separated pieces of the final next_event/failover_event assignments, when they contain no reference. */
export function chainPieces(j: Judgement): ChainPiece[] {
  const out: ChainPiece[] = [];
  for (const field of CHAIN_FIELDS as ('next_event' | 'failover_event')[]) {
    const a = lastAssignment(j, field);
    if (!a || a.value === '') continue;
    let off = 0;
    for (const raw of a.value.split(':')) {
      const piece = pyStrip(raw);
      const lead = raw.length - raw.trimStart().length;
      out.push({ field, piece, start: off + lead, end: off + lead + piece.length, name: resolveName(j.ref.name, piece), assignment: a });
      off += raw.length + 1;
    }
  }
  return out;
}

/** What a chain piece reaches, as hcron's handle_job would see it. */
export type ChainTarget =
  | { kind: 'event'; judgement: Judgement; record?: StatusRecord }
  | { kind: 'dropped'; dropped: Dropped }
  | { kind: 'ignored' }
  | { kind: 'missing' };

export function chainTarget(state: LintState, name: string): ChainTarget {
  const j = state.judgement(name);
  if (j) return { kind: 'event', judgement: j, record: state.record(name) };
  const path = 'events' + name;
  const d = state.tree.droppedByPath.get(path);
  if (d) return { kind: 'dropped', dropped: d };
  if (state.tree.ignoredPaths.has(path)) return { kind: 'ignored' };
  return { kind: 'missing' };
}

function chainFindings(state: LintState, c: Collector, j: Judgement) {
  const pieces = chainPieces(j);
  const maxNext = Math.max(numberSetting(state.config, 'max_next_events', 8), 1);
  for (const field of CHAIN_FIELDS) {
    const ps = pieces.filter((p) => p.field === field);
    if (ps.length === 0) continue;
    const a = ps[0].assignment;
    const hasRef = scanReferences(a.value).refs.length > 0;
    if (ps.length > maxNext)
      c.at(a.line, a.valueStart, a.valueEnd, 'warning', 'chain-too-many', `${ps.length} pieces, more than max_next_events (${maxNext}): hcron queues NONE of them`);
    if (hasRef) continue; // resolved only at activation; the hover shows each run's value
    for (const p of ps) {
      const at = (sev: Severity, code: string, msg: string, data?: Record<string, unknown>, related?: Related[]) =>
        c.at(a.line, a.valueStart + p.start, a.valueStart + Math.max(p.end, p.start), sev, code, msg, { name: p.name, piece: p.piece, field, ...data }, related);
      if (p.piece === '') {
        at('warning', 'chain-empty-piece', `empty ${field} piece: hcron looks up "${p.name}", which is never an event`);
        continue;
      }
      const comps = p.name.split('/');
      if (comps.includes('.') || comps.includes('..')) {
        const fixed = normalizedName(p.name);
        at('warning', 'chain-dot', `"${p.piece}" becomes "${p.name}": hcron does not normalise chain names, so "." and ".." never match an event${fixed ? ` (did you mean ${fixed}?)` : ''}`, { fixed });
        continue;
      }
      if (p.name.includes('//') || p.name.endsWith('/')) {
        at('warning', 'chain-slash', `"${p.name}" has an empty component: hcron does not normalise chain names, so it never matches an event`);
        continue;
      }
      const t = chainTarget(state, p.name);
      if (t.kind === 'missing') at('warning', 'chain-missing', `${field} target ${p.name} does not exist: hcron will log "chained event (${p.name}) does not exist."`);
      else if (t.kind === 'ignored') at('warning', 'chain-missing', `${field} target ${p.name} has an ignored name (names_to_ignore_regexp): hcron will log "chained event (${p.name}) does not exist."`);
      else if (t.kind === 'dropped')
        at('warning', 'chain-dropped', `${field} target ${p.name} is a member hcron drops (${dropText(t.dropped)}): hcron will log "chained event (${p.name}) does not exist."`, undefined, [
          { file: t.dropped.path, start: 0, end: 0, message: 'the dropped member' },
        ]);
      else {
        const tj = t.judgement;
        const reason = t.record?.reason ?? tj.reason;
        const rel: Related[] = [{ file: tj.ref.path, start: 0, end: 0, message: `${p.name}: ${t.record?.status ?? ''} ${reason}`.trim() }];
        if (!tj.runnable) at('warning', 'chain-not-runnable', `${field} target ${p.name} is rejected at load (${reason}): hcron keeps no definition and logs "chained event (${p.name}) was rejected (${reason})."`, undefined, rel);
        else if (tj.type === 'normal') {
          const sets = whenSets(tj);
          const every = sets && WHEN_FIELDS.every((f) => sets[f].full);
          const fires = sets && !every && nextFire(sets);
          if (every || fires)
            at('information', 'chain-target-scheduled', `${field} target ${p.name} is an accepted event: besides running when chained, hcron also runs it on its own schedule (${every ? 'every minute' : whenDescription(tj)}); make it a template if that is not wanted`, undefined, rel);
        }
      }
    }
  }
}

function nextFire(sets: WhenSets): boolean {
  // cheap: does it fire at least once in the next year?
  const d = new Date();
  for (let i = 0; i < 366; i++) {
    const day = new Date(d.getFullYear(), d.getMonth(), d.getDate() + i, 12, 0);
    if (
      sets.when_year.values[day.getFullYear() - 2000] &&
      sets.when_month.values[day.getMonth()] &&
      sets.when_day.values[day.getDate() - 1] &&
      sets.when_dow.values[day.getDay()]
    )
      return sets.when_hour.values.some(Boolean) && sets.when_minute.values.some(Boolean);
  }
  return false;
}

/** The event a chain name with ".", ".." or "//" was meant to name (hcron itself never normalises), if any. */
export function normalizedName(name: string): string | undefined {
  const parts: string[] = [];
  for (const comp of name.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(comp);
  }
  return parts.length ? '/' + parts.join('/') : undefined;
}

export function dropText(d: Dropped): string {
  switch (d.reason) {
    case 'absolute-link':
      return `absolute symlink ${d.detail}: hcron never follows absolute links`;
    case 'dangling-link':
      return `dangling symlink: ${nameOf(d.detail) || d.detail} is not in the tree`;
    case 'link-leaves-tree':
      return `symlink leaves the events/ tree (${d.detail})`;
    case 'link-to-ignored':
      return `symlink to an ignored name (${nameOf(d.detail)})`;
    case 'link-loop':
      return `symlink loop (${d.chain?.map(nameOf).join(' -> ')})`;
    case 'too-many-links':
      return `symlink chain longer than max_symlinks (${d.chain?.map(nameOf).join(' -> ')})`;
    case 'link-to-directory':
      return `symlink to a folder (${nameOf(d.target ?? '')})`;
    case 'link-to-non-file':
      return `symlink to something that is not a regular file (${nameOf(d.target ?? '')})`;
    case 'hard-link':
      return `hard link: tar stores only the first name (${nameOf(d.detail)}) as a file; this name vanishes`;
    case 'not-a-file':
      return `${d.detail}, not a regular file`;
  }
}

// -------------------------------------------------------- other fields

function fieldFindings(state: LintState, c: Collector, j: Judgement) {
  const early = j.early!;
  const host = lastAssignment(j, 'host');
  if (host && j.runnable) {
    const v = early.get('host') ?? '';
    const local = [state.ctx.hostName, state.ctx.serverName, 'localhost'];
    if (v === '') c.at(host.line, host.valueStart, host.valueEnd, 'warning', 'empty-host', 'empty host: hcron refuses to run the event (an error is logged; no mail, no failover)');
    else if (local.includes(v) && !state.config.allow_localhost)
      c.at(host.line, host.valueStart, host.valueEnd, 'warning', 'localhost', `host ${v} is the hcron server itself and allow_localhost is off: hcron refuses to run it (no mail, no failover)`);
  }
  const email = lastAssignment(j, 'notify_email');
  if (email) {
    const v = early.get('notify_email') ?? '';
    const items = v.split(',').map(pyStrip);
    const max = numberSetting(state.config, 'max_email_notifications', 16);
    if (v !== '' && items.some((x) => x === '')) c.at(email.line, email.valueStart, email.valueEnd, 'warning', 'email-empty-item', 'notify_email has an empty recipient (e.g. a trailing comma): hcron sends a mail to the empty address');
    if (items.length > max) c.at(email.line, email.valueStart, email.valueEnd, 'warning', 'email-too-many', `${items.length} recipients, more than max_email_notifications (${max}): hcron drops the rest`);
  }
  const subj = lastAssignment(j, 'notify_subject');
  if (subj && subj.value.includes('\\n')) c.at(subj.line, subj.valueStart, subj.valueEnd, 'warning', 'subject-newline', '"\\n" is translated only in notify_message; in notify_subject it stays as a backslash and an n');
}

function templateFindings(state: LintState, c: Collector, j: Judgement) {
  const tn = lastAssignment(j, 'template_name');
  const early = j.early!;
  const value = early.get('template_name');
  if (tn && value && j.type !== 'template' && !j.ref.links) {
    c.at(tn.line, tn.valueStart, tn.valueEnd, 'warning', 'template-name-mismatch', `template_name "${value}" is not the last part of this event's name (${basename(j.ref.name)}): this is NOT a template, hcron schedules it`, {
      fixed: basename(j.ref.name),
    });
  }
  // A template whose symlinked names are not templates: hcron schedules those names.
  if (j.type === 'template' && !j.ref.links) {
    const links = state.tree.linksTo.get(j.ref.content) ?? [];
    const live = links.map((p) => state.judgement(nameOf(p))).filter((lj): lj is Judgement => !!lj && lj.type === 'normal');
    if (live.length && tn) {
      const every = live.every((lj) => {
        const s = whenSets(lj);
        return s && WHEN_FIELDS.every((f) => s[f].full);
      });
      c.at(
        tn.line, tn.valueStart, tn.valueEnd, 'warning', 'symlinked-template',
        `${live.length} symlink${live.length > 1 ? 's' : ''} to this template ${live.length > 1 ? 'are' : 'is'} NOT template${live.length > 1 ? 's' : ''} (their last name part differs): hcron schedules ${live.map((l) => l.ref.name).join(', ')}${every ? ' every minute' : ''}. Fix: template_name=$HCRON_EVENT_NAME[-1]`,
        { fix: '$HCRON_EVENT_NAME[-1]', links: live.map((l) => l.ref.name) },
        live.map((l) => ({ file: l.ref.path, start: 0, end: 0, message: `${l.ref.name} (symlink): accepted, scheduled` })),
      );
    }
    const hard = state.tree.dropped.filter((d) => d.reason === 'hard-link' && d.detail === j.ref.path);
    if (hard.length && tn)
      c.at(tn.line, tn.valueStart, tn.valueEnd, 'warning', 'hard-linked-template', `hard links to this file vanish in hcron's snapshot (${hard.map((d) => d.name).join(', ')}): use symlinks`);
  }
}

// ------------------------------------------------------------ tree level

/** Findings about the tree rather than one event: dropped and ignored members, fatal problems. */
export function lintTreeLevel(state: LintState, opts: LintOptions = {}): Finding[] {
  const c = new Collector(undefined, opts.severity);
  if (state.noEvents) c.add({ file: state.noEvents.path, start: 0, end: 0, severity: 'error', code: 'no-events', message: state.noEvents.message });
  if (state.stoppedAt) c.add({ file: state.stoppedAt.path, start: 0, end: 0, severity: 'error', code: 'unreadable', message: state.stoppedAt.message });
  const snap = state.snapshot;
  if (snap && snap.bytes > snap.limit)
    c.add({ file: 'events', start: 0, end: 0, severity: 'error', code: 'snapshot-too-big', message: `hcron reload will refuse this tree: its compressed snapshot is ${snap.atLeast ? 'at least' : 'about'} ${snap.bytes} bytes, over max_hcron_tree_snapshot_size (${snap.limit}); the scheduler keeps the previous snapshot, so none of these edits take effect` });
  else if (snap && snap.bytes > snap.limit * 0.9)
    c.add({ file: 'events', start: 0, end: 0, severity: 'warning', code: 'snapshot-too-big', message: `the compressed snapshot is about ${snap.bytes} bytes, close to max_hcron_tree_snapshot_size (${snap.limit}): past it, hcron reload refuses the whole tree` });
  for (const p of state.problems ?? []) c.add({ file: p.path, start: 0, end: 0, severity: 'warning', code: 'scan', message: p.message });
  if (state.tree.ignoreProblem) c.add({ file: 'events', start: 0, end: 0, severity: 'warning', code: 'config', message: state.tree.ignoreProblem });
  for (const d of state.tree.dropped) {
    const rel: Related[] = [];
    if (d.reason === 'hard-link') rel.push({ file: d.detail, start: 0, end: 0, message: 'the first name, which hcron keeps' });
    else if (d.target && state.tree.visible.has(d.target)) rel.push({ file: d.target, start: 0, end: 0, message: 'where the link leads' });
    c.add({ file: d.path, start: 0, end: 0, severity: 'warning', code: 'dropped', event: d.name, message: `hcron drops ${d.name}: ${dropText(d)}. It is not an event (absent from hcron's list; chaining to it logs "does not exist")`, related: rel.length ? rel : undefined });
  }
  for (const ig of state.tree.ignored)
    if (ig.why === 'name') c.add({ file: ig.path, start: 0, end: 0, severity: 'hint', code: 'ignored', event: ig.name, message: `${ig.name} matches names_to_ignore_regexp: hcron ignores it${state.tree.members.get(ig.path)?.kind === 'dir' ? ' and everything in it' : ''}` });
  return c.finish();
}

/** Every finding of a tree, sorted by file and position. */
export function lintAll(state: LintState, judgements: Judgement[], opts: LintOptions = {}): Finding[] {
  const out = lintTreeLevel(state, opts);
  for (const j of judgements) for (const f of lintEvent(state, j, opts)) out.push(f); // no push(...): 100,000 findings overflow the stack
  return out;
}

/** lineCol for many offsets of one text: the line starts are found once, then each lookup is a binary search. */
export function lineIndex(text: string): (off: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (off) => {
    const m = Math.min(off, text.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= m) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: off - starts[lo] + 1 };
  };
}

/** 1-based line and column (UTF-16 units) of an offset, with \r\n, \r and \n as line ends (as editors count). */
export function lineCol(text: string, off: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < off && i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: off - start + 1 };
}

