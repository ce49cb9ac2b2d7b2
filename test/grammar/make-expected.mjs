// Regenerates test/grammar/expected/<fixture>.json from the current grammar.
//   node test/grammar/make-expected.mjs            (all fixtures)
//   node test/grammar/make-expected.mjs crlf.hcron (some)
// The output is the specification of the grammar: review every changed line
// (git diff test/grammar/expected) before committing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadGrammar, tokenizeText, fixtureNames, expectedPath, formatExpected, FIXTURES_DIR } from './tokenize.mjs';

if (process.env.NODE_TEST_CONTEXT) {
  // Picked up by a `node --test` glob: never rewrite the expectations from a test run.
  process.exit(0);
}

const grammar = await loadGrammar();
const wanted = process.argv.slice(2);
for (const fixture of fixtureNames()) {
  if (wanted.length && !wanted.includes(fixture)) continue;
  const lines = tokenizeText(grammar, readFileSync(`${FIXTURES_DIR}${fixture}`, 'utf8'));
  writeFileSync(expectedPath(fixture), formatExpected(fixture, lines));
  console.log(`wrote ${expectedPath(fixture)}`);
}
