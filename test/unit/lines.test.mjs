// The line pass (spec section 2): engine.processLines against hcron v1.5's
// Event.process_lines(text.split("\n")). Every expected list below is what
// hcron's own process_lines returned for that text (checked by running
// hcron/event.py under Python 3.11), and the cases named after the
// cases/events/lines/* files of spec Appendix B use those files' texts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');

const FILE = 'events/x';
const texts = (text, notes) => engine.processLines(text, FILE, notes).map((l) => l.text);

/** Every character of every logical line maps back to the same character of the file. */
function assertMapsBack(text) {
  for (const ll of engine.processLines(text, FILE)) {
    assert.equal(ll.file, FILE);
    for (let i = 0; i < ll.text.length; i++) {
      const off = engine.fileOffset(ll, i);
      assert.equal(text[off], ll.text[i], `line ${JSON.stringify(ll.text)} char ${i} -> file offset ${off}`);
    }
  }
}

const cases = [
  // [name, text, expected logical lines]
  // 2.2 comments
  ['comment lines dropped, no trailing comments', '# c\n   # indented comment\n\t#tab\nA=1\nB=x # not a comment\n', ['A=1', 'B=x # not a comment']],
  ['comment_ends_with_backslash does not swallow the next line', '# comment \\\nA=1\n', ['A=1']],
  ['continuation_swallows_comment', 'X=a\\\n# not a comment any more\nY=2', ['X=a# not a comment any more', 'Y=2']],
  ['a continued line is joined even if it only holds a comment', 'A=\\\n  #x', ['A=  #x']],
  // 2.3 continuation
  ['continuation keeps the next line verbatim (spec: one    two)', 'NOTE=one \\\n   two\n', ['NOTE=one    two']],
  ['chain of continuations', 'A=1\\\n2\\\n  3\nB=4', ['A=12  3', 'B=4']],
  ['backslash at EOF without final newline stays (backslash_at_eof)', 'A=1\nLAST=x\\', ['A=1', 'LAST=x\\']],
  ['backslash at EOF with final newline joins the empty last element', 'A=1\nLAST=x\\\n', ['A=1', 'LAST=x']],
  ['backslash then blank line then more', 'LAST=x\\\n\n', ['LAST=x']],
  ['continuation into a blank line ends the logical line', 'A=1\\\n\nB=2', ['A=1', 'B=2']],
  ['trailing backslash followed by a space is not a continuation', 'A=1\\ \nB=2', ['A=1\\', 'B=2']],
  ['a whitespace-only line continued', '   \\\n  A=1', ['A=1']],
  // 2.1 line endings, BOM
  [
    'CRLF with continuation: "\\\\\\r" is not at the end (crlf_continuation)',
    'as_user=\r\nhost=h\r\ncommand=/bin/true \\\r\n  more\r\nX=1\r\n',
    ['as_user=', 'host=h', 'command=/bin/true \\', 'more', 'X=1'],
  ],
  ['BOM kept on the first line', '\ufeffas_user=\nhost=h', ['\ufeffas_user=', 'host=h']],
  ['BOM makes a first-line comment an ordinary line', '\ufeff# comment\nA=1', ['\ufeff# comment', 'A=1']],
  ['a lone \\r is not a line break', 'A=1\rB=2\n', ['A=1\rB=2']],
  // 2.4 stripping, blank lines
  ['indentation and trailing (Unicode) whitespace stripped', '   \tA = 1  \n\u3000B=2\u00a0\n\x1cC=3\x1f\n', ['A = 1', 'B=2', 'C=3']],
  ['blank lines dropped', '\n\n  \n\t\nA=1\n\n', ['A=1']],
  ['empty file', '', []],
  ['zero-width space is not stripped', '\u200bA=1', ['\u200bA=1']],
];

describe('processLines = Event.process_lines', () => {
  for (const [name, text, want] of cases) {
    test(name, () => {
      assert.deepEqual(texts(text), want);
      assertMapsBack(text);
    });
  }
  test('logical lines are numbered in order', () => {
    const lls = engine.processLines('# c\nA=1\n\nB=2\\\n3\nC=4', FILE);
    assert.deepEqual(
      lls.map((l) => [l.index, l.text]),
      [
        [0, 'A=1'],
        [1, 'B=23'],
        [2, 'C=4'],
      ],
    );
  });
});

