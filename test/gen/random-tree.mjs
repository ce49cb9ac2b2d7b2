#!/usr/bin/env node
// Deterministic random hcron event trees for differential testing against
// hcron's own loader (test/oracle/). Everything is drawn from a seeded PRNG
// and written in a fixed order, so a (seed, events) pair gives the same tree
// on every machine; nothing depends on readdir or inode order.
//
//   node test/gen/random-tree.mjs OUT/events --seed N --events N [--invalid-utf8 [fatal|harmless]]
//   import { generateTree } from './random-tree.mjs'

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../helpers/mulberry32.mjs';

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, identical everywhere. */
export function prng(seed) {
  const next = mulberry32(seed ^ 0x9e3779b9);
  const R = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** [[weight, value], ...] -> value */
    weighted: (pairs) => {
      let total = 0;
      for (const [w] of pairs) total += w;
      let x = next() * total;
      for (const [w, v] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][1];
    },
    shuffle: (arr) => {
      const a2 = [...arr];
      for (let i = a2.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [a2[i], a2[j]] = [a2[j], a2[i]];
      }
      return a2;
    },
  };
  return R;
}

// ---------------------------------------------------------------- vocabulary

const TEAMS = ['alpha', 'beta', 'ops', 'web', 'db', 'mail', 'net', 'sec', 'data', 'team space', 'colon:team', 'café'];
const AREAS = ['north', 'south', 'core', 'edge', 'lab', 'prod', 'dev', 'qa', 'nightly', 'events'];
const WORDS = ['backup', 'rotate', 'report', 'sync', 'cleanup', 'check', 'ping', 'deploy', 'digest', 'index', 'purge', 'mirror', 'audit', 'notify', 'rebuild', 'scan', 'archive', 'stats', 'poll', 'refresh'];
// Legal but odd names: spaces, ':', '@', brackets, Unicode, names hcron's regexp does NOT ignore.
const ODD_NAMES = ['name with spaces', 'colon:name', 'bob@abc.xyz', 'pager@abc.xyz', '#autosave#', 'x.bak', '~tilde', 'a~b', 'café', '日本', '$dollar', '[brackets]', '{curly}', '1', '-dash', 'equals=sign', 'semi;colon', "quote'd", 'UPPER', 'include', 'tab\tname', 'back\\slash', 'trailing space ', 'emoji😀', 'ｆｕｌｌ'];
const IGNORED_NAMES = ['.hidden', 'backup~', '.swp', '.gitignore', 'notes~'];
const RANGES = { when_year: [2000, 2050], when_month: [1, 12], when_day: [1, 31], when_hour: [0, 23], when_minute: [0, 59], when_dow: [0, 6] };
const WHEN5 = ['when_month', 'when_day', 'when_hour', 'when_minute', 'when_dow'];
const REQUIRED = ['as_user', 'host', 'command', 'notify_email', 'notify_message', ...WHEN5];
// Digit sets Python's int() accepts (Nd), one astral; and look-alikes it refuses.
const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce];
const SPACES = [' ', '\t', '\u00a0', '\u2003', '\u3000', '\x0b', '\x0c', '\x1c', '\x1f', '\x85', '\u2028'];
const NOT_SPACES = ['\u200b', '\ufeff', '\u180e'];

function uniDigits(R, n) {
  const z = R.pick(DIGIT_ZEROS);
  return [...String(n)].map((d) => String.fromCodePoint(z + Number(d))).join('');
}

// ---------------------------------------------------------------- when_* values

function validWhen(R, f) {
  const [mn, mx] = RANGES[f];
  if (f === 'when_year') return R.pick(['*', '2026', '2026-2030', '*/2', '2025,2026,2027']);
  const a = R.int(mn, mx);
  const b = R.int(a, mx);
  return R.weighted([
    [5, '*'],
    [3, String(a)],
    [2, `${a}-${b}`],
    [2, `*/${R.int(1, Math.max(1, (mx - mn) >> 1))}`],
    [1, `${a}-${b}/${R.int(1, 5)}`],
    [2, [a, b, R.int(mn, mx)].join(',')],
    [1, `0${a}`],
  ]);
}

