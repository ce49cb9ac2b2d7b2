// Formatting that only normalises what hcron ignores: spaces and tabs around
// the "=" of an assignment (hcron strips the name and the value) and at the
// end of a line (hcron strips each logical line). Never a value, never a
// line's meaning: a backslash followed by spaces stays (removing the spaces
// would make it a continuation), the spaces of a continuation line stay (they
// are part of the value), include lines stay, and every logical line is
// checked to mean the same to hcron after the edit.

import { includeDirective } from '../engine/event';
import { fileOffset, LogicalLine, processLines } from '../engine/lines';
import { pyStrip } from '../engine/py';
import { applyEdits } from './edits';

export interface FormatEdit {
  start: number;
  end: number;
  newText: string;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** What a logical line means to hcron. */
function meaning(text: string): string {
  const inc = includeDirective(text);
  if (inc) return `include\0${inc.arg}`;
  const eq = text.indexOf('=');
  if (eq < 0) return `bad\0${text}`;
  return `set\0${pyStrip(text.slice(0, eq))}\0${pyStrip(text.slice(eq + 1))}`;
}

function meanings(text: string): string[] {
  return processLines(text, 'events/x').map((l) => meaning(l.text));
}

/** Trailing blanks of each physical line, except after a backslash. */
function trailing(text: string): FormatEdit[] {
  const out: FormatEdit[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > pos && text[end - 1] === '\r') end--;
    let t = end;
    while (t > pos && isBlank(text[t - 1])) t--;
    if (t < end && !(t > pos && text[t - 1] === '\\')) out.push({ start: t, end, newText: '' });
    pos = nl + 1;
  }
  return out;
}

/** Blanks around the first "=" of an assignment line, where they sit in one physical line. */
function aroundEquals(ll: LogicalLine): FormatEdit[] {
  const text = ll.text;
  if (includeDirective(text)) return [];
  const eq = text.indexOf('=');
  if (eq < 0) return [];
  const out: FormatEdit[] = [];
  const local: FormatEdit[] = [];
  const region = (s: number, e: number) => {
    if (e <= s) return;
    for (let i = s; i < e; i++) if (!isBlank(text[i])) return;
    const fs = fileOffset(ll, s);
    const fe = fileOffset(ll, e - 1) + 1;
    if (fe - fs !== e - s) return; // a continuation joint inside: leave it
    out.push({ start: fs, end: fe, newText: '' });
    local.push({ start: s, end: e, newText: '' });
  };
  let a = eq;
  while (a > 0 && isBlank(text[a - 1])) a--;
  region(a, eq);
  let b = eq + 1;
  while (b < text.length && isBlank(text[b])) b++;
  if (b < text.length) region(eq + 1, b);
  if (!out.length) return out;
  // the line must mean the same (e.g. "include  x= y" would become an include line)
  if (meaning(applyEdits(text, local)) !== meaning(text)) return [];
  return out;
}

/** The edits that normalise `text`; empty when nothing changes (or the result would not mean the same to hcron). */
export function formatEdits(text: string): FormatEdit[] {
  const edits = trailing(text);
  for (const ll of processLines(text, 'events/x')) edits.push(...aroundEquals(ll));
  if (!edits.length) return [];
  edits.sort((x, y) => x.start - y.start);
  const merged: FormatEdit[] = [];
  for (const e of edits) {
    const last = merged[merged.length - 1];
    if (last && e.start < last.end) continue;
    merged.push(e);
  }
  const before = meanings(text);
  const after = meanings(applyEdits(text, merged));
  if (before.length !== after.length || before.some((m, i) => m !== after[i])) {
    // keep what is safe on its own
    const t = trailing(text);
    const m2 = meanings(applyEdits(text, t));
    return m2.length === before.length && before.every((m, i) => m === m2[i]) ? t : [];
  }
  return merged;
}
