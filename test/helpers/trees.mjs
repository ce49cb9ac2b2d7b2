// Trees on disk for tests: the bundled examples (real symlinks) and the spec's edge-case tree.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(repo, 'bin/hcron-check');

export function tmpdir(prefix = 'hcron-test-') {
  return removedAtExit(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** The test file's folders go when its process ends (npm test also removes the run's whole TMPDIR). */
const made = [];
export function removedAtExit(dir) {
  if (!made.length)
    process.on('exit', () => {
      if (process.env.HCRON_KEEP_TMP) return;
      for (const d of made)
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          // a folder the test made unreadable, as another user: npm test's TMPDIR goes anyway
        }
    });
  made.push(dir);
  return dir;
}

/** A copy of the seed tree (fixed: the seed with template_name=$HCRON_EVENT_NAME[-1]) under DIR/.hcron/<server>/events. */
export function seedTree(dir = tmpdir(), { fixed = false } = {}) {
  const server = fixed ? 'fixed.example.com' : 'hcron.example.com';
  const src = path.join(repo, 'examples/.hcron', server, 'events');
  const dst = path.join(dir, '.hcron', server, 'events');
  fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
  for (const l of ['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz'])
    if (!fs.lstatSync(path.join(dst, 'failover', l)).isSymbolicLink()) throw new Error(`seed copy lost the symlink ${l}`);
  return dst;
}

/** The spec's edge-case tree (hard links, a FIFO, symlinks), built by make_cases.sh. */
export function casesTree(dir = tmpdir()) {
  execFileSync('bash', [path.join(repo, 'test/fixtures/cases/make_cases.sh'), dir], { stdio: 'ignore' });
  return path.join(dir, 'events');
}

/** Write files (path -> text) and symlinks ({ link: target }) under an events dir. */
export function writeTree(events, spec) {
  for (const [rel, v] of Object.entries(spec)) {
    const p = path.join(events, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string') fs.writeFileSync(p, v);
    else if (v.link !== undefined) fs.symlinkSync(v.link, p);
    else if (v.bytes) fs.writeFileSync(p, Buffer.from(v.bytes));
  }
  return events;
}

export const BASE = 'as_user=\nhost=h1.example.com\ncommand=/bin/true\nnotify_email=\nnotify_message=\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\n';

/** Run the real CLI; returns exit code, stdout and stderr. */
export function run(args, opts = {}) {
  const r = spawnSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000, ...opts });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
