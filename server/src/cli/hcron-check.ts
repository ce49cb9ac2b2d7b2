// hcron-check: the engine on the command line (CI pipelines, other editors).
// Exit 0: fine; 1: lint found errors; 2: bad usage or unreadable input.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError, HcronConfig, makeConfig, parseOverride, PyValue } from '../engine/config';
import { snapshotOfScan } from '../engine/snapshot';
import { activate, formatActivation, RunContext, Trigger } from '../engine/late';
import { LoadedTree, loadEventsDir } from '../engine/load';
import { clipMiddle } from '../engine/lint';
import { encodeSurrogateEscape } from '../engine/py';
import { DEFAULT_LIMITS, probed, ReadProbe, ScanLimits, ScanResult } from '../engine/scan';
import { DEFAULT_READ_TIMEOUT_MS, ReadBeacon, startWatchdog } from '../readWatch';
import { formatRecordChunks, configContext, pyJsonDumps, TreeVerdict } from '../engine/status';
import { LintInputError, runLint } from './lint-command';
import { loadForStatus, StatusLoad } from './parallelStatus';
import { stdoutWritten } from './stdout';

class UsageError extends Error {}

const USAGE = `usage:
  hcron-check status [--format es|all|status|json] [--config FILE] [--set KEY=VALUE]... EVENTS_DIR
  hcron-check expand EVENTS_DIR --event NAME [--trigger clock|next|failover|ondemand] [--after A[:B...]]
                     [--server-name S] [--fqdn F] [--at YYYYmmddHHMM] [--user U] [--format text|json]
                     [--config FILE] [--set KEY=VALUE]...
  hcron-check lint [--format text|json] [--config FILE] [--set KEY=VALUE]... PATH...

Every command also takes resource caps (hcron-check's own, not hcron's):
  --max-files N       read at most N files and folders per tree (default ${DEFAULT_LIMITS.maxMembers})
  --max-file-bytes N  read at most N bytes of each file (default ${DEFAULT_LIMITS.maxFileBytes})
  --read-timeout S    give up (exit 1) when one read of the file system takes longer than S
                      seconds, e.g. on a hung NFS mount (default ${DEFAULT_READ_TIMEOUT_MS / 1000}; 0: wait forever)

Without --config, hcron v1.5's shipped hcron.conf.sample is used (max_events_per_user 25,
names_to_ignore_regexp '(\\..*)|(.*~$)').`;

interface Parsed {
  cmd: string;
  positional: string[];
  opts: Map<string, string[]>;
}

const VALUE_OPTS = new Set(['--format', '--config', '--set', '--event', '--trigger', '--after', '--server-name', '--fqdn', '--at', '--user', '-c', '--max-files', '--max-file-bytes', '--read-timeout']);

/** Marks this process's reads for the watchdog thread (none when --read-timeout is 0). */
let probe: ReadProbe | undefined;

/** A blocking read outside the tree scan (config file, the folder given), time-boxed like the scan's. */
const watched = <T>(p: string, read: () => T): T => probed(probe, p, read);

function parseArgs(argv: string[]): Parsed {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') throw new UsageError('');
  const opts = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    let a = rest[i];
    let v: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      v = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    if (a === '-c') a = '--config';
    if (VALUE_OPTS.has(a)) {
      if (v === undefined) {
        if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
        v = rest[++i];
      }
      opts.set(a, [...(opts.get(a) ?? []), v]);
    } else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { cmd, positional, opts };
}

function one(p: Parsed, k: string): string | undefined {
  const v = p.opts.get(k);
  return v ? v[v.length - 1] : undefined;
}

