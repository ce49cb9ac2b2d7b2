// npm run bench: hcron-check status against the floor (a bare Node walk
// that only reads every file and link) and hcron's own loader, on generated
// realistic trees. Medians of several runs, as ratios measured in one run.
// Not a test: nothing here asserts a time.
//
//   node test/bench/bench.mjs [--sizes 20000,100000] [--runs 5] [--out docs/performance.md]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRealistic } from './gen-realistic.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const sizes = arg('--sizes', '20000').split(',').map(Number);
const runs = Number(arg('--runs', '5'));
const out = arg('--out', '');
const oracle = path.resolve(repo, '../shared/tools/hcron-oracle/hcron_status.py');
const hcronSrc = process.env.HCRON_SRC;

/** Wall time and peak RSS of one command, measured by GNU time when present, else by the clock. */
function timed(cmd, args) {
  const hasTime = fs.existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const kb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, mb: kb / 1024, stdout: r.stdout };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const floorScript = path.join(repo, 'test/bench/floor.mjs');
const rows = [];
for (const n of sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-bench-'));
  const events = path.join(dir, 'events');
  const facts = generateRealistic(events, { events: n });
  const measure = (name, cmd, args, k = runs) => {
    timed(cmd, args); // warm the page cache
    const t = [];
    const m = [];
    let stdout = '';
    for (let i = 0; i < k; i++) {
      const r = timed(cmd, args);
      t.push(r.ms);
      m.push(r.mb);
      stdout = r.stdout;
    }
    return { name, ms: median(t), mb: median(m), stdout };
  };
  const floor = measure('floor (bare Node walk + reads)', process.execPath, [floorScript, events]);
  const ours = measure('hcron-check status', process.execPath, [path.join(repo, 'bin/hcron-check'), 'status', events]);
  let hcron;
  let same = 'not compared (HCRON_SRC unset)';
  if (hcronSrc && fs.existsSync(oracle)) {
    hcron = measure("hcron's loader (hcron_status.py --direct)", 'python3', [oracle, '--direct', events], Math.min(runs, 3));
    same = hcron.stdout === ours.stdout ? 'identical' : 'DIFFERENT';
  }
  rows.push({ n: facts.events, floor, ours, hcron, same });
  fs.rmSync(dir, { recursive: true, force: true });
}

const lines = [];
lines.push(`Machine: ${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}; medians of ${runs} runs (hcron: ${Math.min(runs, 3)}).`);
lines.push('');
lines.push('| events | floor ms | hcron-check status ms | ratio to floor | hcron loader ms | hcron / ours | peak RSS ours MB | output vs hcron |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  lines.push(
    `| ${r.n} | ${r.floor.ms.toFixed(0)} | ${r.ours.ms.toFixed(0)} | ${(r.ours.ms / r.floor.ms).toFixed(2)}x | ${r.hcron ? r.hcron.ms.toFixed(0) : '-'} | ${r.hcron ? (r.hcron.ms / r.ours.ms).toFixed(1) + 'x faster' : '-'} | ${r.ours.mb.toFixed(0)} | ${r.same} |`,
  );
const table = lines.join('\n');
console.log(table);
if (out) {
  const file = path.resolve(repo, out);
  const prev = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const begin = '<!-- bench:status:begin -->';
  const end = '<!-- bench:status:end -->';
  const block = `${begin}\n${table}\n${end}`;
  fs.writeFileSync(file, prev.includes(begin) ? prev.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${prev}\n${block}\n`);
  console.log(`written to ${out}`);
}
