// The status-only path (engine/verdict.ts: what `hcron-check status` runs)
// against the full judgement (judgeEvent, the reference): the same records and
// the same cap notes, on the conformance trees, the hostile cases and
// generated trees. Its pieces are checked on their own on random input: the
// one-pass line parse against processLines, substituteSimple against
// substitute (result and work taken from the budget).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { generateTree } from '../gen/random-tree.mjs';
import { CASES, buildCase } from '../gen/hostile.mjs';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { casesTree, repo, seedTree, tmpdir } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261125;
const GUARD = { timeout: 300_000 }; // hang guard, not a timing assertion

/** Both paths on one tree, for a few max_events_per_user values. */
function assertSameVerdicts(events, what, maxes = [25, 100000]) {
  for (const max of maxes) {
    const config = engine.makeConfig(null, { max_events_per_user: max });
    const ctx = engine.configContext(config, 'hcron.example.com', 'hcron.example.com');
    const scan = engine.scanEventsDir(events);
    const tree = new engine.EventTree(scan, config);
    const src = { text: (p) => scan.files.get(p)?.text };
    const inv = (p) => scan.files.get(p)?.invalidUtf8;
    const full = engine.judgeTree(tree, src, ctx, inv, true);
    const fast = engine.judgeTree(tree, src, ctx, inv, false);
    assert.deepEqual(fast.records, full.records, `${what} (max_events_per_user ${max}): records differ`);
    assert.deepEqual(fast.capped, full.capped, `${what}: cap notes differ`);
    assert.deepEqual(fast.noEvents, full.noEvents, `${what}: noEvents differs`);
  }
}

describe('status-only verdicts equal the full judgement', () => {
  test('oracle fixture trees, the seed trees and the spec cases', GUARD, () => {
    const fixtures = path.join(repo, 'test/fixtures/oracle');
    for (const id of fs.readdirSync(fixtures).sort()) {
      const p = JSON.parse(fs.readFileSync(path.join(fixtures, id, 'params.json'), 'utf8'));
      const ev = path.join(tmpdir(), 'events');
      generateTree(ev, { seed: p.seed, events: p.events, invalidUtf8: p.invalidUtf8 ?? false });
      assertSameVerdicts(ev, `oracle fixture ${id}`);
    }
    assertSameVerdicts(seedTree(), 'seed tree');
    assertSameVerdicts(seedTree(undefined, { fixed: true }), 'fixed seed tree');
    assertSameVerdicts(casesTree(), 'spec cases');
  });

  test('random trees of other seeds', GUARD, () => {
    for (let seed = 1; seed <= 12; seed++) {
      const ev = path.join(tmpdir(), 'events');
      generateTree(ev, { seed: SEED + seed, events: 200 });
      assertSameVerdicts(ev, `random tree seed ${SEED + seed}`);
    }
  });

  test('a realistic tree (benchmark generator)', GUARD, () => {
    const ev = path.join(tmpdir(), 'events');
    generateRealistic(ev, { events: 1500 });
    assertSameVerdicts(ev, 'realistic 1500');
  });

  test('every hostile case', GUARD, () => {
    const out = tmpdir('hcron-verdict-');
    for (const c of CASES) {
      if (c.name === 'permission-denied' && process.getuid?.() === 0) continue; // root reads everything
      assertSameVerdicts(buildCase(c.name, out), `hostile case ${c.name}`, [25]);
    }
  });
});

