// hcron-check status reads on a second thread and judges while the texts
// arrive (server/src/cli/parallelStatus.ts); HCRON_CHECK_THREADS=1 keeps the
// serial path, =2 the parallel one (unset: two threads when a core is free). Both must print the same bytes and exit alike on every tree:
// includes that arrive after their includers, files that are not UTF-8, hard
// links (the tree as read differs from the names), caps. The time-boxed reads
// of the reading thread: the hung and slow mounts of readtimeout.test.mjs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { BASE, casesTree, cli, repo, run, seedTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const serial = { env: { ...process.env, HCRON_CHECK_THREADS: '1' } };
const parallel = { env: { ...process.env, HCRON_CHECK_THREADS: '2' } };

function same(args) {
  const a = run(args, parallel);
  const b = run(args, serial);
  assert.equal(a.stderr, b.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.code, b.code);
  return a;
}

/** n events, most including files that come after them in walk order (parts of 500 members). */
function lateIncludes(n) {
  const events = path.join(tmpdir(), 'events');
  const spec = {};
  for (let i = 0; i < n; i++) {
    const lines = [`command=/bin/echo ${i} $HCRON_EVENT_NAME[-1]`];
    if (i % 3 === 0) lines.push('include /zz/late');
    if (i % 7 === 0) lines.push('include ../zz/nested');
    if (i % 11 === 0) lines.push('include /zz/missing');
    if (i % 13 === 0) lines.push('when_minute=99');
    if (i % 17 === 0) lines.push('template_name=e' + i);
    spec[`a${String(i % 10)}/e${i}`] = BASE.replace('command=/bin/true\n', '') + lines.join('\n') + '\n';
  }
  spec['zz/late'] = 'host=late.example.com\nnotify_message=$HCRON_EVENT_NAME\n';
  spec['zz/nested'] = 'include /zz/late\nas_user=nobody\n';
  for (let k = 0; k < 20; k++) spec[`links/l${k}`] = { link: `../a${k % 10}/e${k * 10 + (k % 10)}` };
  spec['links/dangling'] = { link: '../nowhere' };
  return writeTree(events, spec);
}

test('status: two threads print what one prints on the seed and the edge-case tree (hard links, a FIFO)', () => {
  for (const tree of [seedTree(), casesTree()])
    for (const format of ['all', 'json']) same(['status', '--format', format, '--set', 'max_events_per_user=100000', tree]);
});

test('status: includes that arrive after their includers, symlinks, every format and the max_events_per_user overwrite', () => {
  const tree = lateIncludes(3000);
  const r = same(['status', '--format', 'all', '--set', 'max_events_per_user=100000', tree]);
  assert.match(r.stdout, /accepted:normal:passed:\/a3\/e3\n/);
  for (const format of ['es', 'status', 'json']) same(['status', '--format', format, tree]);
});

test('status: a file that is not UTF-8 late in the tree: no event at all, after the others were judged', () => {
  const tree = lateIncludes(1500);
  writeTree(tree, { 'zz/zbad': { bytes: [0x61, 0x3d, 0xff, 0x0a] } });
  const r = same(['status', '--format', 'all', tree]);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /zz\/zbad: not UTF-8/);
});

test('status: the snapshot estimate archives a file that is not UTF-8 as its lossy text, as one thread does', () => {
  const tree = lateIncludes(1500);
  // 600 bytes that are not UTF-8: 1,800 once decoded and encoded again (the serial scan's text), another 512-byte record
  writeTree(tree, { 'a0/0bad': { bytes: Array.from({ length: 600 }, () => 0xff) } });
  const r = same(['status', '--set', 'max_hcron_tree_snapshot_size=1000', tree]);
  assert.match(r.stderr, /compressed snapshot (at least|about) \d+ bytes > max_hcron_tree_snapshot_size 1000/);
});

test('status: hard links (the tree as read is not the tree of the names) and the resource caps', () => {
  const tree = lateIncludes(1200);
  fs.linkSync(path.join(tree, 'zz/late'), path.join(tree, 'a0/hard'));
  fs.linkSync(path.join(tree, 'a5/e5'), path.join(tree, 'a0/zhard'));
  same(['status', '--format', 'all', '--set', 'max_events_per_user=100000', tree]);
  for (const cap of [['--max-files', '700'], ['--max-files', '1'], ['--max-file-bytes', '40'], ['--max-file-bytes', '1']]) {
    const r = same(['status', '--format', 'all', ...cap, tree]);
    assert.match(r.stderr, /cap of/);
  }
});

