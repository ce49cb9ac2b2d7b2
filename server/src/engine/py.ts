// Python 3 string semantics that hcron's behaviour depends on: str.strip/split,
// int(), posixpath, slicing, fnmatch. JavaScript's own versions differ
// (trim() strips a BOM, parseInt() takes "5x", sort() is UTF-16 order).

const PY_SPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** str.isspace() for one UTF-16 unit (every Python space is in the BMP). ASCII is tested inline: the line pass asks for every character. */
export function isPySpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  return PY_SPACE.has(code);
}

export function lstripLen(s: string): number {
  let i = 0;
  while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

export function rstripLen(s: string): number {
  let j = s.length;
  while (j > 0 && isPySpace(s.charCodeAt(j - 1))) j--;
  return s.length - j;
}

/** str.strip() */
export function pyStrip(s: string): string {
  const a = lstripLen(s);
  if (a === s.length) return '';
  return s.slice(a, s.length - rstripLen(s));
}

/** str.split() with no argument: runs of whitespace, no empty words. */
export function pySplitWs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isPySpace(s.charCodeAt(i))) i++;
    if (i >= s.length) break;
    const b = i;
    while (i < s.length && !isPySpace(s.charCodeAt(i))) i++;
    out.push(s.slice(b, i));
  }
  return out;
}

/** str.split(sep, maxsplit=1) */
export function splitOnce(s: string, sep: string): [string, string] | [string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + sep.length)];
}

/** Number of non-overlapping occurrences (str.count); an empty needle counts code points + 1. */
export function pyCount(s: string, needle: string): number {
  if (needle === '') return codePointLength(s) + 1;
  let n = 0;
  let i = s.indexOf(needle);
  while (i >= 0) {
    n++;
    i = s.indexOf(needle, i + needle.length);
  }
  return n;
}

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Python's str ordering: by code point, not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate pair stands for a code point above U+FFFF; a lone surrogate
    // (a file-name byte that is not UTF-8, as Python escapes it) is its own code point.
    const xs = pairedAt(a, i);
    const ys = pairedAt(b, i);
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function pairedAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const h = s.charCodeAt(i - 1);
    return h >= 0xd800 && h <= 0xdbff;
  }
  return false;
}