describe('line pass notes', () => {
  test('BOM', () => {
    const notes = [];
    texts('\ufeffA=1', notes);
    assert.deepEqual(notes, [{ kind: 'bom', off: 0 }]);
  });
  test('CRLF continuation', () => {
    const notes = [];
    texts('A=1\r\ncommand=x \\\r\n  more\r\n', notes);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].kind, 'crlf-continuation');
  });
  test('backslash followed by spaces', () => {
    const notes = [];
    texts('A=1\\  \nB=2', notes);
    assert.deepEqual(
      notes.map((n) => n.kind),
      ['trailing-backslash-space'],
    );
  });
  test('clean file: no notes', () => {
    const notes = [];
    texts('A=1\nB=2\\\n3\n', notes);
    assert.deepEqual(notes, []);
  });
});

describe('fileRange maps logical-line ranges back to the file', () => {
  test('value split over a continuation (NOTE=one \\ / two)', () => {
    const text = 'NOTE=one \\\n   two\n';
    //            0123456789 0 1234567
    const [ll] = engine.processLines(text, FILE);
    assert.equal(ll.text, 'NOTE=one    two');
    const v = ll.text.indexOf('=') + 1; // 5
    const r = engine.fileRange(ll, v, ll.text.length);
    assert.deepEqual(r, { file: FILE, start: 5, end: 17 });
    assert.equal(text.slice(r.start, r.end), 'one \\\n   two');
    // "two" alone lies on the second physical line
    const t = ll.text.indexOf('two');
    assert.deepEqual(engine.fileRange(ll, t, t + 3), { file: FILE, start: 14, end: 17 });
    // the spaces after the join: first three come from the second line's indentation
    assert.equal(engine.fileOffset(ll, 8), 8); // the space before the backslash
    assert.equal(engine.fileOffset(ll, 9), 11); // first space of "   two"
  });

  test('three pieces, with indentation stripped from the first', () => {
    const text = '  A=1\\\n2\\\n  3\nB=4';
    //            01234 5 6 78 9 0123 4567
    const [ll, ll2] = engine.processLines(text, FILE);
    assert.equal(ll.text, 'A=12  3');
    assert.equal(ll.lead, 2);
    assert.deepEqual(engine.fileRange(ll, 0, 1), { file: FILE, start: 2, end: 3 }); // "A"
    assert.deepEqual(engine.fileRange(ll, 2, 7), { file: FILE, start: 4, end: 13 }); // "12  3" from "1\\\n2\\\n  3"
    assert.equal(text.slice(4, 13), '1\\\n2\\\n  3');
    assert.equal(engine.fileOffset(ll, 3), 7); // "2"
    assert.equal(engine.fileOffset(ll, 4), 10); // first space of "  3"
    assert.deepEqual(engine.fileRange(ll2, 0, 3), { file: FILE, start: 14, end: 17 });
  });

  test('continuation that swallows a comment', () => {
    const text = 'X=a\\\n# text\n';
    const [ll] = engine.processLines(text, FILE);
    assert.equal(ll.text, 'X=a# text');
    assert.deepEqual(engine.fileRange(ll, 2, ll.text.length), { file: FILE, start: 2, end: 11 });
    assert.equal(engine.fileOffset(ll, 3), 5); // "#" starts the second physical line
  });

  test('empty range sits at its start', () => {
    const text = 'NOTE=one \\\n   two\n';
    const [ll] = engine.processLines(text, FILE);
    assert.deepEqual(engine.fileRange(ll, 9, 9), { file: FILE, start: 11, end: 11 });
  });

  test('BOM line: offsets count the BOM', () => {
    const text = '\ufeffas_user=bob\n';
    const [ll] = engine.processLines(text, FILE);
    assert.equal(ll.text, '\ufeffas_user=bob');
    assert.deepEqual(engine.fileRange(ll, ll.text.indexOf('bob'), ll.text.length), { file: FILE, start: 9, end: 12 }); // BOM=0, "bob" at 9..12
  });

  test('CRLF: the stripped \\r is outside the range', () => {
    const text = 'A=1\r\nB=22\r\n';
    const lls = engine.processLines(text, FILE);
    assert.deepEqual(engine.fileRange(lls[1], 2, 4), { file: FILE, start: 7, end: 9 });
    assert.equal(text.slice(7, 9), '22');
  });
});
