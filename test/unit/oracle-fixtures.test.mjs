// Our CLI against hcron v1.5's saved verdicts (test/fixtures/oracle/, made by
// test/oracle/make-fixtures.mjs with the real hcron code). Each tree is
// regenerated from its parameters, so no hcron is needed here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTree, treeDigest } from '../gen/random-tree.mjs';
import { CLI, ROOT, cliExpand, cliStatus, diffLines } from '../oracle/lib.mjs';

const FIXTURES = path.join(ROOT, 'test/fixtures/oracle');
const dirs = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).sort() : [];

test('oracle fixtures exist and the CLI is built', () => {
  assert.ok(dirs.length > 0, 'no fixtures in test/fixtures/oracle');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/cli.js')), `run npm run build first (${CLI} needs dist/cli.js)`);
});

for (const id of dirs) {
  test(`hcron's verdict on generated tree ${id}`, async (t) => {
    const dir = path.join(FIXTURES, id);
    const params = JSON.parse(fs.readFileSync(path.join(dir, 'params.json'), 'utf8'));
    const opts = { seed: params.seed, events: params.events, invalidUtf8: params.invalidUtf8 ?? false };
    assert.equal(treeDigest(opts), params.digest, 'test/gen/random-tree.mjs now builds a different tree: re-run test/oracle/make-fixtures.mjs with HCRON_SRC');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-fixture-'));
    t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const ev = path.join(tmp, 'events');
    generateTree(ev, opts);

    for (const limit of ['default', '100000']) {
      const want = fs.readFileSync(path.join(dir, `status-es-${limit}.txt`), 'utf8');
      const got = await cliStatus(ev, 'es', limit);
      assert.equal(got.code, 0, got.stderr);
      assert.ok(got.stdout === want, `status --format es, max_events_per_user ${limit} differs from hcron's:\n${diffLines(want, got.stdout)}`);
    }
    const expands = JSON.parse(fs.readFileSync(path.join(dir, 'expand.json'), 'utf8'));
    for (const x of expands) {
      const got = await cliExpand(ev, x.options);
      assert.ok(got === x.output, `expand ${x.cli.slice(3).join(' ')} differs from hcron's:\n${diffLines(x.output, got)}`);
    }
  });
}