/** Every form of spec 5.2 and friends; some valid, most not. */
function oddWhen(R, f) {
  const [mn, mx] = RANGES[f];
  const n = R.int(mn, mx);
  const a = R.int(mn, mx);
  const b = R.int(mn, mx);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const forms = [
    '*/15', `${mn}-${mx}/${R.int(2, 20)}`, `${lo}-${hi}/${R.int(1, 9)}`, `${n}/${R.int(2, 10)}`,
    `${a}, ${b} ,${n}`, `0${n}`, `00${n}`, `+${n}`, n >= 10 ? `${String(n)[0]}_${String(n).slice(1)}` : `0_${n}`, uniDigits(R, n),
    `${uniDigits(R, lo)}-${uniDigits(R, hi)}`, '*,garbage', `${mn}-${mx},zz`, `${hi}-${lo}`, '*/-1', `${hi}-${lo}/-1`, `${hi}-${lo}/-${R.int(2, 4)}`,
    'garbage,*', `${lo}-${hi},zz`, '', `${n}, *`, `-${n}`, `${n}-`, '*/0', `${lo}-${hi}/2/3`, '*/2-1', 'jan', 'mon', 'Jan',
    `${mx + 1}`, `${mn - 1}`, '$HCRON_SCHEDULE_DATETIME[4]', '#HCRON_EVENT_CHAIN', `${mx + R.int(1, 15)}-${lo}/-1`, `${n}--1/-1`,
    `${n}--3/-1`, `${n}--1`, '*/99999999999999999999', '99999999999999999999', '1.5', '0x1', '1e1', '²', 'Ⅲ', '½',
    `${n}${R.pick(SPACES)},${a}`, `${n},${R.pick(NOT_SPACES)}${a}`, '*/ 5', `${lo} - ${hi}`, `${lo}--${hi}`, '*,', ',*', `${n},`,
    '**', '*,*', `${n},*,zz`, `*/${R.int(1, 3)},zz`, `${mn}-${mx}/1,zz`, `${mn}-${mx - 1},${mx},zz`, ' ', '-', '/', `${n}/`, `/${n}`,
    `${n}-${n}`, `${n}_`, `_${n}`, `${n}__0`, `-0`, `0-0`, `${mx}-${mn}/-1,zz`, `${mx + 5}-${mn}/-1`,
  ];
  if (f === 'when_year') forms.push('2051', '1999', '2000-2050/10', '2049-2051', '2026');
  return R.pick(forms);
}

// ---------------------------------------------------------------- substitution expressions

const REF_NAMES = ['W', 'I', 'J', 'MIN', 'E', 'X', 'JS', 'SEP', 'host', 'HCRON_EVENT_NAME', 'HCRON_EVENT_NAME', 'HCRON_EVENT_CHAIN', 'HCRON_SELF_CHAIN', 'HCRON_HOST_NAME', 'HCRON_SERVER_NAME', 'when_year', 'template_name', 'HCRON_TRIGGER_NAME', 'HCRON_TRIGGER_ORIGIN', 'HCRON_SCHEDULE_DATETIME', 'HCRON_ACTIVATE_EPOCHTIME_UTC', 'HCRON_QUEUE_DATETIME_UTC', 'NOT_DEFINED', 'LATER', 'été', 'x١', 'Ⅻ'];
const SEP_PREFIXES = ['.!', '/!', ':!', '@!', '!', '?!', '?, !', ':?, !', '.?-!', '/?.!', '.?$JS!', '.?$JS-!', '$SEP!', '-?+!', ',!', ':?::!', '??!', '!!', '/?!'];
const INDEX_ITEMS = ['0', '1', '2', '-1', '-2', '-3', '9', '1:', '::-1', ':-1', '1:3', '0:2:0', '1x', '1 ', ' 1', '+1', 'x', '', '--1', '-', ':', '::', '1:-1:2', '$I', '$I:3', '1:$I', '$J[0]', '٣', '-0', '::2', '-1::-1', '99999999999999999999', '$E', '$NOT_DEFINED', '1:2:', '1,2', '::99999999999999999999', '-99999999999999999999:', '١:٣', '1_0', '0x1'];
const GLOB_ITEMS = ['*', 't*', '[oz]*', '*o*', '?', '[!a]*', '*@*', 'f*', 'b*', '/f*', '*simple', '[', '[]]', '*.*', 'a*', '[!]', '\\*', '*[', '', '[a-c]*', '**', '?*?'];
const MALFORMED = [
  '${HCRON_EVENT_NAME}', '$HCRON_EVENT_NAMEx', '$$HCRON_SELF_CHAIN', '$HCRON_EVENT_NAME[-1 $HCRON_SELF_CHAIN', '$HCRON_SELF_CHAIN $HCRON_EVENT_NAME[-1',
  '$HCRON_EVENT_NAME{b*}{x}', '$HCRON_EVENT_NAME[[1]]', '$X[0][1]', '$W[$J[0]][1]', '#HCRON_EVENT_NAME', '#HCRON_EVENT_NAME[:]', '#MIN[?!:]', '#X[:?,!:]',
  '#X[:?::!:]', '$X[$SEP!0]', '$X[.?$J!0:2]', '$HCRON_EVENT_CHAIN[?, !0,-1]', 'Failed event ($HCRON_EVENT_CHAIN[0])', '$host[.?-!1:]', '#host[.!:]',
  '$W{*o*,t*}', '$W[1:$I]', '$W[$I:3]', '$HCRON_EVENT_NAME[/?.!1:]', '$HCRON_EVENT_NAME[@!-1]', '$HCRON_EVENT_NAME[::-1]', '#', '$', '$ X', '#$W', '$#W', '$W]', '$W}',
  '$W[', '$W{', '$W[}', '$W{]}', '$W[{]}', '$é', '$e\u0301', '$HCRON_EVENT_NAME[-1]\r', '$W[0]\u0000x',
];

function ref(R, d) {
  const op = R.chance(0.8) ? '$' : '#';
  const name = R.pick(REF_NAMES);
  const sel = R.weighted([[3, ''], [5, '['], [2, '{']]);
  if (sel === '') return op + name;
  const pre = R.chance(0.35) ? R.pick(SEP_PREFIXES) : '';
  const item = () => {
    if (d < 3 && R.chance(0.12)) return ref(R, d + 1);
    return sel === '[' ? R.pick(INDEX_ITEMS) : R.pick(GLOB_ITEMS);
  };
  const items = Array.from({ length: R.weighted([[6, 1], [2, 2], [1, 3]]) }, item).join(',');
  return `${op}${name}${sel}${pre}${items}${sel === '[' ? ']' : '}'}`;
}

