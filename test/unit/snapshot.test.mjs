// The snapshot estimate (engine/snapshot.ts) against the figures the first segmented
// implementation (a578d12: a Buffer per piece, concatenated per segment) gave
// on the same generated trees: one gzip, several segments, sampled, the full
// pass near the limit, early stops, long names (pax records) and links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateTree } from '../gen/random-tree.mjs';
import { buildCase } from '../gen/hostile.mjs';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { tmpdir } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');

// [tree, max_hcron_tree_snapshot_size, bytes, flags]
const EXPECTED = [
  ['realistic 3000', 262144, 136652, ''],
  ['realistic 3000', 500, 22324, 'atLeast'],
  ['realistic 8000', 262144, 340398, 'atLeast sampled'],
  ['realistic 8000', 1e9, 340398, 'sampled'],
  ['realistic 8000', 347206, 337823, ''],
  ['realistic 8000', 500, 86102, 'atLeast sampled'],
  ['random seed 7', 262144, 23779, ''],
  ['random seed 7', 500, 23779, ''],
  ['deep-folders', 262144, 31891, ''],
  ['deep-folders', 500, 13500, 'atLeast'],
  ['symlink-storm', 500, 15239, 'atLeast'],
  ['line-2mb', 262144, 1135514, 'atLeast sampled'],
  ['line-2mb', 1e9, 2270810, 'sampled'],
  ['line-2mb', 2316226, 579438, ''],
];

const BUILD = {
  'realistic 3000': (dir) => generateRealistic(path.join(dir, 'events'), { events: 3000 }) && path.join(dir, 'events'),
  'realistic 8000': (dir) => generateRealistic(path.join(dir, 'events'), { events: 8000 }) && path.join(dir, 'events'),
  'random seed 7': (dir) => (generateTree(path.join(dir, 'events'), { seed: 7, events: 300 }), path.join(dir, 'events')),
  'deep-folders': (dir) => buildCase('deep-folders', dir),
  'symlink-storm': (dir) => buildCase('symlink-storm', dir),
  'line-2mb': (dir) => buildCase('line-2mb', dir),
};

/** Each row of EXPECTED with its tree's scan (each tree read once), config and expected estimate. */
function* cases() {
  const scans = new Map();
  for (const [name, limit, bytes, flags] of EXPECTED) {
    if (!scans.has(name)) scans.set(name, engine.scanEventsDir(BUILD[name](tmpdir('hcron-snap-'))));
    const want = { bytes, limit };
    for (const f of flags.split(' ').filter(Boolean)) want[f] = true;
    yield { name, limit, flags, want, scan: scans.get(name), config: engine.makeConfig(null, { max_hcron_tree_snapshot_size: limit }) };
  }
}

test('snapshot estimates equal the earlier implementation', { timeout: 300_000 }, () => {
  for (const { name, limit, want, scan, config } of cases()) assert.deepEqual(engine.snapshotOfScan(scan, config), want, `${name}, limit ${limit}`);
});

// hcron-check status's judging thread makes the estimate while the files are still being read
// (estimateSteps waits for a file that is not ready): the same figures, and a tree far over the
// limit is decided before its last files are in (a small one waits for every size: they decide whether it is sampled).
test('the estimate made as the files come in equals the estimate of the whole tree, and an early stop needs only the first files', { timeout: 300_000 }, () => {
  for (const { name, limit, flags, want, scan, config } of cases()) {
    const files = scan.members.filter((m) => m.kind === 'file').map((m) => m.path);
    const index = new Map(files.map((p, i) => [p, i]));
    let ready = 0; // files 0 .. ready-1 are in
    const text = (p) => scan.files.get(p).text;
    const contents = {
      ready: (p) => index.get(p) < ready,
      size: (p) => (index.get(p) < ready ? Buffer.byteLength(text(p)) : assert.fail(`size of ${p} before it is ready`)),
      write: (p, buf, off) => void buf.write(text(p), off, 'utf8'),
    };
    const steps = engine.estimateSteps(scan.members, config, contents);
    let r = steps.next();
    let waits = 0;
    while (!r.done) {
      waits++;
      ready += 1 + (ready % 7); // files arrive in runs of uneven length
      r = steps.next();
    }
    assert.deepEqual(r.value, want, `${name}, limit ${limit}`);
    assert.ok(waits > 0, `${name}: waited for files`);
    if (flags.includes('atLeast') && flags.includes('sampled') && files.length > 1000) assert.ok(ready < files.length, `${name}, limit ${limit}: decided after ${ready} of ${files.length} files`);
  }
});
