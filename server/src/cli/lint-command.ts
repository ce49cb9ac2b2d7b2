// hcron-check lint: every finding as file:line:col: severity: code: message.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HcronConfig } from '../engine/config';
import { Finding, lineIndex, lintAll, stateFromJudgements } from '../engine/lint';
import { judgeScan } from '../engine/load';
import { snapshotOfScan } from '../engine/snapshot';
import { encodeSurrogateEscape } from '../engine/py';
import { DEFAULT_LIMITS, probed, ReadProbe, ScanLimits, scanEventsDir } from '../engine/scan';
import { configContext } from '../engine/status';
import { stdoutWritten } from './stdout';

export class LintInputError extends Error {}

/** The events folder a path belongs to: itself or an ancestor named "events", or trees below it. */
export function treesFor(p: string, probe?: ReadProbe): { root: string; only?: string }[] {
  let st: fs.Stats;
  try {
    st = probed(probe, p, () => fs.lstatSync(p));
  } catch {
    throw new LintInputError(`no such file or folder: ${p}`);
  }
  const abs = path.resolve(p);
  for (let d = abs; ; d = path.dirname(d)) {
    if (path.basename(d) === 'events') return [{ root: d, only: d === abs ? undefined : abs }];
    if (path.dirname(d) === d) break;
  }
  if (!st.isDirectory()) throw new LintInputError(`${p} is not inside an events/ folder`);
  const found: { root: string }[] = [];
  const hcron = path.join(abs, '.hcron');
  for (const base of [hcron, abs]) {
    let servers: string[] = [];
    try {
      servers = probed(probe, base, () => fs.readdirSync(base));
    } catch {
      continue;
    }
    for (const s of servers.sort()) {
      const ev = path.join(base, s, 'events');
      if (base === abs && path.basename(abs) !== '.hcron') continue;
      try {
        probed(probe, ev, () => fs.lstatSync(ev));
        found.push({ root: ev });
      } catch {
        /* not a tree */
      }
    }
  }
  return found.length ? found : [{ root: abs }];
}

export async function runLint(paths: string[], format: string, getConfig: () => HcronConfig, serverName?: string, fqdn?: string, limits: ScanLimits = DEFAULT_LIMITS): Promise<number> {
  if (!paths.length) throw new LintInputError('give at least one PATH (an events folder or files in one)');
  if (format !== 'text' && format !== 'json') throw new LintInputError('--format must be text or json');
  const config = getConfig();
  const ctx = configContext(config, serverName, fqdn ?? os.hostname());
  const byRoot = new Map<string, (string | undefined)[]>();
  for (const p of paths) for (const t of treesFor(p, limits.probe)) byRoot.set(t.root, [...(byRoot.get(t.root) ?? []), t.only]);
  const rows: { file: string; line: number; column: number; endLine: number; endColumn: number; f: Finding }[] = [];
  let errors = 0;
  for (const [root, onlys] of byRoot) {
    const loaded = judgeScan(scanEventsDir(root, limits), config, ctx);
    const state = stateFromJudgements(loaded.tree, loaded.src, ctx, config, loaded.verdict.judgements, loaded.verdict.records, {
      noEvents: loaded.verdict.noEvents,
      stoppedAt: loaded.scan.stoppedAt,
      problems: loaded.scan.problems,
      snapshot: snapshotOfScan(loaded.scan, config),
    });
    const whole = onlys.includes(undefined);
    const lineIndexes = new Map<string, ReturnType<typeof lineIndex>>(); // one per file: 100,000 findings in a 2 MB file stay linear
    const display = path.relative(process.cwd(), root) || '.';
    for (const f of lintAll(state, loaded.verdict.judgements)) {
      const fsPath = path.join(root, f.file.slice('events'.length));
      if (!whole && !onlys.some((o) => o && (fsPath === o || fsPath.startsWith(o + path.sep)))) continue;
      let lc = lineIndexes.get(f.file);
      if (!lc) {
        const text = loaded.scan.files.get(f.file)?.text ?? loaded.scan.files.get(loaded.tree.eventsByName.get(f.file.slice(6))?.content ?? '')?.text ?? '';
        lineIndexes.set(f.file, (lc = lineIndex(text)));
      }
      const a = lc(f.start);
      const b = lc(f.end);
      rows.push({ file: path.join(display, f.file.slice('events'.length)), line: a.line, column: a.col, endLine: b.line, endColumn: b.col, f });
      if (f.severity === 'error') errors++;
    }
  }
  rows.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line || x.column - y.column));
  if (format === 'json') {
    const out = rows.map((r) => ({ file: r.file, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn, severity: r.f.severity, code: r.f.code, message: r.f.message, event: r.f.event, related: r.f.related }));
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    let s = '';
    for (const r of rows) s += `${r.file}:${r.line}:${r.column}: ${r.f.severity}: ${r.f.code}: ${r.f.message.replace(/\n/g, ' ')}\n`;
    process.stdout.write(encodeSurrogateEscape(s)); // file names that are not UTF-8: their bytes
    await stdoutWritten(); // the summary after the last finding
    process.stderr.write(`${rows.length} finding${rows.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}\n`);
  }
  return errors ? 1 : 0;
}
