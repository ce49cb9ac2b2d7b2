// npm run bench: every measure of the scale targets in one table, on generated
// realistic trees (gen-realistic.mjs), beside the two references measured in
// the same run: the floor (a bare Node walk that only reads every file and
// link, floor.mjs) and hcron's own loader (hcron_status.py --direct).
// Medians of several runs; CLI runs are interleaved (floor, ours, hcron) so a
// busy machine slows all three alike. Not a test: nothing here asserts a time.
//
//   node test/bench/bench.mjs [--sizes 20000,100000] [--runs 5] [--server-runs 3] [--vscode-runs 3]
//                             [--skip cli,hcron,server,vscode] [--out docs/performance.md]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRealistic } from './gen-realistic.mjs';
import { countCallers, measureServer, pct } from './lsp-bench.mjs';
import { measureVsCodeOnce, vscodeUnavailable } from './vscode-bench.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const sizes = arg('--sizes', '20000,100000').split(',').map(Number);
const runs = Number(arg('--runs', '5'));
const serverRuns = Number(arg('--server-runs', '3'));
const vscodeRuns = Number(arg('--vscode-runs', '3'));
const skip = new Set(arg('--skip', '').split(',').filter(Boolean));
const out = arg('--out', '');
const oracle = path.resolve(repo, '../shared/tools/hcron-oracle/hcron_status.py');
const hcronSrc = process.env.HCRON_SRC ?? (fs.existsSync('/tmp/hcron-v1.5') ? '/tmp/hcron-v1.5' : undefined);
const log = (s) => process.stderr.write(`bench: ${s}\n`);

/** Wall time, CPU time and peak RSS of one command (GNU time when present). */
function timed(cmd, args) {
  const hasTime = fs.existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, HCRON_SRC: hcronSrc } })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, HCRON_SRC: hcronSrc } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [kb, u, s] = hasTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { ms, mb: kb / 1024, cpu: (u + s) * 1000, stdout: r.stdout };
}

const median = (a) => {
  const s = a.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const floorScript = path.join(repo, 'test/bench/floor.mjs');
const results = [];
for (const n of sizes) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-bench-'));
  const events = path.join(ws, '.hcron', 'bench.example.com', 'events');
  const facts = generateRealistic(events, { events: n });
  const { callers, links } = countCallers(events, facts);
  const r = { n: facts.events, callers, links };
  log(`${facts.events} events generated in ${ws}`);

  if (!skip.has('cli')) {
    const cmds = {
      floor: [process.execPath, [floorScript, events]],
      ours: [path.join(repo, 'bin/hcron-check'), ['status', events]],
    };
    const withHcron = !skip.has('hcron') && hcronSrc && fs.existsSync(oracle);
    if (withHcron) cmds.hcron = ['python3', [oracle, '--direct', events]];
    const hcronRuns = Math.min(runs, 3);
    for (const [c, a] of Object.values(cmds)) if (c !== 'python3') timed(c, a); // warm the page cache
    const got = { floor: [], ours: [], hcron: [] };
    for (let i = 0; i < runs; i++)
      for (const [k, [c, a]] of Object.entries(cmds)) {
        if (k === 'hcron' && i >= hcronRuns) continue;
        got[k].push(timed(c, a));
      }
    const agg = (l) => l.length && { ms: median(l.map((x) => x.ms)), cpu: median(l.map((x) => x.cpu)), mb: median(l.map((x) => x.mb)), stdout: l[l.length - 1].stdout, n: l.length };
    r.floor = agg(got.floor);
    r.ours = agg(got.ours);
    r.hcron = withHcron ? agg(got.hcron) : undefined;
    r.same = r.hcron ? (r.hcron.stdout === r.ours.stdout ? 'identical' : 'DIFFERENT') : 'not compared';
    log(`cli: floor ${r.floor.ms.toFixed(0)} ms, ours ${r.ours.ms.toFixed(0)} ms${r.hcron ? `, hcron ${r.hcron.ms.toFixed(0)} ms (${r.same})` : ''}`);
  }

  if (!skip.has('server')) {
    const ms = [];
    for (let i = 0; i < serverRuns; i++) {
      ms.push(await measureServer({ ws, events, facts, callers, edits: 50, flips: 4, hovers: 200, definitions: 200 }));
      log(`server run ${i + 1}: ready ${ms[i].readyMs.toFixed(0)} ms, first diagnostics ${ms[i].firstDiagMs.toFixed(0)} ms, findings ${ms[i].findingsMs.toFixed(0)} ms, rss ${ms[i].rss.toFixed(0)} MB; p95 edit ${pct(ms[i].edits, 95).toFixed(1)}, hover ${pct(ms[i].hovers, 95).toFixed(1)}, definition ${pct(ms[i].defs, 95).toFixed(1)} ms`);
    }
    const all = (k) => ms.flatMap((m) => m[k]);
    // the targets are medians (#5): a p95 is each session's, then their median; the p95 of all sessions' requests pooled is shown beside it
    const p95 = (k) => ({ median: median(ms.map((m) => pct(m[k], 95))), sessions: ms.map((m) => pct(m[k], 95)), pooled: pct(all(k), 95) });
    r.server = {
      runs: ms.length,
      ready: median(ms.map((m) => m.readyMs)),
      first: median(ms.map((m) => m.firstDiagMs)),
      findings: median(ms.map((m) => m.findingsMs)),
      edit95: p95('edits'),
      edit50: pct(all('edits'), 50),
      flip95: pct(all('flips'), 95),
      hover95: p95('hovers'),
      hover50: pct(all('hovers'), 50),
      edit95During: pct(all('editsDuring'), 95),
      hover95During: pct(all('hoversDuring'), 95),
      def95During: pct(all('defsDuring'), 95),
      def95: p95('defs'),
      def50: pct(all('defs'), 50),
      rss: median(ms.map((m) => m.rss)),
      trees: median(all('treesMs')),
      load: ms[0].loadLog,
    };
  }

  if (!skip.has('vscode')) {
    const why = vscodeUnavailable();
    if (why) r.vscode = { skipped: why };
    else {
      const t = [];
      const file = path.join(events, facts.bad.slice(1));
      for (let i = 0; i < vscodeRuns; i++) {
        try {
          const m = await measureVsCodeOnce({ workspace: ws, file });
          t.push(m);
          log(`vscode run ${i + 1}: ${m.first} ms (the server's: ${m.server} ms; from the activation VS Code logged: ${m.fromLog} ms)`);
        } catch (e) {
          log(`vscode run ${i + 1} failed: ${e.message}`);
        }
      }
      r.vscode = t.length
        ? { ms: median(t.map((m) => m.first)), server: median(t.map((m) => m.server ?? NaN)), fromLog: median(t.map((m) => m.fromLog ?? NaN)), runs: t.length, sessions: t }
        : { skipped: 'every VS Code session failed' };
    }
  }
  results.push(r);
  fs.rmSync(ws, { recursive: true, force: true });
}

