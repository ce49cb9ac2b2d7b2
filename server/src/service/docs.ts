// Short documentation of hcron's fields (spec section 4) and built-in
// variables (spec 6.2), shared by hover and completion.

export interface FieldDoc {
  required: string;
  read: string;
  doc: string;
}

export const FIELD_DOCS: Record<string, FieldDoc> = {
  description: { required: 'no', read: 'never by the scheduler', doc: 'Free text, shown by `hcron doc` (v1.5).' },
  contact: { required: 'no', read: '`hcron doc` only', doc: 'Comma-separated contacts; entries containing `@` are shown as mail links by `hcron doc`.' },
  url: { required: 'no', read: '`hcron doc` only', doc: 'Comma-separated URLs; entries containing `://` are linked by `hcron doc`.' },
  label: { required: 'no', read: '`hcron doc` only', doc: 'Comma-separated labels, shown by `hcron doc`.' },
  as_user: { required: 'yes (may be empty)', read: 'activation', doc: 'Remote login name for `ssh -l`; empty means the event owner.' },
  host: {
    required: 'yes',
    read: 'activation',
    doc: 'Host on which `command` runs. Empty → hcron refuses to run it (error logged, no mail, no failover). The scheduler\'s own FQDN, short name or `localhost` is refused unless `allow_localhost` is true.',
  },
  command: {
    required: 'yes (may be empty)',
    read: 'activation',
    doc: 'Run as `ssh -f -n -t -l <as_user> <host> <command>`. hcron replaces `$NAME` references first (write `${NAME}` for shell variables). Empty → nothing runs and the activation counts as a success (unless `error_on_empty_command`).',
  },
  notify_email: {
    required: 'yes (may be empty)',
    read: 'activation',
    doc: 'Comma-separated recipients; mail is sent only when the activation succeeds. At most `max_email_notifications` (16); an empty item (trailing comma) sends to the empty address.',
  },
  notify_subject: {
    required: 'no',
    read: 'activation',
    doc: 'Mail subject. Empty or absent → `hcron (<servername>): "<event name>" executed at <as_user>@<host>`. Truncated to 1024 characters; `\\n` is NOT translated here.',
  },
  notify_message: { required: 'yes (may be empty)', read: 'activation', doc: 'Mail body. After substitution, the two-character sequences `\\n` and `\\t` become newline and tab.' },
  when_year: { required: 'no (default `*`)', read: 'load', doc: 'Years 2000–2050. Nothing fires after 2050.' },
  when_month: { required: 'yes', read: 'load', doc: 'Months 1–12 (no month names).' },
  when_day: { required: 'yes', read: 'load', doc: 'Day of month 1–31. Combined with `when_dow` by AND, not OR.' },
  when_hour: { required: 'yes', read: 'load', doc: 'Hours 0–23.' },
  when_minute: { required: 'yes', read: 'load', doc: 'Minutes 0–59.' },
  when_dow: { required: 'yes', read: 'load', doc: 'Day of week 0–6, 0 = Sunday (7 is invalid; no day names). Combined with `when_day` by AND.' },
  when_expire: {
    required: 'no',
    read: 'activation',
    doc: 'Maximum delay between the scheduled time and the activation, `[[H:]M:]S` (`1:30` = 90 s). Exceeded → the command is not run and the activation is a failure (failover_event fires). Unparsable, 0 or empty → no expiry.',
  },
  next_event: {
    required: 'no',
    read: 'activation',
    doc: '`:`-separated events queued when the activation succeeds. Relative names join this event\'s own folder without normalisation (`./x`, `../x` never match). More than `max_next_events` (8) pieces → nothing is queued.',
  },
  failover_event: {
    required: 'no',
    read: 'activation',
    doc: '`:`-separated events queued when the activation fails (ssh failure, timeout, `when_expire` exceeded). Not used when hcron refuses to run (empty host, localhost). Same name rules as `next_event`.',
  },
  template_name: {
    required: 'no',
    read: 'load',
    doc: 'Template marker: if its (substituted) value equals the last component of the event\'s name, the event is a template: rejected, not scheduled, but still runnable through `next_event`/`failover_event` or `hcron activate`. `$HCRON_EVENT_NAME[-1]` makes every symlink to the file a template too.',
  },
};

export const BUILTIN_DOCS: Record<string, { late: boolean; doc: string }> = {
  HCRON_EVENT_NAME: { late: false, doc: "The event's own name (a symlink's own name). Default split separator `/`." },
  HCRON_EVENT_CHAIN: { late: false, doc: '`:`-joined names of the chain, ending with this event (empty at load time).' },
  HCRON_SELF_CHAIN: { late: false, doc: 'The trailing run of identical names at the end of the chain (empty at load time).' },
  HCRON_HOST_NAME: { late: false, doc: 'FQDN of the machine running the scheduler.' },
  HCRON_SERVER_NAME: { late: false, doc: '`server_name` setting, default the FQDN.' },
  when_year: { late: false, doc: 'Built-in default `*`.' },
  HCRON_TRIGGER_NAME: { late: true, doc: '`clock`, `immediate`, `ondemand`, `next` or `failover`.' },
  HCRON_TRIGGER_ORIGIN: { late: true, doc: '`hcron-scheduler` (clock/immediate), `<user>@<servername>` (on demand), or the chained event\'s own name.' },
  HCRON_JOBID: { late: true, doc: 'Job id (hex).' },
  HCRON_JOBGID: { late: true, doc: 'Id of the first job of the chain (hex).' },
  HCRON_PJOBID: { late: true, doc: 'Id of the parent job (hex).' },
};
for (const w of ['ACTIVATE', 'SCHEDULE', 'QUEUE']) {
  const what = w === 'ACTIVATE' ? 'activation time' : w === 'SCHEDULE' ? 'scheduled minute (chained jobs: when queued)' : 'time the job was queued';
  BUILTIN_DOCS[`HCRON_${w}_DATETIME`] = { late: true, doc: `${what}, \`YYYY:MM:DD:HH:MM:SS:WW:D\` (WW = week of year, D = weekday 0=Sunday).` };
  BUILTIN_DOCS[`HCRON_${w}_DATETIME_UTC`] = { late: true, doc: `${what} shifted by the current UTC offset, same format.` };
  BUILTIN_DOCS[`HCRON_${w}_EPOCHTIME`] = { late: true, doc: `${what} as seconds since the epoch.` };
  BUILTIN_DOCS[`HCRON_${w}_EPOCHTIME_UTC`] = { late: true, doc: `\`%s\` of the UTC-shifted ${what} (differs from the true epoch unless the server runs in UTC).` };
}

/** A fenced code block that survives backticks in the text. */
export function codeBlock(text: string, lang = 'text'): string {
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Inline code that survives backticks and shows emptiness. */
export function inlineCode(text: string): string {
  if (text === '') return '*(empty)*';
  let ticks = '`';
  while (text.includes(ticks)) ticks += '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}
