// StatusJudge.judgeIndexed (engine/verdict.ts), what the language server's
// load judges every event with before it is ready, against judgeEvent (the
// reference): where it answers, its verdict, stage, runnability, when_*
// results, files read, include lookups and chain names are judgeEvent's; where
// it declines (include errors, bad lines, caps), judgeEvent is used instead.
// On the conformance trees, the hostile cases and generated trees.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateTree } from '../gen/random-tree.mjs';
import { CASES, buildCase } from '../gen/hostile.mjs';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { casesTree, repo, seedTree, tmpdir } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const GUARD = { timeout: 300_000 }; // hang guard, not a timing assertion

/** Every event of one tree both ways; returns how many judgeIndexed answered. */
function assertSameIndexed(events, what) {
  const config = engine.makeConfig(null, { max_events_per_user: 100000 });
  const ctx = engine.configContext(config, 'hcron.example.com', 'hcron.example.com');
  const scan = engine.scanEventsDir(events);
  const tree = new engine.EventTree(scan, config);
  const src = { text: (p) => scan.files.get(p)?.text };
  // one tree budget each, spent in load order by both
  const budget = { left: engine.TREE_WORK_BUDGET };
  const sj = new engine.StatusJudge(tree, src, ctx, budget);
  const refCtx = { ...ctx, workBudget: { left: engine.TREE_WORK_BUDGET } };
  let answered = 0;
  for (const ref of tree.events) {
    const j = engine.judgeEvent(tree, ref, src, refCtx);
    const v = sj.judgeIndexed(ref);
    if (!v) {
      // declined: only where the server keeps the whole judgement or hcron stops before stage 4
      assert.ok(j.stage <= 4 || j.capped, `${what}: ${ref.name} declined but judgeEvent says stage ${j.stage} (${j.reason})`);
      // keep the budgets in step: judgeEvent is what the server runs then
      budget.left = refCtx.workBudget.left;
      continue;
    }
    answered++;
    const want = {
      type: j.type,
      reason: j.reason,
      stage: j.stage,
      runnable: j.runnable,
      when: j.when,
      deps: [...j.deps],
      keys: j.includes.map((u) => u.key),
      targets: j.includes.filter((u) => u.target !== undefined).map((u) => u.target),
      chains: engine.chainPieces(j).map((p) => p.name),
    };
    const got = { type: v.type, reason: v.reason, stage: v.stage, runnable: v.runnable, when: v.when, deps: v.deps, keys: v.keys, targets: v.targets, chains: v.chains };
    assert.deepEqual(got, want, `${what}: ${ref.name}`);
    assert.equal(v.capped, undefined);
  }
  return answered;
}

describe('indexed verdicts equal judgeEvent', () => {
  test('oracle fixture trees, the seed trees and the spec cases', GUARD, () => {
    const fixtures = path.join(repo, 'test/fixtures/oracle');
    let answered = 0;
    for (const id of fs.readdirSync(fixtures).sort()) {
      const p = JSON.parse(fs.readFileSync(path.join(fixtures, id, 'params.json'), 'utf8'));
      const ev = path.join(tmpdir(), 'events');
      generateTree(ev, { seed: p.seed, events: p.events, invalidUtf8: p.invalidUtf8 ?? false });
      answered += assertSameIndexed(ev, `oracle fixture ${id}`);
    }
    answered += assertSameIndexed(seedTree(), 'seed tree');
    answered += assertSameIndexed(seedTree(undefined, { fixed: true }), 'fixed seed tree');
    answered += assertSameIndexed(casesTree(), 'spec cases');
    assert.ok(answered > 300, `judgeIndexed answered for only ${answered} events`);
  });

  test('random trees of other seeds', GUARD, () => {
    for (let seed = 1; seed <= 8; seed++) {
      const ev = path.join(tmpdir(), 'events');
      generateTree(ev, { seed: 4000 + seed, events: 200 });
      assertSameIndexed(ev, `random tree seed ${4000 + seed}`);
    }
  });

  test('a realistic tree (benchmark generator): nearly every event answered', GUARD, () => {
    const ev = path.join(tmpdir(), 'events');
    const facts = generateRealistic(ev, { events: 1500 });
    const answered = assertSameIndexed(ev, 'realistic 1500');
    assert.ok(answered > 0.9 * facts.events, `${answered} of ${facts.events}`);
  });

  test('every hostile case', GUARD, () => {
    const out = tmpdir('hcron-indexed-');
    for (const c of CASES) {
      if (c.name === 'permission-denied' && process.getuid?.() === 0) continue; // root reads everything
      assertSameIndexed(buildCase(c.name, out), `hostile case ${c.name}`);
    }
  });
});
