// engine/probe.ts: what the server judges an open document on while its
// tree is read. Against the full read of the same trees on disk: each member
// lstat finds is the member the walk finds; a tree built from the members its
// lookups missed (EventTree `missed`, looked up until nothing is missed)
// resolves every event name and every dropped member as the whole tree does;
// loadIndexes puts max_events_per_user's cut where the whole tree's load order
// does; judgeNear's findings for an event are lintEvent's on the whole judged
// tree, with hcron's default max_events_per_user and with it raised, with
// asynchronous and with synchronous file-system calls (syncNearFs). On the
// spec's edge-case tree (hard links, a FIFO, link loops), the seed, generated
// random trees and a realistic one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { generateTree } from '../gen/random-tree.mjs';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { casesTree, seedTree, tmpdir } from '../helpers/trees.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const GUARD = { timeout: 300_000 }; // hang guard, not a timing assertion

const config = engine.makeConfig(null);
const NOT_UTF8 = /[\ud800-\udfff]/;

function trees() {
  const out = [
    ['the spec edge-case tree', casesTree()],
    ['the seed', seedTree()],
    ['the fixed seed', seedTree(undefined, { fixed: true })],
  ];
  for (const seed of [3, 11, 29]) {
    const ev = path.join(tmpdir(), 'events');
    generateTree(ev, { seed, events: 120 });
    out.push([`random tree ${seed}`, ev]);
  }
  const ev = path.join(tmpdir(), 'events');
  generateRealistic(ev, { events: 600 });
  out.push(['realistic 600', ev]);
  return out;
}

const fsPathOf = (root, arc) => (arc === 'events' ? root : path.join(root, ...arc.split('/').slice(1)));
const nlink = (p) => {
  try {
    return fs.lstatSync(p).nlink;
  } catch {
    return 0;
  }
};

/** The tree of the members `name`'s lookups reach, built until nothing is missed. */
async function nearTree(root, name) {
  const near = new engine.Neighbourhood(root);
  await near.find(engine.pathOf(name));
  for (let round = 0; round < 64; round++) {
    const missed = new Set();
    const tree = new engine.EventTree({ members: near.list(), missed: (p) => missed.add(p) }, config);
    tree.eventsByName.get(name);
    let found = false;
    for (const p of missed) if (await near.find(p)) found = true;
    if (!found || near.unsure) return { tree, near };
  }
  throw new Error(`${name}: no fixpoint in 64 rounds`);
}

