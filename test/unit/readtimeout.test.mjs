// Time-boxed reads: a tree on a hung mount ends in one line and exit 1, a slow
// one still gets its verdict. The hang is real: test/helpers/hang-fs.cjs makes
// the chosen read a blocking open() of a FIFO nobody writes to, which no
// JavaScript can interrupt (only SIGKILL ends it, as on a hard NFS mount).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BASE, cli, repo, run, seedTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const preload = path.join(repo, 'test/helpers/hang-fs.cjs');

function fifo() {
  const f = path.join(tmpdir('hcron-fifo-'), 'never-written');
  execFileSync('mkfifo', [f]);
  return f;
}

/** The CLI with reads of paths containing `match` hung (fifo) or slowed (sleepMs). */
function runWith(hang, args, { direct = false } = {}) {
  const env = { ...process.env, HCRON_TEST_HANG: JSON.stringify(hang), NODE_OPTIONS: `--require ${preload}` };
  const cmd = direct ? [process.execPath, [path.join(repo, 'dist/cli.js'), ...args]] : [cli, args];
  // The test's own bound: if the time box failed, this kills it and the asserts below fail.
  const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', env, timeout: 30_000, killSignal: 'SIGKILL' });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function tree() {
  const events = path.join(tmpdir(), 'events');
  writeTree(events, { 'team/a': BASE, 'team/b': BASE, 'team/sub/c': BASE, 'z': BASE });
  return events;
}

const oneLine = (s) => {
  assert.equal(s.split('\n').filter(Boolean).length, 1, s);
  assert.doesNotMatch(s, /\n\s+at |Error:|RangeError/);
};

test('status: a file whose read never returns ends in one line naming it, exit 1', () => {
  const events = tree();
  const r = runWith({ match: 'team/b', fifo: fifo() }, ['status', '--read-timeout', '0.5', events]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '', 'no partial verdict');
  oneLine(r.stderr);
  assert.match(r.stderr, /^hcron-check: .*events\/team\/b: the file system has not answered for 0\.\d s \(a slow or vanished mount\?\); stopped without a verdict\n$/);
});

test('status: a folder whose listing never returns (readdir) is named too', () => {
  const events = tree();
  const r = runWith({ match: 'team/sub', fifo: fifo() }, ['status', '--read-timeout', '0.3', events]);
  assert.equal(r.code, 1, r.stderr);
  oneLine(r.stderr);
  assert.match(r.stderr, /events\/team\/sub: the file system has not answered/);
});

test('lint and expand are time-boxed as well, and so is reading --config', () => {
  const events = tree();
  const hung = fifo();
  let r = runWith({ match: 'team/a', fifo: hung }, ['lint', '--read-timeout', '0.3', events]);
  assert.equal(r.code, 1, r.stderr);
  oneLine(r.stderr);
  assert.match(r.stderr, /team\/a: the file system has not answered/);
  r = runWith({ match: 'team/a', fifo: hung }, ['expand', events, '--event', '/z', '--read-timeout', '0.3']);
  assert.equal(r.code, 1, r.stderr);
  oneLine(r.stderr);
  const conf = path.join(tmpdir(), 'hcron.conf');
  fs.writeFileSync(conf, '{}\n');
  r = runWith({ match: 'hcron.conf', fifo: hung }, ['status', '--config', conf, '--read-timeout', '0.3', events]);
  assert.equal(r.code, 1, r.stderr);
  oneLine(r.stderr);
  assert.match(r.stderr, /hcron\.conf: the file system has not answered/);
});

test('a slow mount (every read of a folder takes 400 ms) still gets its verdict, identical to an unhindered run', () => {
  const events = tree();
  const plain = run(['status', '--format', 'all', events]);
  assert.equal(plain.code, 0, plain.stderr);
  const r = runWith({ match: 'team', sleepMs: 400 }, ['status', '--format', 'all', '--read-timeout', '3', events]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, plain.stdout);
  assert.match(r.stdout, /\/team\/sub\/c/);
});

test('the time box is per read: the same slow mount with a shorter limit is given up on', () => {
  const events = tree();
  const r = runWith({ match: 'team', sleepMs: 2000 }, ['status', '--read-timeout', '0.5', events]);
  assert.equal(r.code, 1, r.stderr);
  oneLine(r.stderr);
});

test('run without bin/hcron-check (node dist/cli.js) the watchdog says it and ends the process (SIGINT)', () => {
  const events = tree();
  const r = runWith({ match: 'team/b', fifo: fifo() }, ['status', '--read-timeout', '0.3', events], { direct: true });
  assert.equal(r.signal, 'SIGINT');
  oneLine(r.stderr);
  assert.match(r.stderr, /team\/b: the file system has not answered/);
});

test('--read-timeout: bad values are usage errors; 0 turns it off and changes nothing else', () => {
  const events = seedTree();
  const r = run(['status', '--read-timeout', 'soon', events]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--read-timeout wants seconds/);
  const a = run(['status', events]);
  const b = run(['status', '--read-timeout', '0', events]);
  const c = run(['status', '--read-timeout=0', events]);
  assert.equal(a.code, 0);
  assert.equal(b.stdout, a.stdout);
  assert.equal(c.stdout, a.stdout);
});

test('exit statuses pass through bin/hcron-check, also when it is reached through a symlink (npm bin links)', () => {
  const link = path.join(tmpdir(), 'hcron-check');
  fs.symlinkSync(cli, link);
  const viaLink = spawnSync(link, ['status', seedTree()], { encoding: 'utf8' });
  assert.equal(viaLink.status, 0, viaLink.stderr);
  assert.equal(viaLink.stdout, run(['status', seedTree()]).stdout);
  assert.equal(run(['status', '/nonexistent/events']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['status', seedTree()]).code, 0);
});
