// Code lenses: on the first line, hcron's verdict, how many events chain to
// the file and how many names reach it through symlinks; on the first
// when_* line, the next run.

import { Judgement, status } from '../engine/event';
import { fileRange } from '../engine/lines';
import { dropText, whenSets } from '../engine/lint';
import { nameOf } from '../engine/tree';
import { describeWhen, nextRuns, WHEN_FIELDS } from '../engine/when';
import { callersSteps, docOf, lineLoc, namesOfFile } from './locate';
import { finish, STEP } from './steps';
import type { DocContext, Loc, ShouldStop, Steps } from './types';

export interface Lens {
  kind: 'verdict' | 'callers' | 'links' | 'next-run';
  /** Offset in the document the lens sits on. */
  offset: number;
  title: string;
  /** What clicking it shows (callers' chain pieces, symlinks), if anything. */
  locations?: Loc[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

export function formatRun(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} (${DAYS[d.getDay()]})`;
}

export function verdictText(j: Judgement, reason: string): string {
  const st = status(j.type);
  if (st === 'accepted') return reason === 'passed' ? 'accepted' : `accepted: ${reason}`;
  if (j.type === 'template') return 'rejected: template (runs only when chained or activated)';
  return `rejected: ${reason}${j.runnable ? '' : ' (not runnable: chaining to it fails)'}`;
}

export function codeLenses(ctx: DocContext, opts: { now: Date }, shouldStop?: ShouldStop): Lens[] {
  return finish(codeLensesSteps(ctx, opts), shouldStop);
}

/** codeLenses as resumable work (service/steps.ts): the callers of a template can be thousands. */
export function* codeLensesSteps(ctx: DocContext, opts: { now: Date }): Steps<Lens[]> {
  const doc = docOf(ctx);
  if (!doc) return [];
  const { state, j } = doc;
  const out: Lens[] = [];
  const isLink = state.tree.members.get(ctx.path)?.kind === 'symlink';
  if (!doc.isEvent) {
    const d = state.tree.droppedByPath.get(ctx.path);
    const why = d ? `dropped — ${dropText(d)}` : state.tree.ignoredPaths.has(ctx.path) ? 'ignored (names_to_ignore_regexp)' : state.noEvents ? `no events: ${state.noEvents.message}` : 'not an event';
    out.push({ kind: 'verdict', offset: 0, title: `hcron: ${why}` });
    return out;
  }
  const rec = state.record(j.ref.name);
  const reason = rec?.reason ?? j.reason;
  const includers = isLink ? [] : state.includers(doc.content);
  const fragment = includers.length ? `include fragment of ${includers.length} event${includers.length === 1 ? '' : 's'}, and an event itself: ` : '';
  out.push({ kind: 'verdict', offset: 0, title: `hcron: ${fragment}${verdictText(j, reason)}${isLink ? ` — symlink to ${nameOf(j.ref.content)}` : ''}` });

  const names = isLink ? [j.ref.name] : namesOfFile(state, doc.content);
  const callers = yield* callersSteps(state, names, false);
  const events = new Set<string>();
  const locations: Loc[] = [];
  let n = 0;
  for (const c of callers) {
    if ((++n & (STEP - 1)) === 0) yield;
    events.add(c.caller.ref.name);
    locations.push(lineLoc(c.a.line.ll, c.a.valueStart + c.piece.start, c.a.valueStart + c.piece.end));
  }
  out.push({
    kind: 'callers',
    offset: 0,
    title: events.size === 0 ? 'no event chains to it' : `${events.size} event${events.size === 1 ? ' chains' : 's chain'} to it`,
    locations,
  });
  if (!isLink) {
    const links = (state.tree.linksTo.get(doc.content) ?? []).filter((l) => state.judgement(nameOf(l))?.ref.path === l);
    if (links.length)
      out.push({
        kind: 'links',
        offset: 0,
        title: `${links.length} more name${links.length === 1 ? '' : 's'} through symlinks: ${links.slice(0, 3).map(nameOf).join(', ')}${links.length > 3 ? ', …' : ''}`,
        locations: links.map((l) => ({ file: l, start: 0, end: 0 })),
      });
  }

  // the next run, on the first when_* line of the document's own file
  const first = j.assignments.find((a) => a.line.via.length === 0 && a.line.ll.file === doc.content && (WHEN_FIELDS as string[]).includes(a.name));
  if (first) {
    const at = fileRange(first.line.ll, 0, 0).start;
    let title: string;
    if (j.type === 'template') title = 'not scheduled by the clock (template)';
    else if (j.type !== 'normal') title = `not scheduled (rejected: ${j.reason})`;
    else {
      const sets = whenSets(j);
      const runs = sets ? nextRuns(sets, opts.now, 2) : [];
      if (!sets) title = 'not scheduled';
      else if (!runs.length) title = 'never fires (no matching minute up to 2050)';
      else title = `next run: ${formatRun(runs[0])}${runs[1] ? `, then ${formatRun(runs[1])}` : ''} — ${describeWhen(sets)}`;
    }
    out.push({ kind: 'next-run', offset: at, title });
  }
  return out;
}
