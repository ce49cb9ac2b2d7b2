// A deterministic, realistic event tree for benchmarks: teams and areas as
// folders, shared includes, failover templates reached through one symlink
// per recipient, next chains. Same arguments, same tree, on any machine.
//
//   node test/bench/gen-realistic.mjs OUT_EVENTS_DIR --events 20000

import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../helpers/mulberry32.mjs';


/**
 * Writes the tree and returns facts the benchmarks use: the busiest template
 * (most callers) and a regular event.
 */
export function generateRealistic(eventsDir, { events = 20000, seed = 1 } = {}) {
  const r = mulberry32(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  fs.rmSync(eventsDir, { recursive: true, force: true });
  fs.mkdirSync(eventsDir, { recursive: true });
  const w = (rel, text) => {
    const p = path.join(eventsDir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  };
  // Shared pieces: includes and failover templates with one symlink per recipient.
  w('includes/common', 'as_user=\nhost=compute1.example.com\nnotify_email=\n');
  w('includes/night', 'when_hour=0-5\nwhen_dow=1-5\n');
  const recipients = Array.from({ length: 40 }, (_, i) => `ops${i}@example.com`);
  w(
    'failover/mail_template',
    'as_user=\nhost=mailer.example.com\ncommand=\nnotify_email=$HCRON_EVENT_NAME[-1]\n' +
      'notify_subject=FAILED: $HCRON_EVENT_CHAIN[0]\nnotify_message=Failed event ($HCRON_EVENT_CHAIN[0])\\nchain: $HCRON_EVENT_CHAIN\n' +
      'when_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\ntemplate_name=$HCRON_EVENT_NAME[-1]\n',
  );
  for (const rc of recipients) fs.symlinkSync('mail_template', path.join(eventsDir, 'failover', rc));
  w(
    'failover/common',
    'include /includes/common\ncommand=\nnotify_message=Failed event ($HCRON_EVENT_CHAIN[0])\nwhen_month=*\nwhen_day=*\nwhen_hour=*\nwhen_minute=*\nwhen_dow=*\ntemplate_name=common\n',
  );
  const teams = Array.from({ length: 25 }, (_, i) => `team${String(i).padStart(2, '0')}`);
  const areas = ['ingest', 'models', 'post', 'archive', 'qc', 'web', 'db', 'backup'];
  let n = 3 + recipients.length;
  const names = [];
  let i = 0;
  let bad;
  let caller;
  while (n < events) {
    const team = teams[i % teams.length];
    const area = areas[Math.floor(i / teams.length) % areas.length];
    const name = `${team}/${area}/job${String(i).padStart(6, '0')}`;
    const lines = [`# ${name}`, 'include /includes/common', `command=/opt/${area}/run.sh --job ${i} --out /data/$HCRON_EVENT_NAME[1]/$HCRON_EVENT_NAME[-1]`];
    lines.push(`notify_message=${area} job ${i} done on $HCRON_HOST_NAME`, 'when_month=*', 'when_day=*');
    if (r() < 0.2) lines.push('include /includes/night');
    else lines.push(`when_hour=${pick(['*', '0-23/6', '2', '8-17', '*/2'])}`, `when_dow=${pick(['*', '1-5', '0,6'])}`);
    lines.push(`when_minute=${Math.floor(r() * 60)}`);
    const f = r();
    if (f < 0.6) {
      lines.push(`failover_event=/failover/${pick(recipients)}`);
      caller ??= name;
    }
    else if (f < 0.8) lines.push('failover_event=/failover/common');
    if (names.length && r() < 0.15) {
      const prev = names[names.length - 1];
      lines.push(`next_event=${prev.startsWith(`${team}/${area}/`) ? prev.split('/').pop() : '/' + prev}`);
    }
    if (r() < 0.02) {
      lines.push('when_minute=bad');
      bad ??= name;
    }
    w(name, lines.join('\n') + '\n');
    names.push(name);
    n++;
    i++;
  }
  // sample: the first event; caller: the first that fails over to the template; bad: the first with a bad when_minute
  return { events: n, template: '/failover/mail_template', templatePath: 'failover/mail_template', sample: '/' + names[0], caller: '/' + caller, bad: '/' + bad };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  const ev = Number(process.argv[process.argv.indexOf('--events') + 1]) || 20000;
  if (!out) {
    console.error('usage: gen-realistic.mjs OUT_EVENTS_DIR [--events N]');
    process.exit(2);
  }
  console.log(JSON.stringify(generateRealistic(out, { events: ev })));
}