function choice<T extends string>(p: Parsed, k: string, allowed: readonly T[], dflt: T): T {
  const v = one(p, k) ?? dflt;
  if (!allowed.includes(v as T)) throw new UsageError(`${k} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function loadConfig(p: Parsed): HcronConfig {
  const file = one(p, '--config');
  let text: string | null = null;
  if (file) {
    try {
      text = watched(file, () => fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(`cannot read config ${file}: ${(e as Error).message}`);
    }
  }
  const overrides: Record<string, PyValue> = {};
  for (const kv of p.opts.get('--set') ?? []) {
    const [k, v] = parseOverride(kv);
    overrides[k] = v;
  }
  try {
    return makeConfig(text, overrides);
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(`${file ?? 'config'}: ${e.message}`);
    throw e;
  }
}

export class InputError extends Error {}

function eventsDir(p: Parsed): string {
  if (p.positional.length !== 1) throw new UsageError('give exactly one EVENTS_DIR');
  const dir = p.positional[0];
  let st: fs.Stats;
  try {
    st = watched(dir, () => fs.lstatSync(dir));
  } catch {
    throw new InputError(`no such folder: ${dir}`);
  }
  if (!st.isDirectory() && !st.isSymbolicLink()) throw new InputError(`not a folder: ${dir}`);
  return dir;
}

function count(p: Parsed, k: string, dflt: number): number {
  const v = one(p, k);
  if (v === undefined) return dflt;
  if (!/^[1-9][0-9]*$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`${k} wants a positive whole number, not "${v.slice(0, 40)}"`);
  return Number(v);
}

export function limitsOf(p: Parsed): ScanLimits {
  return { maxMembers: count(p, '--max-files', DEFAULT_LIMITS.maxMembers), maxFileBytes: count(p, '--max-file-bytes', DEFAULT_LIMITS.maxFileBytes), probe };
}

/** --read-timeout in milliseconds; 0 turns the time box off. */
export function readTimeoutOf(p: Parsed): number {
  const v = one(p, '--read-timeout');
  if (v === undefined) return DEFAULT_READ_TIMEOUT_MS;
  if (!/^(0|[1-9][0-9]{0,6})(\.[0-9]+)?$/.test(v)) throw new UsageError(`--read-timeout wants seconds (0 for no limit), not "${v.slice(0, 40)}"`);
  return Math.round(Number(v) * 1000);
}

/**
 * Start the watchdog thread. On a read that does not answer in time it says
 * so and kills this process; under bin/hcron-check (HCRON_CHECK_WATCH_FD set)
 * it first marks that pipe, and the wrapper exits 1.
 */
function startReadWatch(p: Parsed): void {
  const ms = readTimeoutOf(p);
  if (ms <= 0) return;
  const beacon = new ReadBeacon(undefined, 0, 2); // slot 1: status's reading thread (parallelStatus.ts)
  const fd = /^[0-9]+$/.test(process.env.HCRON_CHECK_WATCH_FD ?? '') ? Number(process.env.HCRON_CHECK_WATCH_FD) : null;
  startWatchdog(beacon, ms, fd, 'hcron-check: ');
  probe = beacon;
}

function load(p: Parsed, dir: string, keep = true): { loaded: LoadedTree; config: HcronConfig } {
  const limits = limitsOf(p);
  const config = loadConfig(p);
  const ctx = configContext(config, one(p, '--server-name'), one(p, '--fqdn') ?? os.hostname());
  return { loaded: loadEventsDir(dir, config, ctx, limits, keep), config };
}

const CAP_HINT = { 'max-files': ' (raise it with --max-files N)', 'max-file-bytes': ' (raise it with --max-file-bytes N)' } as Record<string, string>;
/** Most lines of each kind of message written to stderr; the rest are counted. */
const MAX_NOTES = 10;

/** One line per thing that is wrong with the tree as read: no events at all, where hcron's reload stops, caps, vanished files. */
export function treeNotes(scan: ScanResult, verdict: TreeVerdict): string[] {
  const out: string[] = [];
  const one = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const at = (p: string) => clipMiddle(p, 200); // a path can be 4,000 characters long
  if (verdict.noEvents) out.push(one(`${at(verdict.noEvents.path)}: ${verdict.noEvents.message}`));
  if (scan.stoppedAt) out.push(one(`${at(scan.stoppedAt.path)}: ${scan.stoppedAt.message}`));
  const probs = scan.problems;
  probs.slice(0, MAX_NOTES).forEach((q) => out.push(one(`${at(q.path)}: ${q.message}${CAP_HINT[q.kind ?? ''] ?? ''}`)));
  if (probs.length > MAX_NOTES) out.push(`... and ${probs.length - MAX_NOTES} more problems reading the tree`);
  verdict.capped.slice(0, MAX_NOTES).forEach((c) => out.push(one(`${at(c.name)}: ${c.message}`)));
  if (verdict.capped.length > MAX_NOTES) out.push(`... and ${verdict.capped.length - MAX_NOTES} more events decided by hcron-check's caps`);
  return out;
}

/**
 * Two threads when a second core is free: they cost ~20% more CPU time in all,
 * so on a machine whose other cores are busy one thread finishes first (20,000
 * events: 1.12 vs 1.24 s with a core free, 1.87 vs 1.53 s with one busy; 100,000:
 * 2.5 vs 3.2-4.1 s free, 3.5-4.2 vs 3.7-3.9 busy). Free means: no more threads
 * runnable right now than leave a core (Linux's /proc/loadavg, the least of
 * three looks 1 ms apart: a process that only passes by is not counted), or
 * else a load average of the last minute below the cores less a half (which
 * counts the work of the last minute: a check run just after another saw its
 * predecessor's load and took one thread).
 * HCRON_CHECK_THREADS=1 or 2 decides (the tests compare the two).
 */
function twoThreads(): boolean {
  const want = process.env.HCRON_CHECK_THREADS;
  if (want === '1' || want === '2') return want === '2';
  const cores = os.availableParallelism();
  if (cores < 2) return false;
  const others = othersRunnable();
  return others !== undefined ? others <= cores - 2 : os.loadavg()[0] < cores - 0.5;
}

/** Threads of other processes runnable now (Linux), the least of three looks (this process's own, the watchdog starting, are not others). */
function othersRunnable(): number | undefined {
  let least = Infinity;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 3; i++) {
    if (i) Atomics.wait(pause, 0, 0, 1);
    let all: number;
    let own = 0;
    try {
      const m = /^\S+ \S+ \S+ (\d+)\//.exec(fs.readFileSync('/proc/loadavg', 'latin1'));
      if (!m) return undefined;
      all = Number(m[1]);
      for (const t of fs.readdirSync('/proc/self/task')) {
        const st = fs.readFileSync(`/proc/self/task/${t}/stat`, 'latin1');
        if (st[st.lastIndexOf(')') + 2] === 'R') own++;
      }
    } catch {
      return undefined;
    }
    least = Math.min(least, all - Math.max(own, 1));
  }
  return least;
}