const LONE_ESCAPE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** UTF-8 with Python's surrogateescape: a lone U+DC80..U+DCFF is written as the byte it stands for (names that are not UTF-8). */
export function encodeSurrogateEscape(s: string): Buffer {
  if (!LONE_ESCAPE.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  const re = new RegExp(LONE_ESCAPE.source, 'g');
  for (let m; (m = re.exec(s)); ) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([s.charCodeAt(m.index) - 0xdc00]));
    last = m.index + 1;
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

// ---- Unicode decimal digits (Python int() and \d accept every Nd digit)

const ND = /\p{Nd}/u;
let ndZeros: number[] | undefined;

/** Value 0-9 of a decimal digit code point, or -1. */
export function decimalValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (cp < 0x80) return -1;
  if (!ND.test(String.fromCodePoint(cp))) return -1;
  if (!ndZeros) {
    // Unicode keeps each Nd set as 10 consecutive code points starting at zero.
    ndZeros = [];
    let run = 0;
    for (let c = 0x80; c <= 0x10ffff; c++) {
      if (c === 0xd800) c = 0xe000;
      if (ND.test(String.fromCodePoint(c))) {
        if (run % 10 === 0) ndZeros.push(c);
        run++;
      } else run = 0;
    }
  }
  let lo = 0;
  let hi = ndZeros.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ndZeros[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  return cp - ndZeros[lo];
}

/** Python 3.11's default limit on digits in int(str). */
export const INT_MAX_STR_DIGITS = 4300;

/**
 * A space int() skips around the number. CPython maps non-ASCII Unicode spaces
 * to " " but keeps ASCII characters as they are and then skips only
 * " \t\n\v\f\r", so the separators \x1c-\x1f (spaces for str.strip()) are
 * not: int("\x1c7") raises.
 */
function isIntSpace(c: number): boolean {
  return c < 0x80 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : PY_SPACE.has(c);
}

/** int(s) for a str, or null where Python raises ValueError. */
export function pyInt(s: string): bigint | null {
  // Unicode spaces act as spaces, Unicode digits as ASCII digits.
  let i = 0;
  const n = s.length;
  while (i < n && isIntSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  let digits = '';
  let lastUnderscore = false;
  let any = false;
  while (i < n) {
    const cp = s.codePointAt(i)!;
    if (cp === 0x5f) {
      if (!any || lastUnderscore) return null;
      lastUnderscore = true;
      i++;
      continue;
    }
    const d = decimalValue(cp);
    if (d < 0) break;
    digits += String.fromCharCode(0x30 + d);
    any = true;
    lastUnderscore = false;
    i += cp > 0xffff ? 2 : 1;
  }
  if (!any || lastUnderscore) return null;
  while (i < n && isIntSpace(s.charCodeAt(i))) i++;
  if (i !== n) return null;
  if (digits.length > INT_MAX_STR_DIGITS) return null;
  const v = BigInt(digits);
  return neg ? -v : v;
}

// ---- posixpath

export function normpath(path: string): string {
  if (path === '') return '.';
  let initial = path.startsWith('/') ? 1 : 0;
  if (initial && path.startsWith('//') && !path.startsWith('///')) initial = 2;
  const out: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) out.push(comp);
    else if (out.length > 0) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined || '.';
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  // Common case first: one slash after a name ("a/b" -> "a"), no regex, no repeat.
  if (i > 1 && p.charCodeAt(i - 2) !== 0x2f) return p.slice(0, i - 1);
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** os.path.join */
export function pathJoin(a: string, ...rest: string[]): string {
  let path = a;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

// ---- slicing

const BIG_CLAMP = 1n << 53n;

export function clampBig(v: bigint): number {
  if (v > BIG_CLAMP) return Number(BIG_CLAMP);
  if (v < -BIG_CLAMP) return -Number(BIG_CLAMP);
  return Number(v);
}

/** list[start:stop:step] with Python's index adjustment; step must not be 0. */
export function pySlice<T>(list: readonly T[], start: number | null, stop: number | null, step: number): T[] {
  const len = list.length;
  const out: T[] = [];
  if (step > 0) {
    let a = start === null ? 0 : start < 0 ? Math.max(start + len, 0) : Math.min(start, len);
    const b = stop === null ? len : stop < 0 ? Math.max(stop + len, 0) : Math.min(stop, len);
    for (; a < b; a += step) out.push(list[a]);
  } else {
    let a = start === null ? len - 1 : start < 0 ? Math.max(start + len, -1) : Math.min(start, len - 1);
    const b = stop === null ? -1 : stop < 0 ? Math.max(stop + len, -1) : Math.min(stop, len - 1);
    for (; a > b; a += step) out.push(list[a]);
  }
  return out;
}

// ---- fnmatch (fnmatch.translate of CPython 3.11, matched by code point)

type GlobTok = { k: 'star' } | { k: 'any' } | { k: 'lit'; c: number } | { k: 'set'; neg: boolean; items: [number, number][]; never: boolean };

function globTokens(pat: string[]): GlobTok[] {
  const res: GlobTok[] = [];
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i++];
    if (c === '*') {
      if (res.length === 0 || res[res.length - 1].k !== 'star') res.push({ k: 'star' });
    } else if (c === '?') res.push({ k: 'any' });
    else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) {
        res.push({ k: 'lit', c: 0x5b });
        continue;
      }
      let chunks: string[][];
      const stuff = pat.slice(i, j);
      if (!stuff.includes('-')) chunks = [stuff];
      else {
        chunks = [];
        let k = pat[i] === '!' ? i + 2 : i + 1;
        let ii = i;
        for (;;) {
          k = indexIn(pat, '-', k, j);
          if (k < 0) break;
          chunks.push(pat.slice(ii, k));
          ii = k + 1;
          k = k + 3;
        }
        const chunk = pat.slice(ii, j);
        if (chunk.length) chunks.push(chunk);
        else chunks[chunks.length - 1] = [...chunks[chunks.length - 1], '-'];
        for (let k2 = chunks.length - 1; k2 > 0; k2--) {
          const prev = chunks[k2 - 1];
          if (prev[prev.length - 1].codePointAt(0)! > chunks[k2][0].codePointAt(0)!) {
            chunks[k2 - 1] = [...prev.slice(0, -1), ...chunks[k2].slice(1)];
            chunks.splice(k2, 1);
          }
        }
      }
      i = j + 1;
      // Flatten chunks into literal chars and ranges (last of one chunk to first of the next).
      const flat: string[] = chunks.flatMap((ch, idx) => (idx === 0 ? ch : ['\u0000RANGE', ...ch]));
      let neg = false;
      let start = 0;
      if (flat[0] === '!') {
        neg = true;
        start = 1;
      }
      const items: [number, number][] = [];
      for (let q = start; q < flat.length; q++) {
        if (flat[q] === '\u0000RANGE') continue;
        const cp = flat[q].codePointAt(0)!;
        if (flat[q + 1] === '\u0000RANGE' && q + 2 < flat.length) {
          items.push([cp, flat[q + 2].codePointAt(0)!]);
          q += 2;
        } else items.push([cp, cp]);
      }
      if (!neg && items.length === 0) res.push({ k: 'set', neg: false, items, never: true });
      else if (neg && items.length === 0) res.push({ k: 'any' });
      else res.push({ k: 'set', neg, items, never: false });
    } else res.push({ k: 'lit', c: c.codePointAt(0)! });
  }
  return res;
}

