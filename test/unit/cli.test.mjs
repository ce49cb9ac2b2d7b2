// hcron-check on real trees on disk, compared with hcron's own outputs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { BASE, casesTree, cli, repo, run, seedTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const fixture = (f) => fs.readFileSync(path.join(repo, 'test/fixtures/cases', f), 'utf8');

// Spec Appendix A: hcron's status on the seed tree.
const SEED_STATUS = `accepted::/failover/bob@abc.xyz
rejected:template:/failover/common
rejected:template:/failover/email_target_template
accepted::/failover/pager@abc.xyz
accepted::/failover/webmaster@abc.xyz
rejected:template:/failover_simple
accepted::/regular_bob
accepted::/regular_common
accepted::/simple
`;

test('status on the seed tree is hcron\'s (spec Appendix A)', () => {
  const r = run(['status', seedTree()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, SEED_STATUS);
});

test('status on the fixed seed: every /failover/ entry is a template', () => {
  const out = run(['status', seedTree(undefined, { fixed: true })]).stdout;
  const failover = out.split('\n').filter((l) => l.includes(':/failover/'));
  assert.equal(failover.length, 5);
  for (const l of failover) assert.match(l, /^rejected:template:\/failover\//);
});

const cases = casesTree();
for (const limit of ['25', '100000'])
  for (const format of ['es', 'all', 'status', 'json'])
    test(`status --format ${format} on the edge-case tree at max_events_per_user=${limit} equals hcron's`, () => {
      const args = ['status', '--format', format, ...(limit === '25' ? [] : ['--set', `max_events_per_user=${limit}`]), cases];
      const r = run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, fixture(`status-${limit}.${format}`));
    });

test('the edge-case tree really has a hard link and a FIFO (or the test proves nothing)', () => {
  assert.equal(fs.statSync(path.join(cases, 'hard/a_hardlink')).nlink, 2);
  assert.ok(fs.lstatSync(path.join(cases, 'ign/a_fifo')).isFIFO());
});

test('expand: the symlinked template run as /regular_bob\'s failover', () => {
  const events = seedTree();
  const r = run(['expand', events, '--event', '/failover/bob@abc.xyz', '--after', '/regular_bob', '--trigger', 'failover', '--at', '202611241230', '--server-name', 'hcron.example.com', '--fqdn', 'hcron.example.com', '--format', 'json'], { env: { ...process.env, TZ: 'UTC' } });
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.notify_email, 'bob@abc.xyz');
  assert.equal(v.notify_message, 'Failed event (/regular_bob)');
  assert.equal(v.HCRON_EVENT_CHAIN, '/regular_bob:/failover/bob@abc.xyz');
  assert.equal(v.HCRON_SELF_CHAIN, '/failover/bob@abc.xyz');
  assert.equal(v.HCRON_TRIGGER_NAME, 'failover');
  assert.equal(v.HCRON_TRIGGER_ORIGIN, '/failover/bob@abc.xyz');
  assert.equal(v.HCRON_SCHEDULE_DATETIME, '2026:11:24:12:30:00:47:2');
  assert.equal(v.HCRON_SCHEDULE_EPOCHTIME, '1795523400');
  assert.equal(v.template_name, 'email_target_template');
  assert.deepEqual(Object.keys(v).slice(0, 7), ['when_year', 'template_name', 'HCRON_EVENT_CHAIN', 'HCRON_EVENT_NAME', 'HCRON_HOST_NAME', 'HCRON_SERVER_NAME', 'HCRON_SELF_CHAIN']);
});

test('expand text: the mail and the chained failover of /simple', () => {
  const events = seedTree();
  const simple = run(['expand', events, '--event', '/simple', '--at', '202611241230']).stdout;
  assert.match(simple, /^HCRON_EVENT_CHAIN=\/simple$/m);
  assert.match(simple, /^queued: \/failover_simple {2}trigger=failover {2}HCRON_EVENT_CHAIN=\/simple:\/failover_simple$/m);
  const fo = run(['expand', events, '--event', '/failover_simple', '--after', '/simple', '--trigger', 'failover', '--server-name', 'hcron.example.com', '--user', 'root']).stdout;
  assert.match(fo, /^mail\.to=<email address>$/m);
  assert.match(fo, /^mail\.subject=hcron \(hcron\.example\.com\): "\/failover_simple" executed at root@localhost$/m);
  assert.match(fo, /^mail\.body="Failed event \(\/simple\)"$/m);
});

