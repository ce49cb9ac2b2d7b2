// Shared by compare.mjs, make-fixtures.mjs and test/unit/oracle-fixtures.test.mjs:
// how to run hcron's oracle and our CLI the same way, and mask what depends on the clock.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../gen/random-tree.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'bin/hcron-check');
let cliCmd = [CLI];

/** Run a private copy of dist/cli.js and the threads it starts (watchdog, reading thread), so a concurrent `npm run build` cannot change them mid-run. */
export function snapshotCli() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-cli-'));
  for (const f of ['cli.js', 'watchdog.js', 'scan-worker.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dir, f));
  const copy = path.join(dir, 'cli.js');
  cliCmd = [process.execPath, copy];
  return copy;
}
const runCli = (args) => run(cliCmd[0], [...cliCmd.slice(1), ...args]);
export const ORACLE = process.env.HCRON_ORACLE ?? '/work/shared/tools/hcron-oracle/hcron_status.py';
/** Same names on both sides (the oracle's defaults), so HCRON_HOST_NAME/SERVER_NAME agree. */
export const NAMES = ['--server-name', 'hcron.example.com', '--fqdn', 'hcron.example.com'];
export const AT = '202611241230';
/** 'default' = hcron.conf.sample's 25; a number = --set max_events_per_user=N. */
export const limitArgs = (limit) => (limit === 'default' ? [] : ['--set', `max_events_per_user=${limit}`]);
// UTC: the *_UTC variables add the local offset; the epoch values use local time.
const ENV = { ...process.env, TZ: 'UTC' };

/** Run a program; resolves { code, stdout, stderr } (never rejects on exit codes). */
export function run(cmd, args) {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: ENV, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Run `fn` over `items` with at most `n` in flight, keeping order. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export const oracleStatus = (eventsDir, format, limit) => run('python3', [ORACLE, ...limitArgs(limit), '--format', format, eventsDir]);
export const cliStatus = (eventsDir, format, limit) => runCli(['status', '--format', format, ...limitArgs(limit), ...NAMES, eventsDir]);

/** Options of one expand run, shared by both tools. */
export function expandOptions(x) {
  return ['--event', x.event, '--trigger', x.trigger, ...(x.after ? ['--after', x.after] : []), '--at', x.at ?? AT, ...NAMES];
}

/** HCRON_JOBID/JOBGID/PJOBID come from the wall clock. */
export function maskJobIds(text) {
  return text.replace(/^(\s*"HCRON_(?:JOBID|JOBGID|PJOBID)": )".*"(,?)$/gm, '$1"<masked>"$2');
}

/** The oracle's --json block: from a line "{" to the next line "}". */
export function oracleJson(stdout) {
  const lines = stdout.split('\n');
  const a = lines.indexOf('{');
  if (a < 0) return null;
  const b = lines.indexOf('}', a);
  return b < 0 ? null : maskJobIds(lines.slice(a, b + 1).join('\n') + '\n');
}

export async function oracleExpand(eventsDir, x) {
  const r = await run('python3', [ORACLE, eventsDir, ...expandOptions(x), '--json']);
  return oracleJson(r.stdout) ?? `(no JSON: exit ${r.code}) ${r.stderr.trim()}\n`;
}

export async function cliExpand(eventsDir, x) {
  const r = await runCli(['expand', eventsDir, ...expandOptions(x), '--format', 'json']);
  return r.code === 0 ? maskJobIds(r.stdout) : `(no JSON: exit ${r.code}) ${r.stderr.trim()}\n`;
}

/** Records of a `--format all` listing: status:type:reason:name (reasons hold no ':'). */
export function parseAll(text) {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [status, type, reason, ...rest] = l.split(':');
      return { status, type, reason, name: rest.join(':') };
    });
}

/** hcron keeps the definition (chain-runnable) for these reasons (spec 9.1). */
export function runnable(reason) {
  return reason === 'passed' || reason === 'template' || reason === 'bad when_* setting' || reason.startsWith('not fully specified');
}

/** A deterministic sample of expand runs: clock, failover after A, next after A:B (and some on-demand). */
export function pickExpands(records, seed, count, { varyAt = false } = {}) {
  const R = prng(seed * 7919 + 17);
  const names = records.map((r) => r.name);
  const pool = records.filter((r) => runnable(r.reason)).map((r) => r.name);
  const out = [];
  for (let i = 0; i < count && pool.length; i++) {
    const event = pool.splice(R.int(0, pool.length - 1), 1)[0];
    const trigger = R.weighted([[3, 'clock'], [3, 'failover'], [3, 'next'], [1, 'ondemand']]);
    const after = trigger === 'failover' ? R.pick(names) : trigger === 'next' ? `${R.pick(names)}:${R.pick(names)}` : undefined;
    const x = after ? { event, trigger, after } : { event, trigger };
    // Other dates check the %W/%w/epoch fields (year starts, leap days, 2000-2050).
    if (varyAt && R.chance(0.25)) {
      const md = R.pick(['0101', '0102', '0107', '0229', '0301', '1231', '0615']);
      const y = md === '0229' ? 4 * R.int(500, 512) : R.int(2000, 2050); // valid dates only
      x.at = `${y}${md}${R.pick(['0000', '2359', '1230'])}`;
    }
    out.push(x);
  }
  return out;
}

/** Line-by-line differences, at most `max`, as printable text. */
export function diffLines(expected, actual, max = 8) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out = [];
  const setB = new Set(b);
  const setA = new Set(a);
  for (const l of a) if (!setB.has(l) && out.length < max) out.push(`  - oracle: ${JSON.stringify(l)}`);
  for (const l of b) if (!setA.has(l) && out.length < 2 * max) out.push(`  + ours:   ${JSON.stringify(l)}`);
  if (!actual) out.push('  + ours:   (empty output)');
  if (!out.length && expected !== actual) out.push('  (same lines, different order or count)');
  return out.join('\n');
}
