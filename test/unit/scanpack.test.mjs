// The packed form the reading threads post (engine/scanPack.ts): through a real
// structured clone (a MessageChannel, as postMessage between threads), packing
// and unpacking gives back exactly the scan, on the spec's edge-case tree and on
// a tree with names that are not UTF-8, symlinks, a hard link, a FIFO, a file
// that is not UTF-8 and one cut at the size cap; with texts posted as bytes
// (keepBytes, transferred), the texts decoded one by one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { BASE, casesTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const { scanEventsDir, DEFAULT_LIMITS, packScan, unpackScan, packPart, unpackPart, transferOf } = require('../../dist/engine.js');

/** A scanned file with every field, present or not (a packed one has no `invalidUtf8: undefined`). */
const norm = (files) => [...files].map(([p, f]) => [p, { text: f.text, invalidUtf8: f.invalidUtf8, truncated: !!f.truncated, mtimeMs: f.mtimeMs, size: f.size }]);

/** `v` after a structured clone, as another thread receives it (`transfer`: what moves instead of being copied). */
function cloned(v, transfer = []) {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(v, transfer);
  const got = receiveMessageOnPort(port2).message;
  port1.close();
  return got;
}

function oddTree() {
  const events = path.join(tmpdir(), 'events');
  writeTree(events, { 'a/job': BASE, 'a/link': { link: 'job' }, 'b/deep/x': BASE + '# x\n', 'big': BASE + '#'.repeat(300) + '\n' });
  const dir = Buffer.from(events);
  fs.writeFileSync(Buffer.concat([dir, Buffer.from('/caf\xe9', 'latin1')]), BASE); // a name that is not UTF-8
  fs.mkdirSync(Buffer.concat([dir, Buffer.from('/d\xff', 'latin1')]));
  fs.writeFileSync(Buffer.concat([dir, Buffer.from('/d\xff/inner', 'latin1')]), BASE);
  fs.writeFileSync(path.join(events, 'bad-utf8'), Buffer.concat([Buffer.from(BASE), Buffer.from([0xc3, 0x28, 0x0a])]));
  fs.writeFileSync(path.join(events, 'r\ufffdplacement'), BASE); // a UTF-8 name holding U+FFFD itself
  fs.linkSync(path.join(events, 'a/job'), path.join(events, 'z-same'));
  execFileSync('mkfifo', [path.join(events, 'fifo')]);
  return events;
}

for (const [what, make] of [
  ['the edge-case tree', () => casesTree()],
  ['odd names and kinds', oddTree],
]) {
  test(`a scan packed and unpacked is the scan: ${what}`, () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 200 };
    const scan = scanEventsDir(make(), limits);
    assert.ok(scan.members.length > 5 && scan.files.size > 3);
    const back = unpackScan(cloned(packScan(scan)));
    assert.deepEqual(back.members, scan.members);
    assert.deepEqual(norm(back.files), norm(scan.files));
    assert.deepEqual(back.problems, scan.problems);
    assert.deepEqual(back.stoppedAt, scan.stoppedAt);
    assert.equal(back.root, scan.root);
  });
}

test('odd names: the lone surrogates of names that are not UTF-8 survive packing', () => {
  const scan = scanEventsDir(oddTree());
  const paths = scan.members.map((m) => m.path);
  assert.ok(paths.includes('events/caf\udce9'), paths.join(' '));
  assert.ok(paths.includes('events/d\udcff/inner'));
  assert.ok(paths.includes('events/r\ufffdplacement'));
  assert.ok(scan.files.get('events/bad-utf8').invalidUtf8 !== undefined);
  assert.ok(scan.files.get('events/big').truncated === false);
  const back = unpackScan(cloned(packScan(scan)));
  assert.deepEqual(back.members.map((m) => m.path), paths);
  assert.deepEqual(back.members.find((m) => m.kind === 'hardlink'), scan.members.find((m) => m.kind === 'hardlink'));
  assert.deepEqual(back.members.find((m) => m.kind === 'other'), { path: 'events/fifo', kind: 'other', what: 'a FIFO' });
});

test('parts packed and unpacked are the parts, empty ones too', () => {
  const parts = [];
  const rest = scanEventsDir(oddTree(), { ...DEFAULT_LIMITS, partSize: 3, onPart: (p) => parts.push(p) });
  assert.ok(parts.length >= 3);
  for (const p of [...parts, { members: [], files: new Map() }, { members: rest.members, files: rest.files }]) {
    const back = unpackPart(cloned(packPart(p)));
    assert.deepEqual(back.members, p.members);
    assert.deepEqual(norm(back.files), norm(p.files));
  }
});

