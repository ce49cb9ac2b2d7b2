#!/usr/bin/env node
// Language-server benchmark over stdio on a generated tree
// (test/bench/gen-realistic.mjs: teams/areas folders, shared includes, a
// failover template reached through one symlink per recipient, next chains).
//
//   npm run build && node test/bench/lsp-bench.mjs [--events N] [--edits N] [--hovers N] [--keep] [--json]
//
// measureServer() is what npm run bench (bench.mjs) uses for its server rows:
//   ready   initialized -> first hover on the template's notify_message that
//           knows every caller (its "... and N more ways to run" count)
//   findings initialized -> the findings of every event made ("loaded in")
//   hover, definition and edit are measured twice: while the load's findings
//           are still being made in the background (...During), then once
//           they are all made (the target rows)
//   first   initialized (with the file already open, as an editor restoring it)
//           -> the first diagnostics of an opened event that has a finding
//   edit    didChange of the template (typing in notify_message) -> the
//           republished diagnostics of that document (p50/p95); edits are
//           spaced 60 ms apart, like fast typing (the server throttles one
//           file's publications to one per 50 ms by design)
//   flip    the same for edits that flip the verdict of all its symlinks
//           (template_name), which re-lints every caller
//   hover   hover on notify_message (p50/p95)
//   definition  on the failover_event piece of a caller (p50/p95)
//   rss     peak RSS of the server process (VmHWM)
// Not a test: nothing asserts a time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateRealistic } from './gen-realistic.mjs';
import { startServer } from '../lsp/helpers.mjs';

export const pct = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((q / 100) * s.length))];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const vmHWM = (pid) => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};

/** Events that chain to one of the template's names (failover_event), counted from the files. */
export function countCallers(events, facts) {
  const tplPath = path.join(events, facts.templatePath);
  const dir = path.dirname(tplPath);
  const linkNames = new Set(fs.readdirSync(dir).filter((n) => fs.lstatSync(path.join(dir, n)).isSymbolicLink()).map((n) => `/failover/${n}`));
  let callers = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const m = /^failover_event=(.*)$/m.exec(fs.readFileSync(p, 'utf8'));
        if (m && linkNames.has(m[1].trim())) callers++;
      }
    }
  };
  walk(events);
  return { callers, links: linkNames.size };
}

/**
 * One server session on `ws` (a folder holding .hcron/<server>/events = `events`).
 * `callers`: from countCallers. Returns the measures (ms, MB).
 */
