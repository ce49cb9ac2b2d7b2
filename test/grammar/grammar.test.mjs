// TextMate grammar tests: syntaxes/hcron.tmLanguage.json tokenised with vscode-textmate +
// vscode-oniguruma (VS Code's engine).
//
// 1. Snapshot: every fixture in test/grammar/fixtures/ against test/grammar/expected/<name>.json.
//    The expectations are the specification: after a grammar change run
//    `node test/grammar/make-expected.mjs` and review `git diff test/grammar/expected` line by line.
// 2. Coverage: every scope the grammar can produce occurs in the expectations.
// 3. Direct assertions on the constructs of the hcron event spec (sections 2-6), so that a
//    wrong regeneration of the snapshots cannot make the suite pass on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  loadGrammar, tokenizeLines, tokenizeText, fixtureNames, expectedPath,
  FIXTURES_DIR, EXPECTED_DIR, GRAMMAR_PATH, SCOPE_NAME,
} from './tokenize.mjs';

const grammar = await loadGrammar();
const rawGrammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));

/** Tokenise physical lines; each token gets its start offset. */
function tok(...lines) {
  return tokenizeLines(grammar, lines).map((l) => {
    let at = 0;
    const tokens = l.tokens.map(([text, scopes]) => {
      const t = { text, start: at, end: at + text.length, scopes: scopes.split(' ') };
      at = t.end;
      return t;
    });
    return { ...l, tokens };
  });
}

/** Tokens of `line` overlapping the `nth` occurrence of `sub` in it. */
function covering(line, sub, nth = 0) {
  let from = -1;
  for (let i = 0; i <= nth; i++) {
    from = line.text.indexOf(sub, from + 1);
    assert.notEqual(from, -1, `${JSON.stringify(sub)} (#${nth}) not in ${JSON.stringify(line.text)}`);
  }
  const to = from + sub.length;
  const toks = line.tokens.filter((t) => t.start < to && t.end > from);
  assert.ok(toks.length > 0, `no token covers ${JSON.stringify(sub)}`);
  return toks;
}

function hasScope(line, sub, scope, nth = 0) {
  for (const t of covering(line, sub, nth)) {
    assert.ok(t.scopes.includes(scope), `${JSON.stringify(t.text)} in ${JSON.stringify(line.text)}: expected ${scope}, got ${t.scopes.join(' ')}`);
  }
}

function lacksScope(line, sub, scope, nth = 0) {
  for (const t of covering(line, sub, nth)) {
    assert.ok(!t.scopes.includes(scope), `${JSON.stringify(t.text)} in ${JSON.stringify(line.text)}: unexpected ${scope}`);
  }
}

/** The whole line carries no token with a scope starting with `prefix`. */
function lineLacks(line, prefix) {
  for (const t of line.tokens) {
    assert.ok(!t.scopes.some((s) => s.startsWith(prefix)), `${JSON.stringify(t.text)} in ${JSON.stringify(line.text)}: unexpected ${prefix}*`);
  }
}

// ---------------------------------------------------------------------------
// 1. Snapshots

const fixtures = fixtureNames();

test('fixtures and expectations correspond one to one', () => {
  assert.ok(fixtures.length >= 6, `only ${fixtures.length} fixtures`);
  for (const f of fixtures) assert.ok(existsSync(expectedPath(f)), `missing expectation for ${f}: run node test/grammar/make-expected.mjs`);
  const expected = readdirSync(EXPECTED_DIR).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(expected, fixtures.map((f) => expectedPath(f).slice(EXPECTED_DIR.length)).sort());
});

for (const fixture of fixtures) {
  test(`snapshot: ${fixture}`, () => {
    const actual = tokenizeText(grammar, readFileSync(`${FIXTURES_DIR}${fixture}`, 'utf8'));
    const expected = JSON.parse(readFileSync(expectedPath(fixture), 'utf8'));
    assert.equal(expected.fixture, fixture);
    assert.equal(actual.length, expected.lines.length, 'line count');
    for (let i = 0; i < actual.length; i++) {
      assert.deepEqual(actual[i], expected.lines[i], `${fixture}:${i + 1}`);
      // Tokens cover each line exactly.
      assert.equal(actual[i].tokens.map(([t]) => t).join(''), actual[i].text, `${fixture}:${i + 1} token texts`);
    }
  });
}

// ---------------------------------------------------------------------------
// 2. Coverage