describe('the pieces of the status-only path', () => {
  const LINE_PIECES = ['\n', '\n', '\r', '\r\n', '\\', '\\', '\\\n', '#', ' ', '\t', '\ufeff', '\u2028', '\u00a0', '\x1c', 'a', 'X=', '=', ' = ', 'include x', 'include', 'include\tx y', '🎉', '\u0000'];

  test('parseEventText gives processLines, includeDirective and the assignment split', () => {
    const arb = fc.array(fc.constantFrom(...LINE_PIECES), { maxLength: 80 }).map((a) => a.join(''));
    fc.assert(
      fc.property(arb, (text) => {
        const want = engine.processLines(text, 'events/x').map((ll) => {
          const inc = engine.includeDirective(ll.text);
          if (inc) return ['include', inc.arg];
          const eq = ll.text.indexOf('=');
          return eq < 0 ? ['bad'] : ['assign', engine.pyStrip(ll.text.slice(0, eq)), engine.pyStrip(ll.text.slice(eq + 1))];
        });
        const p = engine.parseEventText(text);
        const got = [...p.kind].map((k, i) => (k === 1 ? ['include', p.a[i]] : k === 2 ? ['bad'] : ['assign', p.a[i], p.b[i]]));
        assert.deepEqual(got, want);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  const REF_PIECES = ['$X', '#X', '$Y', '$HCRON_EVENT_NAME', '#HCRON_EVENT_NAME', '$U', '[', ']', '[1]', '[-1]', '[0]', '[-0]', '[3]', '[-7]', '[12345678901]', '{', '}', ':', '/', ',', '!', '?', 'a', 'é', '1', '-', '\n', '$', '#', '_', ' '];
  const VARS = [
    ['X', 'a:b:c'],
    ['Y', ''],
    ['HCRON_EVENT_NAME', '/team/area/job1'],
    ['Z', null],
  ];

  test('substituteSimple gives what substitute gives, with the same work, or declines', () => {
    const arb = fc.array(fc.constantFrom(...REF_PIECES), { maxLength: 30 }).map((a) => a.join(''));
    let taken = 0;
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 60 }), (value, left) => {
        const vars = new Map(VARS);
        const b1 = { left };
        const fast = engine.substituteSimple(value, vars, b1);
        if (fast === null) {
          assert.equal(b1.left, left, 'declined but took work');
          return;
        }
        taken++;
        const info = {};
        const b2 = { left };
        assert.equal(fast, engine.substitute(value, vars, info, b2), JSON.stringify(value));
        assert.equal(b1.left, b2.left, `work on ${JSON.stringify(value)}`);
        assert.deepEqual([info.tooComplex, info.tooLong, info.refTooLong, info.tooDeep], [undefined, undefined, undefined, undefined]);
      }),
      { seed: SEED, numRuns: 5000 },
    );
    assert.ok(taken > 1000, `the fast path took only ${taken} of 5000 values`);
  });

  test('evalAssignments (the fast path where no info is asked for) gives what it gives with info, with the same work', () => {
    const arb = fc.array(fc.tuple(fc.constantFrom('X', 'Y', 'Z', 'W', 'HCRON_EVENT_NAME'), fc.array(fc.constantFrom(...REF_PIECES), { maxLength: 12 }).map((a) => a.join(''))), { maxLength: 8 });
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 200 }), (pairs, left) => {
        const as = pairs.map(([name, value]) => ({ name, value }));
        const v1 = new Map(VARS);
        const v2 = new Map(VARS);
        const b1 = { left };
        const b2 = { left };
        assert.deepEqual(engine.evalAssignments(as, v1, undefined, b1), engine.evalAssignments(as, v2, [], b2), JSON.stringify(pairs));
        assert.deepEqual([...v1], [...v2]);
        assert.equal(b1.left, b2.left);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('substituteSimple declines where the work budget runs out, and agrees where it does not', () => {
    const vars = new Map([['X', 'ab:'.repeat(5000)]]);
    const value = Array.from({ length: 100 }, (_, i) => `$X[${i}]`).join('-');
    assert.equal(engine.substituteSimple(value, vars, { left: 0 }), null);
    const b1 = { left: 1e9 };
    const b2 = { left: 1e9 };
    assert.equal(engine.substituteSimple(value, vars, b1), engine.substitute(value, vars, {}, b2));
    assert.equal(b1.left, b2.left);
  });

  test('substituteSimple takes the usual values', () => {
    const vars = new Map([...engine.earlyVars('/team/area/job1', { hostName: 'h', serverName: 's' })]);
    for (const v of ['/opt/run.sh --out /data/$HCRON_EVENT_NAME[1]/$HCRON_EVENT_NAME[-1]', 'done on $HCRON_HOST_NAME', '*/2', 'plain'])
      assert.notEqual(engine.substituteSimple(v, vars, { left: 1e9 }), null, v);
  });
});