test('expand refuses events hcron does not keep, with one line', () => {
  const events = writeTree(path.join(tmpdir(), 'events'), { bad: BASE + 'no equals here\n', dangling: { link: 'nowhere' } });
  let r = run(['expand', events, '--event', '/bad']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^hcron-check: \/bad: rejected \(bad definition\)/);
  r = run(['expand', events, '--event', '/dangling']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /dangling-link/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('lint: positions, codes, severities and exit status', () => {
  const events = writeTree(path.join(tmpdir(), 'events'), {
    a: BASE.replace('when_minute=*', 'when_minute=5,61') + 'failover_event=missing\n',
    b: BASE + 'notify_mesage=typo\n',
  });
  const r = run(['lint', events]);
  assert.equal(r.code, 1, 'an error finding makes exit status 1');
  const lines = r.stdout.trim().split('\n');
  const rel = path.relative(process.cwd(), events);
  assert.ok(lines.includes(`${rel}/a:9:13: error: hcron-status: rejected: bad when_* setting — when_minute=5,61: "61" is outside 0-59`), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`${rel}/a:9:15: error: bad-when: when_minute: "61" is outside 0-59`)), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`${rel}/a:11:16: warning: chain-missing: failover_event target /missing does not exist`)), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`${rel}/b:11:1: warning: unknown-field: "notify_mesage" is not a field hcron reads`)), r.stdout);
  const clean = writeTree(path.join(tmpdir(), 'events'), { ok: BASE.replace('h1.example.com', 'h2.example.com') });
  const c = run(['lint', clean]);
  assert.equal(c.code, 0, c.stdout);
  assert.equal(c.stdout, '');
});

test('lint --format json on the seed names the three scheduled symlinks', () => {
  const r = run(['lint', '--format', 'json', seedTree()]);
  assert.equal(r.code, 0, r.stderr);
  const f = JSON.parse(r.stdout).find((x) => x.code === 'symlinked-template');
  assert.ok(f, 'symlinked-template finding');
  assert.match(f.file, /email_target_template$/);
  assert.equal(f.line, 11);
  for (const n of ['/failover/bob@abc.xyz', '/failover/pager@abc.xyz', '/failover/webmaster@abc.xyz']) assert.ok(f.message.includes(n));
});

test('bad usage and unreadable input: exit 2 and one line, never a stack trace', () => {
  for (const args of [['nope'], ['status'], ['status', '/no/such/dir'], ['status', '--format', 'xml', '.'], ['expand', '.'], ['status', '--config', '/no/such.conf', '.'], ['lint']]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a tree whose compressed snapshot is over max_hcron_tree_snapshot_size: reload would refuse it', () => {
  const events = seedTree();
  const st = run(['status', '--set', 'max_hcron_tree_snapshot_size=500', events]);
  assert.equal(st.code, 0);
  assert.match(st.stderr, /hcron reload would refuse this tree \(compressed snapshot about \d+ bytes > max_hcron_tree_snapshot_size 500\)/);
  const lint = run(['lint', '--set', 'max_hcron_tree_snapshot_size=500', events]);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /error: snapshot-too-big: hcron reload will refuse this tree/);
  assert.doesNotMatch(run(['lint', events]).stdout, /snapshot-too-big/);
});

test('with 2>&1 into a slow pipe, the notes come after the last line, never inside one (status and lint)', () => {
  // more output than a pipe holds (64 KiB), read late: the CLI's stdout is then written
  // asynchronously, and a note written at once to stderr went into the middle of a line
  const spec = {};
  for (let i = 0; i < 4000; i++) spec[`many/event${String(i).padStart(5, '0')}`] = BASE;
  const events = writeTree(path.join(tmpdir(), 'events'), spec);
  const through = (args) => {
    const r = spawnSync('sh', ['-c', '"$0" "$@" 2>&1 | (sleep 1; cat)', cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').slice(0, -1);
  };
  const st = through(['status', '--set', 'max_hcron_tree_snapshot_size=500', events]);
  assert.equal(st.length, 4001);
  assert.ok(st.slice(0, -1).every((l) => /^(accepted|rejected):[^:]*:\/many\/event\d{5}$/.test(l)), 'a status line was cut by the note');
  assert.match(st[st.length - 1], /^hcron-check: events: hcron reload would refuse this tree/);
  const lint = through(['lint', events]);
  assert.ok(lint.length > 3975 && lint.slice(0, -1).every((l) => /^\S+:\d+:\d+: \w+: [\w-]+: /.test(l)), 'a finding was cut by the summary');
  assert.match(lint[lint.length - 1], /^\d+ findings, 0 errors$/);
});