function grammarScopes(node, out = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => grammarScopes(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'name' || k === 'contentName') && typeof v === 'string' && v.endsWith('.hcron')) v.split(' ').forEach((s) => out.add(s));
      else grammarScopes(v, out);
    }
  }
  return out;
}

const expectedScopes = new Set();
for (const f of fixtures) {
  for (const l of JSON.parse(readFileSync(expectedPath(f), 'utf8')).lines) for (const [, s] of l.tokens) s.split(' ').forEach((x) => expectedScopes.add(x));
}

test('grammar identity', () => {
  assert.equal(rawGrammar.scopeName, SCOPE_NAME);
  assert.equal(rawGrammar.scopeName, 'source.hcron');
});

test('every scope of the grammar occurs in the expectations', () => {
  const declared = grammarScopes(rawGrammar.repository);
  assert.ok(declared.size >= 25, `only ${declared.size} scopes declared`);
  for (const s of declared) assert.ok(expectedScopes.has(s), `no fixture produces ${s}`);
});

test('the scopes promised to themes are produced', () => {
  for (const s of [
    'comment.line.number-sign.hcron', 'punctuation.definition.comment.hcron',
    'meta.include.hcron', 'keyword.control.import.include.hcron', 'string.unquoted.path.hcron',
    'meta.assignment.hcron', 'support.type.property-name.hcron', 'support.type.property-name.when.hcron',
    'invalid.illegal.when-field.hcron', 'variable.other.assignment.hcron',
    'keyword.operator.assignment.hcron', 'string.unquoted.value.hcron',
    'variable.other.reference.hcron', 'punctuation.definition.variable.hcron', 'punctuation.definition.variable.count.hcron',
    'punctuation.section.selector.begin.hcron', 'punctuation.section.selector.end.hcron',
    'keyword.operator.separator.hcron', 'constant.numeric.hcron',
    'punctuation.separator.chain.hcron', 'punctuation.separator.list.hcron', 'keyword.operator.when.hcron',
    'constant.character.escape.line-continuation.hcron', 'constant.character.escape.hcron',
    'invalid.illegal.no-equals.hcron',
  ]) assert.ok(expectedScopes.has(s), s);
});

// ---------------------------------------------------------------------------
// 3. Direct assertions

test('notify_email=$HCRON_EVENT_NAME[-1]: field, operator, reference, selector', () => {
  const [l] = tok('notify_email=$HCRON_EVENT_NAME[-1]');
  hasScope(l, 'notify_email', 'support.type.property-name.hcron');
  hasScope(l, '=', 'keyword.operator.assignment.hcron');
  hasScope(l, '$HCRON_EVENT_NAME', 'variable.other.reference.hcron');
  hasScope(l, '$HCRON_EVENT_NAME', 'string.unquoted.value.hcron');
  hasScope(l, '$', 'punctuation.definition.variable.hcron');
  hasScope(l, '[', 'punctuation.section.selector.begin.hcron');
  hasScope(l, '-1', 'constant.numeric.hcron');
  hasScope(l, ']', 'punctuation.section.selector.end.hcron');
  lacksScope(l, '[-1]', 'variable.other.reference.hcron');
  lacksScope(l, 'notify_email', 'string.unquoted.value.hcron');
});

test('#NAME counts and selector separators SPLIT?JOIN!', () => {
  const [a, b, c] = tok('C=#HCRON_EVENT_NAME[:]', 'D=$HCRON_EVENT_NAME[/?.!1:]', 'M=#MIN[?!:]');
  hasScope(a, '#HCRON_EVENT_NAME', 'variable.other.reference.hcron');
  hasScope(a, '#', 'punctuation.definition.variable.count.hcron');
  hasScope(a, ':', 'punctuation.separator.slice.hcron');
  hasScope(b, '?', 'keyword.operator.separator.hcron');
  hasScope(b, '!', 'keyword.operator.separator.hcron');
  hasScope(b, '/', 'constant.character.separator.split.hcron');
  hasScope(b, '.', 'constant.character.separator.join.hcron');
  hasScope(b, '1', 'constant.numeric.hcron');
  hasScope(c, '?', 'keyword.operator.separator.hcron');
  hasScope(c, '!', 'keyword.operator.separator.hcron');
});

