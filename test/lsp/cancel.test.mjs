// Requests the client cancels stop their work, also once they compute (not
// only while they wait for the tree): on a generated tree of 20,000 events
// the long requests (references of a template with 12,000 callers, workspace
// symbols, completion of event names, the edits of a rename of a file every
// event includes) are cancelled a fraction of their own time after they were
// sent, and answer RequestCancelled (-32800); the same requests without a
// cancel answer in full, and the server keeps answering correctly.
//
// No time is asserted: the uncancelled duration only decides when to send the
// cancel (a quarter of it, then an eighth, then a sixteenth if the answer
// came first). A server that computes to the end before it reads the cancel
// answers in full each time, and fails.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import rpc from 'vscode-jsonrpc/node';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { pathOf, startServer, tmpDir, uriOf } from './helpers.mjs';

const EVENTS = 20000;
const REQUEST_CANCELLED = -32800;
const CONTENT_MODIFIED = -32801;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let ws;
let events;
let s;
let tpl;
let caller;

/** Regular files of the tree whose text matches `re`. */
function countFiles(re) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && re.test(fs.readFileSync(p, 'utf8'))) n++;
    }
  };
  walk(events);
  return n;
}

/** The request in full, and how long it took (ms). */
async function full(method, params) {
  const t = performance.now();
  const result = await s.request(method, params);
  return { result, ms: performance.now() - t };
}

/** Send the request, cancel it `delay` ms later: { error } or { result }. */
async function sendAndCancel(method, params, delay) {
  const src = new rpc.CancellationTokenSource();
  const answer = s.conn.sendRequest(method, params, src.token).then(
    (result) => ({ result }),
    (error) => ({ error }),
  );
  await sleep(delay);
  src.cancel();
  return answer;
}

/** Cancel the request while it computes; the error it answered, or undefined if it answered in full every time. */
async function cancelWhileComputing(method, params, fullMs) {
  // a loaded machine answers faster once warm than the first full run: down to 1 ms
  for (const part of [4, 8, 16, 32, 64]) {
    const r = await sendAndCancel(method, params, Math.max(1, fullMs / part));
    if (r.error) return r.error;
  }
  return undefined;
}

/** Hover and definition on a caller's failover_event piece still answer right. */
async function stillServing() {
  const at = s.at(caller, 'failover_event=/failover/', 'failover_event=/failover/'.length + 2);
  const def = await s.request('textDocument/definition', at);
  assert.equal(def.length, 1);
  assert.equal(def[0].uri, uriOf(tpl)); // through the recipient's symlink to the template file
  const h = await s.request('textDocument/hover', at);
  assert.match(h.contents.value, /mail_template/);
}

describe('cancelling requests while they compute (20,000 events)', () => {
  before(async () => {
    ws = tmpDir('hcron-cancel-');
    events = path.join(ws, '.hcron', 'big.example.com', 'events');
    generateRealistic(events, { events: EVENTS });
    tpl = path.join(events, 'failover/mail_template');
    s = await startServer({
      folder: ws,
      settings: { overrides: { max_events_per_user: 1000000 } },
      capabilities: {
        workspace: { configuration: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename'] }, symbol: {} },
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } },
      },
    });
    const { trees } = await s.request('hcron/trees'); // waits for the tree
    const first = trees[0].events.find((e) => e.status === 'accepted' && fs.readFileSync(pathOf(e.uri), 'utf8').includes('failover_event=/failover/ops'));
    caller = pathOf(first.uri);
    s.open(tpl);
    s.open(caller);
    await stillServing();
  });

  after(async () => {
    await s?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('textDocument/references of a template with thousands of callers', async () => {
    const params = { ...s.at(tpl, 'command='), context: { includeDeclaration: true } };
    const links = fs.readdirSync(path.join(events, 'failover')).filter((n) => fs.lstatSync(path.join(events, 'failover', n)).isSymbolicLink()).length;
    const callers = countFiles(/^failover_event=\/failover\/ops\d+@example\.com$/m);
    const a = await full('textDocument/references', params);
    assert.ok(callers > 10000);
    assert.equal(a.result.length, callers + links); // every caller's piece and every symlink
    const error = await cancelWhileComputing('textDocument/references', params, a.ms);
    assert.equal(error?.code, REQUEST_CANCELLED, 'the request was not cancelled: it answered in full');
    await stillServing();
    const b = await full('textDocument/references', params);
    assert.deepEqual(b.result, a.result);
  });

  it('workspace/symbol over every event', async () => {
    const a = await full('workspace/symbol', { query: 'job' });
    assert.equal(a.result.length, 2000); // the server's cap, the best matches first
    assert.ok(a.result.every((x) => x.name.includes('job')));
    const error = await cancelWhileComputing('workspace/symbol', { query: 'job' }, a.ms);
    assert.equal(error?.code, REQUEST_CANCELLED, 'the request was not cancelled: it answered in full');
    await stillServing();
    assert.deepEqual((await full('workspace/symbol', { query: 'job' })).result, a.result);
  });

  it('textDocument/completion of event names in a chain piece', async () => {
    const params = s.at(caller, 'failover_event=/', 'failover_event=/'.length);
    const { trees } = await s.request('hcron/trees');
    const loaded = trees[0].events.filter((e) => e.status === 'accepted' || e.status === 'rejected').length;
    const a = await full('textDocument/completion', params);
    assert.equal(a.result.length, loaded); // every event of the tree
    const error = await cancelWhileComputing('textDocument/completion', params, a.ms);
    assert.equal(error?.code, REQUEST_CANCELLED, 'the request was not cancelled: it answered in full');
    await stillServing();
    assert.equal((await full('textDocument/completion', params)).result.length, loaded);
  });

  it('an edit arriving while references compute: ContentModified, not a mix of two states', async () => {
    const params = { ...s.at(tpl, 'command='), context: { includeDeclaration: true } };
    const a = await full('textDocument/references', params);
    const text = s.docs.get(caller).text;
    let error;
    for (const part of [4, 8, 16]) {
      const answer = s.conn.sendRequest('textDocument/references', params).then(
        (result) => ({ result }),
        (e) => ({ error: e }),
      );
      await sleep(Math.max(3, a.ms / part));
      s.change(caller, text + `# edit ${part}\n`);
      const r = await answer;
      s.change(caller, text);
      if (r.error) {
        error = r.error;
        break;
      }
    }
    assert.equal(error?.code, CONTENT_MODIFIED, 'the edit did not stop the request');
    await stillServing();
    assert.deepEqual((await full('textDocument/references', params)).result, a.result);
  });

  it('workspace/willRenameFiles of a file every event includes', async () => {
    const params = { files: [{ oldUri: uriOf(path.join(events, 'includes/common')), newUri: uriOf(path.join(events, 'includes/shared')) }] };
    const includers = countFiles(/^include \/includes\/common$/m);
    const a = await full('workspace/willRenameFiles', params);
    assert.ok(includers > 10000);
    assert.equal(a.result.documentChanges.length, includers); // one edit per including file
    assert.ok(a.result.documentChanges.every((c) => c.edits.length === 1 && c.edits[0].newText === '/includes/shared'));
    const error = await cancelWhileComputing('workspace/willRenameFiles', params, a.ms);
    assert.equal(error?.code, REQUEST_CANCELLED, 'the request was not cancelled: it answered in full');
    await stillServing();
    assert.deepEqual((await full('workspace/willRenameFiles', params)).result, a.result);
  });
});