function soup(R) {
  const alpha = '$#[]{}:!?,-.0123 WIJXEhoste*/@_';
  let s = '';
  for (let i = R.int(1, 20); i > 0; i--) s += alpha[R.int(0, alpha.length - 1)];
  return s;
}

function expr(R) {
  return R.weighted([
    [6, () => ref(R, 0)],
    [3, () => R.pick(MALFORMED)],
    [2, () => `${R.pick(['run', 'Failed event (', 'x', ''])}${ref(R, 0)}${R.pick([' and ', ')', '', ':'])}${ref(R, 0)}`],
    [3, () => soup(R)],
  ])();
}

/** Values for when_* fields that go through substitution. */
function whenExpr(R) {
  return R.chance(0.5)
    ? R.pick(['$MIN[?!-1]', '#W', '$I', '$J[0]', '$W[9]', '$HCRON_SCHEDULE_DATETIME[4]', '#HCRON_EVENT_NAME[:]', '#HCRON_HOST_NAME[.!:]', '$F', '$I,$MIN[!0]', '$J[?!0]', '#HCRON_EVENT_CHAIN', '$LATER', '$when_year', '#E', '$E', '$MIN[!1],*'])
    : expr(R);
}

const CONTEXT_VARS = [['W', 'zero:one:two:three'], ['I', '2'], ['J', '1:3'], ['MIN', '47'], ['E', ''], ['X', 'a.b.c'], ['JS', '+'], ['SEP', '.'], ['host', 'h1.abc.xyz'], ['F', '*'], ['été', 'summer'], ['x١', 'arabic one']];

// ---------------------------------------------------------------- event text

/** Required fields with valid random values. */
function baseFields(R) {
  return [
    ['as_user', R.pick(['', '', 'ops', 'bob'])],
    ['host', R.pick(['h1.example.com', 'web01', 'db.abc.xyz', 'localhost', '$HCRON_HOST_NAME', ''])],
    ['command', R.pick(['/bin/true', 'echo $HCRON_EVENT_NAME[-1]', 'ls # all', 'echo ${HOME} $$ $host', 'run --at $HCRON_SCHEDULE_DATETIME', '', 'a=b'])],
    ['notify_email', R.pick(['', '', 'bob@abc.xyz', 'a@x.org, b@y.org,', '$HCRON_EVENT_NAME[-1]'])],
    ['notify_message', R.pick(['', 'Failed event ($HCRON_EVENT_CHAIN[0])', 'line1\\nline2\\tx', 'done: $HCRON_SELF_CHAIN'])],
    ...WHEN5.map((f) => [f, validWhen(R, f)]),
  ];
}

function extras(R, names) {
  const out = [];
  if (R.chance(0.25)) out.push(['notify_subject', R.pick(['', 'report for $HCRON_EVENT_NAME', 'a\\nb'])]);
  if (R.chance(0.2)) out.push(['description', R.pick(['nightly job', 'x = y', ''])]);
  if (R.chance(0.15)) out.push(['when_year', validWhen(R, 'when_year')]);
  if (R.chance(0.15)) out.push(['when_expire', R.pick(['90', '1:30', '2:00:00', 'garbage', '0', '-5', ''])]);
  if (R.chance(0.1)) out.push(['label', 'a,b']);
  if (R.chance(0.2) && names.length) out.push([R.pick(['next_event', 'failover_event']), chainValue(R, names)]);
  return out;
}

/** A next_event/failover_event value (spec 10.2 pieces). */
function chainValue(R, names) {
  const some = () => (names.length ? R.pick(names) : '/nosuch');
  const base = (n) => n.split('/').pop();
  const piece = () =>
    R.weighted([
      [4, () => base(some())],
      [4, () => some()],
      [2, () => 'nosuch'],
      [1, () => './' + base(some())],
      [1, () => '../' + base(some())],
      [1, () => '$HCRON_EVENT_NAME[-1]'],
      [1, () => '$HCRON_EVENT_NAME[:-1]/' + base(some())],
      [1, () => ''],
      [1, () => ' ' + base(some()) + ' '],
      [1, () => some() + '/'],
    ])();
  const n = R.weighted([[6, 1], [3, 2], [1, 3], [1, 9]]);
  return Array.from({ length: n }, piece).join(':');
}

/** Render assignments/raw lines to text. items: [name, value] | {raw: string} */
function render(items, eol = '\n', finalNewline = true) {
  const lines = items.map((it) => (Array.isArray(it) ? `${it[0]}=${it[1]}` : it.raw));
  return lines.join(eol) + (finalNewline ? eol : '');
}

// ---------------------------------------------------------------- the plan