test('nested references, match selectors, one selector only, no ${NAME} form', () => {
  const [nested, glob, chained, braces, unbalanced] = tok(
    'J=$W[$J[0]]', 'F=$HCRON_EVENT_NAME{*@*}', 'N=$X[0][1]', 'O=${host} $$host', 'Q=$HCRON_EVENT_NAME[-1 $HCRON_SELF_CHAIN',
  );
  hasScope(nested, '$J', 'variable.other.reference.hcron');
  hasScope(nested, '$J', 'meta.selector.index.hcron');
  hasScope(nested, ']', 'punctuation.section.selector.end.hcron', 0);
  hasScope(nested, ']', 'punctuation.section.selector.end.hcron', 1);
  hasScope(glob, '{', 'punctuation.section.selector.begin.hcron');
  hasScope(glob, '*', 'keyword.operator.wildcard.hcron');
  hasScope(glob, '}', 'punctuation.section.selector.end.hcron');
  lacksScope(chained, '[1]', 'meta.reference.hcron'); // spec 6.3: only one selector
  lacksScope(braces, '${host}', 'variable.other.reference.hcron'); // spec 6.3: no ${NAME}
  hasScope(braces, '$host', 'variable.other.reference.hcron');
  const [firstDollar] = covering(braces, '$$');
  assert.ok(!firstDollar.scopes.includes('variable.other.reference.hcron'), 'the first $ of $$host is literal');
  hasScope(unbalanced, '[', 'invalid.illegal.unbalanced-selector.hcron');
  lacksScope(unbalanced, '$HCRON_SELF_CHAIN', 'variable.other.reference.hcron'); // spec 6.4: rest is literal
});

test('`#` inside a value is not a comment; `# ` is not a reference', () => {
  const [l] = tok('command=ls # all');
  hasScope(l, '# all', 'string.unquoted.value.hcron');
  lineLacks(l, 'comment.');
  lineLacks(l, 'variable.other.reference');
});

test('continuation lines stay in the value (spec 2.3)', () => {
  const [a, b, c, d] = tok('NOTE=one \\', '   two=not an assignment \\', '# part of the value too \\', 'last');
  hasScope(a, '\\', 'constant.character.escape.line-continuation.hcron');
  for (const l of [b, c, d]) {
    for (const t of l.tokens) assert.ok(t.scopes.includes('string.unquoted.value.hcron') && t.scopes.includes('meta.assignment.hcron'), `${l.text}: ${t.scopes}`);
    lineLacks(l, 'keyword.operator.assignment');
    lineLacks(l, 'comment.');
    lineLacks(l, 'invalid.');
  }
  // `last` does not end in a backslash: the next line starts a new logical line.
  const [, , , , e] = tok('NOTE=one \\', '   two \\', '# part \\', 'last', 'host=h');
  hasScope(e, 'host', 'support.type.property-name.hcron');
});

test('a comment ending in a backslash does not continue (spec 2.2)', () => {
  const [c, l] = tok('# comment \\', 'host=h');
  hasScope(c, 'comment \\', 'comment.line.number-sign.hcron');
  lacksScope(c, '\\', 'constant.character.escape.line-continuation.hcron');
  hasScope(l, 'host', 'support.type.property-name.hcron');
});

test('continuation inside field values keeps the field context', () => {
  const [, w, , m] = tok('when_minute=0,\\', '15,30', 'notify_message=a\\n\\', 'b\\tc');
  hasScope(w, '15', 'constant.numeric.hcron');
  hasScope(w, ',', 'punctuation.separator.list.hcron');
  hasScope(m, '\\t', 'constant.character.escape.hcron');
});

test('a trailing backslash before \\r is not a continuation (hcron splits on \\n only)', () => {
  // VS Code strips \r; other TextMate hosts may keep it. hcron itself rejects such a file.
  const [a, b] = tok('command=/bin/true \\\r', '  more');
  lineLacks(a, 'constant.character.escape.line-continuation');
  hasScope(b, 'more', 'invalid.illegal.no-equals.hcron');
});

test('a CRLF file tokenises like its LF twin', () => {
  const crlf = readFileSync(`${FIXTURES_DIR}crlf.hcron`, 'utf8');
  assert.ok(crlf.includes('\r\n'), 'fixture must use CRLF');
  assert.deepEqual(tokenizeText(grammar, crlf), tokenizeText(grammar, crlf.replace(/\r\n/g, '\n')));
});

test('chains: `:` separates pieces only in next_event / failover_event', () => {
  const [n, f, x, s] = tok('next_event=/a:/b', 'failover_event=$HCRON_EVENT_CHAIN[0]:/failover/common', 'X=/a:/b', 'next_event=$W[1:]');
  hasScope(n, ':', 'punctuation.separator.chain.hcron');
  hasScope(f, ':', 'punctuation.separator.chain.hcron');
  lacksScope(x, ':', 'punctuation.separator.chain.hcron');
  lacksScope(s, ':', 'punctuation.separator.chain.hcron'); // a slice colon inside a selector
  hasScope(s, ':', 'punctuation.separator.slice.hcron');
});

