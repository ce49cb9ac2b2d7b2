// The server on a tree whose mount hangs: reads are time-boxed in a worker, the
// server says so once and keeps answering, and reads the tree again when the
// mount is back. The hang is real (test/helpers/hang-fs.cjs: a blocking open()
// of a FIFO nobody writes to, in the server's reading thread).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO, seedWorkspace, startServer, tmpDir, uriOf } from './helpers.mjs';

const preload = path.join(REPO, 'test/helpers/hang-fs.cjs');

function hangOn(match) {
  const dir = tmpDir('hcron-hang-');
  const fifo = path.join(dir, 'never-written');
  execFileSync('mkfifo', [fifo]);
  const armed = path.join(dir, 'armed');
  fs.writeFileSync(armed, '');
  return {
    /** Start the server with the preload (it reads HCRON_TEST_HANG from the inherited environment). */
    start(opts) {
      process.env.HCRON_TEST_HANG = JSON.stringify({ match, fifo, armed });
      return startServer({ ...opts, nodeArgs: ['--require', preload] });
    },
    disarm: () => fs.rmSync(armed, { force: true }),
    /** The mount is back: later reads answer, and the stuck one returns (a writer opens the FIFO). */
    release() {
      fs.rmSync(armed, { force: true });
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch (e) {
        if (e.code !== 'ENXIO') throw e; // nobody is stuck reading it (any more)
      }
    },
    arm: () => fs.writeFileSync(armed, ''),
  };
}

const stallShown = (s) => s.logs.filter((l) => l.startsWith('showMessage: ') && /has not answered for [\d.]+ s \(a slow or vanished mount\?\)/.test(l));

describe('a tree whose first read hangs', () => {
  const hang = hangOn('events/regular_common');
  const { ws, events } = seedWorkspace();
  let s;
  after(async () => {
    hang.release();
    await s?.shutdown();
  });

  it('is reported once, by path, and the server keeps answering', async () => {
    s = await hang.start({ folder: ws, settings: { readTimeout: 0.4 } });
    await s.until(() => stallShown(s).length, 'the stall message', 15000);
    const [msg] = stallShown(s);
    assert.match(msg, /regular_common: the file system has not answered/);
    assert.match(msg, /shown as it was last read \(nothing yet\) and is read again in \d+ s/);
    // the server is not blocked: requests are answered while the read is still stuck
    const bob = path.join(events, 'regular_bob');
    s.open(bob);
    const symbols = await s.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(bob) } });
    assert.ok(Array.isArray(symbols) && symbols.length > 0, 'document symbols of an open file');
    assert.ok(await s.request('textDocument/hover', s.at(bob, 'failover_event=', 2)) !== undefined);
  });

  it('reads the tree when the mount is back (a watched change), and the verdicts come', async () => {
    hang.release();
    s.watched([[path.join(events, 'regular_common'), 2]]);
    const bob = path.join(events, 'regular_bob');
    await s.until(() => s.logs.some((l) => /events: [1-9]\d* events, .* loaded in/.test(l)), 'a full load', 15000);
    const loc = await s.request('textDocument/definition', s.at(bob, 'failover_event=', 'failover_event='.length + 2));
    const target = Array.isArray(loc) ? loc[0] : loc;
    assert.ok(target, 'definition answered from the loaded tree');
    assert.match(target.uri ?? target.targetUri, /failover/);
  });
});

describe('a tree that hangs on a later change', () => {
  const hang = hangOn('events/simple');
  const { ws, events } = seedWorkspace();
  let s;
  after(async () => {
    hang.release();
    await s?.shutdown();
  });

  it('keeps the tree as read, says so, and answers meanwhile', async () => {
    hang.disarm(); // first read: the mount answers
    s = await hang.start({ folder: ws, settings: { readTimeout: 0.4 } });
    const bob = path.join(events, 'regular_bob');
    s.open(bob);
    await s.diags(bob);
    const before = await s.request('textDocument/definition', s.at(bob, 'failover_event=', 'failover_event='.length + 2));
    assert.ok(before && (!Array.isArray(before) || before.length), 'definition before the hang');
    hang.arm();
    fs.appendFileSync(path.join(events, 'simple'), '# touched\n');
    s.watched([[path.join(events, 'simple'), 2]]);
    await s.until(() => stallShown(s).length, 'the stall message', 15000);
    assert.match(stallShown(s)[0], /events\/simple: the file system has not answered/);
    const during = await s.request('textDocument/definition', s.at(bob, 'failover_event=', 'failover_event='.length + 2));
    assert.deepEqual(during, before, 'the tree as last read still answers');
    // the client's shutdown/exit still ends the process though a reading thread is stuck
    const code = await s.shutdown();
    s = undefined;
    assert.notEqual(code, 'timeout');
  });
});