/** The tree read and judged for status: on two threads (parallelStatus.ts: the same answer) or on this one. */
function loadStatus(p: Parsed, dir: string): StatusLoad | Promise<StatusLoad> {
  if (!twoThreads()) return load(p, dir, false).loaded;
  const limits = limitsOf(p);
  const config = loadConfig(p);
  const ctx = configContext(config, one(p, '--server-name'), one(p, '--fqdn') ?? os.hostname());
  return loadForStatus(dir, config, ctx, {
    maxMembers: limits.maxMembers,
    maxFileBytes: limits.maxFileBytes,
    probe,
    beacon: probe instanceof ReadBeacon ? probe.shared : undefined,
    serial: () => load(p, dir, false).loaded,
  });
}

async function cmdStatus(p: Parsed): Promise<number> {
  const format = choice(p, '--format', ['es', 'all', 'status', 'json'] as const, 'es');
  const loaded = await loadStatus(p, eventsDir(p));
  for (const piece of formatRecordChunks(loaded.verdict.records, format)) process.stdout.write(encodeSurrogateEscape(piece)); // names that are not UTF-8: their bytes, as hcron prints them
  await stdoutWritten(); // the notes after the last line
  for (const n of treeNotes(loaded.scan, loaded.verdict)) process.stderr.write(encodeSurrogateEscape(`hcron-check: ${n}\n`));
  const snap = loaded.snapshot ?? snapshotOfScan(loaded.scan, loaded.tree.config);
  if (snap.bytes > snap.limit)
    process.stderr.write(`hcron-check: events: hcron reload would refuse this tree (compressed snapshot ${snap.atLeast ? 'at least' : 'about'} ${snap.bytes} bytes > max_hcron_tree_snapshot_size ${snap.limit}); the scheduler keeps the previous snapshot\n`);
  return 0;
}

