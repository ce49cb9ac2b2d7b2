// Issue #6, server side: the real language server (stdio) on every hostile tree
// of test/gen/hostile.mjs, a soak of thousands of random edits with hover,
// definition, completion and symbol requests in between (some cancelled), and
// afterwards the server's status of the edited tree must equal hcron-check's
// status of the same texts on disk. Latencies are reported as diagnostics;
// the only time limits are hang guards.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import rpc from 'vscode-jsonrpc/node';
import { startServer, tmpDir, uriOf, REPO } from './helpers.mjs';
import { CASES, BASE, SECRET, buildCase, prng } from '../gen/hostile.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const CLI = path.join(REPO, 'bin/hcron-check');
const { CancellationTokenSource } = rpc;
const BAD_LOG = /RangeError|Maximum call stack|out of memory|\n\s+at /;
const GUARD_MS = 20_000;

/** hcron-check status, raw bytes as a string whose lone surrogates stand for bytes that are not UTF-8 (like the server's). */
function cliStatus(events) {
  const r = spawnSync(CLI, ['status', events], { maxBuffer: 1 << 30, timeout: GUARD_MS });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/** Time a request; resolves { ms, result } or { ms, error }. */
async function timed(p) {
  const t0 = performance.now();
  try {
    const result = await p;
    return { ms: performance.now() - t0, result };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

/** Positions spread over a text: starts of lines, inside values, after $ and #. */
function probePositions(text, rnd, n) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < n; i++) {
    const line = Math.floor(rnd() * lines.length);
    const l = lines[line];
    const k = l.search(/[$#]/);
    const character = k >= 0 && rnd() < 0.5 ? Math.min(l.length, k + 2) : Math.floor(rnd() * (Math.min(l.length, 5000) + 1));
    out.push({ line, character });
  }
  return out;
}

const servers = [];
after(async () => {
  for (const s of servers) if (s.child.exitCode === null) await s.shutdown();
});

describe('language server on the hostile trees', () => {
  const out = tmpDir('hcron-lsp-hostile-');
  const latencies = [];
  for (const c of CASES) {
    it(`${c.name}: statusText equals hcron-check status; hover, definition, completion, symbols answer; the server stays up`, { timeout: 180_000 }, async (t) => {
      const events = buildCase(c.name, out);
      const s = await startServer({ folder: path.dirname(events), settings: { eventTrees: [events] } });
      servers.push(s);
      const trees = (await s.request('hcron/trees', {})).trees;
      const root = trees.find((x) => path.resolve(x.root) === path.resolve(events))?.root ?? trees[0]?.root;
      assert.ok(root, `the server found the tree (${JSON.stringify(trees).slice(0, 300)})`);
      const st = await timed(s.request('hcron/statusText', { root }));
      assert.equal(st.error, undefined, st.error?.message);
      const want = cliStatus(events);
      assert.equal(engine.encodeSurrogateEscape(st.result.text).toString('latin1'), want.toString('latin1'), 'server status = CLI status');

      // requests on the biggest regular files
      const files = [];
      const walk = (d, depth) => {
        if (depth > 1000 || files.length > 2000) return;
        let ents = [];
        try {
          ents = fs.readdirSync(d, { withFileTypes: true, encoding: 'buffer' });
        } catch {
          return;
        }
        for (const e of ents) {
          const name = e.name.toString('utf8');
          if (!Buffer.from(name).equals(e.name)) continue; // a name that is not UTF-8: no editor opens it by a file: URI
          const p = path.join(d, name);
          if (e.isDirectory()) walk(p, depth + 1);
          else if (e.isFile()) files.push(p);
        }
      };
      if (fs.lstatSync(events).isDirectory()) walk(events, 0);
      files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
      const rnd = prng(7);
      let worst = 0;
      for (const f of files.slice(0, 3)) {
        const text = fs.readFileSync(f, 'utf8');
        s.open(f, text);
        const td = { uri: uriOf(f) };
        for (const position of probePositions(text, rnd, 4)) {
          for (const [method, params] of [
            ['textDocument/hover', { textDocument: td, position }],
            ['textDocument/definition', { textDocument: td, position }],
            ['textDocument/completion', { textDocument: td, position }],
            ['textDocument/documentSymbol', { textDocument: td }],
          ]) {
            const r = await timed(s.request(method, params));
            assert.equal(r.error, undefined, `${method}: ${r.error?.message}`);
            worst = Math.max(worst, r.ms);
            if (c.expect.secret) assert.ok(!JSON.stringify(r.result ?? null).includes(c.expect.secret), 'content from outside the tree');
          }
        }
      }
      const ws = await timed(s.request('workspace/symbol', { query: 'a' }));
      assert.equal(ws.error, undefined);
      latencies.push({ name: c.name, status: st.ms, worst });
      t.diagnostic(`statusText ${st.ms.toFixed(0)} ms (waits for the load), slowest request ${worst.toFixed(0)} ms`);
      assert.equal(s.child.exitCode, null, 'server alive');
      assert.doesNotMatch(s.stderr, BAD_LOG);
      assert.doesNotMatch(s.logs.join('\n'), BAD_LOG);
      if (c.expect.secret) for (const d of s.diagnostics.values()) assert.ok(!JSON.stringify(d).includes(c.expect.secret));
      await s.shutdown();
    });
  }
  it('latencies (diagnostic only)', (t) => {
    for (const l of latencies) t.diagnostic(`${l.name.padEnd(22)} load+statusText ${l.status.toFixed(0).padStart(6)} ms   slowest request ${l.worst.toFixed(0).padStart(5)} ms`);
  });
});

// ------------------------------------------------------------------- soak

const TOKENS = ['$', '#', '[', ']', '{', '}', ':', '!', '?', '=', '\\', '\\\n', '\n', 'include ', 'failover_event=', 'next_event=', '$X', '$HCRON_EVENT_NAME[-1]', 'when_minute=', '*', '5', '/', ' ', 'include /inc/common\n', 'template_name=$HCRON_EVENT_NAME[-1]\n'];

function soakTree(dir) {
  const events = path.join(dir, '.hcron', 'soak.example.com', 'events');
  const files = {};
  files['inc/common'] = 'X=shared\nnotify_message=from common\n';
  files['inc/deeper'] = 'include common\nY=$X[0]\n';
  for (let i = 0; i < 38; i++) {
    let t = BASE;
    if (i % 3 === 0) t += 'include /inc/common\n';
    if (i % 5 === 0) t += 'include /inc/deeper\n';
    if (i % 4 === 0) t += `failover_event=e${String((i + 1) % 38).padStart(2, '0')}\n`;
    if (i % 6 === 0) t += 'template_name=$HCRON_EVENT_NAME[-1]\n';
    t += `W=a:b:c\nV=$W[${i % 3}] $X #W{*}\n`;
    files[`e${String(i).padStart(2, '0')}`] = t;
  }
  fs.mkdirSync(path.join(events, 'inc'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(events, rel), text);
  fs.symlinkSync('e01', path.join(events, 'link-to-e01'));
  return { events, files: Object.keys(files).map((r) => path.join(events, r)) };
}

/** Offset <-> LSP position in a text (UTF-16 columns, \n lines). */
function positionAt(text, off) {
  const before = text.slice(0, off);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: off - (before.lastIndexOf('\n') + 1) };
}

describe('soak: thousands of random edits with requests in between, over stdio', () => {
  it('the server answers every request, cancels on request, stays up, and ends with hcron\'s status of the edited texts', { timeout: 300_000 }, async (t) => {
    const EDITS = Number(process.env.SOAK_EDITS ?? 3000);
    const dir = tmpDir('hcron-soak-');
    const { events, files } = soakTree(dir);
    const s = await startServer({ folder: dir });
    servers.push(s);
    const trees = (await s.request('hcron/trees', {})).trees;
    const root = trees.find((x) => path.resolve(x.root) === path.resolve(events))?.root;
    assert.ok(root, 'soak tree found');
    const texts = new Map();
    const versions = new Map();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      texts.set(f, text);
      versions.set(f, 1);
      s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(f), languageId: 'hcron', version: 1, text } });
    }
    const rnd = prng(2026);
    const pick = (a) => a[Math.floor(rnd() * a.length)];
    const pending = [];
    let cancelled = 0;
    let cancelledAnswered = 0;
    const errors = [];
    const methods = ['textDocument/hover', 'textDocument/definition', 'textDocument/completion', 'textDocument/documentSymbol', 'textDocument/hover'];
    for (let n = 0; n < EDITS; n++) {
      const f = pick(files);
      let text = texts.get(f);
      const off = Math.floor(rnd() * (text.length + 1));
      let change;
      if (rnd() < 0.2 && text.length > 0) {
        const len = Math.min(text.length - off, 1 + Math.floor(rnd() * 6));
        change = { range: { start: positionAt(text, off), end: positionAt(text, off + len) }, text: '' };
        text = text.slice(0, off) + text.slice(off + len);
      } else {
        const tok = pick(TOKENS);
        change = { range: { start: positionAt(text, off), end: positionAt(text, off) }, text: tok };
        text = text.slice(0, off) + tok + text.slice(off);
      }
      texts.set(f, text);
      versions.set(f, versions.get(f) + 1);
      s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(f), version: versions.get(f) }, contentChanges: [change] });
      if (n % 7 === 0) {
        const g = pick(files);
        const gt = texts.get(g);
        const position = positionAt(gt, Math.floor(rnd() * (gt.length + 1)));
        const method = pick(methods);
        const params = method === 'textDocument/documentSymbol' ? { textDocument: { uri: uriOf(g) } } : { textDocument: { uri: uriOf(g) }, position };
        if (n % 21 === 0) {
          // cancelled right away: the server must answer RequestCancelled (or the result if it was faster)
          const cts = new CancellationTokenSource();
          const p = s.conn.sendRequest(method, params, cts.token);
          cts.cancel();
          cancelled++;
          pending.push(
            timed(p).then((r) => {
              if (r.error && r.error.code !== -32800) errors.push(`${method} (cancelled): ${r.error.code} ${r.error.message}`);
              if (!r.error) cancelledAnswered++;
              return { method, ...r };
            }),
          );
        } else
          pending.push(
            timed(s.conn.sendRequest(method, params)).then((r) => {
              // ContentModified (-32801) is a legitimate answer to a request overtaken by an edit
              if (r.error && r.error.code !== -32801) errors.push(`${method}: ${r.error.code} ${r.error.message}`);
              return { method, ...r };
            }),
          );
      }
      if (n % 50 === 0) await new Promise((r) => setImmediate(r)); // let answers come in
      if (n % 500 === 499) {
        const sym = await timed(s.request('workspace/symbol', { query: 'e' }));
        assert.equal(sym.error, undefined, sym.error?.message);
      }
    }
    const answers = await Promise.all(pending);
    const lat = answers.map((a) => a.ms).sort((a, b) => a - b);
    const p50 = lat[Math.floor(lat.length / 2)] ?? 0;
    const p99 = lat[Math.floor(lat.length * 0.99)] ?? 0;
    const max = lat[lat.length - 1] ?? 0;
    t.diagnostic(`${EDITS} edits, ${answers.length} requests (${cancelled} cancelled, ${cancelledAnswered} of them answered anyway): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(0)} ms`);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} requests failed`);
    assert.equal(s.child.exitCode, null, 'server alive');
    assert.doesNotMatch(s.stderr, BAD_LOG);
    assert.doesNotMatch(s.logs.join('\n'), BAD_LOG);

    // Correct after all of it: the server's status of the edited (unsaved) texts = hcron-check's on disk.
    const st = await s.request('hcron/statusText', { root });
    const copy = path.join(tmpDir('hcron-soak-copy-'), 'events');
    fs.cpSync(events, copy, { recursive: true, verbatimSymlinks: true });
    for (const [f, text] of texts) fs.writeFileSync(path.join(copy, path.relative(events, f)), text);
    assert.equal(st.text, cliStatus(copy).toString('utf8'));
    // and a fresh edit is still seen: make e00 complete and accepted again
    const e00 = files.find((f) => f.endsWith('/e00'));
    const fresh = BASE.replace('h1.example.com', 'fresh.example.com');
    versions.set(e00, versions.get(e00) + 1);
    s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(e00), version: versions.get(e00) }, contentChanges: [{ text: fresh }] });
    const st2 = await s.request('hcron/statusText', { root });
    assert.match(st2.text, /^accepted::\/e00$/m);
    const hover = await s.request('textDocument/hover', { textDocument: { uri: uriOf(e00) }, position: { line: 1, character: 7 } });
    assert.match(JSON.stringify(hover), /fresh\.example\.com|host/);
    await s.shutdown();
  });

  it('a cancelled request on a large tree stops: RequestCancelled comes back, and the server keeps answering', { timeout: 120_000 }, async () => {
    const out = tmpDir('hcron-lsp-cancel-');
    const events = buildCase('files-30000', out);
    const s = await startServer({ folder: out, settings: { eventTrees: [events] } });
    servers.push(s);
    const trees = (await s.request('hcron/trees', {})).trees;
    const root = trees[0].root;
    // statusText waits for the whole tree to load; cancel it while it waits
    const cts = new CancellationTokenSource();
    const p = timed(s.conn.sendRequest('hcron/statusText', { root }, cts.token));
    setTimeout(() => cts.cancel(), 5);
    const r = await p;
    assert.ok(r.error ? r.error.code === -32800 : typeof r.result.text === 'string', r.error?.message);
    const st = await s.request('hcron/statusText', { root });
    assert.equal(st.text.split('\n').filter(Boolean).length, 30_000);
    const ws = await s.request('workspace/symbol', { query: 'f0000' });
    assert.ok(Array.isArray(ws));
    assert.equal(s.child.exitCode, null);
    await s.shutdown();
  });
});

describe('resource caps in settings', () => {
  it('hcron.maxFiles and hcron.maxFileBytes cap the scan, and the tree says so', { timeout: 60_000 }, async () => {
    const dir = tmpDir('hcron-lsp-caps-');
    const events = path.join(dir, 'events');
    fs.mkdirSync(events, { recursive: true });
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(events, `f${String(i).padStart(2, '0')}`), BASE);
    fs.writeFileSync(path.join(events, 'big'), BASE + 'X=' + 'é'.repeat(200) + '\n');
    const s = await startServer({ folder: dir, settings: { eventTrees: [events], maxFiles: 10 } });
    servers.push(s);
    const root = (await s.request('hcron/trees', {})).trees[0].root;
    const st = await s.request('hcron/statusText', { root });
    assert.equal(st.text.split('\n').filter(Boolean).length, 9, st.text);
    const all = () => [...s.diagnostics.values()].flatMap((d) => d.diagnostics.map((x) => x.message)).join('\n');
    await s.until(() => /more than the cap of 10 files and folders/.test(all()), 'a cap finding');
    // raise the cap, cap the bytes instead: everything is read again
    s.settings = { eventTrees: [events], maxFileBytes: Buffer.byteLength(BASE) + 3 };
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { hcron: s.settings } });
    let r2;
    for (let i = 0; i < 100; i++) {
      // statusText waits for the reload the new settings start
      r2 = await s.request('hcron/statusText', { root });
      if (r2.text.split('\n').filter(Boolean).length === 31) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(r2.text.split('\n').filter(Boolean).length, 31, r2.text);
    assert.match(r2.text, /^accepted::\/big$/m); // cut inside an "é": not mistaken for invalid UTF-8
    await s.shutdown();
  });
});

// Secrets never leave the tree through the server either (the links-out case above checks every answer);
// this keeps the import used when the case list changes.
assert.ok(SECRET.length > 10);
