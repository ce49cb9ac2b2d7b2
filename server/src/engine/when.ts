// when_* values (spec section 5): what hcron's list_st_to_bitmask accepts,
// the set it yields, and when an event fires.

import { pyInt, splitOnce } from './py';

export const WHEN_RANGES = {
  when_year: [2000, 2050],
  when_month: [1, 12],
  when_day: [1, 31],
  when_hour: [0, 23],
  when_minute: [0, 59],
  when_dow: [0, 6],
} as const;
export type WhenField = keyof typeof WHEN_RANGES;
export const WHEN_FIELDS = Object.keys(WHEN_RANGES) as WhenField[];

export function isWhenField(name: string): name is WhenField {
  return Object.prototype.hasOwnProperty.call(WHEN_RANGES, name);
}

export interface WhenElement {
  text: string;
  /** Offset of the element in the value. */
  start: number;
  /** False for elements after the set became complete: hcron never reads them. */
  examined: boolean;
}

export interface WhenSet {
  field: WhenField;
  /** values[i] is true when min+i is in the set. */
  values: boolean[];
  /** The set is exactly the whole range (so hcron stopped reading). */
  full: boolean;
  /** A reversed range with a negative step put values above the maximum in hcron's mask. */
  extra: boolean;
  elements: WhenElement[];
  /** Notes for the linter: reversed ranges, N/STEP, negative steps. */
  notes: { element: number; kind: 'reversed' | 'single-step' | 'negative-step' | 'empty' }[];
}

export interface WhenError {
  field: WhenField;
  element: number;
  elements: WhenElement[];
  message: string;
}

export type WhenResult = { ok: true; set: WhenSet } | { ok: false; error: WhenError };

function elementsOf(value: string): WhenElement[] {
  const out: WhenElement[] = [];
  let start = 0;
  for (const text of value.split(',')) {
    out.push({ text, start, examined: false });
    start += text.length + 1;
  }
  return out;
}

/** Results by field, then value (no key string built per lookup). */
const whenMemo = new Map<WhenField, Map<string, WhenResult>>();
let whenMemoSize = 0;

/** list_st_to_bitmask for one field's (substituted) value. Results are shared: treat them as read-only. */
export function evalWhen(field: WhenField, value: string): WhenResult {
  if (value.length > 200) return evalWhenUncached(field, value);
  let m = whenMemo.get(field);
  if (!m) whenMemo.set(field, (m = new Map()));
  let r = m.get(value);
  if (!r) {
    if (whenMemoSize > 50_000) {
      for (const x of whenMemo.values()) x.clear();
      whenMemoSize = 0;
    }
    r = evalWhenUncached(field, value);
    m.set(value, r);
    whenMemoSize++;
  }
  return r;
}

