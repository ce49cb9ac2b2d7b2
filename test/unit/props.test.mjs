// Property-based tests (fast-check) for the three parsers hostile text goes
// through: the line pass, the substitution engine and the when_* parser.
// They never throw, always end, keep their invariants, and do work that grows
// linearly with the input (checked with deterministic counters, never with
// clocks). The substitution results are also compared with hcron's own on
// random values (test/fixtures/assign-random.json, made by
// test/oracle/make-assign-fixtures.py from hcron's assign.py).
//
// Runs are seeded (FC_SEED overrides the seed, FC_RUNS scales the run counts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const here = path.dirname(fileURLToPath(import.meta.url));

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20260606;
const SCALE = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1;
const runs = (n) => Math.max(1, Math.round(n * SCALE));
const check = (prop, numRuns) => fc.assert(prop, { seed: SEED, numRuns: runs(numRuns) });
/** Hang guard for a whole test (not a timing assertion). */
const GUARD = { timeout: 120_000 };

/** Strings over an alphabet of single characters or short pieces. */
const over = (pieces, maxLength = 60) => fc.array(fc.constantFrom(...pieces), { maxLength }).map((a) => a.join(''));

// ------------------------------------------------------------------ line pass

const LINE_PIECES = ['\n', '\n', '\r', '\r\n', '\\', '\\', '\\\n', '#', ' ', '\t', '\ufeff', '\u2028', '\u00a0', '\x1c', 'a', 'X=', '=', 'include x', '🎉', '\u0000'];

/** hcron's process_lines, transcribed naively (quadratic, obviously right) as the model. */
function modelLines(text) {
  const lines = text.split('\n');
  const out = [];
  while (lines.length) {
    let line = lines.shift();
    if (line.slice(engine.lstripLen(line)).startsWith('#')) continue;
    while (lines.length && line.endsWith('\\')) line = line.slice(0, -1) + lines.shift();
    line = engine.pyStrip(line);
    if (line === '') continue;
    out.push(line);
  }
  return out;
}

/** Sum of the lengths of every string String.prototype.slice returns while fn runs: a deterministic work counter. */
function sliced(fn) {
  const orig = String.prototype.slice;
  let total = 0;
  String.prototype.slice = function (...a) {
    const r = orig.apply(this, a);
    total += r.length;
    return r;
  };
  try {
    fn();
  } finally {
    String.prototype.slice = orig;
  }
  return total;
}

