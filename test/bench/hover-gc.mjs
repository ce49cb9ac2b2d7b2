#!/usr/bin/env node
// The hover's tail and the collector: sessions of the language server on a generated tree
// (gen-realistic.mjs), each making the bench's hover (the template's notify_message, which
// evaluates 20 ways to run) N times once every finding is made, with the server's collections
// logged (gc-preload.cjs). Prints per session the hover p50 / p95 / slowest, the scavenges and
// full collections during the hovers, and how many hovers a collection met; with --alloc, one
// more session whose allocations under the hover are sampled (KB a hover, and where).
//
//   node test/bench/hover-gc.mjs [--events 100000] [--sessions 3] [--hovers 200] [--alloc]
//        [--server dist/server.js --server /other/build/dist/server.js]  (builds interleaved;
//         node options may follow the path: --server 'dist/server.js --max-semi-space-size=2')
//        [--tree DIR] [--keep]  (reuse / keep the generated workspace)
// Not a test: nothing asserts a time. docs/performance.md (thirteenth round) used it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRealistic } from './gen-realistic.mjs';
import { startServer } from '../lsp/helpers.mjs';
import { pct } from './lsp-bench.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (k, d) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const EVENTS = Number(arg('--events', 100000));
const SESSIONS = Number(arg('--sessions', 3));
const HOVERS = Number(arg('--hovers', 200));
const servers = argv.flatMap((a, i) => (a === '--server' ? [argv[i + 1]] : []));
if (!servers.length) servers.push(path.join(here, '../../dist/server.js'));
/** A --server's build and the node options after it. */
const variant = (v) => {
  const [bin, ...nodeArgs] = v.split(' ').filter(Boolean);
  return { bin: path.resolve(bin), nodeArgs };
};
const KINDS = { 1: 'scavenge', 2: 'minor mark-sweep', 4: 'mark-compact', 8: 'incremental', 16: 'weak callbacks' };

let ws = arg('--tree');
if (!ws) {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-hover-gc-'));
  fs.writeFileSync(path.join(ws, 'facts.json'), JSON.stringify(generateRealistic(path.join(ws, '.hcron', 'bench.example.com', 'events'), { events: EVENTS })));
}
const events = path.join(ws, '.hcron', 'bench.example.com', 'events');
const facts = JSON.parse(fs.readFileSync(path.join(ws, 'facts.json'), 'utf8'));
const tplPath = path.join(events, facts.templatePath);
const badPath = path.join(events, facts.bad.slice(1));
const now = () => (performance.timeOrigin + performance.now()) * 1000; // µs, the preload's clock
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-hover-gc-logs-'));

async function session(spec, alloc) {
  const { bin: server, nodeArgs } = variant(spec);
  const gcLog = path.join(tmp, `gc-${process.hrtime.bigint()}.log`);
  const prof = alloc ? path.join(tmp, `alloc-${process.hrtime.bigint()}.heapprofile`) : undefined; // one a session: a second session found the first's and read it
  process.env.HCRON_SERVER_BIN = server;
  process.env.HCRON_GC_LOG = gcLog;
  if (prof) process.env.HCRON_ALLOC_PROFILE = prof;
  else delete process.env.HCRON_ALLOC_PROFILE;
  const s = await startServer({ folder: ws, settings: { overrides: { max_events_per_user: 1000000 } }, nodeArgs: [...nodeArgs, '--require', path.join(here, 'gc-preload.cjs')] });
  s.open(badPath);
  s.open(tplPath, fs.readFileSync(tplPath, 'utf8'));
  await s.until(() => s.logs.some((l) => /events, .* loaded in/.test(l)), 'the findings of every event', 300000);
  if (prof) {
    fs.writeFileSync(`${prof}.go`, '');
    await sleep(200);
  }
  const rows = [];
  for (let i = 0; i < HOVERS; i++) {
    const a = now();
    await s.request('textDocument/hover', s.at(tplPath, 'notify_message=', 3));
    rows.push([a, now()]);
  }
  if (prof) {
    fs.rmSync(`${prof}.go`);
    for (let i = 0; i < 100 && !fs.existsSync(prof); i++) await sleep(50);
  }
  await s.shutdown();
  for (let i = 0; i < 100 && !fs.existsSync(gcLog); i++) await sleep(20);
  const gcs = fs.existsSync(gcLog) ? fs.readFileSync(gcLog, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').map(Number)) : [];
  const [t0, t1] = [rows[0][0], rows[rows.length - 1][1]];
  const during = gcs.filter(([t]) => t >= t0 && t <= t1);
  const ms = rows.map(([a, b]) => (b - a) / 1000);
  const met = rows.filter(([a, b]) => gcs.some(([t, , d]) => t < b && t + d * 1000 > a)).length;
  const byKind = {};
  for (const [, k, d] of during) {
    const n = KINDS[k] ?? k;
    byKind[n] = byKind[n] ?? [0, 0];
    byKind[n][0]++;
    byKind[n][1] += d;
  }
  const out = { p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms), met, byKind };
  if (prof && fs.existsSync(prof)) out.alloc = allocUnder(JSON.parse(fs.readFileSync(prof, 'utf8')), 'hoverAt');
  return out;
}

/** Sampled bytes allocated under frames named `fn`, by the allocating function. */
function allocUnder(profile, fn) {
  const by = new Map();
  let total = 0;
  const walk = (n, under, own) => {
    const name = n.callFrame.functionName || '(anonymous)';
    const isOurs = n.callFrame.url.endsWith('server.js');
    under ||= name === fn;
    own = isOurs ? `${name}:${n.callFrame.lineNumber + 1}` : own;
    if (under && n.selfSize) {
      total += n.selfSize;
      by.set(own, (by.get(own) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, under, own);
  };
  walk(profile.head, false, '(root)');
  return { total, top: [...by].sort((a, b) => b[1] - a[1]).slice(0, 10) };
}

console.log(`hover tail and collector: ${facts.events} events, ${HOVERS} hovers a session once every finding is made, node ${process.version}, ${os.cpus()[0]?.model ?? ''} x${os.cpus().length}`);
for (let i = 0; i < SESSIONS; i++)
  for (const server of servers) {
    const r = await session(server, false);
    const kinds = Object.entries(r.byKind).map(([k, [n, d]]) => `${n} ${k} (${d.toFixed(0)} ms)`).join(', ') || 'none';
    console.log(`${servers.length > 1 ? `${server}: ` : ''}hover p50 ${r.p50.toFixed(1)} / p95 ${r.p95.toFixed(1)} / slowest ${r.max.toFixed(0)} ms; collections during the hovers: ${kinds}; hovers a collection met: ${r.met}`);
  }
if (argv.includes('--alloc'))
  for (const server of servers) {
    const r = await session(server, true);
    if (!r.alloc) console.log(`${server}: no allocation profile was written`);
    else {
      console.log(`${servers.length > 1 ? `${server}: ` : ''}allocated under the hover: ${(r.alloc.total / HOVERS / 1024).toFixed(0)} KB a hover (sampled every 512 bytes, collected objects included); by function:`);
      for (const [k, v] of r.alloc.top) console.log(`  ${(v / HOVERS / 1024).toFixed(1).padStart(7)} KB  ${k}`);
    }
  }
fs.rmSync(tmp, { recursive: true, force: true });
if (!arg('--tree') && !argv.includes('--keep')) fs.rmSync(ws, { recursive: true, force: true });
else if (!arg('--tree')) console.log(`workspace kept: ${ws} (--tree ${ws})`);