function parseAt(s: string | undefined): Date {
  if (!s) {
    const d = new Date();
    d.setSeconds(0, 0);
    return d;
  }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new UsageError('--at wants YYYYmmddHHMM');
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
}

function cmdExpand(p: Parsed): number {
  const format = choice(p, '--format', ['text', 'json'] as const, 'text');
  const name = one(p, '--event');
  if (!name) throw new UsageError('--event NAME is required');
  const { loaded, config } = load(p, eventsDir(p));
  const entry = loaded.byName.get(name);
  if (!entry) {
    const d = loaded.tree.dropped.find((x) => x.name === name);
    const ig = loaded.tree.ignored.find((x) => x.name === name);
    const why = loaded.verdict.noEvents?.message ?? (d ? `hcron drops it (${d.reason}: ${d.detail})` : ig ? 'its name is ignored (names_to_ignore_regexp)' : 'no such event in the tree');
    throw new InputError(`${name}: not an event hcron loads: ${why}`);
  }
  const j = entry.judgement;
  if (!j.runnable) throw new InputError(`${name}: rejected (${entry.record.reason}); hcron keeps no definition, so it never runs`);
  const after = one(p, '--after');
  const chain = after ? `${after}:${name}` : name;
  const trigger = (one(p, '--trigger') ?? (after ? 'next' : 'clock')) as Trigger;
  if (!['clock', 'next', 'failover', 'ondemand'].includes(trigger)) throw new UsageError('--trigger must be one of clock, next, failover, ondemand');
  const run: RunContext = {
    trigger,
    chain,
    at: parseAt(one(p, '--at')),
    user: one(p, '--user') ?? os.userInfo().username,
    serverName: loaded.ctx.serverName,
    hostName: loaded.ctx.hostName,
  };
  const act = activate(j, run, config, (n) => {
    const e = loaded.byName.get(n);
    return e && { runnable: e.judgement.runnable, reason: e.record.reason };
  });
  if (format === 'json') {
    const obj: Record<string, string | null> = {};
    for (const [k, v] of act.late.vars) obj[k] = v;
    process.stdout.write(pyJsonDumps(obj) + '\n');
    return 0;
  }
  let out = `# ${name}: ${entry.record.status} (${entry.record.reason}); HCRON_EVENT_CHAIN=${chain} trigger=${trigger}\n`;
  out += formatActivation(act, chain);
  process.stdout.write(encodeSurrogateEscape(out));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const p = parseArgs(argv);
    startReadWatch(p);
    switch (p.cmd) {
      case 'status':
        return await cmdStatus(p);
      case 'expand':
        return cmdExpand(p);
      case 'lint':
        return await runLint(p.positional, one(p, '--format') ?? 'text', () => loadConfig(p), one(p, '--server-name'), one(p, '--fqdn'), limitsOf(p));
      default:
        throw new UsageError(`unknown command ${p.cmd}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write((e.message ? `hcron-check: ${e.message}\n` : '') + USAGE + '\n');
      return 2;
    }
    if (e instanceof InputError || e instanceof ConfigError || e instanceof LintInputError) {
      process.stderr.write(encodeSurrogateEscape(`hcron-check: ${e.message}\n`));
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`hcron-check: internal error: ${err?.message ?? String(e)} (please report it)\n`);
    return 2;
  }
}

void main(process.argv.slice(2)).then(async (code) => {
  await stdoutWritten();
  process.exit(code);
});
