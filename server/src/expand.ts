// hcron/expand: one event as hcron would run it — its lines after includes,
// the variable table of the late pass, the mail, the chained events.

import { judgeEvent, Judgement } from './engine/event';
import type { EventRef } from './engine/tree';
import { activate, formatActivation, RunContext, Trigger } from './engine/late';
import { nameOf } from './engine/tree';
import { dropText } from './engine/lint';
import type { TreeModel } from './workspace';

export interface ExpandOptions {
  trigger?: Trigger;
  /** The chain before this event (":"-joined names). */
  after?: string;
  /** Run the file under this name (one of its symlinks). */
  asName?: string;
  at: Date;
  user: string;
}

export function expandText(model: TreeModel, archive: string, o: ExpandOptions): string {
  const tree = model.tree;
  let ref: EventRef | undefined;
  let j: Judgement | undefined;
  const own = tree.eventsByName.get(nameOf(archive));
  const docRef = own && own.path === archive ? own : undefined;
  if (o.asName) {
    const named = tree.eventsByName.get(o.asName);
    if (named) ref = named;
    else ref = { name: o.asName, path: archive, content: docRef?.content ?? model.contentKey(archive) };
  } else ref = docRef;
  if (!ref) {
    const d = tree.droppedByPath.get(archive);
    const ig = tree.ignored.find((x) => x.path === archive);
    const why = d ? `hcron drops it: ${dropText(d)}` : ig ? 'its name is ignored (names_to_ignore_regexp)' : 'it is not an event of the tree';
    return `# ${nameOf(archive)}: not an event hcron loads (${why}); it never runs.\n`;
  }
  j = model.judgement(ref.name);
  if (!j || j.ref.path !== ref.path || j.ref.content !== ref.content) j = judgeEvent(tree, ref, model.src, model.ctx);
  const rec = model.record(ref.name);
  const status = rec ? `${rec.status} (${rec.reason})` : `${j.type === 'normal' ? 'accepted' : 'rejected'} (${j.reason}) — not an event of the tree under this name`;
  const name = ref.name;
  const chain = o.after ? `${o.after}:${name}` : name;
  const trigger: Trigger = o.trigger ?? (o.after ? 'next' : 'clock');
  let out = `# ${name}: ${status}; HCRON_EVENT_CHAIN=${chain} trigger=${trigger}\n`;
  if (ref.links) out += `# symlink: ${ref.links.map(nameOf).join(' -> ')} -> ${nameOf(ref.content)}\n`;
  out += '# after includes\n';
  for (const fl of j.lines) {
    const from = fl.via.length ? `   # from ${nameOf(fl.ll.file)}` : '';
    out += `${fl.ll.text}${from}\n`;
  }
  if (!j.runnable) {
    out += `# rejected at load (${j.reason}): hcron keeps no definition, so it never runs${j.cause?.message ? ` — ${j.cause.message}` : ''}\n`;
    return out;
  }
  const run: RunContext = { trigger, chain, at: o.at, user: o.user, serverName: model.ctx.serverName, hostName: model.ctx.hostName };
  const act = activate(j, run, model.config, (n) => {
    const tj = model.judgement(n);
    const r = model.record(n);
    return tj && { runnable: tj.runnable, reason: r?.reason ?? tj.reason };
  });
  out += '# variables after the late pass\n';
  out += formatActivation(act, chain);
  return out;
}
