// Protocol-level test helpers: trees built on disk at test time, the real
// server (bin/hcron-language-server --stdio) driven with vscode-jsonrpc.
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';
import { removedAtExit } from '../helpers/trees.mjs';

const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = rpc;

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A copy of /work/shared/tools/hcron-oracle/seed/events (links stored as text files, like the original).
export const SEED_LOCAL = path.join(REPO, 'test/fixtures/seed/events');
export const SERVER_BIN = path.join(REPO, 'bin/hcron-language-server');
export const LINKS = ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz'];
/** The Node options of bin/hcron-language-server's #! line (`#!/usr/bin/env -S node OPTIONS`): the tests and the bench start the server as editors do. */
export const SERVER_NODE_OPTIONS = fs.readFileSync(SERVER_BIN, 'utf8').split('\n')[0].replace(/^#!\/usr\/bin\/env -S node/, '').split(' ').filter(Boolean);

export function tmpDir(prefix = 'hcron-lsp-') {
  return removedAtExit(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) copyTree(a, b);
    else if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(a), b);
    else fs.copyFileSync(a, b);
  }
}

/**
 * The seed tree at <tmp>/.hcron/hcron.example.com/events, with the three
 * failover recipients as real symlinks to email_target_template (the shared
 * seed stores them as plain files holding the link text). `extra` adds files
 * ({ 'rel/path': text }) and symlinks ({ 'rel/path': { link: 'target' } }).
 */
export function seedWorkspace(extra = {}) {
  const ws = tmpDir();
  const events = path.join(ws, '.hcron', 'hcron.example.com', 'events');
  copyTree(SEED_LOCAL, events);
  for (const l of LINKS) {
    const p = path.join(events, 'failover', l);
    fs.rmSync(p, { force: true });
    fs.symlinkSync('email_target_template', p);
  }
  for (const [rel, v] of Object.entries(extra)) {
    const p = path.join(events, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string') fs.writeFileSync(p, v);
    else fs.symlinkSync(v.link, p);
  }
  return { ws, events };
}

export const uriOf = (p) => pathToFileURL(p).href;
export const pathOf = (uri) => path.resolve(fileURLToPath(uri));

/** Line (0-based) and character of the first occurrence of `needle` (plus `delta` characters). */
export function posOf(text, needle, delta = 0) {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${JSON.stringify(needle)} not in text`);
  const off = i + delta;
  const before = text.slice(0, off);
  const line = before.split('\n').length - 1;
  return { line, character: off - (before.lastIndexOf('\n') + 1) };
}

/**
 * Start the server on a workspace folder. Answers workspace/configuration with
 * `settings`, records registrations and $/progress.
 */
export async function startServer({ folder, folders = [folder], settings = {}, capabilities, initializationOptions, nodeArgs = [], env } = {}) {
  // HCRON_SERVER_BIN: another build of the server (benchmarks compare builds in one run); `nodeArgs` after the
  // launch options, so a benchmark's variant can override them
  const child = cp.spawn(process.execPath, [...SERVER_NODE_OPTIONS, ...nodeArgs, process.env.HCRON_SERVER_BIN || SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: env && { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const s = {
    child,
    conn,
    settings,
    diagnostics: new Map(), // fs path -> { version, diagnostics }
    publications: [], // { path, count, at }
    registrations: [],
    progress: [],
    logs: [],
    treesChanged: 0,
    waiters: [],
    get stderr() {
      return stderr;
    },
  };
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const fp = pathOf(p.uri);
    s.diagnostics.set(fp, p);
    // logs: how many log lines came before (orders publications against "loaded in")
    s.publications.push({ path: fp, count: p.diagnostics.length, at: performance.now(), codes: p.diagnostics.map((d) => d.code), diagnostics: p.diagnostics, logs: s.logs.length });
    for (const w of [...s.waiters]) w();
  });
  const logged = (line) => {
    s.logs.push(line);
    for (const w of [...s.waiters]) w();
  };
  conn.onNotification('window/logMessage', (p) => logged(p.message));
  conn.onNotification('window/showMessage', (p) => logged('showMessage: ' + p.message));
  conn.onNotification('hcron/treesChanged', () => {
    s.treesChanged++;
    for (const w of [...s.waiters]) w();
  });
  conn.onNotification('$/progress', (p) => {
    s.progress.push(p);
    for (const w of [...s.waiters]) w();
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map((it) => (it.section === 'hcron' ? s.settings : null)));
  conn.onRequest('client/registerCapability', (p) => {
    s.registrations.push(...p.registrations);
    return null;
  });
  conn.onRequest('client/unregisterCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('window/showMessageRequest', () => null);
  conn.listen();
  const caps = capabilities ?? {
    workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true }, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true, symbol: {} },
    window: { workDoneProgress: true },
    textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { relatedInformation: true, versionSupport: true } },
  };
  s.init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uriOf(folder),
    workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
    capabilities: caps,
    initializationOptions,
  });
  conn.sendNotification('initialized', {});

  /** Resolve when `pred()` is truthy (checked on each publication, log line and notification). */
  s.until = (pred, what = 'condition', ms = 10000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        let v;
        try {
          v = pred();
        } catch {
          v = undefined;
        }
        if (v) {
          clearTimeout(timer);
          s.waiters.splice(s.waiters.indexOf(check), 1);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        s.waiters.splice(s.waiters.indexOf(check), 1);
        reject(new Error(`timeout waiting for ${what}; stderr: ${stderr.slice(-2000)}`));
      }, ms);
      s.waiters.push(check);
      check();
    });
  /** Diagnostics of a file once published (optionally satisfying pred). */
  s.diags = (fp, pred = () => true, ms) =>
    s.until(
      () => {
        const d = s.diagnostics.get(path.resolve(fp));
        return d && pred(d.diagnostics) ? d.diagnostics : undefined;
      },
      `diagnostics of ${fp}`,
      ms,
    );
  s.docs = new Map();
  s.open = (fp, text = fs.readFileSync(fp, 'utf8')) => {
    s.docs.set(fp, { version: 1, text });
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(fp), languageId: 'hcron', version: 1, text } });
    return text;
  };
  s.change = (fp, text) => {
    const d = s.docs.get(fp);
    d.version++;
    d.text = text;
    conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(fp), version: d.version }, contentChanges: [{ text }] });
  };
  s.close = (fp) => {
    s.docs.delete(fp);
    conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(fp) } });
  };
  s.request = (method, params) => conn.sendRequest(method, params);
  s.at = (fp, needle, delta = 0) => ({ textDocument: { uri: uriOf(fp) }, position: posOf(s.docs.get(fp)?.text ?? fs.readFileSync(fp, 'utf8'), needle, delta) });
  s.watched = (changes) => conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map(([fp, type]) => ({ uri: uriOf(fp), type })) });
  s.shutdown = async () => {
    const exited = new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', r)));
    try {
      await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 3000))]);
    if (code === 'timeout') child.kill();
    conn.dispose();
    return code;
  };
  return s;
}

export function messages(diags, code) {
  return diags.filter((d) => !code || d.code === code).map((d) => d.message);
}
