// server/src/engine/py.ts against Python 3.11. Every expected value below was
// produced by CPython 3.11.7; the comment on each case is the Python
// expression and its result.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const show = (s) => JSON.stringify(s);

describe('pyStrip = str.strip()', () => {
  const cases = [
    ['\ufeffx ', '\ufeffx'], // '\ufeffx '.strip() -> '\ufeffx'   (a BOM is not whitespace)
    ['\ufeffas_user=x', '\ufeffas_user=x'], // '\ufeffas_user=x'.strip() -> '\ufeffas_user=x'
    ['\x1cx\x1c', 'x'], // '\x1cx\x1c'.strip() -> 'x'
    ['\x1d\x1e\x1fx\u2028\u2029', 'x'], // '\x1d\x1e\x1fx\u2028\u2029'.strip() -> 'x'
    ['\x85x\x85', 'x'], // '\x85x\x85'.strip() -> 'x'
    ['\xa0x\u3000', 'x'], // '\xa0x\u3000'.strip() -> 'x'
    ['\u200bx\u200b', '\u200bx\u200b'], // '\u200bx\u200b'.strip() -> '\u200bx\u200b'   (ZWSP is not a space)
    ['', ''], // ''.strip() -> ''
    [' \t\n\r\x0b\x0c ', ''], // ' \t\n\r\x0b\x0c '.strip() -> ''
  ];
  for (const [s, want] of cases) test(show(s), () => assert.equal(engine.pyStrip(s), want));
});

describe('pySplitWs = str.split()', () => {
  const cases = [
    [' a\tb\x1cc\x85d  ', ['a', 'b', 'c', 'd']], // ' a\tb\x1cc\x85d  '.split() -> ['a', 'b', 'c', 'd']
    ['\ufeffinclude x', ['\ufeffinclude', 'x']], // '\ufeffinclude x'.split() -> ['\ufeffinclude', 'x']
    ['', []], // ''.split() -> []
    ['   ', []], // '   '.split() -> []
    ['include\u3000/inc/common', ['include', '/inc/common']], // 'include\u3000/inc/common'.split() -> ['include', '/inc/common']
    ['a\u200bb c', ['a\u200bb', 'c']], // 'a\u200bb c'.split() -> ['a\u200bb', 'c']
  ];
  for (const [s, want] of cases) test(show(s), () => assert.deepEqual(engine.pySplitWs(s), want));
});

describe('pyInt = int(str)', () => {
  const E = null; // ValueError
  const cases = [
    [' 5 ', 5n], // int(' 5 ') -> 5
    ['+5', 5n], // int('+5') -> 5
    ['-5', -5n], // int('-5') -> -5
    ['-0', 0n], // int('-0') -> 0
    ['007', 7n], // int('007') -> 7
    ['1_0', 10n], // int('1_0') -> 10
    ['_1', E], // int('_1') -> ValueError
    ['1__0', E], // int('1__0') -> ValueError
    ['1_', E], // int('1_') -> ValueError
    ['\u0663', 3n], // int('٣') -> 3
    ['\u0663_\u0663', 33n], // int('٣_٣') -> 33
    ['\u{1D7D3}', 5n], // int('\U0001D7D3') -> 5   (MATHEMATICAL BOLD DIGIT FIVE, astral)
    ['-', E], // int('-') -> ValueError
    ['', E], // int('') -> ValueError
    ['0x10', E], // int('0x10') -> ValueError
    ['+ 5', E], // int('+ 5') -> ValueError
    ['+-5', E], // int('+-5') -> ValueError
    ['5x', E], // int('5x') -> ValueError
    ['1 0', E], // int('1 0') -> ValueError
    ['5\n', 5n], // int('5\n') -> 5
    ['\r7\n', 7n], // int('\r7\n') -> 7
    ['\x0b7\x0c', 7n], // int('\x0b7\x0c') -> 7
    ['\xa05\u3000', 5n], // int('\xa05\u3000') -> 5
    ['\x857', 7n], // int('\x857') -> 7
    ['7\x85', 7n], // int('7\x85') -> 7
    ['\u20287', 7n], // int('\u20287') -> 7
    // ASCII characters are not mapped: \x1c-\x1f are spaces for strip() but not for int().
    ['\x1c7', E], // int('\x1c7') -> ValueError
    ['7\x1f', E], // int('7\x1f') -> ValueError
    ['\x1d7', E], // int('\x1d7') -> ValueError
    ['\x1c7\x85', E], // int('\x1c7\x85') -> ValueError
    ['\ufeff5', E], // int('\ufeff5') -> ValueError
  ];
  for (const [s, want] of cases) test(show(s), () => assert.equal(engine.pyInt(s), want));

  test('4300 digits is the limit', () => {
    // int('9'*4300) == 10**4300 - 1 -> True
    assert.equal(engine.pyInt('9'.repeat(4300)), 10n ** 4300n - 1n);
    // int('9'*4301) -> ValueError (Exceeds the limit (4300 digits) for integer string conversion)
    assert.equal(engine.pyInt('9'.repeat(4301)), null);
    // int('-' + '1'*4301) -> ValueError
    assert.equal(engine.pyInt('-' + '1'.repeat(4301)), null);
  });
});