function indexIn(arr: string[], v: string, from: number, to: number): number {
  for (let q = from; q < to; q++) if (arr[q] === v) return q;
  return -1;
}

function tokMatches(t: GlobTok, cp: number): boolean {
  switch (t.k) {
    case 'any':
      return true;
    case 'lit':
      return t.c === cp;
    case 'set': {
      if (t.never) return false;
      const hit = t.items.some(([a, b]) => cp >= a && cp <= b);
      return t.neg ? !hit : hit;
    }
    default:
      return false;
  }
}

const globCache = new Map<string, GlobTok[]>();

/**
 * fnmatch.fnmatchcase(name, pat) (POSIX: fnmatch.filter does no case folding).
 * Matching costs up to len(name) x len(pat) steps; with `budget` each step is
 * counted and the match gives up (false, budget.left < 0) when it runs out.
 */
export function fnmatch(name: string, pat: string, budget?: { left: number }): boolean {
  let toks = globCache.get(pat);
  if (!toks) {
    toks = globTokens(Array.from(pat));
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pat, toks);
  }
  const s = Array.from(name, (ch) => ch.codePointAt(0)!);
  // Greedy with one backtrack point per star: exact for single-character tokens.
  let ti = 0;
  let si = 0;
  let starT = -1;
  let starS = 0;
  if (budget && (budget.left -= s.length) < 0) return false;
  while (si < s.length) {
    if (budget && --budget.left < 0) return false;
    if (ti < toks.length && toks[ti].k === 'star') {
      starT = ti++;
      starS = si;
    } else if (ti < toks.length && tokMatches(toks[ti], s[si])) {
      ti++;
      si++;
    } else if (starT >= 0) {
      ti = starT + 1;
      si = ++starS;
    } else return false;
  }
  while (ti < toks.length && toks[ti].k === 'star') ti++;
  return ti === toks.length;
}

// ---- Python regular expressions used by hcron.conf (names_to_ignore_regexp)

/** re.compile(p).match as a JS RegExp anchored at the start, or null if it cannot be used. */
export function pythonRegexForMatch(p: string): RegExp | null {
  let src = p;
  let flags = 'u';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('s')) flags += 's';
    if (inline[1].includes('m')) flags += 'm';
  }
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '(?![\\s\\S])');
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      return new RegExp('^(?:' + src + ')', f);
    } catch {
      /* try without the u flag: Python accepts escapes like \. that u-mode also accepts, but not all */
    }
  }
  return null;
}
