// Incremental updates give the same answer as loading from scratch: a
// server taken through edits, closes and disk changes (files, folders,
// symlinks, renames, includes) ends with exactly the diagnostics and
// statuses of a fresh server on the final disk state with the same open
// documents.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { seedWorkspace, startServer, pathOf } from './helpers.mjs';

const EVENT = (extra = []) =>
  ['as_user=', 'host=h1.example.com', 'command=/bin/true', 'notify_email=', 'notify_message=', 'when_month=*', 'when_day=*', 'when_hour=*', 'when_minute=7', 'when_dow=*', ...extra].join('\n') + '\n';
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

async function quiet(s, ms = 400) {
  for (let last = -1; last !== s.publications.length + s.treesChanged; ) {
    last = s.publications.length + s.treesChanged;
    await new Promise((r) => setTimeout(r, ms));
  }
}

function snapshot(s, root) {
  const out = {};
  for (const [p, { diagnostics }] of s.diagnostics) {
    if (!diagnostics.length) continue;
    const norm = diagnostics
      .map((d) => ({
        range: d.range,
        severity: d.severity,
        code: d.code,
        message: d.message,
        related: (d.relatedInformation ?? []).map((r) => ({ file: path.relative(root, pathOf(r.location.uri)), range: r.location.range, message: r.message })),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    out[path.relative(root, p)] = norm;
  }
  return out;
}

test('incremental updates equal a fresh load', async () => {
  const { ws, events } = seedWorkspace({
    inc_user: 'include /includes/x\n' + EVENT(),
    'includes/common': 'host=thishostdoesnotexist\n',
    two_level: 'include /includes/common\n' + EVENT().replace('host=h1.example.com\n', ''),
    chain_team: EVENT(['next_event=/team/a:/team2/b']),
  });
  const p = (rel) => path.join(events, rel);
  const a = await startServer({ folder: ws });
  let b;
  try {
    const tpl = p('failover/email_target_template');
    const tplText = a.open(tpl);
    await a.diags(tpl, (d) => d.length > 0);
    // 1. unsaved template edit
    a.change(tpl, tplText.replace('template_name=email_target_template', 'template_name=$HCRON_EVENT_NAME[-1]'));
    // 2. the missing include appears, then gets a bad line
    fs.mkdirSync(p('includes'), { recursive: true });
    fs.writeFileSync(p('includes/x'), 'X=1\n');
    a.watched([[p('includes/x'), CREATED]]);
    await quiet(a, 150);
    fs.writeFileSync(p('includes/x'), 'X=1\nno equals here\n');
    a.watched([[p('includes/x'), CHANGED]]);
    // 3. an include fragment edited on disk changes its includer
    fs.writeFileSync(p('includes/common'), 'host=thishostdoesnotexist\nwhen_typo=1\n');
    a.watched([[p('includes/common'), CHANGED]]);
    // 4. a chain to a link that does not exist yet, then the link
    const rc = p('regular_common');
    const rcText = a.open(rc);
    a.change(rc, rcText.replace('failover_event=/failover/common', 'failover_event=/failover/new@abc.xyz'));
    await quiet(a, 150);
    fs.symlinkSync('email_target_template', p('failover/new@abc.xyz'));
    a.watched([[p('failover/new@abc.xyz'), CREATED]]);
    // 5. a chain target deleted
    fs.rmSync(p('failover_simple'));
    a.watched([[p('failover_simple'), DELETED]]);
    // 6. a folder with events, announced by the folder alone; then renamed
    fs.mkdirSync(p('team'));
    fs.writeFileSync(p('team/a'), EVENT(['next_event=b']));
    fs.writeFileSync(p('team/b'), EVENT(['template_name=b']));
    a.watched([[p('team'), CREATED]]);
    await quiet(a, 150);
    fs.renameSync(p('team'), p('team2'));
    a.watched([[p('team'), DELETED], [p('team2'), CREATED]]);
    // 7. ignored names, a dangling link, a link to a folder
    fs.writeFileSync(p('.hidden'), EVENT());
    fs.writeFileSync(p('backup~'), EVENT());
    fs.symlinkSync('gone', p('team2/dangling'));
    fs.symlinkSync('team2', p('dirlink'));
    a.watched([[p('.hidden'), CREATED], [p('backup~'), CREATED], [p('team2/dangling'), CREATED], [p('dirlink'), CREATED]]);
    // 8. an unsaved edit closed without saving: back to the disk
    a.close(rc);
    // 9. a file's kind changes: regular file -> symlink
    fs.rmSync(p('regular_bob'));
    fs.symlinkSync('simple', p('regular_bob'));
    a.watched([[p('regular_bob'), CHANGED]]);
    await quiet(a);
    const inc = snapshot(a, events);
    const incStatus = (await a.request('hcron/statusText', { root: events })).text;

    b = await startServer({ folder: ws });
    b.open(tpl, a.docs.get(tpl).text);
    await b.diags(tpl, (d) => d.length > 0);
    await quiet(b);
    const fresh = snapshot(b, events);
    const freshStatus = (await b.request('hcron/statusText', { root: events })).text;

    assert.equal(incStatus, freshStatus);
    assert.deepEqual(Object.keys(inc).sort(), Object.keys(fresh).sort());
    assert.deepEqual(inc, fresh);
    // the scenario did reach the interesting states
    if (process.env.DEBUG_INC) console.log(JSON.stringify(fresh, null, 1), freshStatus);
    assert.ok(fresh['inc_user'].some((d) => d.code === 'hcron-status' && /bad definition/.test(d.message)));
    assert.ok(fresh['two_level'].some((d) => /bad when_\* setting/.test(d.message)));
    assert.ok(fresh['simple'].some((d) => d.code === 'chain-missing'));
    assert.ok(fresh['chain_team'].some((d) => d.code === 'chain-missing' && /\/team\/a/.test(d.message)));
    assert.ok(!fresh['chain_team'].some((d) => /\/team2\/b/.test(d.message) && d.code === 'chain-missing'));
    assert.ok(fresh['team2/dangling'].some((d) => d.code === 'dropped'));
    assert.ok(fresh['backup~'].some((d) => d.code === 'ignored'));
    assert.match(freshStatus, /^rejected:template:\/failover\/new@abc\.xyz$/m);
    // and it got there incrementally: the tree was read once
    assert.equal(a.logs.filter((l) => / loaded in /.test(l)).length, 1);
  } finally {
    await a.shutdown();
    await b?.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
