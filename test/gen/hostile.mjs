#!/usr/bin/env node
// Hostile event trees (issue #6): each case of "never crash, never hang, never
// reach outside the tree" built on disk, deterministically (seeded PRNG, fixed
// write order), with hcron's answer where it is known.
//
//   node test/gen/hostile.mjs OUT [--only NAME,NAME] [--list]
//       builds OUT/<case>/events for every case (or the named ones) and prints
//       "<case>\t<events dir>" per case.
//   import { CASES, buildCase } from './hostile.mjs'
//
// A case is { name, about, build(dir) -> events dir, expect }. `expect` holds
// what is known of hcron v1.5's answer (checked with the oracle,
// shared/tools/hcron-oracle, where hcron finishes at all):
//   status      exact `hcron-check status` (es layout, default hcron.conf.sample)
//   statusLines number of status lines
//   accepted / rejected / absent   names that must be (or not be) in the status
//   stderr      RegExp the one-line stderr message of `status` must match
//   lintCodes   finding codes `lint` must report
//   secret      text that must never appear in any output (trust cases)
//   hcronNote   what hcron itself does, where it differs from "finishes quickly"

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BASE } from '../helpers/trees.mjs';
import { mulberry32 } from '../helpers/mulberry32.mjs';

export { BASE };

/** mulberry32 (re-exported: the server tests draw from it too) */
export const prng = mulberry32;