describe('normpath = posixpath.normpath', () => {
  const cases = [
    ['', '.'], // normpath('') -> '.'
    ['/', '/'], // normpath('/') -> '/'
    ['//', '//'], // normpath('//') -> '//'
    ['///', '/'], // normpath('///') -> '/'
    ['//a', '//a'], // normpath('//a') -> '//a'
    ['a/../..', '..'], // normpath('a/../..') -> '..'
    ['/../a', '/a'], // normpath('/../a') -> '/a'
    ['a/./b/', 'a/b'], // normpath('a/./b/') -> 'a/b'
    ['/a/b/../../..', '/'], // normpath('/a/b/../../..') -> '/'
    ['../a', '../a'], // normpath('../a') -> '../a'
    ['a//b', 'a/b'], // normpath('a//b') -> 'a/b'
    ['/events/inc/../common', '/events/common'], // normpath('/events/inc/../common') -> '/events/common'
    ['./.', '.'], // normpath('./.') -> '.'
    ['events/../../x', '../x'], // normpath('events/../../x') -> '../x'
  ];
  for (const [s, want] of cases) test(show(s), () => assert.equal(engine.normpath(s), want));
});

describe('dirname = posixpath.dirname', () => {
  const cases = [
    ['/a/b', '/a'], // dirname('/a/b') -> '/a'
    ['/a/b/', '/a/b'], // dirname('/a/b/') -> '/a/b'
    ['a', ''], // dirname('a') -> ''
    ['/', '/'], // dirname('/') -> '/'
    ['//', '//'], // dirname('//') -> '//'
    ['//a', '//'], // dirname('//a') -> '//'
    ['///a//b', '///a'], // dirname('///a//b') -> '///a'
    ['a//b', 'a'], // dirname('a//b') -> 'a'
    ['', ''], // dirname('') -> ''
  ];
  for (const [s, want] of cases) test(show(s), () => assert.equal(engine.dirname(s), want));
});

describe('pathJoin = posixpath.join', () => {
  const cases = [
    [['/', '', 'x'], '/x'], // join('/', '', 'x') -> '/x'
    [['/', '/inc', 'common'], '/inc/common'], // join('/', '/inc', 'common') -> '/inc/common'
    [['/', 'a/', '/b'], '/b'], // join('/', 'a/', '/b') -> '/b'
    [['a', ''], 'a/'], // join('a', '') -> 'a/'
    [['/', 'inc', '../c'], '/inc/../c'], // join('/', 'inc', '../c') -> '/inc/../c'
    [['', 'x'], 'x'], // join('', 'x') -> 'x'
    [['a', 'b', 'c'], 'a/b/c'], // join('a', 'b', 'c') -> 'a/b/c'
    [['/', '/', '/x'], '/x'], // join('/', '/', '/x') -> '/x'
  ];
  for (const [args, want] of cases) test(show(args), () => assert.equal(engine.pathJoin(...args), want));
});