describe('line pass (processLines)', () => {
  test('never throws and equals hcron\'s process_lines (naive model) on hostile text', GUARD, () => {
    check(
      fc.property(over(LINE_PIECES, 80), (text) => {
        const got = engine.processLines(text, 'events/x', []).map((l) => l.text);
        assert.deepEqual(got, modelLines(text));
      }),
      3000,
    );
  });

  test('every character of every logical line maps back to the same character of the file', GUARD, () => {
    check(
      fc.property(over(LINE_PIECES, 80), (text) => {
        const lls = engine.processLines(text, 'events/x');
        lls.forEach((ll, k) => {
          assert.equal(ll.index, k);
          for (let i = 1; i < ll.pieces.length; i++) assert.ok(ll.pieces[i].at > ll.pieces[i - 1].at, 'pieces in increasing order');
          for (let i = 0; i < ll.text.length; i++) {
            const off = engine.fileOffset(ll, i);
            assert.ok(off >= 0 && off < text.length, 'offset inside the text');
            assert.equal(text[off], ll.text[i]);
          }
          const r = engine.fileRange(ll, 0, ll.text.length);
          assert.ok(r.start <= r.end && r.end <= text.length);
        });
        // logical lines come in file order
        for (let k = 1; k < lls.length; k++) assert.ok(engine.fileOffset(lls[k], 0) > engine.fileOffset(lls[k - 1], 0));
      }),
      2000,
    );
  });

  test('notes (BOM, CRLF continuation, backslash-space) point inside the text', GUARD, () => {
    check(
      fc.property(over(LINE_PIECES, 60), (text) => {
        const notes = [];
        engine.processLines(text, 'events/x', notes);
        for (const n of notes) {
          assert.ok(n.off >= 0 && n.off <= text.length);
          if (n.kind === 'crlf-continuation') assert.equal(text[n.off], '\\');
          if (n.kind === 'bom') assert.equal(text.charCodeAt(0), 0xfeff);
        }
      }),
      1000,
    );
  });

  test('work is linear: doubling 100,000 continuation lines at most doubles the characters copied', GUARD, () => {
    const shapes = [
      (n) => 'Y=' + 'piece \\\n'.repeat(n) + 'end\n',
      (n) => 'Y=' + '\\\n'.repeat(n) + 'end\n', // every continued line is empty
      (n) => 'Y=a' + '\\'.repeat(n) + '\n'.repeat(n) + 'b\n', // backslashes eaten one by one
      (n) => 'A=1\n'.repeat(n),
      (n) => '# c\\\n'.repeat(n),
    ];
    for (const shape of shapes) {
      const n = 50_000;
      const w1 = sliced(() => engine.processLines(shape(n), 'events/x'));
      const w2 = sliced(() => engine.processLines(shape(2 * n), 'events/x'));
      assert.ok(w2 <= 2.2 * w1 + 100, `${shape(2)}: ${w1} -> ${w2} characters`);
      // and the joined text is right
      const lls = engine.processLines(shape(3), 'events/x');
      assert.deepEqual(lls.map((l) => l.text), modelLines(shape(3)));
    }
  });

  test('offsets stay logarithmic per lookup: 100,000 pieces, every character mapped', GUARD, () => {
    const text = 'command=' + '$X $U\\\n'.repeat(100_000) + 'end\n';
    const [ll] = engine.processLines(text, 'events/x');
    assert.equal(ll.pieces.length, 100_001);
    let ok = 0;
    for (let i = 0; i < ll.text.length; i += 1) if (text[engine.fileOffset(ll, i)] === ll.text[i]) ok++;
    assert.equal(ok, ll.text.length);
  });
});

// ---------------------------------------------------------- substitution

const NAMES = ['X', 'W', 'I', 'U', 'E', 'HCRON_EVENT_NAME', 'é', '٣', 'x_1'];
const SUB_PIECES = ['$', '#', '[', ']', '{', '}', '?', '!', ',', ':', '-', '*', '0', '1', '2', '-1', ' ', '/', '\\', '🎉', '٣', ...NAMES.map((n) => '$' + n), ...NAMES.map((n) => '#' + n), '$X[', '$W[$I]', '$X{*}', '$W[:?,!0,-1]'];
const VARS = () =>
  new Map([
    ['HCRON_EVENT_NAME', '/a/b c/d'],
    ['template_name', null],
    ['X', 'a:b:c'],
    ['W', 'zero:one:two:three'],
    ['I', '2'],
    ['E', ''],
    ['é', 'ü:🎉'],
    ['x_1', '$X[0]'],
  ]);

/** `$X[$X[…$X[0]…]]`, d deep */
const nest = (v, d, inner = '0') => `$${v}[`.repeat(d) + inner + ']'.repeat(d);

