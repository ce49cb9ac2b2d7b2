#!/usr/bin/env node
// Saves hcron's own verdict on generated trees as fixtures, so CI can check
// our CLI against hcron without hcron (test/unit/oracle-fixtures.test.mjs).
// Needs HCRON_SRC (the oracle runs hcron v1.5's code).
//
//   HCRON_SRC=/tmp/hcron-v1.5 node test/oracle/make-fixtures.mjs [SEED:EVENTS[:INVALID_UTF8]...]
// Default: the built-in list below. Rewrites test/fixtures/oracle/<id>/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTree, treeDigest } from '../gen/random-tree.mjs';
import { AT, NAMES, ROOT, expandOptions, oracleExpand, oracleStatus, parseAll, pickExpands, pool } from './lib.mjs';

// Trees whose verdict once differed from hcron's belong here too (regressions).
const DEFAULT = ['101:300', '102:300', '103:300', '104:200:harmless', '105:120:fatal'];
const EXPANDS = 10;

if (!process.env.HCRON_SRC) {
  console.log('make-fixtures skipped: set HCRON_SRC to a copy of hcron v1.5\'s source (see /work/shared/tools/hcron-oracle/README.md)');
  process.exit(0);
}

const specs = (process.argv.length > 2 ? process.argv.slice(2) : DEFAULT).map((s) => {
  const [seed, events, invalidUtf8] = s.split(':');
  return { seed: Number(seed), events: Number(events), ...(invalidUtf8 ? { invalidUtf8 } : {}) };
});
const outRoot = path.join(ROOT, 'test/fixtures/oracle');

for (const params of specs) {
  const id = `seed-${params.seed}-${params.events}${params.invalidUtf8 ? '-' + params.invalidUtf8 : ''}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-fix-'));
  const ev = path.join(tmp, 'events');
  generateTree(ev, params);
  const dir = path.join(outRoot, id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  for (const limit of ['default', '100000']) {
    const r = await oracleStatus(ev, 'es', limit);
    if (r.code !== 0) throw new Error(`${id}: oracle status failed: ${r.stderr}`);
    fs.writeFileSync(path.join(dir, `status-es-${limit}.txt`), r.stdout);
  }
  const all = parseAll((await oracleStatus(ev, 'all', '100000')).stdout);
  const sample = pickExpands(all, params.seed, EXPANDS);
  const expands = await pool(sample, 4, async (x) => ({
    options: x,
    // Exact command lines (EVENTS_DIR stands for the generated tree; run with TZ=UTC).
    cli: ['bin/hcron-check', 'expand', 'EVENTS_DIR', ...expandOptions(x), '--format', 'json'],
    oracle: ['hcron_status.py', 'EVENTS_DIR', ...expandOptions(x), '--json'],
    output: await oracleExpand(ev, x),
  }));
  fs.writeFileSync(path.join(dir, 'expand.json'), JSON.stringify(expands, null, 2) + '\n');
  fs.writeFileSync(
    path.join(dir, 'params.json'),
    JSON.stringify({ ...params, digest: treeDigest(params), names: NAMES, at: AT, tz: 'UTC', statusCommand: ['bin/hcron-check', 'status', '--format', 'es', '[--set max_events_per_user=100000]', ...NAMES, 'EVENTS_DIR'], jobIdsMasked: true }, null, 2) + '\n',
  );
  console.log(`${id}: ${all.length} events, ${expands.length} expands -> ${path.relative(ROOT, dir)}`);
  fs.rmSync(tmp, { recursive: true, force: true });
}
