// hcron's line pass (spec section 2), keeping where every character came from.

import { isPySpace, lstripLen, rstripLen } from './py';

/** A logical line after comment removal, continuation joining and stripping. */
export interface LogicalLine {
  /** The text hcron sees. */
  text: string;
  /** Archive path ("events/...") of the physical file holding it. */
  file: string;
  /** Joined physical pieces: `at` = offset in the joined (unstripped) text, `off` = file offset. */
  pieces: { at: number; off: number }[];
  /** Characters stripped from the front of the joined text. */
  lead: number;
  /** Index of this logical line in its file's line pass. */
  index: number;
}

/** File offset of a character of a logical line's text (binary search: pieces are in increasing `at` order). */
export function fileOffset(ll: LogicalLine, at: number): number {
  const raw = at + ll.lead;
  const ps = ll.pieces;
  let lo = 0;
  let hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid].at <= raw) lo = mid;
    else hi = mid - 1;
  }
  const p = ps[lo];
  return p.off + (raw - p.at);
}

/** A range of a logical line's text, as file offsets. */
export function fileRange(ll: LogicalLine, start: number, end: number): { file: string; start: number; end: number } {
  const s = fileOffset(ll, start);
  let e = end <= start ? s : fileOffset(ll, end - 1) + 1;
  if (e < s) e = s;
  return { file: ll.file, start: s, end: e };
}

export interface LinePassNote {
  kind: 'crlf-continuation' | 'bom' | 'trailing-backslash-space';
  off: number;
}

/**
 * hcron's line pass, positions only: for each logical line that is not a
 * comment or empty, the non-empty ranges of the file it joins (the "\" that
 * joined them dropped: a range that becomes empty is left out), in order, and
 * the start of its first physical line. Linear in the text; the arrays are
 * reused from one call to the next.
 */
export function forEachLogicalLine(text: string, each: (starts: readonly number[], ends: readonly number[], count: number, first: number) => void): void {
  const n = text.length;
  let pos = 0; // start offset of the next physical line; > n when none is left
  const starts: number[] = [];
  const ends: number[] = [];
  while (pos <= n) {
    const fs = pos;
    let fe = text.indexOf('\n', pos);
    if (fe < 0) fe = n;
    pos = fe + 1;
    let ls = fs;
    while (ls < fe && isPySpace(text.charCodeAt(ls))) ls++;
    if (ls < fe && text.charCodeAt(ls) === 0x23 /* # */) continue;
    if (fe === fs) continue;
    starts[0] = fs;
    ends[0] = fe;
    let count = 1;
    // hcron joins while the line ends with "\" and another physical line exists.
    while (pos <= n && count && text.charCodeAt(ends[count - 1] - 1) === 0x5c) {
      if (--ends[count - 1] === starts[count - 1]) count--;
      const s = pos;
      let e = text.indexOf('\n', pos);
      if (e < 0) e = n;
      pos = e + 1;
      if (e > s) {
        starts[count] = s;
        ends[count] = e;
        count++;
      }
    }
    if (count) each(starts, ends, count, fs);
  }
}

/**
 * process_lines on a whole file's text: each logical line keeps the ranges of
 * the file it was joined from (hcron's "drop the trailing backslash" shortens
 * the last non-empty range).
 */
export function processLines(text: string, file: string, notes?: LinePassNote[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  if (notes && text.charCodeAt(0) === 0xfeff) notes.push({ kind: 'bom', off: 0 });
  forEachLogicalLine(text, (starts, ends, count, fs) => {
    const pieces: { at: number; off: number }[] = [];
    let joined = '';
    for (let k = 0; k < count; k++) {
      pieces.push({ at: joined.length, off: starts[k] });
      joined += text.slice(starts[k], ends[k]);
    }
    if (notes) {
      const L = joined.length;
      if (L >= 2 && joined.charCodeAt(L - 1) === 0x0d && joined.charCodeAt(L - 2) === 0x5c)
        notes.push({ kind: 'crlf-continuation', off: offsetIn(pieces, L - 2) });
      else {
        let t = L;
        while (t > 0 && (joined.charCodeAt(t - 1) === 0x20 || joined.charCodeAt(t - 1) === 0x09)) t--;
        if (t < L && t > 0 && joined.charCodeAt(t - 1) === 0x5c) notes.push({ kind: 'trailing-backslash-space', off: fs });
      }
    }
    const lead = lstripLen(joined);
    if (lead === joined.length) return;
    const trail = rstripLen(joined);
    out.push({ text: joined.slice(lead, joined.length - trail), file, pieces, lead, index: out.length });
  });
  return out;
}

function offsetIn(pieces: { at: number; off: number }[], raw: number): number {
  return fileOffset({ pieces, lead: 0 } as LogicalLine, raw);
}