function evalWhenUncached(field: WhenField, value: string): WhenResult {
  const [mn, mx] = WHEN_RANGES[field];
  const span = mx - mn;
  const values = new Array<boolean>(span + 1).fill(false);
  let extra = false;
  const elements = elementsOf(value);
  const notes: WhenSet['notes'] = [];
  const fail = (element: number, message: string): WhenResult => ({ ok: false, error: { field, element, elements, message } });
  const isFull = () => !extra && values.every(Boolean);

  for (let e = 0; e < elements.length; e++) {
    const el = elements[e].text;
    elements[e].examined = true;
    if (el === '*') {
      values.fill(true);
      extra = false; // the mask is replaced, not extended
    } else {
      const parts = splitOnce(el, '/');
      const rng = parts[0];
      let step = 1n;
      if (parts.length === 2) {
        const s = pyInt(parts[1]);
        if (s === null) return fail(e, `step "${show(parts[1])}" is not a whole number`);
        step = s;
      }
      let low: bigint;
      let hi: bigint;
      if (rng === '*') {
        low = 0n;
        hi = BigInt(span);
      } else {
        const lh = splitOnce(rng, '-');
        const l = pyInt(lh[0]);
        if (l === null) return fail(e, lh[0] === '' ? `"${show(el)}": a range needs a number before "-"` : `"${show(lh[0])}" is not a whole number`);
        low = l - BigInt(mn);
        if (lh.length === 1) hi = low;
        else {
          const h = pyInt(lh[1]);
          if (h === null) return fail(e, lh[1] === '' ? `"${show(el)}": a range needs a number after "-"` : `"${show(lh[1])}" is not a whole number`);
          hi = h - BigInt(mn);
        }
      }
      if (low < 0n || hi > BigInt(span)) return fail(e, `"${show(el)}" is outside ${mn}-${mx}`);
      if (step === 0n) return fail(e, `"${show(el)}": step 0`);
      const stop = hi + 1n; // range(low, hi + 1, step)
      let count = 0;
      if (step > 0n) {
        for (let v = low; v < stop; v += step) {
          values[Number(v)] = true;
          count++;
        }
        if (parts.length === 2 && rng !== '*' && lh1(rng) && step > 1n) notes.push({ element: e, kind: 'single-step' });
      } else {
        notes.push({ element: e, kind: 'negative-step' });
        if (low > stop) {
          // Values low, low+step, ... while > stop. A negative one makes hcron's 2**v a float: error.
          const k = (low - stop - 1n) / -step; // last k with low + k*step > stop
          const smallest = low + k * step;
          if (smallest < 0n) return fail(e, `"${show(el)}" counts down below ${mn}`);
          const sp = BigInt(span);
          let v = low;
          if (v > sp) {
            extra = true;
            const skip = (v - sp + -step - 1n) / -step;
            v += skip * step;
          }
          for (; v > stop; v += step) {
            values[Number(v)] = true;
            count++;
          }
        }
      }
      if (count === 0 && !extra) notes.push({ element: e, kind: low > hi ? 'reversed' : 'empty' });
    }
    if (isFull()) break;
  }
  return { ok: true, set: { field, values, full: isFull(), extra, elements, notes } };
}

/** An element quoted in a message: values can be megabytes long. */
function show(s: string, n = 60): string {
  if (s.length <= n) return s;
  const cut = s.charCodeAt(n - 1) >= 0xd800 && s.charCodeAt(n - 1) <= 0xdbff ? n - 1 : n;
  return s.slice(0, cut) + '…';
}

function lh1(rng: string): boolean {
  return splitOnce(rng, '-').length === 1;
}

export function whenContains(set: WhenSet, v: number): boolean {
  const [mn] = WHEN_RANGES[set.field];
  return set.values[v - mn] === true;
}

export type WhenSets = Record<WhenField, WhenSet>;

/** Does the event fire at this local minute? (all six fields, day AND weekday) */
export function whenMatches(sets: WhenSets, d: Date): boolean {
  return (
    whenContains(sets.when_year, d.getFullYear()) &&
    whenContains(sets.when_month, d.getMonth() + 1) &&
    whenContains(sets.when_day, d.getDate()) &&
    whenContains(sets.when_hour, d.getHours()) &&
    whenContains(sets.when_minute, d.getMinutes()) &&
    whenContains(sets.when_dow, d.getDay())
  );
}

/** The next `n` minutes (local time) at or after `from` at which the event fires; nothing after 2050. */
export function nextRuns(sets: WhenSets, from: Date, n: number): Date[] {
  const out: Date[] = [];
  const day = new Date(from.getFullYear(), from.getMonth(), from.getDate());
  const first = new Date(from.getFullYear(), from.getMonth(), from.getDate(), from.getHours(), from.getMinutes());
  for (; day.getFullYear() <= 2050 && out.length < n; day.setDate(day.getDate() + 1)) {
    if (
      !whenContains(sets.when_year, day.getFullYear()) ||
      !whenContains(sets.when_month, day.getMonth() + 1) ||
      !whenContains(sets.when_day, day.getDate()) ||
      !whenContains(sets.when_dow, day.getDay())
    ) {
      if (!whenContains(sets.when_year, day.getFullYear())) {
        day.setMonth(11, 31); // skip the rest of a year that never matches
      }
      continue;
    }
    for (let h = 0; h < 24 && out.length < n; h++) {
      if (!whenContains(sets.when_hour, h)) continue;
      for (let m = 0; m < 60 && out.length < n; m++) {
        if (!whenContains(sets.when_minute, m)) continue;
        const t = new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m);
        if (t.getHours() !== h || t < first) continue; // DST gap, or before `from`
        out.push(t);
      }
    }
  }
  return out;
}

