// The scan in parts (what the server's reading thread posts while it reads on):
// the parts and the rest, joined, are exactly the scan read in one go.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { BASE, casesTree, tmpdir, writeTree } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const { scanEventsDir, DEFAULT_LIMITS } = require('../../dist/engine.js');

function inParts(root, limits) {
  const parts = [];
  const rest = scanEventsDir(root, { ...limits, partSize: 3, onPart: (p) => parts.push(p) });
  const members = [...parts.flatMap((p) => p.members), ...rest.members];
  const files = new Map([...parts.flatMap((p) => [...p.files]), ...rest.files]);
  for (const p of parts) assert.ok(p.members.length === 3, 'parts of partSize members');
  return { parts: parts.length, joined: { ...rest, members, files } };
}

function bigTree() {
  const events = path.join(tmpdir(), 'events');
  const spec = {};
  for (let t = 0; t < 4; t++) for (let i = 0; i < 7; i++) spec[`team${t}/job${i}`] = BASE + `# ${t} ${i}\n`;
  spec['team0/link'] = { link: 'job1' };
  writeTree(events, spec);
  // a hard link whose two names fall in different parts: the second becomes a hardlink member
  fs.linkSync(path.join(events, 'team0/job0'), path.join(events, 'team3/zz-same'));
  return events;
}

test('a scan in parts joins to the scan in one go (folders, symlinks, hard links across parts)', () => {
  const events = bigTree();
  const whole = scanEventsDir(events);
  const { parts, joined } = inParts(events, DEFAULT_LIMITS);
  assert.ok(parts > 5, `${parts} parts`);
  assert.deepEqual(joined.members, whole.members);
  assert.deepEqual([...joined.files.keys()], [...whole.files.keys()]);
  assert.deepEqual([...joined.files.values()].map((f) => f.text), [...whole.files.values()].map((f) => f.text));
  assert.deepEqual(joined.problems, whole.problems);
  assert.ok(whole.members.some((m) => m.kind === 'hardlink' && m.path === 'events/team3/zz-same' && m.hardlinkOf === 'events/team0/job0'));
});

test('the spec edge-case tree in parts: the same members, problems and stop', () => {
  const events = casesTree();
  const whole = scanEventsDir(events);
  const { joined } = inParts(events, DEFAULT_LIMITS);
  assert.deepEqual(joined.members, whole.members);
  assert.deepEqual([...joined.files.keys()], [...whole.files.keys()]);
  assert.deepEqual(joined.problems, whole.problems);
  assert.deepEqual(joined.stoppedAt, whole.stoppedAt);
});

test('the members cap counts what was handed out in parts', () => {
  const events = bigTree();
  for (const maxMembers of [5, 6, 7, 13]) {
    const limits = { ...DEFAULT_LIMITS, maxMembers };
    const whole = scanEventsDir(events, limits);
    const { joined } = inParts(events, limits);
    assert.equal(whole.members.length, maxMembers);
    assert.deepEqual(joined.members, whole.members);
    assert.deepEqual(joined.problems, whole.problems);
    assert.ok(joined.problems.some((p) => p.kind === 'max-files'));
  }
});

// The names the server's reading thread sends first (namesOnly): the scan's
// members, except what only opening a file tells (a hard link's second name,
// a file that cannot be read); no texts.
test('names only: the members of the full scan, files unopened (a hard link is still a file)', () => {
  const events = bigTree();
  const whole = scanEventsDir(events);
  const names = scanEventsDir(events, { ...DEFAULT_LIMITS, namesOnly: true });
  assert.equal(names.files.size, 0);
  const asFile = (m) => (m.kind === 'hardlink' ? { path: m.path, kind: 'file' } : m);
  assert.deepEqual(names.members, whole.members.map(asFile));
  const cases = casesTree();
  const w = scanEventsDir(cases);
  const n = scanEventsDir(cases, { ...DEFAULT_LIMITS, namesOnly: true });
  // up to where the full read stopped (a file it could not read), the same names
  const upTo = w.stoppedAt ? n.members.findIndex((m) => m.path === w.stoppedAt.path) : n.members.length;
  assert.ok(upTo > 0);
  assert.deepEqual(n.members.slice(0, Math.min(upTo, w.members.length)).map((m) => m.path), w.members.slice(0, Math.min(upTo, w.members.length)).map((m) => m.path));
});