test('when_* fields, values and bad names (spec 3, 5)', () => {
  const [m, d, y, e, bad, bad2, upper, names] = tok(
    'when_minute=*/15', 'when_dow=1-5, 0', 'when_year = 2024', 'when_expire=1:30',
    'when_minutes=5', 'when_minute x=1', 'WHEN_X=1', 'when_month=jan',
  );
  hasScope(m, 'when_minute', 'support.type.property-name.when.hcron');
  hasScope(m, '*', 'keyword.operator.when.hcron');
  hasScope(m, '/', 'keyword.operator.when.hcron');
  hasScope(m, '15', 'constant.numeric.hcron');
  hasScope(d, '-', 'keyword.operator.when.hcron');
  hasScope(d, ',', 'punctuation.separator.list.hcron');
  hasScope(d, '0', 'constant.numeric.hcron');
  hasScope(y, 'when_year', 'support.type.property-name.when.hcron');
  hasScope(e, 'when_expire', 'support.type.property-name.when.hcron');
  hasScope(e, '30', 'constant.numeric.hcron');
  hasScope(bad, 'when_minutes', 'invalid.illegal.when-field.hcron');
  hasScope(bad2, 'when_minute x', 'invalid.illegal.when-field.hcron');
  hasScope(upper, 'WHEN_X', 'variable.other.assignment.hcron');
  hasScope(names, 'jan', 'invalid.illegal.when-value.hcron');
});

test('field names versus user variables (spec 3, 4)', () => {
  const [h, hn, typo, sp, empty, eq] = tok('host=h', 'hostname=h', 'notify_mesage=x', 'my var = v', '=v', 'command=a=b');
  hasScope(h, 'host', 'support.type.property-name.hcron');
  hasScope(hn, 'hostname', 'variable.other.assignment.hcron');
  hasScope(typo, 'notify_mesage', 'variable.other.assignment.hcron');
  hasScope(sp, 'my var', 'variable.other.assignment.hcron');
  lacksScope(sp, ' = ', 'variable.other.assignment.hcron');
  hasScope(empty, '=', 'keyword.operator.assignment.hcron');
  hasScope(eq, 'a=b', 'string.unquoted.value.hcron'); // split at the first `=`
  lacksScope(eq, 'a=b', 'keyword.operator.assignment.hcron');
});

test('notify_message escapes; notify_subject and command are not translated (spec 6.10)', () => {
  const [msg, subj, cmd] = tok('notify_message=a\\nb\\tc', 'notify_subject=a\\nb', 'command=printf "a\\nb"');
  hasScope(msg, '\\n', 'constant.character.escape.hcron');
  hasScope(msg, '\\t', 'constant.character.escape.hcron');
  lineLacks(subj, 'constant.character.escape');
  lineLacks(cmd, 'constant.character.escape');
});

test('include directive: exactly two words, the first `include` (spec 2.5)', () => {
  const [a, b, one, three, asg, cap] = tok('include /includes/common', '  include\tcommon  ', 'include', 'include a b', 'include=/inc/common', 'Include x');
  hasScope(a, 'include', 'keyword.control.import.include.hcron');
  hasScope(a, '/includes/common', 'string.unquoted.path.hcron');
  hasScope(b, 'common', 'string.unquoted.path.hcron');
  hasScope(one, 'include', 'invalid.illegal.no-equals.hcron');
  hasScope(three, 'include a b', 'invalid.illegal.no-equals.hcron');
  hasScope(asg, 'include', 'variable.other.assignment.hcron');
  lineLacks(asg, 'keyword.control');
  hasScope(cap, 'Include x', 'invalid.illegal.no-equals.hcron');
});

test('lines without `=` are invalid; comments and blank lines are not', () => {
  const [bad, cmt, blank, ind] = tok('simple', '# simple', '   ', '   # indented');
  hasScope(bad, 'simple', 'invalid.illegal.no-equals.hcron');
  hasScope(cmt, '# simple', 'comment.line.number-sign.hcron');
  lineLacks(cmt, 'invalid.');
  lineLacks(blank, 'invalid.');
  hasScope(ind, '#', 'punctuation.definition.comment.hcron');
});
