// server/src/outbox.ts: the server's messages in order, except bulk
// publications (closed files after a load), which are handed over only when
// nothing else waits and the system took everything before; a later
// publication of a URI replaces a waiting bulk one. Through a sink whose
// hand-overs the test completes itself, and through a real pipe to a process
// that reads slowly (base-protocol frames parsed back).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from '../helpers/trees.mjs';
import { bundleModule } from '../helpers/bundle.mjs';

let m;
let dir;

before(async () => {
  dir = tmpdir('hcron-outbox-');
  m = await bundleModule("export * from './server/src/outbox';", dir, 'outbox');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const turn = () => new Promise((r) => setImmediate(r));
const pub = (uri, n) => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: Array.from({ length: n }, () => ({ message: 'x' })) } });
const reply = (id) => ({ jsonrpc: '2.0', id, result: { id } });
const note = (k) => ({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 4, message: k } });
const label = (msg) => (msg.id !== undefined ? `reply ${msg.id}` : msg.method === 'window/logMessage' ? `log ${msg.params.message}` : `pub ${msg.params.uri}/${msg.params.diagnostics.length}`);

/** A sink that records each hand-over and completes it only when the test says so. */
function heldSink() {
  const sent = [];
  const pending = [];
  return {
    sent,
    labels: () => sent.flat().map(label),
    release: () => pending.splice(0).forEach((done) => done()),
    send: (messages, done) => {
      sent.push(messages);
      pending.push(done);
    },
    end: (messages) => sent.push(messages),
    on: () => {},
  };
}

describe('Outbox', () => {
  it('keeps the order of what is not bulk, and hands bulk publications over only when nothing else waits', async () => {
    const sink = heldSink();
    const box = new m.Outbox(sink);
    box.write(note('first'));
    await turn();
    assert.deepEqual(sink.labels(), ['log first']); // handed over, not yet taken by the system
    box.write(note('a'));
    box.inBulk(() => {
      for (let i = 0; i < 5; i++) box.write(pub(`file:///b${i}`, 1));
    });
    box.write(reply(1));
    box.write(pub('file:///open', 2)); // an open document's publication: not bulk
    await turn();
    // one hand-over for the turn: what is not bulk, in order; the bulk ones wait
    assert.deepEqual(sink.labels().slice(1), ['log a', 'reply 1', 'pub file:///open/2']);
    box.write(reply(2));
    await turn();
    assert.deepEqual(sink.labels().slice(4), ['reply 2'], 'a reply is handed over at once, while the system has not taken the last hand-overs');
    sink.release();
    await turn();
    assert.deepEqual(sink.labels().slice(5), ['pub file:///b0/1', 'pub file:///b1/1', 'pub file:///b2/1', 'pub file:///b3/1', 'pub file:///b4/1'], 'then the bulk, in the order sent');
    box.inBulk(() => box.write(pub('file:///b9', 1)));
    await turn();
    assert.deepEqual(sink.labels().slice(10), [], 'bulk waits while a hand-over is under way');
    sink.release();
    await turn();
    assert.deepEqual(sink.labels().slice(10), ['pub file:///b9/1']);
  });

  it('a later publication of a URI replaces its waiting bulk one, and one sent outside bulk goes first', async () => {
    const sink = heldSink();
    const box = new m.Outbox(sink);
    box.write(note('first'));
    await turn(); // a hand-over under way: the bulk below waits
    box.inBulk(() => {
      box.write(pub('file:///x', 1));
      box.write(pub('file:///y', 1));
      box.write(pub('file:///x', 3)); // replaces the waiting one
    });
    await turn();
    box.write(pub('file:///y', 0)); // the file's findings went away (an edit): newer than its bulk one
    await turn();
    sink.release();
    await turn();
    sink.release();
    await turn();
    assert.deepEqual(sink.labels(), ['log first', 'pub file:///y/0', 'pub file:///x/3']);
  });

  it('hands over at most a chunk at a time, and what waits goes out at the end', async () => {
    const sink = heldSink();
    const box = new m.Outbox(sink);
    box.inBulk(() => {
      for (let i = 0; i < 60; i++) box.write(pub(`file:///c${i}`, 1));
    });
    await turn();
    assert.ok(sink.sent.length === 1 && sink.sent[0].length > 1 && sink.sent[0].length < 60, `one chunk handed over, not all: ${sink.sent.map((s) => s.length)}`);
    box.write(reply(7));
    box.end();
    const all = sink.labels();
    assert.equal(all.length, 61);
    assert.equal(all[sink.sent[0].length], 'reply 7', 'at the end, what is not bulk first');
    assert.equal(new Set(all).size, 61);
    box.write(reply(8));
    await turn();
    assert.equal(sink.labels().length, 61, 'nothing after the end');
  });

  it('through a pipe to a slow reader: the frames are the messages, and a reply sent behind 2,000 bulk publications arrives among the first', { timeout: 60_000 }, async () => {
    // the child writes; this process reads slowly (a client busy with what it read)
    const script = path.join(dir, 'writer.cjs');
    fs.writeFileSync(
      script,
      `const m = require(${JSON.stringify(path.join(dir, 'outbox.cjs'))});
const box = new m.Outbox(m.streamSink(process.stdout));
const diag = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, message: 'é'.repeat(300) };
box.inBulk(() => { for (let i = 0; i < 2000; i++) box.write({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///f' + i, diagnostics: [diag] } }); });
// the reader has read its first chunk: the reply, behind every publication
process.stdin.once('data', () => { box.write({ jsonrpc: '2.0', id: 1, result: 'the reply' }); process.stdin.pause(); });
setTimeout(() => box.end(), 60000).unref();
`,
    );
    const child = cp.spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let asked = false;
    const got = [];
    let buf = Buffer.alloc(0);
    child.stdout.on('data', (chunk) => {
      child.stdout.pause();
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) break;
        const len = Number(/Content-Length: (\d+)/.exec(buf.subarray(0, h).toString('ascii'))[1]);
        if (buf.length < h + 4 + len) break;
        got.push(JSON.parse(buf.subarray(h + 4, h + 4 + len).toString('utf8')));
        buf = buf.subarray(h + 4 + len);
      }
      if (!asked) child.stdin.end('go');
      asked = true;
      setTimeout(() => child.stdout.resume(), 10); // a chunk every ~10 ms: slower than the writer
      if (got.length === 2001) child.kill();
    });
    await new Promise((r) => child.on('close', r));
    assert.equal(got.length, 2001, 'every message, each frame whole (its length in bytes)');
    assert.equal(got.filter((x) => x.method).length, 2000);
    assert.equal(new Set(got.filter((x) => x.method).map((x) => x.params.uri)).size, 2000);
    assert.ok(got.every((x) => !x.method || x.params.diagnostics[0].message === 'é'.repeat(300)));
    const at = got.findIndex((x) => x.id === 1);
    // ahead of it: what the system's buffers held when it was sent (Node's stdio pipes are socket
    // pairs, ~200 KB: ~300 of these publications) and the chunk handed over; in order it would be 2,000
    assert.ok(at >= 0 && at < 1000, `the reply came after ${at} publications (sent after 2,000 of them)`);
  });
});