class Plan {
  constructor(R) {
    this.R = R;
    /** rel path -> { kind: 'dir'|'file'|'symlink'|'hardlink'|'fifo', data, target } */
    this.entries = new Map([['', { kind: 'dir' }]]);
    this.eventNames = []; // names that are probably events (for chains, --after)
    this.symlinks = [];
    this.count = 0;
  }
  isDir(p) {
    return this.entries.get(p)?.kind === 'dir';
  }
  dir(p) {
    if (p === '') return '';
    const parent = path.posix.dirname(p) === '.' ? '' : path.posix.dirname(p);
    if (!this.isDir(parent)) this.dir(parent);
    const e = this.entries.get(p);
    if (e && e.kind !== 'dir') throw new Error(`internal: ${p} is a ${e.kind}`);
    if (!e) this.entries.set(p, { kind: 'dir' });
    return p;
  }
  /** A free path in folder `dir` for `base` (suffixes _2, _3 ... when taken). */
  free(dir, base) {
    const join = (b) => (dir ? `${dir}/${b}` : b);
    let p = join(base);
    for (let i = 2; this.entries.has(p); i++) p = join(`${base}_${i}`);
    return p;
  }
  add(dir, base, entry) {
    if (base.includes('/')) [dir, base] = [(dir ? dir + '/' : '') + path.posix.dirname(base), path.posix.basename(base)];
    this.dir(dir);
    const p = this.free(dir, base);
    this.entries.set(p, entry);
    this.count++;
    return p;
  }
  file(dir, base, text, { event = true } = {}) {
    const p = this.add(dir, base, { kind: 'file', data: text });
    if (event) this.eventNames.push('/' + p);
    return p;
  }
  symlink(dir, base, target) {
    const p = this.add(dir, base, { kind: 'symlink', target });
    this.eventNames.push('/' + p);
    this.symlinks.push('/' + p);
    return p;
  }
  hardlink(dir, base, existing) {
    return this.add(dir, base, { kind: 'hardlink', target: existing });
  }
  fifo(dir, base) {
    return this.add(dir, base, { kind: 'fifo' });
  }
}

/** Relative link text from folder `fromDir` to `to` (both rel paths inside the tree). */
function rel(fromDir, to) {
  const r = path.posix.relative('/' + fromDir, '/' + to); // both absolute: independent of cwd
  return r === '' ? '.' : r;
}

// ---------------------------------------------------------------- families

function eventName(R) {
  return R.chance(0.1) ? R.pick(ODD_NAMES) : `${R.pick(WORDS)}${R.chance(0.5) ? '_' + R.int(1, 99) : ''}`;
}

function withExtras(R, P, fields) {
  return [...fields, ...extras(R, P.eventNames)];
}

function fValid(R, P, dir) {
  let items = withExtras(R, P, baseFields(R));
  if (R.chance(0.25)) items.unshift(...R.shuffle(CONTEXT_VARS).slice(0, 4));
  for (let k = R.chance(0.3) ? R.int(1, 2) : 0; k > 0; k--) items.push([`V${k}`, expr(R)]);
  if (R.chance(0.3)) items = R.shuffle(items);
  P.file(dir, eventName(R), render(items));
}

function fWhenOdd(R, P, dir) {
  const items = baseFields(R);
  for (let k = R.int(1, 2); k > 0; k--) {
    const f = R.pick([...WHEN5, 'when_year']);
    const v = oddWhen(R, f);
    const i = items.findIndex(([n]) => n === f);
    if (i >= 0 && R.chance(0.7)) items[i] = [f, v];
    else items.push([f, v]); // duplicate: the last one wins
  }
  P.file(dir, eventName(R), render(withExtras(R, P, items)));
}

function fSubst(R, P, dir) {
  const ctx = R.shuffle(CONTEXT_VARS).slice(0, R.int(2, CONTEXT_VARS.length));
  let items = [...ctx, ...baseFields(R)];
  for (let k = R.int(1, 5); k > 0; k--) items.push([`R${k}`, expr(R)]);
  if (R.chance(0.5)) {
    const f = R.pick(WHEN5);
    items.push([f, whenExpr(R)]);
  }
  if (R.chance(0.3)) items.push([R.pick(['notify_message', 'command', 'notify_subject', 'host', 'next_event']), expr(R)]);
  if (R.chance(0.15)) items.push(['template_name', R.pick(['$HCRON_EVENT_NAME[-1]', '$HCRON_EVENT_NAME{*}', '#HCRON_EVENT_NAME', expr(R)])]);
  if (R.chance(0.2)) items.push(['LATER', R.pick(['5', '*', 'late'])]); // forward references stay literal
  if (R.chance(0.3)) items = R.shuffle(items);
  P.file(dir, eventName(R), render(items));
}