describe('pySlice = list[start:stop:step]', () => {
  const L = [0, 1, 2, 3, 4];
  const cases = [
    [null, null, -1, [4, 3, 2, 1, 0]], // L[::-1]
    [-1, -6, -1, [4, 3, 2, 1, 0]], // L[-1:-6:-1]
    [10, 0, -2, [4, 2]], // L[10:0:-2]
    [-10, 10, 1, [0, 1, 2, 3, 4]], // L[-10:10]
    [3, 1, 1, []], // L[3:1]
    [5, null, 1, []], // L[5:]
    [-100, null, -1, []], // L[-100::-1]
    [null, null, -2, [4, 2, 0]], // L[::-2]
    [1, -1, -1, []], // L[1:-1:-1]
    [100, -100, -1, [4, 3, 2, 1, 0]], // L[100:-100:-1]
    [-2, null, 1, [3, 4]], // L[-2:]
    [null, null, 3, [0, 3]], // L[::3]
    [4, 0, -3, [4, 1]], // L[4:0:-3]
    [-1, -1, -1, []], // L[-1:-1:-1]
    [2, 2, 1, []], // L[2:2]
    [-3, -1, 1, [2, 3]], // L[-3:-1]
    [0, 100, 7, [0]], // L[0:100:7]
    [null, -10, -1, [4, 3, 2, 1, 0]], // L[:-10:-1]
    [-6, null, -1, []], // L[-6::-1]
    [10, null, -1, [4, 3, 2, 1, 0]], // L[10::-1]
  ];
  // with L = [0, 1, 2, 3, 4]; results of the Python expression in each comment
  for (const [a, b, c, want] of cases) test(`[${a ?? ''}:${b ?? ''}:${c}]`, () => assert.deepEqual(engine.pySlice(L, a, b, c), want));
  test('empty list', () => {
    assert.deepEqual(engine.pySlice([], null, null, -1), []); // [][::-1] -> []
    assert.deepEqual(engine.pySlice([], 0, 1, 1), []); // [][0:1] -> []
  });
});

describe('fnmatch = fnmatch.fnmatchcase(name, pat)', () => {
  const cases = [
    ['abc', '*', true], // fnmatchcase('abc', '*') -> True
    ['', '*', true], // fnmatchcase('', '*') -> True
    ['\n', '*', true], // fnmatchcase('\n', '*') -> True
    ['ab', 'a*b*', true], // fnmatchcase('ab', 'a*b*') -> True
    ['aXbXc', 'a*b*c', true], // fnmatchcase('aXbXc', 'a*b*c') -> True
    ['a.b', '*.*', true], // fnmatchcase('a.b', '*.*') -> True
    ['bob@abc.xyz', '*@*', true], // fnmatchcase('bob@abc.xyz', '*@*') -> True
    ['a', '?', true], // fnmatchcase('a', '?') -> True
    ['', '?', false], // fnmatchcase('', '?') -> False
    ['\u{1F600}', '?', true], // fnmatchcase('\U0001F600', '?') -> True   (one code point)
    ['a\u{1F600}b', 'a?b', true], // fnmatchcase('a\U0001F600b', 'a?b') -> True
    ['a\nb', 'a?b', true], // fnmatchcase('a\nb', 'a?b') -> True
    ['A', 'a', false], // fnmatchcase('A', 'a') -> False
    ['\\', '\\', true], // fnmatchcase('\\', '\\') -> True   (no escape character)
    ['b', '[abc]', true], // fnmatchcase('b', '[abc]') -> True
    ['d', '[abc]', false], // fnmatchcase('d', '[abc]') -> False
    ['d', '[!abc]', true], // fnmatchcase('d', '[!abc]') -> True
    ['a', '[!abc]', false], // fnmatchcase('a', '[!abc]') -> False
    ['ab', '[a][b]', true], // fnmatchcase('ab', '[a][b]') -> True
    ['b', '[a-c]', true], // fnmatchcase('b', '[a-c]') -> True
    ['d', '[a-c]', false], // fnmatchcase('d', '[a-c]') -> False
    ['b', '[!a-c]', false], // fnmatchcase('b', '[!a-c]') -> False
    ['d', '[!a-c]', true], // fnmatchcase('d', '[!a-c]') -> True
    ['-', '[a-]', true], // fnmatchcase('-', '[a-]') -> True
    ['d', '[a-c-e]', false], // fnmatchcase('d', '[a-c-e]') -> False
    ['-', '[a-c-e]', true], // fnmatchcase('-', '[a-c-e]') -> True
    ['e', '[a-c-e]', true], // fnmatchcase('e', '[a-c-e]') -> True
    ['a', '[z-a]', false], // fnmatchcase('a', '[z-a]') -> False   (reversed range matches nothing)
    ['z', '[z-a]', false], // fnmatchcase('z', '[z-a]') -> False
    ['-', '[z-a]', false], // fnmatchcase('-', '[z-a]') -> False
    [']', '[]a]', true], // fnmatchcase(']', '[]a]') -> True   (leading ] is literal)
    ['a', '[]a]', true], // fnmatchcase('a', '[]a]') -> True
    ['b', '[]a]', false], // fnmatchcase('b', '[]a]') -> False
    ['', '[!]]', false], // fnmatchcase('', '[!]]') -> False
    [']', '[!]]', false], // fnmatchcase(']', '[!]]') -> False
    ['a', '[!]]', true], // fnmatchcase('a', '[!]]') -> True
    ['!', '[!]', false], // fnmatchcase('!', '[!]') -> False   (unclosed: literal "[!]")
    ['[!]', '[!]', true], // fnmatchcase('[!]', '[!]') -> True
    ['x', '[!]', false], // fnmatchcase('x', '[!]') -> False
    ['x', '[]', false], // fnmatchcase('x', '[]') -> False   (unclosed: literal "[]")
    ['[]', '[]', true], // fnmatchcase('[]', '[]') -> True
    ['[', '[', true], // fnmatchcase('[', '[') -> True
    ['[abc', '[abc', true], // fnmatchcase('[abc', '[abc') -> True   (unclosed [ is literal)
    ['a', '[abc', false], // fnmatchcase('a', '[abc') -> False
    ['*', '[*]', true], // fnmatchcase('*', '[*]') -> True
    ['a', '[*]', false], // fnmatchcase('a', '[*]') -> False
    ['\u{1F600}', '[\u{1F600}]', true], // fnmatchcase('\U0001F600', '[\U0001F600]') -> True
    ['\u{1F601}', '[\u{1F600}-\u{1F64F}]', true], // fnmatchcase('\U0001F601', '[\U0001F600-\U0001F64F]') -> True
  ];
  for (const [name, pat, want] of cases) test(`${show(name)} ~ ${show(pat)}`, () => assert.equal(engine.fnmatch(name, pat), want));
});