describe('engine/probe.ts against the whole read', GUARD, () => {
  for (const [label, root] of trees()) {
    const scan = engine.scanEventsDir(root);
    const full = new engine.EventTree(scan, config);
    const byPath = new Map(scan.members.map((m) => [m.path, m]));

    it(`${label}: lstat finds the walk's members (${scan.members.length})`, async () => {
      let unsure = 0;
      for (const m of scan.members) {
        if (NOT_UTF8.test(m.path)) continue;
        const near = new engine.Neighbourhood(root);
        await near.find(m.path);
        if (near.unsure) {
          // only what lstat cannot tell: which name of a hard-linked file is the file
          assert.ok(nlink(fsPathOf(root, m.path)) > 1, `${m.path}: unsure (${near.unsure})`);
          unsure++;
          continue;
        }
        assert.ok(near.members.has(m.path), `${m.path} not found`);
        for (const [p, got] of near.members) assert.ok(engine.sameMember(got, byPath.get(p)), `${p}: ${JSON.stringify(got)} vs the walk's ${JSON.stringify(byPath.get(p))}`);
      }
      const near = new engine.Neighbourhood(root);
      await near.find('events/no/such/member');
      assert.deepEqual([...near.members.keys()], ['events']);
      if (label.includes('edge-case')) assert.ok(unsure > 0, 'the edge-case tree has hard links');
    });

    it(`${label}: a tree of the members its lookups missed resolves names as the whole tree (${full.events.length} events, ${full.dropped.length} dropped)`, async () => {
      const names = [...full.events.map((e) => e.name), ...full.dropped.map((d) => d.name), ...full.ignored.map((i) => i.name), '/no/such/event'];
      for (const name of names) {
        if (NOT_UTF8.test(name)) continue;
        const { tree, near } = await nearTree(root, name);
        if (near.unsure) continue; // a hard link on the way: the server waits for the walk
        const want = full.eventsByName.get(name);
        const got = tree.eventsByName.get(name);
        assert.deepEqual(got && { content: got.content, links: got.links }, want && { content: want.content, links: want.links }, name);
        const p = engine.pathOf(name);
        assert.equal(tree.droppedByPath.get(p)?.reason, full.droppedByPath.get(p)?.reason, `${name}: dropped`);
        assert.equal(tree.ignoredPaths.has(p), full.ignoredPaths.has(p), `${name}: ignored`);
        if (want) assert.equal(tree.contentPath(p), full.contentPath(p), `${name}: content`);
      }
    });

    it(`${label}: loadIndexes cuts max_events_per_user where the whole load order does`, async () => {
      if (scan.stoppedAt) return;
      const order = new Map(full.events.map((e, i) => [e.name, i]));
      const re = engine.ignoreMatcher(config).re;
      const n = full.events.length;
      let decided = 0;
      // each call walks the tree up to the event: at most ~100 events per limit
      const step = Math.ceil(n / 100);
      for (const max of [1, 2, 5, 25, Math.floor(n / 2), n, n + 10]) {
        for (const e of full.events.filter((_, i) => i % step === 0 || Math.abs(i + 1 - max) <= 1)) {
          const isFile = e.path === e.content;
          const at = await engine.loadIndexes(root, new Set(isFile ? [e.path] : []), new Set(isFile ? [] : [e.path]), max, re, 500_000);
          if (!at) {
            // only a symlink near the cut (the links before it may or may not be events), or names that are not UTF-8
            assert.ok(!isFile || full.events.some((x) => NOT_UTF8.test(x.path)), `${e.name}: undecided at max ${max}`);
            continue;
          }
          assert.equal(at.get(e.path) + 1 >= max, order.get(e.name) + 1 >= max, `${e.name} at max ${max}: index ${at.get(e.path)}, whole tree ${order.get(e.name)}`);
          decided++;
        }
      }
      assert.ok(decided > 0, 'no event decided');
    });

    for (const max of [25, 1_000_000])
      it(`${label}: judgeNear finds what the whole tree's lint finds (max_events_per_user ${max})`, async () => {
        const cfg = engine.makeConfig(null, { max_events_per_user: max });
        const ctx = engine.configContext(cfg, 'h.example.com', 'h.example.com');
        const loaded = engine.loadEventsDir(root, cfg, ctx);
        // hcron loads nothing (a file that is not UTF-8): only the whole read knows; no tree here is one
        assert.equal(loaded.verdict.noEvents, undefined);
        const state = engine.stateFromJudgements(loaded.tree, loaded.src, ctx, cfg, loaded.verdict.judgements, loaded.verdict.records);
        const why = new Map();
        let ok = 0;
        for (const j of loaded.verdict.judgements) {
          if (j.ref.path !== j.ref.content || NOT_UTF8.test(j.ref.path)) continue;
          const o = { config: cfg, ctx: engine.configContext(cfg, 'h.example.com', 'h.example.com'), overlay: () => undefined, maxFileBytes: 1 << 24, maxMembers: 500_000 };
          const r = await engine.judgeNear(root, j.ref.path, o);
          // with synchronous calls (the VS Code extension's worker): the same verdict
          const rs = await engine.judgeNear(root, j.ref.path, { ...o, fs: engine.syncNearFs });
          assert.deepEqual(rs.ok ? [rs.findings, rs.texts, rs.members] : rs.why, r.ok ? [r.findings, r.texts, r.members] : r.why, `${j.ref.name}: synchronous calls`);
          if (!r.ok) {
            why.set(r.why.replace(/^.*: /, ''), (why.get(r.why.replace(/^.*: /, '')) ?? 0) + 1);
            continue;
          }
          ok++;
          assert.deepEqual(r.findings, engine.lintEvent(state, j), j.ref.name);
        }
        // what it declines: only what the whole tree tells
        for (const w of why.keys()) assert.match(w, /^(hard-linked|may be an include fragment|a template|not UTF-8|not a file of its own|where max_events_per_user cuts|too deep, or not UTF-8)$/, [...why].join());
        assert.ok(ok > 0, `judged ${ok} of ${loaded.verdict.judgements.length}; declined ${[...why].join()}`);
      });
  }
});

// A name lstat found as a file may be a FIFO by the time it is opened: the read
// must not wait for a writer (a plain open would, and this test would time out).
describe('engine/probe.ts reads of a FIFO', { timeout: 20_000 }, () => {
  const dir = tmpdir();
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [label, fsys] of [['asynchronous', engine.asyncNearFs], ['synchronous', engine.syncNearFs]])
    it(`${label}: returns its lstat-like status without bytes, at once`, async () => {
      const r = await fsys.read(fifo, 1 << 20);
      assert.equal(r.st.isFIFO(), true);
      assert.equal(r.bytes, undefined);
    });
});
