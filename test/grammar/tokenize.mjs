// Shared by grammar.test.mjs and make-expected.mjs: loads syntaxes/hcron.tmLanguage.json
// with vscode-textmate + vscode-oniguruma (the engine VS Code uses) and tokenises text.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GRAMMAR_PATH = `${ROOT}syntaxes/hcron.tmLanguage.json`;
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const EXPECTED_DIR = fileURLToPath(new URL('./expected/', import.meta.url));
export const SCOPE_NAME = 'source.hcron';

let grammarPromise;

/** The hcron grammar, loaded once per process. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(`${ROOT}node_modules/vscode-oniguruma/release/onig.wasm`);
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== SCOPE_NAME) return null;
        return vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      },
    });
    const grammar = await registry.loadGrammar(SCOPE_NAME);
    if (!grammar) throw new Error(`could not load ${GRAMMAR_PATH}`);
    return grammar;
  })();
  return grammarPromise;
}

/**
 * Split text into lines the way VS Code's text model does (\r\n, \r or \n),
 * so a CRLF file is tokenised exactly like its LF twin, as in the editor.
 */
export function splitLines(text) {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Tokenise lines, carrying the rule stack from line to line like the editor.
 * Returns [{ line, text, tokens: [[tokenText, "scope scope ..."], ...] }].
 */
export function tokenizeLines(grammar, lines) {
  let stack = vsctm.INITIAL;
  const out = [];
  lines.forEach((text, i) => {
    const r = grammar.tokenizeLine(text, stack);
    stack = r.ruleStack;
    const tokens = r.tokens
      .map((t) => [text.slice(t.startIndex, Math.min(t.endIndex, text.length)), t.scopes.join(' ')])
      .filter(([s]) => s !== '');
    out.push({ line: i + 1, text, tokens });
  });
  return out;
}

export function tokenizeText(grammar, text) {
  const lines = splitLines(text);
  // A final newline does not start another line worth recording.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return tokenizeLines(grammar, lines);
}

export function fixtureNames() {
  return readdirSync(FIXTURES_DIR).filter((f) => !f.startsWith('.')).sort();
}

export function expectedPath(fixture) {
  return `${EXPECTED_DIR}${fixture.replace(/\.hcron$/, '')}.json`;
}

/** Stable, review-friendly JSON: one token per line. */
export function formatExpected(fixture, lines) {
  const parts = lines.map((l) => {
    const toks = l.tokens.map((t) => `      ${JSON.stringify(t)}`).join(',\n');
    return `    {\n      "line": ${l.line},\n      "text": ${JSON.stringify(l.text)},\n      "tokens": [\n${toks.replace(/^ {6}/gm, '        ')}\n      ]\n    }`;
  });
  return `{\n  "fixture": ${JSON.stringify(fixture)},\n  "lines": [\n${parts.join(',\n')}\n  ]\n}\n`;
}