const DOW = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Runs of consecutive values, e.g. [1,2,3,5] -> "1-3, 5". */
function runs(set: WhenSet, name?: (v: number) => string): string {
  const [mn] = WHEN_RANGES[set.field];
  const vals: number[] = [];
  set.values.forEach((on, i) => on && vals.push(i + mn));
  const out: string[] = [];
  for (let i = 0; i < vals.length; ) {
    let j = i;
    while (j + 1 < vals.length && vals[j + 1] === vals[j] + 1) j++;
    const a = name ? name(vals[i]) : String(vals[i]);
    const b = name ? name(vals[j]) : String(vals[j]);
    out.push(j === i ? a : j === i + 1 ? `${a}, ${b}` : `${a} to ${b}`);
    i = j + 1;
  }
  return out.join(', ');
}

function stepOf(set: WhenSet): number | null {
  const [mn] = WHEN_RANGES[set.field];
  const vals: number[] = [];
  set.values.forEach((on, i) => on && vals.push(i + mn));
  if (vals.length < 3 || vals[0] !== mn) return null;
  const d = vals[1] - vals[0];
  return vals.every((v, i) => v === mn + i * d) && mn + vals.length * d > WHEN_RANGES[set.field][1] ? d : null;
}

/** Plain words for a complete schedule. */
export function describeWhen(sets: WhenSets): string {
  const parts: string[] = [];
  const all = (s: WhenSet) => s.full;
  const none = (s: WhenSet) => s.values.every((v) => !v);
  if (WHEN_FIELDS.some((f) => none(sets[f]))) return 'never (a field has no values)';
  const minute = sets.when_minute;
  const hour = sets.when_hour;
  const ms = stepOf(minute);
  const mText = all(minute) ? 'every minute' : ms ? `every ${ordinal(ms)} minute` : `at minute ${runs(minute)}`;
  const hs = stepOf(hour);
  const hText = all(hour) ? '' : hs ? ` past every ${ordinal(hs)} hour` : ` past hour ${runs(hour)}`;
  parts.push(mText + hText);
  if (!all(sets.when_day)) parts.push(`on day ${runs(sets.when_day)} of the month`);
  if (!all(sets.when_dow)) parts.push(runs(sets.when_dow, (v) => DOW[v]));
  if (!all(sets.when_month)) parts.push(`in ${runs(sets.when_month, (v) => MONTH[v - 1])}`);
  if (!all(sets.when_year)) parts.push(`in ${runs(sets.when_year)}`);
  if (!all(sets.when_day) && !all(sets.when_dow)) parts.push('(day of month AND weekday must both match)');
  return parts.join(', ');
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}

/** when_expire as hcron's time2seconds reads it: [[H:]M:]S, or null (no expiry). */
export function expireSeconds(value: string): bigint | null {
  const t: string[] = [];
  let rest = value;
  for (let i = 0; i < 2; i++) {
    const k = rest.indexOf(':');
    if (k < 0) break;
    t.push(rest.slice(0, k));
    rest = rest.slice(k + 1);
  }
  t.push(rest);
  let total = 0n;
  const mult = [1n, 60n, 3600n];
  for (let i = 0; i < t.length; i++) {
    const v = pyInt(t[t.length - 1 - i]);
    if (v === null) return null;
    total += v * mult[i];
  }
  return total;
}