test('parts after the names: posted as a count where they are the names, packed where the read found otherwise (a hard link)', () => {
  const events = oddTree();
  const names = scanEventsDir(events, { ...DEFAULT_LIMITS, namesOnly: true }).members;
  const parts = [];
  const rest = scanEventsDir(events, { ...DEFAULT_LIMITS, partSize: 3, onPart: (p) => parts.push(p) });
  parts.push({ members: rest.members, files: rest.files });
  const sent = { members: names, at: 0 };
  const packed = parts.map((p) => cloned(packPart(p, sent)));
  assert.equal(sent.at, names.length);
  const counted = packed.filter((p) => 'same' in p.members);
  // the hard link's second name: a file to the names walk, a hard link to the read
  const withLink = parts.findIndex((p) => p.members.some((m) => m.kind === 'hardlink'));
  assert.ok(withLink >= 0 && !('same' in packed[withLink].members));
  assert.ok(counted.length >= parts.length - 2 && counted.length > 0, `${counted.length} of ${parts.length}`);
  let at = 0;
  const files = new Map();
  for (const [i, p] of packed.entries()) {
    const back = unpackPart(p, names, at, files);
    assert.deepEqual(back.members, parts[i].members);
    if ('same' in p.members) back.members.forEach((m, k) => assert.equal(m, names[at + k])); // the names' own objects
    at += back.members.length;
  }
  assert.deepEqual(norm(files), norm(new Map(parts.flatMap((p) => [...p.files]))));
  // a count with no names to take them from is refused, not guessed
  assert.throws(() => unpackPart(packed.find((p) => 'same' in p.members)), /without those names/);
});

// The server's reading thread scans with keepBytes: files that are valid UTF-8
// keep their bytes and a part's are decoded at once when it is packed. The
// texts must be the ones decoded one by one, whatever mix of files a part holds.
test('keepBytes: parts decoded at once give the texts decoded one by one', () => {
  const { BytesFile } = require('../../dist/engine.js');
  const events = path.join(tmpdir(), 'events');
  writeTree(events, {
    'a-ascii': BASE,
    'b-accents': BASE + '# café, déjà vu\n',
    'c-astral': BASE + '# \u{1F600} and \u{10FFFF}\n',
    'd-bom': '\ufeff' + BASE,
    'f-after-bad': BASE + '# naïve\n',
    'g-cut': BASE + '# ' + 'é'.repeat(200) + '\n',
    'h-mid-bom': BASE + '\ufeff# x\n',
  });
  fs.writeFileSync(path.join(events, 'e-bad'), Buffer.concat([Buffer.from(BASE), Buffer.from([0xe2, 0x82, 0x0a, 0xc3, 0x28])]));
  // the bad file's last bytes would make a character with the next file's first if decoded together
  fs.writeFileSync(path.join(events, 'e-bad2'), Buffer.concat([Buffer.from(BASE), Buffer.from([0xe2, 0x82])]));
  fs.writeFileSync(path.join(events, 'e-bad3'), Buffer.concat([Buffer.from([0xac]), Buffer.from(BASE)]));
  const limits = { ...DEFAULT_LIMITS, maxFileBytes: BASE.length + 101 }; // g-cut is cut inside an é
  const plain = scanEventsDir(events, limits);
  for (const partSize of [1, 2, 3, 1000]) {
    const parts = [];
    const rest = scanEventsDir(events, { ...limits, keepBytes: true, partSize, onPart: (p) => parts.push(p) });
    parts.push(rest);
    const kept = parts.flatMap((p) => [...p.files.values()]).filter((f) => f instanceof BytesFile);
    assert.ok(kept.length >= 6, `${kept.length} files kept as bytes`);
    const files = new Map();
    for (const p of parts) {
      const packed = packPart(p);
      const moved = transferOf(packed);
      unpackPart(cloned(packed, moved), undefined, 0, files);
      if (packed.files.fromBytes.some((b) => b)) assert.equal(packed.files.bytes.byteLength, 0, 'the bytes moved to the receiver');
    }
    assert.deepEqual(norm(files), norm(plain.files), `parts of ${partSize}`);
  }
  assert.equal(plain.files.get('events/g-cut').truncated, true);
  assert.ok(plain.files.get('events/e-bad').invalidUtf8 !== undefined);
  assert.ok(plain.files.get('events/d-bom').text.startsWith('\ufeff'));
  // a BytesFile asked for its text decodes it once
  const one = scanEventsDir(events, { ...limits, keepBytes: true }).files.get('events/c-astral');
  assert.ok(one instanceof BytesFile && one.bytes);
  assert.equal(one.text, plain.files.get('events/c-astral').text);
  assert.equal(one.bytes, undefined);
});

// A part's files are keyed on the receiving side by its members' own path
// strings (no second copy of each path), unless the files are not the part's
// file members in order: then their paths travel with them.
test("files keyed by the part's file members, or by their own paths when those differ", () => {
  const scan = scanEventsDir(oddTree());
  const packed = cloned(packScan(scan));
  assert.equal(packed.files.paths, undefined);
  const back = unpackScan(packed);
  for (const m of back.members) if (m.kind === 'file') assert.ok(back.files.has(m.path), m.path);
  const file = (text) => ({ text, mtimeMs: 1, size: text.length, truncated: false });
  const members = [{ path: 'events/a', kind: 'file' }, { path: 'events/d', kind: 'dir' }, { path: 'events/d/b', kind: 'file' }];
  const odd = new Map([['events/d/b', file('B')], ['events/a', file('A')]]);
  const p = cloned(packPart({ members, files: odd }));
  assert.ok(p.files.paths !== undefined);
  assert.deepEqual(norm(unpackPart(p).files), norm(odd));
  const fewer = cloned(packPart({ members, files: new Map([['events/a', file('A')]]) }));
  assert.deepEqual(norm(unpackPart(fewer).files), [['events/a', { text: 'A', invalidUtf8: undefined, truncated: false, mtimeMs: 1, size: 1 }]]);
});