describe('compareCodePoints = Python str ordering', () => {
  const cases = [
    ['\u{1F600}', '\uffff', 1], // '\U0001F600' > '\uffff' -> True   (UTF-16 units would say less)
    ['\uffff', '\u{10000}', -1], // '\uffff' < '\U00010000' -> True
    ['\ue000', '\u{10000}', -1], // '\ue000' < '\U00010000' -> True   (UTF-16: 0xE000 > 0xD800)
    ['a\u{1F600}', 'a\ufb01', 1], // 'a\U0001F600' > 'a\ufb01' -> True
    ['a', 'ab', -1], // 'a' < 'ab' -> True
    ['b', 'a', 1], // 'b' > 'a' -> True
    ['x', 'x', 0], // 'x' == 'x' -> True
  ];
  for (const [a, b, want] of cases) test(`${show(a)} vs ${show(b)}`, () => assert.equal(Math.sign(engine.compareCodePoints(a, b)), want));
  test('sorted()', () => {
    // sorted(['\ufb01', '\U0001F600', 'z', '\ue000', 'a', '\U00010000', ''])
    //   -> ['', 'a', 'z', '\ue000', '\ufb01', '\U00010000', '\U0001F600']
    const got = ['\ufb01', '\u{1F600}', 'z', '\ue000', 'a', '\u{10000}', ''].sort(engine.compareCodePoints);
    assert.deepEqual(got, ['', 'a', 'z', '\ue000', '\ufb01', '\u{10000}', '\u{1F600}']);
  });
});

test('pyInt fix shows in when_*: "1,\\x1c2" is bad like hcron', () => {
  // hcron.library.list_st_to_bitmask('1,\x1c2', (0, 59), 2**60-1) -> ValueError: invalid literal for int() ... '\x1c2'
  assert.equal(engine.evalWhen('when_minute', '1,\x1c2').ok, false);
  // list_st_to_bitmask('1,\x852', (0, 59), 2**60-1) -> 6   ({1, 2})
  const r = engine.evalWhen('when_minute', '1,\x852');
  assert.ok(r.ok);
  assert.deepEqual(r.set.values.slice(0, 3), [false, true, true]);
});
