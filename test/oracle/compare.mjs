#!/usr/bin/env node
// Differential test against hcron v1.5's own loader (the oracle of
// /work/shared/tools/hcron-oracle, which needs HCRON_SRC): random trees,
// `status` line by line, `expand --format json` for a sample of events.
//
//   HCRON_SRC=/tmp/hcron-v1.5 node test/oracle/compare.mjs [--seeds 1,2,3,4,5] [--events 600] [--expands 40] [--invalid-utf8 MODE] [--keep]
// Exit 1 if anything differs. Run `npm run build` first (npm run oracle does).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTree } from '../gen/random-tree.mjs';
import { cliExpand, cliStatus, diffLines, oracleExpand, oracleStatus, parseAll, pickExpands, pool, expandOptions, snapshotCli } from './lib.mjs';

if (!process.env.HCRON_SRC) {
  console.log('oracle comparison skipped: set HCRON_SRC to a copy of hcron v1.5\'s source (see /work/shared/tools/hcron-oracle/README.md)');
  process.exit(0);
}

const opt = { seeds: [1, 2, 3, 4, 5], events: 600, expands: 40, invalidUtf8: false, keep: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--seeds') opt.seeds = argv[++i].split(',').map(Number);
  else if (a === '--events') opt.events = Number(argv[++i]);
  else if (a === '--expands') opt.expands = Number(argv[++i]);
  else if (a === '--invalid-utf8') opt.invalidUtf8 = argv[++i];
  else if (a === '--keep') opt.keep = true;
  else {
    console.error(`compare: unknown argument ${a}`);
    process.exit(2);
  }
}

const jobs = Math.max(2, os.cpus().length);
const cliCopy = snapshotCli();
const totals = { trees: 0, events: 0, statuses: 0, statusDiffs: 0, expands: 0, expandDiffs: 0 };
const differing = [];

for (const seed of opt.seeds) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hcron-cmp-${seed}-`));
  const ev = path.join(tmp, 'events'); // hcron only packs a folder literally named "events"
  const { symlinkNames } = generateTree(ev, { seed, events: opt.events, invalidUtf8: opt.invalidUtf8 });
  let diffs = 0;

  // The limit's cut-off shows load order: default 25 (first files), then one
  // among the regular files and one among the symlinks (loaded after all files).
  const full = parseAll((await oracleStatus(ev, 'all', '100000')).stdout);
  const links = new Set(symlinkNames);
  const nFiles = full.filter((r) => !links.has(r.name)).length;
  const cutFiles = Math.max(2, nFiles >> 1);
  const cutLinks = nFiles + Math.max(1, (full.length - nFiles) >> 1);
  const statusRuns = [];
  for (const format of ['es', 'all']) for (const limit of ['default', '100000']) statusRuns.push({ format, limit });
  for (const limit of [cutFiles, cutLinks]) statusRuns.push({ format: 'es', limit });
  const statusOut = await pool(statusRuns, jobs, async ({ format, limit }) => {
    const [o, m] = await Promise.all([oracleStatus(ev, format, limit), cliStatus(ev, format, limit)]);
    return { format, limit, o, m };
  });
  const records = full;
  for (const { format, limit, o, m } of statusOut) {
    if (o.code !== 0) console.log(`seed ${seed}: oracle status failed (exit ${o.code}): ${o.stderr.trim()}`);
    const n = o.stdout.split('\n').filter(Boolean).length;
    totals.statuses += n;
    if (o.stdout !== m.stdout) {
      diffs++;
      totals.statusDiffs++;
      console.log(`seed ${seed}: status --format ${format} (limit ${limit}) differs:\n${diffLines(o.stdout, m.stdout)}`);
    }
  }
  totals.events += records.length;

  const sample = pickExpands(records, seed, opt.expands, { varyAt: true });
  const expOut = await pool(sample, jobs, async (x) => ({ x, o: await oracleExpand(ev, x), m: await cliExpand(ev, x) }));
  for (const { x, o, m } of expOut) {
    totals.expands++;
    if (o !== m) {
      diffs++;
      totals.expandDiffs++;
      console.log(`seed ${seed}: expand ${expandOptions(x).map((s) => JSON.stringify(s)).join(' ')} differs:\n${diffLines(o, m)}`);
    }
  }

  totals.trees++;
  console.log(`seed ${seed} (${opt.events} entries): ${records.length} events, ${sample.length} expands, ${diffs ? diffs + ' DIFFERENCES' : 'same as hcron'}${opt.keep || diffs ? `  [tree kept in ${ev}]` : ''}`);
  if (diffs) differing.push(seed);
  else if (!opt.keep) fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(
  `\n${totals.trees} trees, ${totals.events} events; ${totals.statuses} status lines compared (es+all at limits 25 and 100000, es at a cut among files and among links), ${totals.statusDiffs} listings differ; ` +
    `${totals.expands} expands compared, ${totals.expandDiffs} differ.` +
    (differing.length ? `\nseeds with differences: ${differing.join(',')} (events ${opt.events})` : ''),
);
fs.rmSync(path.dirname(cliCopy), { recursive: true, force: true });
process.exit(differing.length ? 1 : 0);
