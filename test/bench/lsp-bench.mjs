#!/usr/bin/env node
// Language-server benchmark over stdio on a generated 20,000-event tree
// (test/bench/gen-realistic.mjs: teams/areas folders, shared includes, a
// failover template reached through one symlink per recipient, next chains).
//
//   npm run build && node test/bench/lsp-bench.mjs [--events N] [--edits N] [--hovers N] [--keep]
//
// Measures, against the issue's targets:
//   ready   initialized -> first hover on the template's notify_message that
//           knows every caller (its "... and N more ways to run" count)
//   edit    didChange of the template (typing in notify_message) -> the
//           republished diagnostics of that document (p50/p95); edits are
//           spaced 60 ms apart, like fast typing (the server throttles one
//           file's publications to one per 50 ms by design)
//   flip    the same for edits that flip the verdict of all its symlinks
//           (template_name), which re-lints every caller
//   hover   hover on notify_message (p50/p95)
//   rss     peak RSS of the server process (VmHWM)
// Not a test: prints a table (and JSON with --json).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateRealistic } from './gen-realistic.mjs';
import { posOf, startServer } from '../lsp/helpers.mjs';

const arg = (k, d) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const EVENTS = arg('--events', 20000);
const EDITS = arg('--edits', 50);
const FLIPS = arg('--flips', 10);
const HOVERS = arg('--hovers', 200);
const MAX_PUBLISHED = 5000;
// node options for the server process, e.g. --node-args=--max-old-space-size=600
const NODE_ARGS = (process.argv.find((a) => a.startsWith('--node-args=')) ?? '--node-args=').slice('--node-args='.length).split(' ').filter(Boolean);

const pct = (a, q) => {
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

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-lsp-bench-'));
const events = path.join(ws, '.hcron', 'bench.example.com', 'events');
let t = performance.now();
const facts = generateRealistic(events, { events: EVENTS });
const genMs = performance.now() - t;
const tplPath = path.join(events, facts.templatePath);
const tplText = fs.readFileSync(tplPath, 'utf8');
// every event that chains to one of the template's names
const linkNames = new Set(fs.readdirSync(path.dirname(tplPath)).filter((n) => fs.lstatSync(path.join(path.dirname(tplPath), n)).isSymbolicLink()).map((n) => `/failover/${n}`));
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

const s = await startServer({ folder: ws, settings: { overrides: { max_events_per_user: 100000 } }, nodeArgs: NODE_ARGS });
const pid = s.child.pid;
const t0 = performance.now(); // `initialized` was just sent
s.open(tplPath, tplText);
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
  await sleep(5);
}
const readyMs = performance.now() - t0;
const rssReady = vmHWM(pid);
const loadLog = s.logs.find((l) => /events, .* loaded in/.test(l)) ?? '';

// hover latency
const hovers = [];
for (let i = 0; i < HOVERS; i++) {
  const a = performance.now();
  await hoverAt();
  hovers.push(performance.now() - a);
}

const rssHovers = vmHWM(pid);
const published = new Set(s.publications.map((p) => p.path)).size;

// the status view's request: every event of the tree
const treesMs = [];
for (let i = 0; i < 5; i++) {
  const a = performance.now();
  await s.request('hcron/trees');
  treesMs.push(performance.now() - a);
}

// edits -> republished diagnostics of the edited document
async function timeEdit(text) {
  const n = s.publications.length;
  const a = performance.now();
  s.change(tplPath, text);
  await s.until(() => s.publications.slice(n).some((p) => p.path === tplPath), 'republished diagnostics', 30000);
  const ms = performance.now() - a;
  await sleep(60);
  return ms;
}
const edits = [];
let text = tplText;
for (let i = 0; i < EDITS; i++) {
  text = text.replace(/notify_message=Failed event \(\$HCRON_EVENT_CHAIN\[0\]\)[^\\\n]*/, `notify_message=Failed event ($HCRON_EVENT_CHAIN[0]) try ${i}`);
  edits.push(await timeEdit(text));
}
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
const rss = vmHWM(pid);
await s.shutdown();
if (!process.argv.includes('--keep')) fs.rmSync(ws, { recursive: true, force: true });

const row = (what, value, target, ok) => `| ${what.padEnd(44)} | ${value.padStart(22)} | ${target.padStart(10)} | ${ok === undefined ? '    ' : ok ? 'ok  ' : 'MISS'} |`;
const f = (x) => x.toFixed(1);
const out = [
  `hcron language server benchmark${NODE_ARGS.length ? ` (server run with node ${NODE_ARGS.join(' ')})` : ''}: ${facts.events} events (${callers} callers of ${facts.template} through ${linkNames.size} symlinks), node ${process.version}, ${os.cpus()[0]?.model ?? ''} x${os.cpus().length}`,
  `tree generated in ${Math.round(genMs)} ms; server: ${loadLog.replace(/^.*: /, '')}; ${published} files published (cap ${MAX_PUBLISHED})`,
  '',
  '| measure                                      |                  value |     target | ok   |',
  '|----------------------------------------------|------------------------|------------|------|',
  row('ready: initialized -> hover knowing callers', `${Math.round(readyMs)} ms`, '<= 5000 ms', readyMs <= 5000),
  row(`edit -> republished diagnostics (${EDITS} edits)`, `p50 ${f(pct(edits, 50))} / p95 ${f(pct(edits, 95))} ms`, '<= 50 ms', pct(edits, 95) <= 50),
  row(`verdict-flipping edit (${FLIPS}), own document`, `p50 ${f(pct(flips, 50))} / p95 ${f(pct(flips, 95))} ms`, '', undefined),
  row(`hover on notify_message (${HOVERS})`, `p50 ${f(pct(hovers, 50))} / p95 ${f(pct(hovers, 95))} ms`, '<= 20 ms', pct(hovers, 95) <= 20),
  row('hcron/trees, every event (5)', `p50 ${f(pct(treesMs, 50))} ms`, '', undefined),
  row('peak RSS of the server (VmHWM)', `${Math.round(rss)} MB`, '<= 500 MB', rss <= 500),
  '',
  `files republished after one verdict-flipping edit (callers): ${callersRepublished}`,
  `peak RSS after ready ${Math.round(rssReady)} MB, after the hovers ${Math.round(rssHovers)} MB, at the end ${Math.round(rss)} MB`,
  `first hover ${first.contents.value.length} chars; hover after the edits ${hoverAfter?.contents.value.length ?? 0} chars`,
];
console.log(out.join('\n'));
if (process.argv.includes('--json'))
  console.log(JSON.stringify({ events: facts.events, callers, readyMs, edits: { p50: pct(edits, 50), p95: pct(edits, 95) }, flips: { p50: pct(flips, 50), p95: pct(flips, 95) }, hovers: { p50: pct(hovers, 50), p95: pct(hovers, 95) }, rssMB: rss }));