export async function measureServer({ ws, events, facts, callers, settleFirst = false, edits: EDITS = 50, flips: FLIPS = 10, hovers: HOVERS = 200, definitions: DEFS = 200, nodeArgs = [], readyTimeoutMs = 120000 }) {
  const tplPath = path.join(events, facts.templatePath);
  const tplText = fs.readFileSync(tplPath, 'utf8');
  const badPath = path.join(events, facts.bad.slice(1));
  const callerPath = path.join(events, facts.caller.slice(1));
  const s = await startServer({ folder: ws, settings: { overrides: { max_events_per_user: 1000000 } }, nodeArgs });
  const pid = s.child.pid;
  const t0 = performance.now(); // `initialized` was just sent
  s.open(badPath);
  s.open(tplPath, tplText);
  const firstDiag = s.diags(badPath, (d) => d.length > 0, readyTimeoutMs).then(() => performance.now() - t0);
  const hoverAt = () => s.request('textDocument/hover', s.at(tplPath, 'notify_message=', 3));
  // The hover shows 20 ways to run and counts the rest: all callers known.
  const want = `and ${callers - 20} more way`;
  let first;
  for (;;) {
    const h = await hoverAt();
    if (h?.contents.value.includes(want)) {
      first = h;
      break;
    }
    if (performance.now() - t0 > readyTimeoutMs) throw new Error('the hover never knew every caller');
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  const firstDiagMs = await firstDiag;
  const rssReady = vmHWM(pid);
  // the findings of every event follow the verdicts in the background (the hovers below are measured meanwhile)
  const loadedLine = () => s.logs.find((l) => /events, .* loaded in/.test(l));
  const findingsDone = s.until(() => !!loadedLine(), 'the findings of every event', readyTimeoutMs).then(() => performance.now() - t0);

  if (settleFirst) await findingsDone; // hovers and definitions once every finding is made
  const timeHovers = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const a = performance.now();
      await hoverAt();
      out.push(performance.now() - a);
    }
    return out;
  };
  const hoversDuring = await timeHovers(HOVERS);
  s.open(callerPath);
  const defAt = s.at(callerPath, 'failover_event=/failover/', 'failover_event=/failover/'.length + 2);
  let defResult;
  const timeDefs = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const a = performance.now();
      defResult = await s.request('textDocument/definition', defAt);
      out.push(performance.now() - a);
    }
    return out;
  };
  const defsDuring = await timeDefs(DEFS);
  const rssHovers = vmHWM(pid);
  const published = new Set(s.publications.map((p) => p.path)).size;

  const treesMs = [];
  for (let i = 0; i < 3; i++) {
    const a = performance.now();
    await s.request('hcron/trees', { omitPlainUris: true }); // as the VS Code extension asks
    treesMs.push(performance.now() - a);
  }

  const rssTrees = vmHWM(pid);

  async function timeEdit(text) {
    const n = s.publications.length;
    const a = performance.now();
    s.change(tplPath, text);
    await s.until(() => s.publications.slice(n).some((p) => p.path === tplPath), 'republished diagnostics', 60000);
    const ms = performance.now() - a;
    await sleep(60);
    return ms;
  }
  let text = tplText;
  let tries = 0;
  const timeEdits = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      text = text.replace(/notify_message=Failed event \(\$HCRON_EVENT_CHAIN\[0\]\)[^\\\n]*/, `notify_message=Failed event ($HCRON_EVENT_CHAIN[0]) try ${tries++}`);
      out.push(await timeEdit(text));
    }
    return out;
  };
  // measured while the findings of the load are still being made (if they are), then once they are all made
  const editsDuring = await timeEdits(EDITS);
  const findingsMs = await findingsDone;
  const rssFindings = vmHWM(pid);
  const hovers = await timeHovers(HOVERS);
  const defs = await timeDefs(DEFS);
  const edits = await timeEdits(EDITS);
  const rssEdits = vmHWM(pid);
  const flips = [];
  let callersRepublished = 0;
  for (let i = 0; i < FLIPS; i++) {
    const flipped = i % 2 === 0;
    text = text.replace(/template_name=.*/, flipped ? 'template_name=mail_template' : 'template_name=$HCRON_EVENT_NAME[-1]');
    const n = s.publications.length;
    flips.push(await timeEdit(text));
    // let the callers' background re-lint finish (no publication for 300 ms)
    for (let last = -1; last !== s.publications.length; ) {
      last = s.publications.length;
      await sleep(300);
    }
    callersRepublished = Math.max(callersRepublished, new Set(s.publications.slice(n).map((p) => p.path)).size);
  }
  const hoverAfter = await hoverAt();
  const loadLog = loadedLine() ?? '';
  const rss = vmHWM(pid);
  await s.shutdown();
  return {
    readyMs,
    firstDiagMs,
    findingsMs,
    edits,
    flips,
    hovers,
    defs,
    editsDuring,
    hoversDuring,
    defsDuring,
    defOk: Array.isArray(defResult) ? defResult.length > 0 : !!defResult,
    treesMs,
    rssReady,
    rssHovers,
    rssTrees,
    rssFindings,
    rssEdits,
    rss,
    published,
    callersRepublished,
    loadLog: loadLog.replace(/^.*: /, ''),
    firstHoverChars: first.contents.value.length,
    hoverAfterChars: hoverAfter?.contents.value.length ?? 0,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const EVENTS = arg('--events', 20000);
  // node options for the server process, e.g. --node-args=--max-old-space-size=600
  const nodeArgs = (process.argv.find((a) => a.startsWith('--node-args=')) ?? '--node-args=').slice('--node-args='.length).split(' ').filter(Boolean);
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-lsp-bench-'));
  const events = path.join(ws, '.hcron', 'bench.example.com', 'events');
  const t = performance.now();
  const facts = generateRealistic(events, { events: EVENTS });
  const genMs = performance.now() - t;
  const { callers, links } = countCallers(events, facts);
  const m = await measureServer({ ws, events, facts, callers, edits: arg('--edits', 50), flips: arg('--flips', 10), hovers: arg('--hovers', 200), definitions: arg('--definitions', 200), nodeArgs, settleFirst: process.argv.includes('--settle-first') });
  if (!process.argv.includes('--keep')) fs.rmSync(ws, { recursive: true, force: true });
  const row = (what, value) => `| ${what.padEnd(48)} | ${value.padStart(24)} |`;
  const f = (x) => x.toFixed(1);
  const pp = (a) => `p50 ${f(pct(a, 50))} / p95 ${f(pct(a, 95))} ms`;
  console.log(
    [
      `hcron language server benchmark${nodeArgs.length ? ` (server run with node ${nodeArgs.join(' ')})` : ''}: ${facts.events} events (${callers} callers of ${facts.template} through ${links} symlinks), node ${process.version}, ${os.cpus()[0]?.model ?? ''} x${os.cpus().length}`,
      `tree generated in ${Math.round(genMs)} ms; server: ${m.loadLog}; ${m.published} files published`,
      '',
      '| measure                                          |                    value |',
      '|--------------------------------------------------|--------------------------|',
      row('ready: initialized -> hover knowing callers', `${Math.round(m.readyMs)} ms`),
      row('initialized -> first diagnostics of open file', `${Math.round(m.firstDiagMs)} ms`),
      row('initialized -> findings of every event made', `${Math.round(m.findingsMs)} ms`),
      row(`edit -> republished diagnostics (${m.edits.length})`, pp(m.edits)),
      row(`verdict-flipping edit (${m.flips.length}), own document`, pp(m.flips)),
      row(`edit, while the findings are made (${m.editsDuring.length})`, pp(m.editsDuring)),
      row(`hover, while the findings are made (${m.hoversDuring.length})`, pp(m.hoversDuring)),
      row(`definition, while the findings are made`, pp(m.defsDuring)),
      row(`hover on notify_message (${m.hovers.length})`, pp(m.hovers)),
      row(`definition on failover_event (${m.defs.length})`, pp(m.defs)),
      row('hcron/trees, every event', `p50 ${f(pct(m.treesMs, 50))} ms`),
      row('peak RSS of the server (VmHWM)', `${Math.round(m.rss)} MB`),
      '',
      `files republished after one verdict-flipping edit (callers): ${m.callersRepublished}`,
      `peak RSS after ready ${Math.round(m.rssReady)} MB, after the hovers ${Math.round(m.rssHovers)} MB, after hcron/trees ${Math.round(m.rssTrees)} MB, once every finding is made ${Math.round(m.rssFindings)} MB, after the edits ${Math.round(m.rssEdits)} MB, at the end (verdict flips) ${Math.round(m.rss)} MB`,
    ].join('\n'),
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify({ events: facts.events, callers, ...m }));
}
