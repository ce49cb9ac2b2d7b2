// Issue #6: hostile trees, faults and trust. The real CLI (status and lint) on
// every case of test/gen/hostile.mjs: it ends (spawnSync's 20 s timeout is a
// hang guard, not a timing assertion), exits 0 or 1, says what is wrong in one
// line per problem, never prints a stack trace, RangeError or out-of-memory,
// and gives hcron's answer where it is known. Then files that vanish or turn
// unreadable while the tree is read, resource caps, and trust: nothing outside
// the tree is read, nothing is executed or written.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import * as child_process from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { CASES, BASE, SECRET, buildCase, writeFiles } from '../gen/hostile.mjs';
import { cli, repo, tmpdir } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');

const HANG_GUARD_MS = 20_000;
const BAD_STDERR = /RangeError|heap out of memory|Maximum call stack|internal error|\n\s+at |^\s+at /m;

/** Run the real CLI with a hang guard. */
function runCli(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cli, args, { maxBuffer: 1 << 30, timeout: HANG_GUARD_MS, killSignal: 'SIGKILL', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const raw = r.stdout ?? Buffer.alloc(0);
  return { code: r.status, signal: r.signal, error: r.error, raw, stdout: raw.toString('utf8'), stderr: (r.stderr ?? '').toString('utf8'), ms };
}

/** The checks every run must pass, whatever the tree. */
function assertSane(r, what) {
  assert.equal(r.error?.code, undefined, `${what}: ${r.error?.message}`);
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} (hang guard ${HANG_GUARD_MS} ms)`);
  assert.ok(r.code === 0 || r.code === 1, `${what}: exit status ${r.code}\n${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, BAD_STDERR, `${what}: ${r.stderr.slice(0, 500)}`);
  for (const line of r.stderr.split('\n').filter(Boolean))
    assert.match(line, /^hcron-check: |^\d+ findings?, \d+ errors?$/, `${what}: stderr line ${JSON.stringify(line.slice(0, 200))}`);
}

const statusNames = (stdout) => new Map(stdout.split('\n').filter(Boolean).map((l) => {
  const [status, , ...rest] = l.split(':');
  return [rest.join(':'), status];
}));

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
/** Can the CLI run as nobody (tests run as root in CI, where permissions deny nothing)? */
const nobodyWorks = isRoot && spawnSync(process.execPath, ['-e', `require(${JSON.stringify(cli)}.replace(/bin\\/hcron-check$/, 'dist/engine.js'))`], { uid: NOBODY, gid: NOBODY, timeout: 10_000 }).status === 0;

const out = tmpdir('hcron-hostile-');
fs.chmodSync(out, 0o755); // readable by nobody for the permission case
const timings = [];

