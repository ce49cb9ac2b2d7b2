// Finding event trees: `.hcron/<server>/events` folders below each workspace
// folder (a bounded walk), the hcron.eventTrees setting (paths and globs),
// and the tree a document sits in.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandHome } from './settings';

export interface FoundTree {
  root: string;
  /** <server> of .hcron/<server>/events, else null. */
  server: string | null;
}

export interface WalkLimits {
  maxDepth: number;
  maxDirs: number;
}

const SKIP = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * A bounded walk of the folders below `start` (at most maxDirs listings, maxDepth levels; VCS and
 * node_modules folders skipped): `visit` sees each entry and says whether to descend into it.
 */
function walkDirs(start: string, limits: WalkLimits, visit: (p: string, e: fs.Dirent, depth: number) => boolean): void {
  let dirs = 0;
  const walk = (d: string, depth: number) => {
    if (dirs++ > limits.maxDirs) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const p = path.join(d, e.name);
      if (visit(p, e, depth) && depth < limits.maxDepth) walk(p, depth + 1);
    }
  };
  walk(start, 0);
}

export function serverOf(eventsDir: string): string | null {
  const parent = path.dirname(eventsDir);
  return path.basename(path.dirname(parent)) === '.hcron' ? path.basename(parent) : null;
}

/** Every folder named events whose parent's parent is .hcron, below `dir`. */
export function findHcronTrees(dir: string, limits: WalkLimits = { maxDepth: 8, maxDirs: 20_000 }): FoundTree[] {
  const out: FoundTree[] = [];
  const visit = (p: string, e: fs.Dirent): boolean => {
    if (!e.isDirectory()) return false;
    if (e.name !== '.hcron') return true;
    // .hcron/<server>/events (the <server> folder may itself be a symlink)
    let servers: string[] = [];
    try {
      servers = fs.readdirSync(p);
    } catch {
      return false;
    }
    for (const s of servers.sort()) {
      const ev = path.join(p, s, 'events');
      try {
        fs.lstatSync(ev);
        out.push({ root: ev, server: s });
      } catch {
        /* no events folder */
      }
    }
    return false;
  };
  walkDirs(path.basename(dir) === '.hcron' ? path.dirname(dir) : dir, limits, visit);
  // the workspace folder may itself be .hcron/<server> or the events folder
  if (path.basename(dir) === 'events' && !out.some((t) => t.root === dir)) out.unshift({ root: dir, server: serverOf(dir) });
  const ev = path.join(dir, 'events');
  if (path.basename(path.dirname(dir)) === '.hcron' && fs.existsSync(ev) && !out.some((t) => t.root === ev)) out.unshift({ root: ev, server: path.basename(dir) });
  return out;
}

/** The events folder a file belongs to: the nearest ancestor named events. */
export function treeRootFor(fsPath: string): FoundTree | undefined {
  let d = path.dirname(path.resolve(fsPath));
  for (;;) {
    if (path.basename(d) === 'events') return { root: d, server: serverOf(d) };
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** A glob (*, **, ?, [..], {a,b}) as a RegExp over "/"-separated absolute paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, end).split(',').map((x) => x.replace(/[.+^$()|\\]/g, '\\$&')).join('|') + ')';
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/** hcron.eventTrees entries, resolved against each workspace folder: the folders they name. */
export function treesFromSetting(entries: string[], folders: string[], limits: WalkLimits = { maxDepth: 8, maxDirs: 20_000 }): FoundTree[] {
  const out: FoundTree[] = [];
  const seen = new Set<string>();
  const push = (p: string) => {
    const r = path.resolve(p);
    if (seen.has(r)) return;
    seen.add(r);
    out.push({ root: r, server: serverOf(r) });
  };
  for (const raw of entries) {
    const e = expandHome(raw);
    const bases = path.isAbsolute(e) ? ['/'] : folders;
    for (const base of bases) {
      const full = path.isAbsolute(e) ? e : path.join(base, e);
      if (!/[*?[{]/.test(full)) {
        try {
          if (fs.statSync(full).isDirectory()) push(full);
        } catch {
          /* not there (yet) */
        }
        continue;
      }
      // walk from the part before the first glob character
      const first = full.search(/[*?[{]/);
      const start = full.slice(0, full.lastIndexOf('/', first) + 1) || '/';
      const re = globToRegExp(full.split(path.sep).join('/'));
      walkDirs(start, limits, (p, x) => {
        let isDir = x.isDirectory();
        if (x.isSymbolicLink()) {
          try {
            isDir = fs.statSync(p).isDirectory();
          } catch {
            isDir = false;
          }
        }
        if (!isDir) return false;
        if (re.test(p.split(path.sep).join('/'))) {
          push(p);
          return false;
        }
        return !x.isSymbolicLink();
      });
    }
  }
  return out;
}