// One table: a row per measure, a column pair (value, target) per size.
const TARGETS = {
  floor: { 20000: 2, 100000: 1.5 },
  hcron: { 20000: 10, 100000: 30 },
  ready: { 20000: 2000, 100000: 3000 },
  edit: { 20000: 20, 100000: 20 },
  hover: { 20000: 5, 100000: 5 },
  rss: { 20000: 250, 100000: 400 },
  vscode: { 20000: 1000, 100000: 1500 },
};
const tgt = (k, n) => TARGETS[k][n] ?? TARGETS[k][Object.keys(TARGETS[k]).map(Number).reduce((a, b) => (Math.abs(b - n) < Math.abs(a - n) ? b : a))];
const ok = (v, t, lower = true) => (Number.isNaN(v) || v === undefined ? '' : (lower ? v <= t : v >= t) ? ' ✓' : ' ✗');
const f0 = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(0));
const f1 = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));

const rows = [];
const row = (label, cells) => rows.push(`| ${label} | ${cells.join(' | ')} |`);
rows.push(`| measure | ${results.map((r) => `${r.n.toLocaleString('en-US')} events | target`).join(' | ')} |`);
rows.push(`|---|${results.map(() => '---|---').join('|')}|`);
const each = (fn) => results.flatMap((r) => fn(r));
row('floor: bare Node walk + reads (ms)', each((r) => [f0(r.floor?.ms), '']));
row('hcron-check status (ms)', each((r) => [f0(r.ours?.ms), '']));
row("hcron's loader, hcron_status.py --direct (ms)", each((r) => [f0(r.hcron?.ms), '']));
row('**hcron-check status / floor**', each((r) => { const v = r.ours && r.ours.ms / r.floor.ms; return [v ? `**${v.toFixed(2)}x**${ok(v, tgt('floor', r.n))}` : '-', `<= ${tgt('floor', r.n)}x`]; }));
row('**hcron-check status vs hcron (times faster)**', each((r) => { const v = r.hcron && r.hcron.ms / r.ours.ms; return [v ? `**${v.toFixed(1)}x**${ok(v, tgt('hcron', r.n), false)}` : '-', `>= ${tgt('hcron', r.n)}x`]; }));
row('CPU time (user+sys): floor / ours / hcron (ms)', each((r) => [r.ours ? `${f0(r.floor.cpu)} / ${f0(r.ours.cpu)} / ${f0(r.hcron?.cpu)}` : '-', '']));
row('peak RSS: hcron-check status / hcron (MB)', each((r) => [r.ours ? `${f0(r.ours.mb)} / ${f0(r.hcron?.mb)}` : '-', '']));
row('status output vs hcron', each((r) => [r.same ?? '-', 'identical']));
row('**server: initialized -> hover knowing every caller (ms)**', each((r) => [r.server ? `**${f0(r.server.ready)}**${ok(r.server.ready, tgt('ready', r.n))}` : '-', `<= ${tgt('ready', r.n)}`]));
row('server: initialized -> first diagnostics of the open file (ms)', each((r) => [f0(r.server?.first), '']));
row('server: initialized -> findings of every event made (ms)', each((r) => [f0(r.server?.findings), '']));
/** A target p95: the median of the sessions' p95s, then each session's, the pooled p95 and the pooled p50. */
const p95Cell = (p, target, p50) => `**${f1(p.median)}**${ok(p.median, target)} (sessions ${p.sessions.map(f1).join(', ')}; all requests pooled ${f1(p.pooled)}; p50 ${f1(p50)})`;
row('**server: edit of the template -> republished diagnostics, p95 (ms)**', each((r) => [r.server ? p95Cell(r.server.edit95, tgt('edit', r.n), r.server.edit50) : '-', `<= ${tgt('edit', r.n)}`]));
row('server: the same edit while the findings are still being made, p95 (ms)', each((r) => [f1(r.server?.edit95During), '']));
row('server: verdict-flipping template edit, p95 (ms)', each((r) => [f1(r.server?.flip95), '']));
row('**server: hover p95 (ms)**', each((r) => [r.server ? p95Cell(r.server.hover95, tgt('hover', r.n), r.server.hover50) : '-', `<= ${tgt('hover', r.n)}`]));
row('**server: definition p95 (ms)**', each((r) => [r.server ? p95Cell(r.server.def95, tgt('hover', r.n), r.server.def50) : '-', `<= ${tgt('hover', r.n)}`]));
row('server: hover / definition p95 while the findings are still being made (ms)', each((r) => [r.server ? `${f1(r.server.hover95During)} / ${f1(r.server.def95During)}` : '-', '']));
row('**server: peak RSS (MB)**', each((r) => [r.server ? `**${f0(r.server.rss)}**${ok(r.server.rss, tgt('rss', r.n))}` : '-', `<= ${tgt('rss', r.n)}`]));
row('server: hcron/trees, every event (ms)', each((r) => [f0(r.server?.trees), '']));
const sessions = (r, k) => (r.vscode?.sessions?.length > 1 ? ` (sessions ${r.vscode.sessions.map((m) => f0(m[k])).join(', ')})` : '');
row('**VS Code: activation -> first diagnostics of the open file (ms)**', each((r) => [r.vscode?.ms !== undefined ? `**${f0(r.vscode.ms)}**${ok(r.vscode.ms, tgt('vscode', r.n))}${sessions(r, 'first')}` : r.vscode?.skipped ? `not measured: ${r.vscode.skipped}` : '-', `<= ${tgt('vscode', r.n)}`]));
row("VS Code: activation -> the server's first diagnostics of the open file (ms)", each((r) => [r.vscode?.ms !== undefined ? `${f0(r.vscode.server)}${sessions(r, 'server')}` : '-', '']));
row('VS Code: the activation VS Code logs (before the extension is loaded) -> first diagnostics of the open file (ms)', each((r) => [r.vscode?.ms !== undefined ? `${f0(r.vscode.fromLog)}${sessions(r, 'fromLog')}` : '-', '']));