describe('substitution engine (substitute, evalAssignments)', () => {
  test('never throws, always returns a string, and is deterministic', GUARD, () => {
    check(
      fc.property(over(SUB_PIECES, 50), (v) => {
        const a = engine.substitute(v, VARS());
        assert.equal(typeof a, 'string');
        assert.equal(engine.substitute(v, VARS()), a);
      }),
      5000,
    );
  });

  test('a value without $ or # is unchanged', GUARD, () => {
    check(
      fc.property(over(SUB_PIECES.filter((p) => !/[$#]/.test(p)), 50), (v) => {
        assert.equal(engine.substitute(v, VARS()), v);
      }),
      2000,
    );
  });

  test('with no variable defined every reference stays as written', GUARD, () => {
    check(
      fc.property(over(SUB_PIECES, 50), (v) => {
        assert.equal(engine.substitute(v, new Map()), v);
      }),
      2000,
    );
  });

  test('text before the first reference is kept as is', GUARD, () => {
    check(
      fc.property(over(SUB_PIECES, 50), (v) => {
        const m = /[#$][\p{L}\p{N}_]/u.exec(v);
        const prefix = m ? v.slice(0, m.index) : v;
        assert.ok(engine.substitute(v, VARS()).startsWith(prefix));
      }),
      2000,
    );
  });

  test('evalAssignments never throws; every name ends up in the table; plain values are stored verbatim', GUARD, () => {
    const assignment = fc.record({ name: fc.constantFrom(...NAMES, 'when_minute', 'A B', ''), value: over(SUB_PIECES, 30) });
    check(
      fc.property(fc.array(assignment, { maxLength: 12 }), (as) => {
        const vars = VARS();
        const out = engine.evalAssignments(as, vars);
        assert.equal(out.length, as.length);
        as.forEach((a, i) => {
          assert.ok(vars.has(a.name));
          if (!/[$#]/.test(a.value)) assert.equal(out[i], a.value);
        });
        // the final table holds each name's last value
        const last = new Map();
        as.forEach((a, i) => last.set(a.name, out[i]));
        for (const [k, v] of last) assert.equal(vars.get(k), v);
      }),
      2000,
    );
  });

  test('depth-25 nesting evaluates in linear work (hcron: about 3^25 steps)', GUARD, () => {
    for (const [name, want] of [
      ['X', 'a'], // $X[0] = a, then $X[a] is an error: the literal text bubbles up, then $X[$X[0]] ...
      ['U', null], // undefined: stays as written
    ]) {
      const v = nest(name, 25);
      const info = {};
      const r = engine.substitute(v, VARS(), info);
      if (want === null) assert.equal(r, v);
      else assert.equal(typeof r, 'string');
      assert.ok(info.evals <= 4 * 25 + 10, `${name}: ${info.evals} evaluations`);
      assert.ok(!info.tooComplex && !info.tooDeep);
    }
    // defined and index-valued: every level is "0" -> a
    const vars = new Map([['Z', '0:1:2']]);
    assert.equal(engine.substitute(nest('Z', 25), vars), '0');
  });

  test('evaluations grow linearly with nesting depth and with width', GUARD, () => {
    const evals = (v, vars = VARS()) => {
      const info = {};
      engine.substitute(v, vars, info);
      return info.evals;
    };
    const zero = new Map([['Z', '0:1:2']]);
    for (const [label, make, vars] of [
      ['$Z[$Z[…]] defined', (n) => nest('Z', n), zero],
      ['$U[$U[…]] undefined', (n) => nest('U', n), VARS()],
      ['$W[$I:…] mixed', (n) => nest('W', n, '$I:1'), VARS()],
      ['$X{$X{…}}', (n) => '$X{'.repeat(n) + '*' + '}'.repeat(n), VARS()],
      ['distinct references side by side', (n) => Array.from({ length: n }, (_, i) => `$W[${i % 7}:${i}]`).join(' '), VARS()],
    ]) {
      const e1 = evals(make(100), vars);
      const e2 = evals(make(200), vars);
      assert.ok(e2 <= 2.2 * e1 + 10, `${label}: ${e1} -> ${e2} evaluations`);
    }
  });

  test('characters handled grow linearly with width (many references in one 2 MB value)', GUARD, () => {
    const work = (n) => {
      const info = {};
      engine.substitute(Array.from({ length: n }, (_, i) => `$W[${i % 4}] #X{${i}} $U[${i}]`).join(' '), VARS(), info);
      return info.work;
    };
    const w1 = work(20_000);
    const w2 = work(40_000);
    assert.ok(w2 <= 2.2 * w1, `${w1} -> ${w2}`);
  });

  test('hostile depths end: 2,000-deep $X[$X[…, 20,000-deep $X[[[…, unbalanced runs', GUARD, () => {
    const big = [nest('X', 2000), nest('U', 2000), '$X' + '['.repeat(20_000) + '0' + ']'.repeat(20_000), '$X[' + '[a'.repeat(5000), '$X[$X{'.repeat(2000) + ']'.repeat(2000), '$W'.repeat(100_000)];
    for (const v of big) {
      const info = {};
      const r = engine.substitute(v, VARS(), info);
      assert.equal(typeof r, 'string');
    }
    // a glob costs len(part) x len(pattern): on 1 MB with a 5,000-character pattern the work budget stops it
    const globInfo = {};
    const glob = '$B{*' + 'a'.repeat(5000) + 'b}';
    assert.equal(engine.substitute(glob, new Map([['B', 'a'.repeat(1_000_000)]]), globInfo), glob);
    assert.ok(globInfo.tooComplex);
    // a value that doubles forty times is refused at MAX_VALUE_LENGTH (hcron: MemoryError)
    const vars = new Map([['X', 'ab']]);
    const infos = [];
    engine.evalAssignments(Array.from({ length: 40 }, () => ({ name: 'X', value: '$X$X' })), vars, infos);
    assert.ok(infos.some((i) => i.tooLong));
    assert.ok(vars.get('X').length <= engine.MAX_VALUE_LENGTH);
    // beyond MAX_SELECTOR_DEPTH the value is left as written and flagged
    const info = {};
    assert.equal(engine.substitute(nest('U', 2000), VARS(), info), nest('U', 2000));
    assert.ok(info.tooDeep);
  });

  // hcron's own results (assign.py run by test/oracle/make-assign-fixtures.py).
  const fixture = JSON.parse(fs.readFileSync(path.join(here, '../fixtures/assign-random.json'), 'utf8'));
  const table = () => new Map(fixture.varinfo);

  test(`random values: the result equals hcron's (${fixture.values.length} values from hcron's assign.py)`, GUARD, () => {
    assert.ok(fixture.values.length >= 1000);
    const bad = [];
    for (const [v, want] of fixture.values) {
      const got = engine.substitute(v, table());
      if (got !== want) bad.push({ v, want, got });
    }
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} values differ from hcron`);
  });

  test(`random assignment lists: the final table equals hcron's eval_assignments (${fixture.sequences.length} lists)`, GUARD, () => {
    const bad = [];
    for (const s of fixture.sequences) {
      const vars = table();
      engine.evalAssignments(s.assignments.map(([name, value]) => ({ name, value })), vars);
      const got = [...vars];
      if (JSON.stringify(got) !== JSON.stringify(s.result)) bad.push({ assignments: s.assignments, want: s.result, got });
    }
    assert.deepEqual(bad.slice(0, 3), [], `${bad.length} lists differ from hcron`);
  });
});

// ---------------------------------------------------------------- when_*

const FIELDS = engine.WHEN_FIELDS;
const WHEN_PIECES = ['0', '1', '2', '5', '7', '9', '12', '23', '31', '59', '60', '2000', '2050', ',', ',', '-', '-', '/', '*', '*', ' ', '\t', '+', '_', '٣', '𝟓', '１', '²', 'Ⅻ', 'x', 'jan', '$X', '\u00a0', '99999999999999999999'];

/** The set hcron's list_st_to_bitmask gives for a plain value (ASCII numbers in range, positive steps). */
function modelWhen(field, value) {
  const [mn, mx] = engine.WHEN_RANGES[field];
  const set = new Set();
  for (const el of value.split(',')) {
    if (el === '*') for (let v = mn; v <= mx; v++) set.add(v);
    else {
      const [rng, stepTxt] = el.split('/');
      const step = stepTxt === undefined ? 1 : Number(stepTxt);
      let [lo, hi] = rng === '*' ? [mn, mx] : rng.split('-').map(Number);
      if (hi === undefined) hi = lo;
      for (let v = lo; v <= hi; v += step) set.add(v);
    }
    if (set.size === mx - mn + 1) break;
  }
  return set;
}

const plainWhen = (field) => {
  const [mn, mx] = engine.WHEN_RANGES[field];
  const n = fc.integer({ min: mn, max: mx });
  const item = fc.oneof(
    fc.constant('*'),
    n.map(String),
    fc.tuple(n, n).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(n, n, fc.integer({ min: 1, max: 70 })).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
    fc.integer({ min: 1, max: 70 }).map((s) => `*/${s}`),
  );
  return fc.array(item, { minLength: 1, maxLength: 6 }).map((a) => a.join(','));
};

/** Rewrite ASCII digits in another script's decimal digits (Python's int() reads them all). */
const SCRIPTS = [0x660, 0x966, 0xff10, 0x1d7ce, 0x9e6, 0xe50];
const inScript = (s, zero) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));

describe('when_* parser (evalWhen)', () => {
  test('never throws on hostile values, and its result is well formed', GUARD, () => {
    check(
      fc.property(fc.constantFrom(...FIELDS), over(WHEN_PIECES, 30), (field, v) => {
        const r = engine.evalWhen(field, v);
        const [mn, mx] = engine.WHEN_RANGES[field];
        const elements = r.ok ? r.set.elements : r.error.elements;
        assert.equal(elements.map((e) => e.text).join(','), v);
        elements.forEach((e) => assert.equal(v.slice(e.start, e.start + e.text.length), e.text));
        if (r.ok) {
          assert.equal(r.set.values.length, mx - mn + 1);
          // examined elements are a prefix
          const k = elements.findIndex((e) => !e.examined);
          if (k >= 0) assert.ok(elements.slice(k).every((e) => !e.examined));
          if (r.set.full) assert.ok(r.set.values.every(Boolean));
        } else {
          assert.ok(r.error.element >= 0 && r.error.element < elements.length);
          assert.equal(typeof r.error.message, 'string');
          assert.ok(r.error.message.length < 300, 'messages quote values clipped');
        }
      }),
      5000,
    );
  });

  test('plain values give the set hcron computes', GUARD, () => {
    check(
      fc.property(fc.constantFrom(...FIELDS).chain((f) => fc.tuple(fc.constant(f), plainWhen(f))), ([field, v]) => {
        const r = engine.evalWhen(field, v);
        assert.ok(r.ok, v);
        const [mn] = engine.WHEN_RANGES[field];
        const got = new Set(r.set.values.flatMap((on, i) => (on ? [i + mn] : [])));
        assert.deepEqual([...got].sort((a, b) => a - b), [...modelWhen(field, v)].sort((a, b) => a - b));
      }),
      3000,
    );
  });

  test('Unicode decimal digits read like ASCII ones (Python int())', GUARD, () => {
    check(
      fc.property(fc.constantFrom(...FIELDS).chain((f) => fc.tuple(fc.constant(f), plainWhen(f), fc.constantFrom(...SCRIPTS))), ([field, v, zero]) => {
        const a = engine.evalWhen(field, v);
        const b = engine.evalWhen(field, inScript(v, zero));
        assert.equal(b.ok, a.ok);
        assert.deepEqual(b.ok && b.set.values, a.ok && a.set.values);
      }),
      1000,
    );
  });

  test('huge values end: 100,000 elements, a 1 MB element, a 5,000-digit number', GUARD, () => {
    const long = Array.from({ length: 100_000 }, (_, i) => String((i % 59) + 1)).join(','); // never 0: never complete
    const r1 = engine.evalWhen('when_minute', '5,' + long);
    assert.ok(r1.ok);
    assert.equal(r1.set.elements.length, 100_001);
    assert.ok(r1.set.elements.every((e) => e.examined), 'never complete: every element read');
    const r2 = engine.evalWhen('when_minute', '1-' + 'x'.repeat(1_000_000));
    assert.ok(!r2.ok && r2.error.message.length < 300);
    assert.ok(!engine.evalWhen('when_minute', '9'.repeat(5000)).ok, 'int() refuses more than 4,300 digits');
    const r3 = engine.evalWhen('when_minute', '99999999999999999999-5/-1'); // hcron: 2**(10**20), never ends
    assert.equal(typeof r3.ok, 'boolean');
  });
});

// ------------------------------------------------------ lint line/column

test('lineIndex agrees with lineCol on every offset', GUARD, () => {
  check(
    fc.property(over(['a', '\n', '\r', '\r\n', '\u2028', '🎉'], 40), (text) => {
      const ix = engine.lineIndex(text);
      for (let o = 0; o <= text.length + 1; o++) assert.deepEqual(ix(o), engine.lineCol(text, o));
    }),
    1000,
  );
});