function fTemplate(R, P, dir) {
  const tname = R.pick(['email_target_template', 'generic', 'failover_tmpl', 'page_template', '1', '$tmpl']);
  const body = baseFields(R).filter(() => R.chance(0.85)); // templates may be partial
  if (R.chance(0.2)) body.push(['when_minute', oddWhen(R, 'when_minute')]);
  body.push(['notify_message', 'Failed event ($HCRON_EVENT_CHAIN[0])']);
  const tn = R.weighted([
    [4, tname],
    [3, '$HCRON_EVENT_NAME[-1]'],
    [1, 'other_name'],
    [1, ''],
    [1, ` ${tname}  `],
    [1, '$TN'],
    [1, '$HCRON_EVENT_NAME[/!-1]'],
    [1, '#HCRON_EVENT_NAME'],
  ]);
  const items = tn === '$TN' ? [['TN', tname], ...body, ['template_name', tn]] : [...body, ['template_name', tn]];
  if (R.chance(0.15)) items.push(['template_name', R.pick([tname, 'changed'])]); // assigned twice
  const t = P.file(dir, tname, render(R.shuffle(items)));
  // Symlinks to the template: they carry their own names (spec 7.2).
  const linkDir = R.chance(0.5) ? dir : P.dir(R.pick(['failover', 'pager', `${dir}/links`.replace(/^\//, '')]));
  for (let k = R.int(0, 3); k > 0; k--) P.symlink(linkDir, R.pick(['bob@abc.xyz', 'pager@abc.xyz', 'webmaster@abc.xyz', 'linked_generic', tname]), rel(linkDir, t));
}

/** Include fragments of one folder, created once. */
function fragments(R, P, incDir) {
  P.fragCache ??= new Map();
  if (P.fragCache.has(incDir)) return P.fragCache.get(incDir);
  const f = (base, items, eol) => P.file(incDir, base, typeof items === 'string' ? items : render(items, eol), { event: false });
  const fr = {
    common: f('common', [['host', 'h2.example.com'], ['when_minute', '5']]),
    vars: f('vars', [['W', 'zero:one:two:three'], ['I', '2'], ['template_name', 'vars']]),
    level2: f('level2', [{ raw: 'include level3' }, ['L2', 'yes']]),
    level3: f('level3', [['L3', 'yes']]),
    level1b: f('level1b', [{ raw: 'include level3b' }]),
    level3b: f('level3b', [{ raw: 'include level4' }, ['L3', 'yes']]),
    level4: f('level4', [['L4', 'yes']]),
    hidden: f('.hidden_common', [['host', 'h3']]),
    backup: f('common~', [['host', 'h4']]),
    complete: f('complete', render(baseFields(R))),
    badline: f('badline', [['A', '1'], { raw: 'no equals here' }]),
    three: f('three', [{ raw: 'include common extra' }]),
    crlf: f('crlf', [['host', 'crlf.example.com'], { raw: 'X=a\\' }, ['Y', 'b']], '\r\n'),
    cont: f('cont', 'NOTE=one \\\n   two\nLAST=x\\'),
    cycA: f('cycle_a', [{ raw: 'include cycle_b' }]),
    cycB: f('cycle_b', [{ raw: 'include cycle_a' }]),
    self: f('self_inc', [{ raw: 'include self_inc' }]),
    subA: f('sub/a', [{ raw: 'include b' }, ['SUBA', '1']]),
    subB: f('sub/b', [['SUBB', '1']]),
    bSib: f('b', [['WRONG_B', '1']]),
    when: f('when', [['when_minute', oddWhen(R, 'when_minute')], ['when_hour', validWhen(R, 'when_hour')]]),
    empty: f('empty', ''),
  };
  fr.link = P.symlink(incDir, 'common_link', 'common');
  fr.dlink = P.symlink(incDir, 'dangling_frag', 'no_such_fragment');
  fr.dirl = P.symlink(incDir, 'fragdir_link', 'sub'); // files under a folder link are not members
  P.fragCache.set(incDir, fr);
  return fr;
}

function fInclude(R, P, dir) {
  const incDir = R.chance(0.25) ? P.dir(dir ? `${dir}/inc` : 'inc') : P.dir(R.pick(['inc', 'includes', 'teams/shared/inc']));
  const fr = fragments(R, P, incDir);
  const own = R.pick([dir, incDir]); // an event next to its fragments, or elsewhere
  const relTo = (p) => rel(own, p);
  const directives = [
    () => `include ${relTo(fr.common)}`,
    () => `include /${fr.common}`,
    () => `include ../${path.posix.basename(own || '.')}/${relTo(fr.common)}`,
    () => `include ${relTo(fr.vars)}`,
    () => 'include nosuchfile',
    () => `include ${relTo(fr.hidden)}`,
    () => `include ${relTo(fr.backup)}`,
    () => `include ${rel(own, incDir)}`, // a folder
    () => `include ${relTo(fr.level2)}`, // depth 2 ok
    () => `include ${relTo(fr.level1b)}`, // depth 3 fails
    () => `include ${relTo(fr.cycA)}`,
    () => `include ${relTo(fr.self)}`,
    () => `include ${relTo(fr.common)} extra`,
    () => `include=/${fr.common}`,
    () => `include${R.pick(SPACES)}${relTo(fr.common)}`,
    () => `include${R.pick(NOT_SPACES)} ${relTo(fr.common)}`,
    () => `Include ${relTo(fr.common)}`,
    () => 'include',
    () => 'include ../../../../outside',
    () => `include ${relTo(fr.subA)}`,
    () => `include ${relTo(fr.complete)}`,
    () => `include ${relTo(fr.badline)}`,
    () => `include ${relTo(fr.three)}`,
    () => `include ${relTo(fr.crlf)}`,
    () => `include ${relTo(fr.cont)}`,
    () => `include ${relTo(fr.link)}`,
    () => `include ${relTo(fr.dlink)}`,
    () => `include ${relTo(fr.when)}`,
    () => `include ${relTo(fr.empty)}`,
    () => `include ./${relTo(fr.common)}`,
    () => `include //${fr.common}`,
    () => `include /${fr.common}/`,
    () => `   include   ${relTo(fr.common)}   `,
    () => `include ${relTo(fr.common)}\\`,
    () => 'include /includes/common',
    () => `include ${own === incDir ? 'sub/b' : relTo(fr.subB)}`,
    () => `include ${relTo(fr.dirl)}/b`,
    () => `include ${relTo(fr.dirl)}`,
  ];
  const items = baseFields(R);
  if (R.chance(0.3)) items.splice(R.int(0, items.length), 1); // a fragment may supply it
  for (let k = R.int(1, 3); k > 0; k--) items.splice(R.int(0, items.length), 0, { raw: R.pick(directives)() });
  if (R.chance(0.3)) items.push(['R1', '$W[$I]'], ['R2', '$L2 $L3 $SUBA $SUBB $NOTE']);
  P.file(own, eventName(R), render(items));
}

function fLineOdd(R, P, dir) {
  const items = baseFields(R);
  const kind = R.int(0, 21);
  const name = eventName(R);
  const put = (text) => P.file(dir, name, text);
  switch (kind) {
    case 0: return put(render(items, '\r\n'));
    case 1: return put(render([...items, { raw: 'NOTE=one \\' }, { raw: '  two' }], '\r\n'));
    case 2: return put('\ufeff' + render(R.shuffle(items)));
    case 3: return put('\ufeff# comment\n' + render(items));
    case 4: return put(render([{ raw: '   # indented comment' }, { raw: '# comment \\' }, ...items]));
    case 5: return put(render([{ raw: 'X=a\\' }, { raw: '# not a comment any more' }, ...items]));
    case 6: return put(render([...items, { raw: 'NOTE=one \\' }, { raw: '   two \\' }, { raw: '\\' }, { raw: 'three' }]));
    case 7: return put(render([...items, { raw: 'LAST=x\\' }], '\n', false));
    case 8: return put(render([...items, { raw: R.pick(['this line has no equals sign', 'simple', 'include', 'include a b', '[section]', 'export X']) }]));
    case 9: return put(render([{ raw: 'simple' }, ...items]));
    case 10: return put(R.pick(['', '\n', '\n\n   \n', '# only a comment\n', '\ufeff', '\r\n', ' \\\n']));
    case 11: return put(render(items.map(([n, v]) => ({ raw: `${R.pick(['', ' ', '\t', '\u00a0'])}${n}${R.pick(['', ' ', '\t', '\u3000'])}=${R.pick(['', '  ', '\x85'])}${v}${R.pick(['', ' ', '\x0c', '\u2028'])}` }))));
    case 12: return put(render([...items, { raw: 'when_min\\' }, { raw: 'ute=5' }]));
    case 13: return put(render([...items, { raw: 'X=a\\ ' }, { raw: 'Y=b' }]));
    case 14: return put(render(items).replace(/\n/g, () => R.pick(['\n', '\r\n', '\n\n', '\n \n'])));
    case 15: return put(render([...items, ['CR', 'a\rb'], ['NUL', 'x\u0000y'], ['ZW', '\u200bz\u200b']]));
    case 16: return put(render([...items, ['LONG', 'x'.repeat(R.int(100, 3000))]]));
    case 17: return put(render([...items, { raw: '\\' }]) + '\\');
    case 18: return put(render(items, '\n') + '\r');
    case 19: return put(render([{ raw: '\u00a0# NBSP then hash' }, ...items]));
    case 20: return put(render([...items, ['when_minute', `${R.int(0, 59)}\\`], { raw: '' }]));
    default: return put(render([...items.slice(0, -1), { raw: `${items[items.length - 1][0]}=${items[items.length - 1][1]} \\` }, { raw: '# joined' }]));
  }
}

function fFieldOdd(R, P, dir) {
  let items = baseFields(R);
  const kind = R.int(0, 9);
  if (kind === 0) items = items.filter(() => R.chance(0.75)); // missing required fields
  else if (kind === 1) {
    const i = R.int(0, items.length - 1);
    items[i] = [R.pick(['notify_msg', 'Host', 'nextevent', 'template_event', 'As_user', 'when_minutes', 'command ', 'notify-email']), items[i][1]];
  } else if (kind === 2) items.push([R.pick(['when_minutes', 'when_something', 'when_', 'when_Minute', 'when_expire', 'WHEN_minute', 'when_year', 'when_dow ', 'when_week']), R.pick(['5', 'x', '*'])]);
  else if (kind === 3) {
    const f = R.pick(WHEN5);
    const pair = [[f, oddWhen(R, f)], [f, validWhen(R, f)]];
    items.push(...(R.chance(0.5) ? pair : pair.reverse()));
  } else if (kind === 4) items.push(['', 'value with empty name']);
  else if (kind === 5) items.push({ raw: R.pick(['=', '==', '= =', 'a=b=c', '  spaced name  =  v  ', 'été=1', '$X=1', 'include=/inc/common', 'x =', '=x=']) });
  else if (kind === 6) items.push(['HCRON_EVENT_NAME', R.pick(['/renamed/evt', '', 'a:b'])], ['N', '$HCRON_EVENT_NAME[-1]'], ['template_name', R.pick(['$N', 'evt'])]);
  else if (kind === 7) items.push(['when_year', R.pick(['2051', '1999', '*', '2000', '2050', '$when_year'])]);
  else if (kind === 8) items = items.map(([n, v]) => [n, `$${n}`]); // self references: undefined, stay literal
  else items.unshift(['host', 'first'], ['command', 'first']); // duplicates
  P.file(dir, eventName(R), render(withExtras(R, P, items)));
}

function fChain(R, P, dir) {
  const items = [...baseFields(R), [R.pick(['next_event', 'failover_event']), chainValue(R, P.eventNames)]];
  if (R.chance(0.4)) items.push([R.pick(['next_event', 'failover_event']), chainValue(R, P.eventNames)]);
  P.file(dir, eventName(R), render(items));
}

/** One family of symlinks around a fresh target (spec 8). */
function fSymlinks(R, P, dir) {
  const ld = P.dir(dir ? `${dir}/links` : 'links');
  const target = P.file(ld, R.pick(['target', 'real', 'base']), render(baseFields(R)));
  const tb = path.posix.basename(target);
  const kind = R.int(0, 19);
  const L = (name, text) => P.symlink(ld, name, text);
  switch (kind) {
    case 0: return L('rel_ok', tb);
    case 1: return L('dotdot_ok', `../${path.posix.basename(ld)}/${tb}`);
    case 2: return L('dot_slash', `./${tb}`);
    case 3: return L('trailing_slash', `${tb}/`);
    case 4: {
      const real = P.dir(`${ld}/realdir`);
      P.file(real, 'inner', render(baseFields(R)));
      const dl = L('dirlink', 'realdir');
      if (R.chance(0.5)) L('dirlink2', path.posix.basename(dl));
      return L('through_dirlink', `${R.pick(['dirlink', 'dirlink2'])}/inner`);
    }
    case 5: {
      let prev = tb;
      const n = R.int(2, 10);
      for (let i = 1; i <= n; i++) prev = path.posix.basename(L(`c${i}`, prev));
      return;
    }
    case 6: return L('dangling', R.pick(['no_such_target', 'missing/dir/x', '']) || 'x_missing');
    case 7: return L('absolute_link', R.pick(['/etc/hostname', '/nonexistent/x', `/${target}`]));
    case 8: {
      const a = L('cyc_a', 'cyc_b_tmp');
      P.entries.set(a, { kind: 'symlink', target: path.posix.basename(L('cyc_b', path.posix.basename(a))) });
      return L('self_loop', 'self_loop');
    }
    case 9: {
      const h = P.file(ld, '.hidden_target', render(baseFields(R)), { event: false });
      return L('to_hidden', path.posix.basename(h));
    }
    case 10: return L(R.pick(['.hidden_link', 'link~']), tb);
    case 11: return L('dirlink_only', R.pick(['.', '..', '../..', 'realdir_missing']));
    case 12: return L('escapes_tree', R.pick(['../../../outside', '../'.repeat(ld.split('/').length + 1) + 'outside/x']));
    case 13: return L('back_in', '../'.repeat(ld.split('/').length + 1) + `events/${target}`);
    case 14: {
      const hd = P.dir(`${ld}/.hdir`);
      P.file(hd, 'inside', render(baseFields(R)), { event: false });
      return L('into_hidden_dir', '.hdir/inside');
    }
    case 15: return L(R.pick(ODD_NAMES), tb);
    case 16: return L('dotdot_collapse', `nosuchdir/../${tb}`);
    case 17: {
      const dl = L('up_link', '..');
      return L('via_up', `${path.posix.basename(dl)}/${path.posix.basename(ld)}/${tb}`);
    }
    case 18: return L('to_link_to_dir_file', `${tb}/x`);
    default: {
      P.file(ld, 'events', render(baseFields(R)));
      return L('to_events_name', 'events');
    }
  }
}

function fHardlink(R, P, dir) {
  const src = P.file(dir, R.pick(['a_original', 'z_original', 'm_orig']), render(baseFields(R)));
  const d2 = R.chance(0.5) ? dir : P.dir(R.pick(['hard', 'aaa', 'zzz']));
  const h = P.hardlink(d2, R.pick(['a_hardlink', 'z_hardlink', 'b_copy']), src);
  P.eventNames.push('/' + h);
  if (R.chance(0.5)) P.symlink(d2, 'sym_to_hardlink', rel(d2, h));
  if (R.chance(0.3)) P.hardlink(d2, '.hidden_hardlink', src);
}

function fFifo(R, P, dir) {
  const f = P.fifo(dir, R.pick(['a_fifo', 'pipe']));
  if (R.chance(0.5)) P.symlink(dir, 'to_fifo', path.posix.basename(f));
  if (R.chance(0.5)) P.file(dir, 'includes_fifo', render([...baseFields(R), { raw: `include ${path.posix.basename(f)}` }]));
}

/** Names whose order differs between UTF-16 and code points (walk and load order, output order). */
function fSortOrder(R, P, dir) {
  const d = P.dir(dir ? `${dir}/order` : 'order');
  const names = R.shuffle(['x😀', 'xｆ', 'xa', 'xA', 'x_', 'x ', 'x~', 'x.', 'xé', 'x\u00a0', 'x-', 'x0', 'x\uffff', 'x\ud7ff', 'xa~', 'X']);
  for (const n of names.slice(0, R.int(3, names.length))) P.file(d, n, render(baseFields(R)));
}

function fIgnored(R, P, dir) {
  const k = R.int(0, 3);
  if (k === 0) P.file(dir, R.pick(IGNORED_NAMES), render(baseFields(R)), { event: false });
  else if (k === 1) P.file(P.dir(`${dir ? dir + '/' : ''}${R.pick(['.hdir', 'tdir~', '.git'])}`), R.pick(['inside', 'HEAD', 'config']), render(baseFields(R)), { event: false });
  else if (k === 2) P.file(dir, R.pick(['a~b', '~x', '.x.bak~', 'x.bak']), render(baseFields(R)));
  else P.dir(`${dir ? dir + '/' : ''}${R.pick(['empty_dir', '.empty_hidden'])}`);
}

const FAMILIES = [
  [40, fValid], [14, fWhenOdd], [14, fSubst], [6, fTemplate], [8, fInclude], [8, fLineOdd],
  [6, fChain], [6, fFieldOdd], [8, fSymlinks], [2, fHardlink], [1, fFifo], [3, fIgnored], [1, fSortOrder],
];

// ---------------------------------------------------------------- generate

/**
 * Build a random tree in `eventsDir` (created; must not exist or be empty).
 * invalidUtf8: false | 'harmless' (bad bytes only where hcron never decodes) | 'fatal' (also in one event).
 */
export function plan({ seed = 1, events = 300, invalidUtf8 = false } = {}) {
  const R = prng(seed);
  const P = new Plan(R);
  const folders = [''];
  const nFolders = Math.max(3, Math.round(events / 15));
  for (let i = 0; i < nFolders; i++) {
    const top = R.pick(['teams', 'areas', 'misc', 'chain', 'failover', 'tmpl', '']);
    const parts = [top, R.pick(TEAMS), ...(R.chance(0.5) ? [R.pick(AREAS)] : [])].filter(Boolean);
    folders.push(P.dir(parts.join('/')));
  }
  while (P.count < events) {
    const dir = R.pick(folders);
    R.weighted(FAMILIES)(R, P, dir);
  }
  if (invalidUtf8) {
    const bad = (s) => Buffer.concat([Buffer.from(s), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('\n')]);
    P.entries.set(P.free('', '.not_utf8'), { kind: 'file', data: bad('X=1\n') }); // ignored: never decoded
    const orig = P.free('', '.orig_not_utf8'); // first name ignored, second a hard link member: never decoded
    P.entries.set(orig, { kind: 'file', data: bad('X=1\n') });
    P.entries.set(P.free('', 'second_name_not_utf8'), { kind: 'hardlink', target: orig });
    if (invalidUtf8 !== 'harmless') P.entries.set(P.free(R.pick(folders), 'latin1_event'), { kind: 'file', data: bad(render(baseFields(R))) });
  }
  return P;
}

/** sha256 of the planned tree: fixtures record it to notice a changed generator. */
export function treeDigest(opts = {}) {
  const h = createHash('sha256');
  const sorted = [...plan(opts).entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [p, e] of sorted) h.update(JSON.stringify([p, e.kind, e.target ?? null, e.data === undefined ? null : Buffer.from(e.data).toString('base64')]) + '\n');
  return h.digest('hex');
}

export function generateTree(eventsDir, opts = {}) {
  const P = plan(opts);
  fs.mkdirSync(eventsDir, { recursive: true });
  const stats = { dirs: 0, files: 0, symlinks: 0, hardlinks: 0, fifos: 0, fifosSkipped: 0 };
  // Fixed order: folders, files, hard links, symlinks, FIFOs (paths sorted by UTF-16 order, stable).
  const sorted = [...P.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const at = (p) => path.join(eventsDir, p);
  for (const [p, e] of sorted) if (e.kind === 'dir' && p) (fs.mkdirSync(at(p), { recursive: true }), stats.dirs++);
  for (const [p, e] of sorted) if (e.kind === 'file') (fs.writeFileSync(at(p), typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data), stats.files++);
  for (const [p, e] of sorted) if (e.kind === 'hardlink') (fs.linkSync(at(e.target), at(p)), stats.hardlinks++);
  for (const [p, e] of sorted) if (e.kind === 'symlink') (fs.symlinkSync(e.target, at(p)), stats.symlinks++);
  for (const [p, e] of sorted) {
    if (e.kind !== 'fifo') continue;
    // FIFOs are optional: hcron drops them, so a tree without them loads the same.
    const r = spawnSync('mkfifo', [at(p)], { stdio: 'ignore' });
    if (r.status === 0) stats.fifos++;
    else stats.fifosSkipped++;
  }
  return { ...stats, eventNames: P.eventNames, symlinkNames: P.symlinks };
}

// ---------------------------------------------------------------- CLI

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let out;
  const opts = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--seed') opts.seed = Number(args[++i]);
    else if (a === '--events') opts.events = Number(args[++i]);
    else if (a === '--invalid-utf8') opts.invalidUtf8 = args[i + 1] === 'harmless' || args[i + 1] === 'fatal' ? args[++i] : 'fatal';
    else if (!a.startsWith('-') && out === undefined) out = a;
    else {
      process.stderr.write(`random-tree: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!out || !Number.isInteger(opts.seed ?? 1) || !Number.isInteger(opts.events ?? 300)) {
    process.stderr.write('usage: node test/gen/random-tree.mjs OUT_EVENTS_DIR --seed N --events N [--invalid-utf8 [fatal|harmless]]\n');
    process.exit(2);
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length) {
    process.stderr.write(`random-tree: ${out} exists and is not empty\n`);
    process.exit(2);
  }
  const { eventNames, symlinkNames, ...s } = generateTree(out, opts);
  process.stdout.write(`${out}: ${JSON.stringify(s)}\n`);
}