const cpu = os.cpus();
const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
const notes = results.map((r) => `${r.n.toLocaleString('en-US')} events: ${r.callers.toLocaleString('en-US')} callers of /failover/mail_template through ${r.links} symlinks${r.server ? `; server log: ${r.server.load}` : ''}`);
const table = [
  `Machine: ${cpu[0]?.model ?? 'unknown cpu'} x${cpu.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, node ${process.version}; load average at the end ${load} (the machine is shared). ${new Date().toISOString().slice(0, 10)}.`,
  `Medians: CLI of ${runs} interleaved runs (hcron: ${Math.min(runs, 3)}); server of ${serverRuns} sessions (a p95: the median of the sessions' p95s, each session's and the p95 of all their requests pooled beside it); VS Code of ${vscodeRuns} sessions (code-server + headless chromium). ✓/✗: against the target.`,
  '',
  ...rows,
  '',
  ...notes.map((s) => `* ${s}`),
].join('\n');
console.log(table);
if (out) {
  const file = path.resolve(repo, out);
  const prev = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const begin = '<!-- bench:table:begin -->';
  const end = '<!-- bench:table:end -->';
  const block = `${begin}\n${table}\n${end}`;
  fs.writeFileSync(file, prev.includes(begin) ? prev.replace(new RegExp(`${begin}[\\s\\S]*${end}`), () => block) : `${prev}\n${block}\n`);
  log(`written to ${out}`);
}
