// language-configuration.json: comment/bracket settings and the wordPattern, applied the way
// VS Code does (the pattern is compiled with the `g` flag and the match containing the cursor
// is the word).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './tokenize.mjs';

const conf = JSON.parse(readFileSync(`${ROOT}language-configuration.json`, 'utf8'));
const wordRe = () => new RegExp(conf.wordPattern, 'g');

const words = (text) => [...text.matchAll(wordRe())].map((m) => m[0]);

/** The word VS Code selects for a cursor placed on the `nth` occurrence of `at` in text. */
function wordAt(text, at, nth = 0) {
  let col = -1;
  for (let i = 0; i <= nth; i++) col = text.indexOf(at, col + 1);
  assert.notEqual(col, -1, `${at} not in ${text}`);
  for (const m of text.matchAll(wordRe())) if (m.index <= col && col < m.index + m[0].length) return m[0];
  return null;
}

test('comments, brackets, auto-closing and surrounding pairs', () => {
  assert.equal(conf.comments.lineComment, '#');
  assert.deepEqual(conf.brackets, [['[', ']'], ['{', '}']]);
  const closing = Object.fromEntries(conf.autoClosingPairs.map((p) => [p.open, p.close]));
  assert.deepEqual(closing, { '[': ']', '{': '}' });
  const surrounding = conf.surroundingPairs.map(([a, b]) => a + b);
  for (const p of ['[]', '{}']) assert.ok(surrounding.includes(p), p);
});

test('wordPattern compiles and never matches the empty string', () => {
  assert.equal(typeof conf.wordPattern, 'string');
  for (const s of ['', ' ', '=', ',', ':', '$', '#', '[]']) {
    for (const w of words(s)) assert.ok(w.length > 0);
  }
});

test('wordPattern keeps references with their selector whole', () => {
  assert.deepEqual(words('notify_email=$HCRON_EVENT_NAME[-1]'), ['notify_email', '$HCRON_EVENT_NAME[-1]']);
  assert.equal(wordAt('notify_email=$HCRON_EVENT_NAME[-1]', 'EVENT'), '$HCRON_EVENT_NAME[-1]');
  assert.equal(wordAt('notify_email=$HCRON_EVENT_NAME[-1]', '-1'), '$HCRON_EVENT_NAME[-1]');
  assert.equal(wordAt('x=#HCRON_EVENT_NAME[:] parts', 'NAME'), '#HCRON_EVENT_NAME[:]');
  assert.equal(wordAt('x=$HCRON_EVENT_CHAIN[:?, !0,-1]', '0'), '$HCRON_EVENT_CHAIN[:?, !0,-1]');
  assert.equal(wordAt('x=$HCRON_EVENT_NAME{*@*}', '@'), '$HCRON_EVENT_NAME{*@*}');
  assert.equal(wordAt('x=$W[$J[0]]', 'J'), '$W[$J[0]]');
  assert.equal(wordAt('x=$HCRON_EVENT_NAME[/?.!1:]', '?'), '$HCRON_EVENT_NAME[/?.!1:]');
  assert.deepEqual(words('notify_message=Failed event ($HCRON_EVENT_CHAIN[0])'), ['notify_message', 'Failed', 'event', '$HCRON_EVENT_CHAIN[0]']);
  assert.deepEqual(words('x=$host.$HCRON_SERVER_NAME'), ['x', '$host', '.', '$HCRON_SERVER_NAME']);
  // Only one selector belongs to the reference (spec 6.3); an unbalanced one is not taken.
  assert.equal(wordAt('x=$X[0][1]', '$X'), '$X[0]');
  assert.equal(wordAt('x=$X[-1 $Y', '$X'), '$X');
  assert.equal(wordAt('x=${host}', 'host'), 'host');
});

test('wordPattern keeps event paths, mail addresses and host names whole', () => {
  assert.equal(wordAt('failover_event=/failover/bob@abc.xyz', 'bob'), '/failover/bob@abc.xyz');
  assert.equal(wordAt('failover_event=/failover/bob@abc.xyz', 'failover', 1), '/failover/bob@abc.xyz');
  assert.deepEqual(words('next_event=/failover/bob@abc.xyz:/failover/common'), ['next_event', '/failover/bob@abc.xyz', '/failover/common']);
  assert.deepEqual(words('notify_email=bob@abc.xyz, pager@abc.xyz'), ['notify_email', 'bob@abc.xyz', 'pager@abc.xyz']);
  assert.deepEqual(words('host = www-1.abc.xyz'), ['host', 'www-1.abc.xyz']);
  assert.deepEqual(words('include ../inc/common'), ['include', '../inc/common']);
  assert.equal(wordAt('  when_minute =  0 ', 'when'), 'when_minute');
});
