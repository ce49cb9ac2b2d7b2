// The language service's long work can be stopped (service/steps.ts): the
// functions whose work grows with the tree take an optional shouldStop(),
// ask it every few hundred iterations and throw Stopped when it says so;
// asked and answered "go on", they return exactly what they return without
// it. Also: workspace symbols cut to a limit as they go are the first ones of
// the full sort, and callers read through a callers index come in load order.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateRealistic } from '../bench/gen-realistic.mjs';

const require = createRequire(import.meta.url);
const engine = require('../../dist/engine.js');
const svc = require('../../dist/service.js');

const CTX = { serverName: 'big.example.com', hostName: 'big.example.com' };
const NOW = new Date(2026, 0, 5, 10, 7);
const TPL = 'events/failover/mail_template';
const LINK = '/failover/ops1@example.com';

let tmp;
let state;
let caller; // archive path of an event that fails over to LINK

const doc = (p) => ({ state, path: p, text: state.src.text(state.judgement(engine.nameOf(p))?.ref.content ?? p) });
const offsetOf = (d, needle, delta = 0) => {
  const k = d.text.indexOf(needle);
  assert.ok(k >= 0, `${needle} not in ${d.path}`);
  return k + delta;
};

/** A shouldStop that counts how often it is asked and says stop on the `stopAt`-th time. */
function asker(stopAt = Infinity) {
  const f = () => ++f.asked >= stopAt;
  f.asked = 0;
  return f;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-steps-'));
  const events = path.join(tmp, 'events');
  generateRealistic(events, { events: 3000 });
  // one long event file (document symbols: one per line)
  const lines = ['as_user=', 'host=h', 'command=c', 'notify_email=', 'notify_message=', 'when_month=*', 'when_day=*', 'when_hour=*', 'when_minute=1', 'when_dow=*'];
  for (let i = 0; i < 2000; i++) lines.push(`V${i}=value ${i}`);
  fs.writeFileSync(path.join(events, 'long'), lines.join('\n') + '\n');
  const config = engine.makeConfig(null);
  const loaded = engine.judgeScan(engine.scanEventsDir(events), config, CTX);
  state = engine.stateFromJudgements(loaded.tree, loaded.src, CTX, config, loaded.verdict.judgements, loaded.verdict.records);
  caller = state.tree.events.find((e) => (state.src.text(e.content) ?? '').includes(`failover_event=${LINK}\n`)).path;
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('finish', () => {
  test('runs the steps to the end, asking shouldStop at each pause', () => {
    function* three() {
      yield;
      yield;
      yield;
      return 'done';
    }
    assert.equal(svc.finish(three()), 'done');
    const ask = asker();
    assert.equal(svc.finish(three(), ask), 'done');
    assert.equal(ask.asked, 3);
  });

  test('stops at the first pause shouldStop says stop, closing the steps (finally blocks run)', () => {
    let closed = false;
    let after = 0;
    function* work() {
      try {
        for (;;) {
          yield;
          after++;
        }
      } finally {
        closed = true;
      }
    }
    const ask = asker(2);
    assert.throws(() => svc.finish(work(), ask), (e) => e instanceof svc.Stopped && e.name === 'Stopped');
    assert.equal(ask.asked, 2);
    assert.equal(after, 1);
    assert.ok(closed);
  });
});

// Each long function, called with its arguments and a shouldStop last.
const CASES = {
  references: (stop) => svc.references(doc(TPL), 0, stop),
  referencesOfFile: (stop) => svc.referencesOfFile(state, TPL, stop),
  callersOf: (stop) => svc.callersOf(state, [LINK, '/failover/ops2@example.com'], false, Infinity, stop),
  incomingCalls: (stop) => svc.incomingCalls(state, LINK, stop),
  workspaceSymbols: (stop) => svc.workspaceSymbols(state, 'job', 100, stop),
  completion: (stop) => {
    const d = doc(caller);
    return svc.completion(d, offsetOf(d, 'failover_event=/', 'failover_event=/'.length), stop);
  },
  chainGraph: (stop) => svc.chainGraph(state, '/failover/mail_template', 2, svc.MAX_GRAPH_NODES, stop),
  codeLenses: (stop) => svc.codeLenses(doc(TPL), { now: NOW }, stop),
  documentSymbols: (stop) => svc.documentSymbols(doc('events/long'), stop),
  prepareRename: (stop) => {
    const d = doc(caller);
    return svc.prepareRename(d, offsetOf(d, 'include /includes/common', 12), stop);
  },
  rename: (stop) => {
    const d = doc(caller);
    return svc.rename(d, offsetOf(d, 'include /includes/common', 12), 'shared', stop);
  },
  renameMembers: (stop) => svc.renameMembers(state, [{ from: 'events/includes/common', to: 'events/includes/shared' }], stop),
};

describe('shouldStop is honoured by every long service function', () => {
  for (const [name, call] of Object.entries(CASES)) {
    test(name, () => {
      const plain = call(undefined);
      const ask = asker();
      assert.deepEqual(call(ask), plain, 'asked and told to go on: the same result');
      assert.ok(ask.asked > 0, 'shouldStop was asked (the work pauses on this tree)');
      const stopNow = asker(1);
      assert.throws(() => call(stopNow), svc.Stopped);
      assert.equal(stopNow.asked, 1, 'stops at the first pause');
      if (ask.asked >= 2) {
        const later = asker(2);
        assert.throws(() => call(later), svc.Stopped);
        assert.equal(later.asked, 2, 'stops at the pause it was told to, not later');
      }
    });
  }

  test('the results are the full ones (the cases are not trivially small)', () => {
    assert.ok(CASES.references().length > 1000);
    assert.ok(CASES.completion().length >= 3000);
    assert.equal(CASES.workspaceSymbols().length, 100);
    assert.equal(CASES.documentSymbols().length, 2010);
    assert.ok(CASES.renameMembers().change.edits.length > 2000);
    assert.equal(CASES.rename().change.edits.length, CASES.renameMembers().change.edits.length);
  });
});

describe('what the pauses changed', () => {
  test('workspace symbols cut to a limit as they come are the first ones of the whole sorted list', () => {
    for (const q of ['', 'job', 'team01/qc', 'ops1', 'jb9']) {
      const all = svc.workspaceSymbols(state, q);
      for (const limit of [0, 1, 50, 1000]) assert.deepEqual(svc.workspaceSymbols(state, q, limit), all.slice(0, limit), `${q} / ${limit}`);
    }
    const all = svc.workspaceSymbols(state, '');
    assert.equal(all.length, state.tree.events.length);
    assert.deepEqual(all.map((s) => s.name), [...all.map((s) => s.name)].sort());
  });

  test('callers read through a callers index (names in any order) come in load order, as from a scan of the tree', () => {
    const index = new Map();
    for (const e of state.tree.events) {
      const j = state.judgement(e.name);
      for (const a of j?.assignments ?? [])
        if (a.name === 'next_event' || a.name === 'failover_event')
          for (const p of svc.piecesOf(e.name, a)) index.set(p.name, [...new Set([e.name, ...(index.get(p.name) ?? [])])]); // newest first
    }
    const indexed = engine.stateFromJudgements(state.tree, state.src, CTX, state.config, state.tree.events.map((e) => state.judgement(e.name)).filter(Boolean), state.tree.events.map((e) => state.record(e.name)).filter(Boolean), { callers: (n) => index.get(n) ?? [] });
    const names = ['/failover/ops1@example.com', '/failover/ops2@example.com', '/failover/common', '/failover/ops3@example.com'];
    const key = (cs) => cs.map((c) => `${c.caller.ref.name} ${c.field} ${c.target}`);
    const scanned = key(svc.callersOf(state, names, false));
    assert.ok(scanned.length > 100);
    assert.deepEqual(key(svc.callersOf(indexed, names, false)), scanned);
    assert.deepEqual(key(svc.callersOf(indexed, names, true)), key(svc.callersOf(state, names, true)));
  });
});
