// server/src/openAtStart.ts: what the VS Code extension's worker judges before the server
// starts (client/src/earlyDiagnostics.ts), and the server during its handshake. judgeOpenFile
// gives an event's diagnostics from its neighbourhood, and leaves to the server what would need
// a longer walk in hcron's load order than its budget. Bundled here from the sources (it is in
// no bundle of its own that a test can load).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateRealistic } from '../bench/gen-realistic.mjs';
import { cli, tmpdir } from '../helpers/trees.mjs';
import { bundleModule } from '../helpers/bundle.mjs';

let m;
let dir;

before(async () => {
  dir = tmpdir('hcron-openatstart-');
  m = await bundleModule("export * from './server/src/openAtStart'; export * from './server/src/settings'; export { syncNearFs } from './server/src/engine/probe';", dir, 'openAtStart');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('judgeOpenFile', () => {
  it('an event past max_events_per_user: judged with enough walk, left to the server past the budget', { timeout: 120_000 }, async () => {
    const events = path.join(dir, 'tree', 'events');
    generateRealistic(events, { events: 600 });
    const settings = m.parseSettings({ overrides: { max_events_per_user: 500 } });
    // hcron-check's verdict: which events the cut reaches
    const r = spawnSync(cli, ['status', '--set', 'max_events_per_user=500', events], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const cut = r.stdout.split('\n').filter((l) => l.includes(':maximum events reached:'));
    const kept = r.stdout.split('\n').filter((l) => l.startsWith('accepted::'));
    assert.ok(cut.length && kept.length, r.stdout.slice(0, 500));
    const config = m.resolveConfig(settings).config;
    for (const [line, isCut] of [
      [cut[cut.length - 1], true],
      [kept[kept.length - 1], false],
    ]) {
      const name = line.slice(line.lastIndexOf(':') + 1);
      const uri = pathToFileURL(path.join(events, name.slice(1))).href;
      const whole = await m.judgeOpenFile(uri, settings, { config });
      assert.ok(whole.ok, `${name}: ${whole.why}`);
      assert.equal(whole.archive, 'events' + name);
      const codes = whole.diagnostics.map((d) => `${d.code}: ${d.message}`);
      assert.equal(codes.some((c) => c.includes('maximum events reached')), isCut, `${name}: ${codes.join(' | ')}`);
      // the walk to the cut lists hundreds of names: past a budget of 50 it is the server's
      const short = await m.judgeOpenFile(uri, settings, { config, walkBudget: 50 });
      assert.deepEqual(short, { ok: false, why: 'where max_events_per_user cuts' }, name);
    }
  });

  it('a template, a file outside an events folder: not judged', async () => {
    const events = path.join(dir, 'tree', 'events');
    const config = m.resolveConfig(m.parseSettings({})).config;
    const tpl = await m.judgeOpenFile(pathToFileURL(path.join(events, 'failover/mail_template')).href, m.parseSettings({}), { config });
    assert.deepEqual(tpl, { ok: false, why: 'a template' });
    const outside = path.join(dir, 'notes.txt');
    fs.writeFileSync(outside, 'x\n');
    assert.deepEqual(await m.judgeOpenFile(pathToFileURL(outside).href, m.parseSettings({}), { config }), { ok: false, why: 'not in an events folder' });
  });

  it('hostile files open at start: a verdict or a reason, never a throw (binary, a 2 MB line, an include cycle, a link loop, deep nesting)', { timeout: 60_000 }, async () => {
    const events = path.join(dir, 'hostile', 'events');
    fs.mkdirSync(path.join(events, 'deep', ...Array(40).fill('d')), { recursive: true });
    const ev = (extra) => `as_user=\nhost=h.example.com\ncommand=/bin/true\nnotify_email=a@b.c\nnotify_message=m\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=0\nwhen_dow=*\n${extra}`;
    fs.writeFileSync(path.join(events, 'binary'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a]));
    fs.writeFileSync(path.join(events, 'long'), ev(`notify_subject=${'x'.repeat(2 * 1024 * 1024)}\n`));
    fs.writeFileSync(path.join(events, 'cycle_a'), ev('include=/cycle_b\n'));
    fs.writeFileSync(path.join(events, 'cycle_b'), 'include=/cycle_a\n');
    fs.symlinkSync('loop2', path.join(events, 'loop1'));
    fs.symlinkSync('loop1', path.join(events, 'loop2'));
    fs.writeFileSync(path.join(events, 'chains_loop'), ev('failover_event=/loop1\n'));
    const deep = path.join(events, 'deep', ...Array(40).fill('d'), 'ev');
    fs.writeFileSync(deep, ev(''));
    const settings = m.parseSettings({});
    const config = m.resolveConfig(settings).config;
    for (const f of ['binary', 'long', 'cycle_a', 'chains_loop', 'loop1', path.relative(events, deep)]) {
      for (const fsys of [undefined, m.syncNearFs]) {
        const r = await m.judgeOpenFile(pathToFileURL(path.join(events, f)).href, settings, { config, fs: fsys });
        assert.ok(r.ok ? Array.isArray(r.diagnostics) : typeof r.why === 'string' && r.why.length > 0, `${f}: ${JSON.stringify(r).slice(0, 300)}`);
      }
    }
    const long = await m.judgeOpenFile(pathToFileURL(path.join(events, 'long')).href, settings, { config });
    assert.ok(long.ok, long.why);
    // hcron-check's verdict on the same tree: the early diagnostics of the include cycle say what it says
    const lint = spawnSync(cli, ['lint', events], { encoding: 'utf8' });
    const cycle = await m.judgeOpenFile(pathToFileURL(path.join(events, 'cycle_a')).href, settings, { config });
    assert.ok(cycle.ok, cycle.why);
    assert.equal(cycle.diagnostics.length, lint.stdout.split('\n').filter((l) => l.startsWith('cycle_a:')).length, lint.stdout);
  });
});