test('status: a realistic tree (shared includes, symlinked templates, chains)', () => {
  const events = path.join(tmpdir(), '.hcron', 'r.example.com', 'events');
  generateRealistic(events, { events: 2500 });
  same(['status', '--format', 'all', '--set', 'max_events_per_user=1000000', events]);
  same(['status', events]);
});

test('status: an events folder that is a symlink, and an empty one', () => {
  const dir = tmpdir();
  const real = writeTree(path.join(dir, 'real'), { a: BASE });
  fs.symlinkSync(real, path.join(dir, 'events'));
  same(['status', path.join(dir, 'events')]);
  fs.mkdirSync(path.join(dir, 'empty'));
  same(['status', path.join(dir, 'empty')]);
});

/** Two threads, with reads of paths containing `match` hung (a FIFO nobody writes) or slowed (test/helpers/hang-fs.cjs). */
function hung(hang, args, direct = false) {
  const env = { ...parallel.env, HCRON_TEST_HANG: JSON.stringify(hang), NODE_OPTIONS: `--require ${path.join(repo, 'test/helpers/hang-fs.cjs')}` };
  const [cmd, a] = direct ? [process.execPath, [path.join(repo, 'dist/cli.js'), ...args]] : [cli, args];
  const r = spawnSync(cmd, a, { encoding: 'utf8', env, timeout: 30_000, killSignal: 'SIGKILL' });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('status on two threads: a read of the reading thread that never returns (a file, a folder) ends in the one line, exit 1', () => {
  const tree = lateIncludes(600);
  for (const match of ['a4/e44', 'a7', 'zz']) {
    const fifo = path.join(tmpdir('hcron-fifo-'), 'never-written');
    execFileSync('mkfifo', [fifo]);
    for (const direct of [false, true]) {
      const r = hung({ match, fifo }, ['status', '--read-timeout', '0.4', tree], direct);
      if (direct) assert.equal(r.signal, 'SIGINT', r.stderr);
      else assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^hcron-check: .*events/${match}: the file system has not answered for 0\\.\\d s \\(a slow or vanished mount\\?\\); stopped without a verdict\n$`));
    }
  }
});

test('status on two threads: a slow mount still gets the verdict of an unhindered run', () => {
  const tree = lateIncludes(300);
  const r = hung({ match: 'a3', sleepMs: 150 }, ['status', '--format', 'all', '--read-timeout', '5', tree]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, run(['status', '--format', 'all', tree], serial).stdout);
});

test('status on two threads: a file that cannot be opened (hcron stops there) or that vanished after the listing: the serial answer', () => {
  const tree = lateIncludes(1200);
  for (const [match, errno] of [['a4/e404', 'EACCES'], ['a6/e606', 'ENOENT'], ['zz/late', 'EACCES']]) {
    const env = { HCRON_TEST_HANG: JSON.stringify({ match, errno }), NODE_OPTIONS: `--require ${path.join(repo, 'test/helpers/hang-fs.cjs')}` };
    const a = run(['status', '--format', 'all', tree], { env: { ...parallel.env, ...env } });
    const b = run(['status', '--format', 'all', tree], { env: { ...serial.env, ...env } });
    assert.deepEqual(a, b, `${match} ${errno}`);
    assert.match(a.stderr, errno === 'EACCES' ? new RegExp(`events/${match}: cannot read file \\(EACCES`) : new RegExp(`events/${match}: vanished while the tree was read \\(ENOENT`));
  }
});

test('status on two threads: a tree far over max_hcron_tree_snapshot_size (the estimate is made while the files are still read)', () => {
  const events = path.join(tmpdir(), '.hcron', 'r.example.com', 'events');
  generateRealistic(events, { events: 9000 });
  const r = same(['status', events]);
  assert.match(r.stderr, /compressed snapshot at least \d+ bytes > max_hcron_tree_snapshot_size 262144/);
  same(['status', '--set', 'max_hcron_tree_snapshot_size=300000', events]);
});