/** Write files (rel -> string | Buffer | {link} | {dir} | {fifo}) under `events`, in key order. */
export function writeFiles(events, spec) {
  fs.mkdirSync(events, { recursive: true });
  for (const [rel, v] of Object.entries(spec)) {
    const p = path.join(events, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string' || Buffer.isBuffer(v)) fs.writeFileSync(p, v);
    else if (v.link !== undefined) fs.symlinkSync(v.link, p);
    else if (v.dir) fs.mkdirSync(p, { recursive: true });
    else if (v.fifo) execFileSync('mkfifo', [p]);
  }
  return events;
}

const SECRET = 'SECRET_OUTSIDE_CONTENT_7f3a9c';
const rep = (s, n) => s.repeat(n);

export const CASES = [
  // ------------------------------------------------------------ substitution
  {
    name: 'deep-brackets',
    about: '$X[[[[… 20,000 deep (balanced and unbalanced) and $X{{{{… 20,000 deep',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        balanced: BASE + 'X=a:b\nY=$X' + rep('[', 20000) + '0' + rep(']', 20000) + '\n',
        unbalanced: BASE + 'X=a:b\nY=$X' + rep('[', 20000) + '0\nZ=$X\n',
        curly: BASE + 'X=a:b\nY=$X' + rep('{', 20000) + 'a' + rep('}', 20000) + '\n',
        'in-when': BASE + 'X=5\nwhen_minute=$X' + rep('[', 20000) + '0' + rep(']', 20000) + '\n',
      }),
    expect: {
      status: 'accepted::/balanced\naccepted::/curly\nrejected:bad when_* setting:/in-when\naccepted::/unbalanced\n',
      lintCodes: ['unbalanced-selector'],
    },
  },
  {
    name: 'nested-refs',
    about: '$X[$X[$X[… 2,000 deep with X defined and undefined; 25 deep (hcron: 3^25 steps)',
    build: (dir) => {
      const nest = (v, n) => rep(`$${v}[`, n) + '0' + rep(']', n);
      return writeFiles(path.join(dir, 'events'), {
        defined2000: BASE + 'X=a:b:c\nY=' + nest('X', 2000) + '\n',
        undefined2000: BASE + 'Y=' + nest('U', 2000) + '\n',
        defined25: BASE + 'X=0:1:2\nY=' + nest('X', 25) + '\n',
        when25: BASE.replace('when_minute=*', 'when_minute=' + nest('X', 25)).replace('as_user=', 'X=0:1:2\nas_user='),
      });
    },
    expect: {
      // hcron accepts all of them (substitution never fails an event) but at
      // 2,000 deep with X defined it never finishes (about 3^1000 steps).
      status: 'accepted::/defined2000\naccepted::/defined25\naccepted::/undefined2000\naccepted::/when25\n',
      lintCodes: ['deep-selector'],
      stderr: /^hcron-check: \/defined2000: the value of Y is nested deeper than 300 selectors.*\nhcron-check: \/undefined2000: .*\n$/,
      hcronNote: 'hcron never finishes /defined2000 (exponential in the depth) and /defined25 takes about 3^25 steps',
    },
  },
  {
    name: 'value-bomb',
    about: 'values that grow without bound: X=$X$X forty times (2^41 characters), a 100,000-part join with a 100,000-character separator',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        double: BASE + 'X=ab\n' + rep('X=$X$X\n', 40),
        join: BASE + 'X=' + rep('a', 100_000) + '\nS=' + rep('-', 100_000) + '\nY=$X[?$S!:]\n',
        ok: BASE + 'X=ab\n' + rep('X=$X$X\n', 10),
      }),
    expect: {
      status: 'rejected:bad variable substitution:/double\naccepted::/join\naccepted::/ok\n',
      stderr: /^hcron-check: \/double: the value of X grows beyond \d+ characters.*\nhcron-check: \/join: a reference in the value of Y would give more than/,
      hcronNote:
        'hcron doubles X until Python raises MemoryError outside any reference (eval_assignments fails: bad variable substitution); the 10-billion-character join fails inside its reference, which stays as written (checked with ulimit -v 4 GB)',
    },
  },
  {
    name: 'glob-storm',
    about: '200 events of 5 KB that each double a value to 1 MB and match it against twenty 200-character globs (len x pattern steps each)',
    build: (dir) => {
      let ev = BASE + 'B=a\n' + rep('B=$B$B\n', 20);
      for (let i = 0; i < 20; i++) ev += `Y${i}=$B{*${rep('a', 200)}b}\n`;
      const spec = {};
      for (let k = 0; k < 200; k++) spec[`e${String(k).padStart(3, '0')}`] = ev;
      spec.zz = BASE + 'X=1:2\nwhen_minute=$X[1]\n';
      return writeFiles(path.join(dir, 'events'), spec);
    },
    expect: {
      statusLines: 201,
      accepted: ['/e000', '/e199', '/zz'],
      stderr: /^hcron-check: \/e000: the value of Y0 is (too complex to evaluate|not evaluated: hcron-check's work budget for (this event|the tree))[^]*\nhcron-check: \.\.\. and 190 more events decided by hcron-check's caps\n$/,
      hcronNote: 'hcron matches every glob (minutes of regular-expression backtracking) and accepts them all',
    },
  },
  {
    name: 'unbalanced-long',
    about: 'unbalanced brackets thousands long: [[[[, ]]]], {{{{, $X[ repeated, [ in when_*',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        opens: BASE + 'X=a\ncommand=echo $X[' + rep('[a', 5000) + ' $X\n',
        closes: BASE + 'X=a\nY=$X' + rep(']', 5000) + '$X[0]' + rep(']', 5000) + '\n',
        curlies: BASE + 'X=a\nY=$X{' + rep('{', 5000) + '\n',
        refs: BASE + 'X=a\nY=' + rep('$X[', 3000) + '\n',
        mixed: BASE + 'X=a\nY=' + rep('$X[$X{', 2000) + rep(']', 2000) + '\n',
        when: BASE + 'when_hour=' + rep('[', 5000) + '\n',
      }),
    expect: {
      status: 'accepted::/closes\naccepted::/curlies\naccepted::/mixed\naccepted::/opens\naccepted::/refs\nrejected:bad when_* setting:/when\n',
      lintCodes: ['unbalanced-selector', 'bad-when'],
    },
  },
  {
    name: 'line-2mb',
    about: '2 MB lines: plain text, text full of references, one without "=", a 2 MB when_* value and include argument',
    build: (dir) => {
      const rnd = prng(2);
      const words = ['$X', '#X', '$HCRON_EVENT_NAME[-1]', '$U', 'word', '${X}', '[', ']', '{', '}', '$X[0]', '$X{*}'];
      let refs = '';
      while (refs.length < 2_000_000) refs += words[Math.floor(rnd() * words.length)] + ' ';
      return writeFiles(path.join(dir, 'events'), {
        plain: BASE + 'Y=' + rep('abcdefgh', 250_000) + '\n',
        refs: BASE + 'X=a:b\nY=' + refs + '\n',
        cmd: BASE.replace('command=/bin/true', 'command=' + refs) + 'X=1\n',
        noeq: BASE + rep('no equals ', 200_000) + '\n',
        when: BASE + 'when_minute=1-' + rep('x', 2_000_000) + '\n',
        inc: BASE + 'include ' + rep('y', 2_000_000) + '\n',
      });
    },
    expect: {
      status:
        'accepted::/cmd\nrejected:cannot process include(s):/inc\nrejected:bad definition:/noeq\naccepted::/plain\naccepted::/refs\nrejected:bad when_* setting:/when\n',
      stderr: /^hcron-check: events: hcron reload would refuse this tree \(compressed snapshot (about|at least) \d+ bytes > max_hcron_tree_snapshot_size 262144\)/,
      hcronNote: "hcron's reload refuses the tree (the compressed snapshot is over max_hcron_tree_snapshot_size, 262144); the status is what hcron run (the oracle's --direct) reports",
    },
  },
  {
    name: 'assignments-50000',
    about: '50,000 assignments in one file: references backwards, forwards, undefined; unknown when_* names; near-field names',
    build: (dir) => {
      let s = BASE;
      for (let i = 0; i < 50_000; i++) {
        switch (i % 5) {
          case 0:
            s += `V${i}=$V0 $UNDEF${i} #V${i - 1}\n`;
            break;
          case 1:
            s += `W${i}=$V${i + 1} $V${i - 1}[0]\n`;
            break;
          case 2:
            s += `notify_msg=${i}\n`;
            break;
          case 3:
            s += `when_x${i}=1\n`;
            break;
          default:
            s += `V${i}=${i}\n`;
        }
      }
      return writeFiles(path.join(dir, 'events'), { many: s, plain: BASE + Array.from({ length: 50_000 }, (_, i) => `P${i}=${i}\n`).join('') });
    },
    expect: {
      status: 'rejected:bad when_* setting:/many\naccepted::/plain\n',
      lintCodes: ['unknown-when-field', 'forward-reference', 'undefined-reference', 'too-many-findings'],
      stderr: /^hcron-check: events: hcron reload would refuse this tree/,
      hcronNote: "hcron's reload refuses the tree (snapshot too big); the status is hcron run's (oracle --direct)",
    },
  },
  {
    name: 'continuations-100000',
    about: '100,000 continuation lines: one value of 100,000 pieces, one full of references, one with a comment in the middle',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        plain: BASE + 'Y=' + rep('piece \\\n', 100_000) + 'end\n',
        refs: BASE + 'X=1\ncommand=' + rep('$X $U\\\n', 100_000) + 'end\n',
        comment: BASE + 'Y=a\\\n' + rep('# not a comment\\\n', 100_000) + 'end\n',
      }),
    expect: { status: 'accepted::/comment\naccepted::/plain\naccepted::/refs\n' },
  },
  // ------------------------------------------------------------------ bytes
  {
    name: 'invalid-utf8',
    about: 'one file is not UTF-8: hcron loads no event at all',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), { a: BASE, 'b/bad': Buffer.from([0x58, 0x3d, 0xff, 0xfe, 0x0a]), c: BASE }),
    expect: { status: '', stderr: /events\/b\/bad.*not UTF-8/ },
  },
  {
    name: 'binary',
    about: 'a binary file (random bytes with NULs): not UTF-8, so no event at all',
    build: (dir) => {
      const rnd = prng(7);
      const b = Buffer.alloc(65536);
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      return writeFiles(path.join(dir, 'events'), { a: BASE, 'z.bin': b });
    },
    expect: { status: '', stderr: /events\/z\.bin.*not UTF-8/ },
  },
  {
    name: 'nul-bytes',
    about: 'NUL bytes inside valid UTF-8 text (hcron reads them as characters)',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        value: BASE + 'X=a\0b\n',
        name: BASE + 'X\0=1\n',
        line: BASE + '\0\n',
        when: BASE.replace('when_minute=*', 'when_minute=5\0'),
      }),
    expect: { status: 'rejected:bad definition:/line\naccepted::/name\naccepted::/value\nrejected:bad when_* setting:/when\n' },
  },
  {
    name: 'line-ends',
    about: 'BOM, CRLF, CRLF with a continuation, lone CR',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        bom: '\ufeff' + BASE,
        'bom-comment': '\ufeff# comment\n' + BASE,
        'bom-late': 'X=1\n' + BASE + 'Y=\ufeff\n',
        crlf: BASE.replace(/\n/g, '\r\n'),
        'crlf-continuation': BASE.replace(/\n/g, '\r\n') + 'X=a \\\r\n b\r\n',
        'lone-cr': BASE.replace(/\n/g, '\r'),
        'lone-cr-end': BASE + 'X=a\rb\r\r\n',
      }),
    expect: {
      status:
        'rejected:not fully specified, missing field (as_user):/bom\nrejected:bad definition:/bom-comment\naccepted::/bom-late\naccepted::/crlf\nrejected:bad definition:/crlf-continuation\nrejected:not fully specified, missing field (host):/lone-cr\naccepted::/lone-cr-end\n',
      lintCodes: ['bom', 'crlf-continuation'],
    },
  },
  {
    name: 'unicode-text',
    about: 'right-to-left and emoji text in names, values and variable names; RLO overrides',
    build: (dir) =>
      writeFiles(path.join(dir, 'events'), {
        'שלום/אירוע': BASE + 'שם=עולם\nY=$שם[0] $HCRON_EVENT_NAME[-1]\n',
        '📅/🎉 party': BASE + 'É=1\nY=$É $HCRON_EVENT_NAME[1] #HCRON_EVENT_NAME[:] 👍\n',
        'rlo\u202eevil': BASE + 'Y=\u202e$HCRON_EVENT_NAME\u202c\n',
        'zwj👨‍👩‍👧': BASE + 'F=👨‍👩‍👧:x\nY=$F[?!0] #F[?!:]\n',
        emoji: BASE.replace('command=/bin/true', 'command=echo 🎉🎉 $HCRON_EVENT_NAME[?!-1]') + 'template_name=🎉\n',
      }),
    expect: {
      status:
        'accepted::/emoji\naccepted::/rlo\u202eevil\naccepted::/zwj👨‍👩‍👧\naccepted::/שלום/אירוע\naccepted::/📅/🎉 party\n',
    },
  },
  {
    name: 'unicode-digits',
    about: 'Unicode digits in when_* (Arabic-Indic, fullwidth, mathematical; superscripts are not decimal)',
    build: (dir) => {
      const ev = (k, v) => BASE.replace(`${k}=*`, `${k}=${v}`);
      return writeFiles(path.join(dir, 'events'), {
        arabic: ev('when_minute', '٣,٤٥'),
        fullwidth: ev('when_hour', '１２'),
        math: ev('when_minute', '𝟓-𝟗/𝟐'),
        devanagari: ev('when_day', '१५'),
        superscript: ev('when_minute', '³'),
        roman: ev('when_month', 'Ⅻ'),
        mixed: ev('when_dow', '1,٢,３'),
        underscore: ev('when_minute', '١_٠'),
      });
    },
    expect: {
      status:
        'accepted::/arabic\naccepted::/devanagari\naccepted::/fullwidth\naccepted::/math\naccepted::/mixed\nrejected:bad when_* setting:/roman\nrejected:bad when_* setting:/superscript\naccepted::/underscore\n',
    },
  },
  {
    name: 'bad-names',
    about: 'file, folder and link names that are not UTF-8 (hcron reads them with Python\'s surrogateescape), next to names in U+E000-U+FFFF',
    build: (dir) => {
      const events = writeFiles(path.join(dir, 'events'), { ok: BASE, '\ue000private': BASE, 'z\uffeb': BASE });
      const b = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
      const at = (...parts) => b(events, '/', ...parts);
      fs.writeFileSync(at('bad', [0xff], 'name'), BASE);
      fs.writeFileSync(at([0xe2, 0x82], 'cut'), BASE + 'X=1\n');
      fs.mkdirSync(at('dir', [0xc0, 0xaf]));
      fs.writeFileSync(at('dir', [0xc0, 0xaf], '/inner'), BASE);
      fs.symlinkSync(b('bad', [0xff], 'name'), at('link-to-bad'));
      fs.symlinkSync(b('dir', [0xc0, 0xaf], '/inner'), at('link-into-bad-dir'));
      fs.symlinkSync(b('missing', [0xfe]), at('dangling', [0xfe]));
      fs.writeFileSync(at('inc'), BASE + 'include ok\n');
      return events;
    },
    expect: {
      // hcron's bytes: lone surrogates stand for the raw bytes it prints (see encodeSurrogateEscape)
      status:
        'accepted::/bad\udcffname\naccepted::/dir\udcc0\udcaf/inner\naccepted::/inc\naccepted::/link-into-bad-dir\naccepted::/link-to-bad\naccepted::/ok\naccepted::/z\uffeb\naccepted::/\udce2\udc82cut\naccepted::/\ue000private\n',
      absent: ['/dangling\udcfe'],
      lintCodes: ['dropped'],
    },
  },
  // ---------------------------------------------------------------- symlinks
  {
    name: 'symlink-storm',
    about: 'links to ., to .., self-links, a 500-link chain, 2- and 3-cycles, links to folders, a random storm of 2,000 links',
    build: (dir) => {
      const spec = {
        target: BASE,
        dot: { link: '.' },
        dotdot: { link: '..' },
        self: { link: 'self' },
        'cyc/a': { link: 'b' },
        'cyc/b': { link: 'a' },
        'cyc/x': { link: 'y' },
        'cyc/y': { link: 'z' },
        'cyc/z': { link: 'x' },
        'cyc/through': { link: 'a/target' },
        'sub/up': { link: '..' },
        'sub/here': { link: '.' },
        'sub/deep': { link: 'up/sub/up/sub/up/target' },
      };
      // c001 -> target, c002 -> c001, ... c500 -> c499: c001..c008 resolve (max_symlinks 8).
      for (let i = 1; i <= 500; i++) spec[`chain/c${String(i).padStart(3, '0')}`] = { link: i === 1 ? '../target' : `c${String(i - 1).padStart(3, '0')}` };
      const rnd = prng(500);
      const pick = () => {
        const r = rnd();
        if (r < 0.1) return '.';
        if (r < 0.2) return '..';
        if (r < 0.3) return '../target';
        if (r < 0.35) return '../../outside';
        return `s${Math.floor(rnd() * 2000)}` + (rnd() < 0.2 ? '/x' : '');
      };
      for (let i = 0; i < 2000; i++) spec[`storm/s${i}`] = { link: pick() };
      return writeFiles(path.join(dir, 'events'), spec);
    },
    expect: {
      accepted: ['/target', ...Array.from({ length: 8 }, (_, i) => `/chain/c00${i + 1}`)],
      absent: ['/dot', '/dotdot', '/self', '/cyc/a', '/cyc/b', '/cyc/x', '/cyc/through', '/sub/up', '/sub/here', '/chain/c009', '/chain/c500'],
      lintCodes: ['dropped'],
    },
  },
  {
    name: 'deep-folders',
    about: '900 nested folders with 300 links at the bottom (to the file, through 600 levels of .., among each other) and an include of the deepest file',
    build: (dir) => {
      const events = path.join(dir, 'events');
      const rel = Array(900).fill('d');
      const bottom = path.join(events, ...rel);
      fs.mkdirSync(bottom, { recursive: true });
      fs.writeFileSync(path.join(bottom, 't'), BASE);
      const up = '../'.repeat(600) + rel.slice(0, 600).join('/');
      for (let i = 0; i < 300; i++) fs.symlinkSync(i % 3 === 0 ? 't' : i % 3 === 1 ? `${up}/l${i + 1}` : `l${(i * 7) % 300}`, path.join(bottom, `l${i}`));
      fs.writeFileSync(path.join(events, 'inc'), BASE + 'include ' + rel.join('/') + '/t\n');
      fs.writeFileSync(path.join(events, 'inc-missing'), BASE + 'include ' + rel.join('/') + '/nope\n');
      return events;
    },
    expect: {
      accepted: ['/inc', '/' + Array(900).fill('d').join('/') + '/t', '/' + Array(900).fill('d').join('/') + '/l0'],
      rejected: ['/inc-missing'],
      statusLines: 103,
      lintCodes: ['dropped', 'include-failed'],
    },
  },
  {
    name: 'too-deep-folders',
    about: '1,200 nested folders: hcron\'s reload (Python tarfile, recursive) stops with RecursionError at about 989 levels',
    build: (dir) => {
      const events = writeFiles(path.join(dir, 'events'), { a: BASE, z: BASE });
      const bottom = path.join(events, ...Array(1200).fill('d'));
      fs.mkdirSync(bottom, { recursive: true });
      fs.writeFileSync(path.join(bottom, 't'), BASE);
      return events;
    },
    expect: { status: 'accepted::/a\n', stderr: /^hcron-check: events\/d\/d\/.*: nested more than 988 folders deep: hcron's reload .* hits the recursion limit/ },
  },
  {
    name: 'events-is-link',
    about: 'events/ itself is a symlink to a real folder: hcron packs the link and loads nothing',
    build: (dir) => {
      writeFiles(path.join(dir, 'real'), { a: BASE, b: BASE });
      fs.symlinkSync('real', path.join(dir, 'events'));
      return path.join(dir, 'events');
    },
    expect: { status: '', stderr: /events\/ is itself a symlink/ },
  },
  {
    name: 'links-out',
    about: 'links out of the tree (relative, absolute, through a folder link) to a file with known content',
    build: (dir) => {
      const outside = path.join(dir, 'outside');
      fs.mkdirSync(outside, { recursive: true });
      fs.writeFileSync(path.join(outside, 'secret'), BASE + `command=${SECRET}\nnotify_message=${SECRET}\n`);
      return writeFiles(path.join(dir, 'events'), {
        ok: BASE + 'failover_event=out\n',
        out: { link: '../outside/secret' },
        abs: { link: path.join(outside, 'secret') },
        outdir: { link: '../outside' },
        through: { link: 'outdir/secret' },
        'sub/up2': { link: '../../outside/secret' },
        inc: BASE + 'include ../outside/secret\n',
        inc2: BASE + 'include ../../outside/secret\n',
        inc3: BASE + 'include /../outside/secret\n',
        inc4: BASE + 'include out\n',
      });
    },
    expect: {
      status:
        'rejected:cannot process include(s):/inc\nrejected:cannot process include(s):/inc2\nrejected:cannot process include(s):/inc3\nrejected:cannot process include(s):/inc4\naccepted::/ok\n',
      absent: ['/out', '/abs', '/outdir', '/through', '/sub/up2'],
      secret: SECRET,
      lintCodes: ['dropped', 'include-failed'],
    },
  },
  // ---------------------------------------------------------------- includes
  {
    name: 'include-storm',
    about: 'include cycles, self-includes, a file with 5,000 includes, and 5,000 x 5,000 includes (25 million lines)',
    build: (dir) => {
      const five = (t) => rep(`include ${t}\n`, 5000);
      return writeFiles(path.join(dir, 'events'), {
        'cyc/a': BASE + 'include b\n',
        'cyc/b': 'include a\nX=1\n',
        'cyc/self': BASE + 'include self\n',
        'inc/frag': 'X=1\n',
        'inc/wide': five('frag'),
        many: BASE + five('/inc/frag'),
        bomb: BASE + five('/inc/wide'),
      });
    },
    expect: {
      status:
        'rejected:cannot process include(s):/bomb\nrejected:cannot process include(s):/cyc/a\nrejected:cannot process include(s):/cyc/b\nrejected:cannot process include(s):/cyc/self\nrejected:not fully specified, missing field (as_user):/inc/frag\nrejected:not fully specified, missing field (as_user):/inc/wide\naccepted::/many\n',
      stderr: /\/bomb.*includes expand to more than/,
      hcronNote: 'hcron itself accepts /bomb after splicing 25 million lines; hcron-check stops at its cap and says so',
    },
  },
  // ------------------------------------------------------------ big folders
  {
    name: 'files-30000',
    about: '30,000 files in one folder',
    build: (dir) => {
      const events = path.join(dir, 'events');
      fs.mkdirSync(path.join(events, 'many'), { recursive: true });
      for (let i = 0; i < 30_000; i++) fs.writeFileSync(path.join(events, 'many', `f${String(i).padStart(5, '0')}`), i % 2 ? BASE : 'X=1\n');
      return events;
    },
    expect: {
      statusLines: 30_000,
      status: { head: 'rejected:not fully specified, missing field (as_user):/many/f00000\naccepted::/many/f00001\n' },
      stderr: /^hcron-check: events: hcron reload would refuse this tree/,
      hcronNote: "hcron's reload refuses the tree (snapshot too big); the status is hcron run's (oracle --direct)",
    },
  },
  {
    name: 'permission-denied',
    about: 'an unreadable folder and an unreadable file (meaningful only for a non-root reader: tests run the CLI as nobody when root)',
    build: (dir) => {
      const events = writeFiles(path.join(dir, 'events'), { a: BASE, 'b/x': BASE, c: BASE, 'd/m': BASE, 'd/n': BASE });
      fs.chmodSync(path.join(events, 'b'), 0o000);
      fs.chmodSync(path.join(events, 'd/m'), 0o000);
      return events;
    },
    expect: {
      // As a non-root user, hcron's reload stops at the first thing it cannot read: only /a.
      asUser: { status: 'accepted::/a\n', stderr: /events\/b.*cannot list folder/ },
      // As root nothing is denied.
      asRoot: { status: 'accepted::/a\naccepted::/b/x\naccepted::/c\naccepted::/d/m\naccepted::/d/n\n' },
    },
  },
  {
    name: 'special-files',
    about: 'a FIFO nobody writes to, a socket-free folder of FIFOs (reads must not block)',
    build: (dir) => {
      const spec = { a: BASE };
      for (let i = 0; i < 20; i++) spec[`fifo/p${i}`] = { fifo: true };
      return writeFiles(path.join(dir, 'events'), spec);
    },
    expect: { status: 'accepted::/a\n', lintCodes: ['dropped'] },
  },
];

export { SECRET };

export function buildCase(name, out) {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no hostile case ${name}`);
  const dir = path.join(out, c.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return c.build(dir);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const c of CASES) console.log(`${c.name}\t${c.about}`);
    process.exit(0);
  }
  const oi = args.indexOf('--only');
  const only = oi >= 0 ? args[oi + 1].split(',') : null;
  const out = args.find((a, i) => !a.startsWith('--') && (oi < 0 || i !== oi + 1));
  if (!out) {
    console.error('usage: node test/gen/hostile.mjs OUT [--only NAME,NAME] [--list]');
    process.exit(2);
  }
  for (const c of CASES) if (!only || only.includes(c.name)) console.log(`${c.name}\t${buildCase(c.name, out)}`);
}