describe('hostile trees: hcron-check status and lint', () => {
  const dirs = new Map();
  before(() => {
    for (const c of CASES) dirs.set(c.name, buildCase(c.name, out));
  });

  for (const c of CASES) {
    test(`${c.name}: ${c.about}`, { timeout: 120_000 }, (t) => {
      const events = dirs.get(c.name);
      const asNobody = c.name === 'permission-denied' && nobodyWorks;
      const opts = asNobody ? { uid: NOBODY, gid: NOBODY } : {};
      const st = runCli(['status', events], opts);
      assertSane(st, `${c.name} status`);
      const li = runCli(['lint', '--format', 'json', events], opts);
      assertSane(li, `${c.name} lint`);
      timings.push({ name: c.name, status: st.ms, lint: li.ms, lines: st.stdout.split('\n').filter(Boolean).length, findings: JSON.parse(li.stdout).length, stderr: st.stderr.split('\n')[0] });
      t.diagnostic(`status ${st.ms.toFixed(0)} ms, lint ${li.ms.toFixed(0)} ms`);

      let e = c.expect;
      if (c.name === 'permission-denied') e = isRoot && !asNobody ? e.asRoot : e.asUser;
      // byte for byte: a name that is not UTF-8 is printed as its bytes, like hcron (lone surrogates in the expectation)
      if (typeof e.status === 'string') assert.equal(st.raw.toString('latin1'), engine.encodeSurrogateEscape(e.status).toString('latin1'));
      else if (e.status?.head) assert.ok(st.stdout.startsWith(e.status.head), st.stdout.slice(0, 300));
      if (e.statusLines !== undefined) assert.equal(st.stdout.split('\n').filter(Boolean).length, e.statusLines);
      const names = statusNames(st.stdout);
      for (const n of e.accepted ?? []) assert.equal(names.get(n), 'accepted', `${n} accepted`);
      for (const n of e.absent ?? []) assert.ok(!names.has(n), `${n} absent`);
      for (const n of e.rejected ?? []) assert.equal(names.get(n), 'rejected', `${n} rejected`);
      if (e.stderr) {
        assert.match(st.stderr, e.stderr);
      } else assert.equal(st.stderr, '', 'nothing to say');
      const codes = new Set(JSON.parse(li.stdout).map((f) => f.code));
      for (const code of e.lintCodes ?? []) assert.ok(codes.has(code), `lint reports ${code} (got ${[...codes].join(', ')})`);
      for (const f of JSON.parse(li.stdout)) assert.ok(f.message.length <= 1200, `clipped message (${f.message.length})`);
      if (e.secret) for (const o of [st.stdout, st.stderr, li.stdout, li.stderr]) assert.ok(!o.includes(e.secret), 'content from outside the tree');
    });
  }

  test('lint text output and expand on the hostile trees', { timeout: 120_000 }, () => {
    for (const name of ['line-2mb', 'continuations-100000', 'assignments-50000', 'nested-refs', 'unicode-text']) {
      const events = dirs.get(name);
      const li = runCli(['lint', events]);
      assertSane(li, `${name} lint text`);
      for (const line of li.stdout.split('\n').filter(Boolean)) assert.ok(line.length < 1500, `${name}: a ${line.length}-character lint line`);
    }
    const ex = runCli(['expand', dirs.get('nested-refs'), '--event', '/defined2000', '--format', 'json']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(ex.signal, null);
    const ex2 = runCli(['expand', dirs.get('line-2mb'), '--event', '/cmd', '--format', 'json']);
    assert.equal(ex2.code, 0, ex2.stderr);
    assert.ok(JSON.parse(ex2.stdout).command.length > 1_000_000);
  });

  test('timings (diagnostic only)', (t) => {
    for (const x of timings) t.diagnostic(`${x.name.padEnd(22)} status ${x.status.toFixed(0).padStart(6)} ms  lint ${x.lint.toFixed(0).padStart(6)} ms  ${x.lines} status lines, ${x.findings} findings${x.stderr ? `  | ${x.stderr.slice(0, 100)}` : ''}`);
  });
});

// ----------------------------------------------------- permission denied

test('permission-denied: meaningful even as root', { skip: isRoot && !nobodyWorks ? 'root, and the CLI cannot run as nobody here' : false }, () => {
  const events = buildCase('permission-denied', tmpdir('hcron-perm-'));
  fs.chmodSync(path.dirname(path.dirname(events)), 0o755);
  const r = runCli(['status', events], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  assertSane(r, 'permission-denied');
  // hcron's reload stops at the first thing it cannot read: /b is a folder mode 000.
  assert.equal(r.stdout, 'accepted::/a\n');
  assert.match(r.stderr, /^hcron-check: events\/b: cannot list folder \(EACCES.*everything after it in walk order is missing$/m);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  // an unreadable file, first in walk order
  fs.chmodSync(path.join(events, 'b'), 0o755);
  const r2 = runCli(['status', events], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  assert.equal(r2.stdout, 'accepted::/a\naccepted::/b/x\naccepted::/c\n');
  assert.match(r2.stderr, /^hcron-check: events\/d\/m: cannot read file \(EACCES/m);
  const li = runCli(['lint', events], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  assertSane(li, 'lint');
  assert.match(li.stdout, /error: unreadable: cannot read file/);
});

// ---------------------------------------- files that change while being read

describe('files deleted, renamed or made unreadable while the tree is read', () => {
  /** Run fn with some node:fs functions replaced (the engine bundle reads node:fs through live getters). */
  function withFs(patch, fn) {
    const real = require('node:fs');
    const saved = {};
    for (const k of Object.keys(patch)) {
      saved[k] = real[k];
      real[k] = patch[k](saved[k]);
    }
    try {
      return fn();
    } finally {
      Object.assign(real, saved);
    }
  }
  const judge = (events, limits) => {
    const config = engine.makeConfig(null, {});
    const ctx = engine.configContext(config, 'h', 'h');
    const scan = engine.scanEventsDir(events, limits);
    const loaded = engine.judgeScan(scan, config, ctx);
    return { scan, loaded, status: engine.formatRecords(loaded.verdict.records, 'es') };
  };

  test('a file deleted between the listing and the read: reported as vanished, the rest is read', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, b: BASE, c: BASE });
    const { scan, status } = withFs(
      { openSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}b`)) fs.rmSync(p);
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\naccepted::/c\n');
    assert.equal(scan.problems.length, 1);
    assert.match(scan.problems[0].message, /^vanished while the tree was read \(ENOENT/);
    assert.equal(scan.problems[0].path, 'events/b');
  });

  test('a file renamed after the listing: the old name vanished, the new one is not seen in this pass', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, b: BASE, c: BASE });
    const { scan, status } = withFs(
      { openSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}a`)) fs.renameSync(p, path.join(path.dirname(p), 'zz'));
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/b\naccepted::/c\n');
    assert.deepEqual(scan.problems.map((p) => p.path), ['events/a']);
  });

  test('a listed entry that is gone before lstat (a link or special file): vanished', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, l: { link: 'a' } });
    const { scan, status } = withFs(
      { lstatSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}l`)) {
          const e = new Error(`ENOENT: no such file or directory, lstat '${p}'`);
          e.code = 'ENOENT';
          throw e;
        }
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\n');
    assert.deepEqual(scan.problems.map((p) => [p.path, p.kind]), [['events/l', 'vanished']]);
  });

  test('a file made unreadable before the read: hcron\'s reload stops there, and it says so', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, b: BASE, c: BASE });
    const { scan, status } = withFs(
      { openSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}b`)) {
          const e = new Error(`EACCES: permission denied, open '${p}'`);
          e.code = 'EACCES';
          throw e;
        }
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\n');
    assert.equal(scan.stoppedAt.path, 'events/b');
    assert.match(scan.stoppedAt.message, /cannot read file \(EACCES.*everything after it in walk order is missing/);
  });

  test('a read that fails half-way (I/O error, vanished mount): stops there with a message', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, b: BASE, c: BASE });
    let target = -1;
    const { scan, status } = withFs(
      {
        openSync: (orig) => (p, ...rest) => {
          const fd = orig(p, ...rest);
          if (p.endsWith(`${path.sep}b`)) target = fd;
          return fd;
        },
        readSync: (orig) => (fd, ...rest) => {
          if (fd === target) {
            const e = new Error('EIO: i/o error, read');
            e.code = 'EIO';
            throw e;
          }
          return orig(fd, ...rest);
        },
      },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\n');
    assert.match(scan.stoppedAt.message, /^cannot read file \(EIO/);
  });

  test('a folder deleted while it is walked: the walk stops there with a message', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, 'd/x': BASE, e: BASE });
    const { scan, status } = withFs(
      { readdirSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}d`)) fs.rmSync(p, { recursive: true });
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\n');
    assert.match(scan.stoppedAt.message, /^cannot list folder \(ENOENT/);
  });

  test('a file turned into a FIFO between listing and read: not blocked, not an event', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { a: BASE, b: BASE });
    const { status, loaded } = withFs(
      { openSync: (orig) => (p, ...rest) => {
        if (p.endsWith(`${path.sep}b`) && fs.lstatSync(p).isFile()) {
          fs.rmSync(p);
          child_process.execFileSync('mkfifo', [p]);
        }
        return orig(p, ...rest);
      } },
      () => judge(events),
    );
    assert.equal(status, 'accepted::/a\n');
    assert.equal(loaded.tree.dropped[0]?.reason, 'not-a-file');
  });

  test('a real race: another process deletes and renames files while hcron-check reads 20,000 of them', { timeout: 120_000 }, async () => {
    const events = path.join(tmpdir(), 'events');
    for (let d = 0; d < 20; d++) {
      fs.mkdirSync(path.join(events, `d${String(d).padStart(2, '0')}`), { recursive: true });
      for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(events, `d${String(d).padStart(2, '0')}`, `f${String(i).padStart(4, '0')}`), BASE);
    }
    const deleter = spawn(process.execPath, ['-e', `
      const fs = require('fs'), path = require('path');
      const root = ${JSON.stringify(events)};
      for (let d = 19; d >= 0; d--) {
        const dir = path.join(root, 'd' + String(d).padStart(2, '0'));
        for (let i = 0; i < 1000; i += 3) {
          const f = path.join(dir, 'f' + String(i).padStart(4, '0'));
          try { if (i % 2) fs.renameSync(f, f + '.moved'); else fs.rmSync(f); } catch {}
        }
      }
    `]);
    const cliRun = new Promise((resolve) => {
      const p = spawn(cli, ['status', events]);
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      const guard = setTimeout(() => p.kill('SIGKILL'), HANG_GUARD_MS);
      p.on('close', (code, signal) => {
        clearTimeout(guard);
        resolve({ code, signal, stdout, stderr });
      });
    });
    const [r] = await Promise.all([cliRun, new Promise((res) => deleter.on('close', res))]);
    assertSane(r, 'race');
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length > 0 && lines.length <= 20_000);
    for (const l of lines) assert.match(l, /^accepted:(maximum events reached)?:\/d\d\d\/f\d{4}(\.moved)?$/);
    for (const l of r.stderr.split('\n').filter(Boolean)) assert.match(l, /^hcron-check: (events\/d\d\d\/f\d{4}(\.moved)?: vanished while the tree was read|\.\.\. and \d+ more problems|events: hcron reload would refuse this tree)/);
  });
});

// ------------------------------------------------------------ resource caps

describe('resource caps: --max-files and --max-file-bytes', () => {
  test('--max-files N: reads N files and folders, then says so', () => {
    const spec = {};
    for (let i = 0; i < 30; i++) spec[`f${String(i).padStart(2, '0')}`] = BASE;
    const events = writeFiles(path.join(tmpdir(), 'events'), spec);
    const r = runCli(['status', '--max-files', '10', events]);
    assertSane(r, 'max-files');
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 9); // events itself + 9 files
    assert.match(r.stderr, /^hcron-check: events: more than the cap of 10 files and folders: the rest of the tree was not read \(raise it with --max-files N\)$/m);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const li = runCli(['lint', '--max-files=10', events]);
    assertSane(li, 'lint max-files');
    assert.match(li.stdout, /warning: scan: more than the cap of 10 files and folders/);
    assert.equal(runCli(['status', events]).stdout.split('\n').filter(Boolean).length, 30);
  });

  test('--max-file-bytes N: reads the first N bytes, never mistakes a cut character for invalid UTF-8', () => {
    const events = writeFiles(path.join(tmpdir(), 'events'), { big: BASE + 'X=' + 'é'.repeat(200) + '\n', small: BASE });
    const r = runCli(['status', '--max-file-bytes', String(Buffer.byteLength(BASE) + 3), events]); // cuts inside an é
    assertSane(r, 'max-file-bytes');
    assert.equal(r.stdout, 'accepted::/big\naccepted::/small\n'); // read as BASE + "X=": the half character is left out
    assert.match(r.stderr, /^hcron-check: events\/big: \d+ bytes, more than the cap of \d+: only the first \d+ bytes were read, and its verdict is computed on them \(raise it with --max-file-bytes N\)$/m);
    assert.doesNotMatch(r.stderr, /not UTF-8/);
  });

  test('bad cap values are usage errors (exit 2, no stack trace)', () => {
    for (const v of ['0', '-1', 'abc', '1e9', '99999999999999999999']) {
      const r = runCli(['status', '--max-files', v, '.']);
      assert.equal(r.code, 2, v);
      assert.match(r.stderr, /^hcron-check: --max-files wants a positive whole number/);
      assert.doesNotMatch(r.stderr, BAD_STDERR);
    }
  });
});

// ------------------------------------------------------------------- trust

describe('trust: reads only the tree, executes nothing, writes nothing', () => {
  test('a symlink out of the tree is dropped and reported, its content never shown (status, expand, lint)', () => {
    const events = buildCase('links-out', tmpdir('hcron-trust-'));
    const outputs = [];
    const st = runCli(['status', '--format', 'all', events]);
    assertSane(st, 'status');
    outputs.push(st);
    for (const name of ['/out', '/abs', '/through', '/sub/up2', '/outdir']) assert.ok(!statusNames(st.stdout).has(name), `${name} absent`);
    const li = runCli(['lint', '--format', 'json', events]);
    assertSane(li, 'lint');
    outputs.push(li);
    const findings = JSON.parse(li.stdout);
    const dropped = (n) => findings.find((f) => f.code === 'dropped' && f.event === n);
    assert.match(dropped('/out').message, /symlink leaves the events\/ tree/);
    assert.match(dropped('/sub/up2').message, /symlink leaves the events\/ tree/);
    assert.match(dropped('/abs').message, /absolute symlink/);
    assert.match(dropped('/through').message, /leaves the events\/ tree/);
    for (const n of ['/inc', '/inc2', '/inc3'])
      assert.ok(findings.some((f) => f.code === 'include-failed' && f.event === n && /outside the events\/ tree/.test(f.message)), `${n} include rejected as outside the tree`);
    const ok = runCli(['expand', events, '--event', '/ok']);
    outputs.push(ok);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /error: chained event \(\/out\) does not exist\./);
    for (const n of ['/out', '/abs', '/through']) {
      const ex = runCli(['expand', events, '--event', n, '--format', 'json']);
      outputs.push(ex);
      assert.equal(ex.code, 2);
      assert.match(ex.stderr, /not an event hcron loads: hcron drops it/);
    }
    for (const o of outputs) assert.ok(!(o.stdout + o.stderr).includes(SECRET), 'the outside file\'s content leaked');
    // include ../../outside is rejected like hcron (cannot process include(s))
    assert.match(st.stdout, /^rejected:unknown:cannot process include\(s\):\/inc2$/m);
  });

  test('in-process: every file the engine opens, lists or stats is inside the tree; nothing is executed or written', () => {
    const events = buildCase('links-out', tmpdir('hcron-trust-'));
    const root = path.resolve(events);
    const real = require('node:fs');
    const cp = require('node:child_process');
    const touched = [];
    const writes = [];
    const spawned = [];
    const restore = [];
    const replace = (obj, name, make) => {
      const orig = obj[name];
      restore.push(() => (obj[name] = orig));
      obj[name] = make(orig);
    };
    for (const n of ['readFileSync', 'readdirSync', 'lstatSync', 'statSync', 'readlinkSync', 'realpathSync', 'opendirSync', 'existsSync', 'accessSync'])
      replace(real, n, (orig) => function (...a) {
        touched.push([n, String(a[0])]);
        return orig.apply(this, a);
      });
    replace(real, 'openSync', (orig) => function (p, flags, ...rest) {
      touched.push(['openSync', String(p)]);
      if (flags !== undefined && flags !== 'r' && (typeof flags !== 'number' || (flags & 3) !== 0)) writes.push(['openSync', String(p), flags]);
      return orig.call(this, p, flags, ...rest);
    });
    for (const n of ['writeFileSync', 'appendFileSync', 'mkdirSync', 'rmSync', 'unlinkSync', 'renameSync', 'symlinkSync', 'chmodSync', 'writeSync', 'copyFileSync', 'truncateSync'])
      replace(real, n, (orig) => function (...a) {
        writes.push([n, String(a[0])]);
        return orig.apply(this, a);
      });
    for (const n of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'])
      replace(cp, n, () => (...a) => {
        spawned.push([n, a[0]]);
        throw new Error('the engine must not execute anything');
      });
    try {
      const config = engine.makeConfig(null, {});
      const ctx = engine.configContext(config, 'h', 'h');
      const loaded = engine.loadEventsDir(events, config, ctx);
      const state = engine.stateFromJudgements(loaded.tree, loaded.src, ctx, config, loaded.verdict.judgements, loaded.verdict.records, { problems: loaded.scan.problems });
      const findings = engine.lintAll(state, loaded.verdict.judgements);
      const j = loaded.byName.get('/ok').judgement;
      const act = engine.activate(j, { trigger: 'clock', chain: '/ok', at: new Date(2026, 0, 1), user: 'u', serverName: 'h', hostName: 'h' }, config, (n) => {
        const e = loaded.byName.get(n);
        return e && { runnable: e.judgement.runnable, reason: e.record.reason };
      });
      const everything = JSON.stringify({ findings, vars: [...act.late.vars], files: [...loaded.scan.files.values()].map((f) => f.text) });
      assert.ok(!everything.includes(SECRET), 'outside content reached the engine');
    } finally {
      for (const undo of restore.reverse()) undo();
    }
    assert.ok(touched.length > 0);
    for (const [name, p] of touched) assert.ok(path.resolve(p) === root || path.resolve(p).startsWith(root + path.sep), `${name}(${p}) is outside the tree`);
    assert.deepEqual(writes, []);
    assert.deepEqual(spawned, []);
  });

  test('the engine bundle has no way to execute or send anything', () => {
    const src = fs.readFileSync(path.join(repo, 'dist/engine.js'), 'utf8');
    for (const m of ['child_process', 'node:net', 'node:http', 'node:https', 'node:dgram', 'nodemailer', 'eval(', 'new Function'])
      assert.ok(!src.includes(m), `dist/engine.js mentions ${m}`);
  });
});
