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

/** File offset of a character of a logical line's text. */
export function fileOffset(ll: LogicalLine, at: number): number {
  const raw = at + ll.lead;
  let p = ll.pieces[0];
  for (let i = 1; i < ll.pieces.length && ll.pieces[i].at <= raw; i++) p = ll.pieces[i];
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

/** process_lines on a whole file's text. */
export function processLines(text: string, file: string, notes?: LinePassNote[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = text.length;
  let pos = 0; // start offset of the next physical line
  let physIndex = 0;
  if (notes && text.charCodeAt(0) === 0xfeff) notes.push({ kind: 'bom', off: 0 });
  const nextLine = (): { start: number; end: number } | null => {
    if (pos > n) return null;
    const start = pos;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    pos = end + 1;
    physIndex++;
    return { start, end };
  };
  for (;;) {
    const first = nextLine();
    if (!first) break;
    let ls = first.start;
    while (ls < first.end && isPySpace(text.charCodeAt(ls))) ls++;
    if (ls < first.end && text.charCodeAt(ls) === 0x23 /* # */) continue;
    const pieces = [{ at: 0, off: first.start }];
    let joined = text.slice(first.start, first.end);
    // hcron joins while the line ends with "\" and another physical line exists.
    while (joined.endsWith('\\') && pos <= n) {
      const next = nextLine()!;
      joined = joined.slice(0, -1);
      pieces.push({ at: joined.length, off: next.start });
      joined += text.slice(next.start, next.end);
    }
    if (notes) {
      if (/\\\r$/.test(joined)) notes.push({ kind: 'crlf-continuation', off: first.start + joined.length - 2 });
      else if (/\\[ \t]+$/.test(joined)) notes.push({ kind: 'trailing-backslash-space', off: first.start });
    }
    const lead = lstripLen(joined);
    if (lead === joined.length) continue;
    const trail = rstripLen(joined);
    out.push({ text: joined.slice(lead, joined.length - trail), file, pieces, lead, index: out.length });
  }
  return out;
}
