// Conformance: every worked substitution example of spec 6.11 (real output of
// hcron's assign.py), read from test/fixtures/spec-substitution.json, which
// test/fixtures/spec-tables.mjs generates from the spec.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const fixture = require('../fixtures/spec-substitution.json');

/** hcron's varinfo: an insertion-ordered dict; None -> null. */
const varTable = (pairs) => new Map(pairs);

/** load_assignments for one line: split at the first "=", strip both sides. */
function assignment(line) {
  const eq = line.indexOf('=');
  assert.ok(eq >= 0, `assignment line without "=": ${line}`);
  return { name: engine.pyStrip(line.slice(0, eq)), value: engine.pyStrip(line.slice(eq + 1)) };
}

const earlyTable = fixture.tables.find((t) => /early/i.test(t.title));

test('fixture covers every 6.11 sub-table', () => {
  const titles = fixture.tables.map((t) => t.title);
  for (const want of [/selections/i, /malformed/i, /user variables/i, /early/i, /assignment order/i]) {
    assert.ok(titles.some((t) => want.test(t)), `missing table ${want} in ${titles.join(' | ')}`);
  }
  assert.ok(earlyTable.context.some(([k, v]) => k === 'template_name' && v === null), 'early context has template_name = null');
});

for (const table of fixture.tables) {
  describe(`6.11 ${table.title}`, () => {
    if (table.kind === 'values') {
      for (const row of table.rows) {
        test(`${JSON.stringify(row.value)} -> ${JSON.stringify(row.result)} (spec line ${row.specLine})`, () => {
          const vars = varTable(table.context);
          const before = [...vars];
          assert.equal(engine.substitute(row.value, vars), row.result);
          // hcron's substitution only reads the table.
          assert.deepEqual([...vars], before);
        });
      }
    } else {
      // Assignment order: the lines of one file, evaluated top to bottom. The
      // spec gives no context for this table; the oracle script
      // (assign_examples.py) evaluates it on top of the early context, so we do
      // too (no result depends on it: HCRON_EVENT_NAME is reassigned first).
      const lines = table.rows.map((r) => r.line);
      const vars = varTable(table.context.length ? table.context : earlyTable.context);
      const assignments = lines.map(assignment);
      engine.evalAssignments(assignments, vars);
      for (const [i, row] of table.rows.entries()) {
        test(`${JSON.stringify(row.line)}: final ${JSON.stringify(assignments[i].name)} = ${JSON.stringify(row.result)} (spec line ${row.specLine})`, () => {
          assert.ok(vars.has(assignments[i].name), `${assignments[i].name} assigned`);
          assert.equal(vars.get(assignments[i].name), row.result);
        });
      }
      test('evalAssignments returns each assignment value in order', () => {
        const v = varTable(earlyTable.context);
        const out = engine.evalAssignments(assignments, v);
        assert.equal(out.length, assignments.length);
        // X=a then X=$X:b: the second sees the first (6.9 self-reference).
        assert.deepEqual(out.slice(0, 2), ['a', 'a:b']);
        // Y=$Z before Z=1: a forward reference stays literal.
        assert.equal(out[2], '$Z');
      });
    }
  });
}
