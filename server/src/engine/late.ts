// The late (activation-time) pass and what an activation does (spec 6.1,
// 6.2, 10): variables, the mail, the chained events.

import { HcronConfig, numberSetting } from './config';
import { Judgement, resolveName } from './event';
import { pyStrip } from './py';
import { evalAssignments, VarTable } from './substitute';

export type Trigger = 'clock' | 'immediate' | 'ondemand' | 'next' | 'failover';

export interface RunContext {
  trigger: Trigger;
  /** HCRON_EVENT_CHAIN: names joined by ":", ending with the running event's own name. */
  chain: string;
  /** Schedule = queue = activation time (local). */
  at: Date;
  user: string;
  serverName: string;
  hostName: string;
  /** Job ids as hcron prints them (hex); default from the clock like hcron. */
  jobId?: string;
  /** Show time- and job-dependent values as placeholders (editor previews). */
  placeholders?: boolean;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** strftime("%Y:%m:%d:%H:%M:%S:%W:%w") of a naive local time given as a Date. */
export function hcronDatetime(d: Date): string {
  const start = new Date(d.getFullYear(), 0, 1);
  const yday = Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86400000);
  const wday = d.getDay();
  const week = Math.floor((yday + 7 - (wday ? wday - 1 : 6)) / 7);
  return `${d.getFullYear()}:${pad(d.getMonth() + 1)}:${pad(d.getDate())}:${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}:${pad(week)}:${wday}`;
}

function epoch(d: Date): string {
  return String(Math.floor(d.getTime() / 1000));
}

/** hcron adds the current UTC offset to local wall-clock time for the *_UTC values. */
function shiftedUtc(d: Date): Date {
  const offMin = new Date().getTimezoneOffset();
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes() + offMin, d.getSeconds());
}

export function selfChain(chain: string): string {
  if (chain.indexOf(':') < 0) return chain;
  const names = chain.split(':');
  const last = names[names.length - 1];
  let k = names.length;
  while (k > 0 && names[k - 1] === last) k--;
  return names.slice(k).reverse().join(':');
}

/** hcron's three times of a run (all the activation time here: schedule = queue = activation). */
const TIMES = ['ACTIVATE', 'SCHEDULE', 'QUEUE'];
export const TIME_VARIABLES = TIMES.flatMap((w) => [`HCRON_${w}_DATETIME`, `HCRON_${w}_DATETIME_UTC`, `HCRON_${w}_EPOCHTIME`, `HCRON_${w}_EPOCHTIME_UTC`]);
export const JOB_VARIABLES = ['HCRON_JOBID', 'HCRON_JOBGID', 'HCRON_PJOBID'];
export const LATE_ONLY_VARIABLES = ['HCRON_TRIGGER_NAME', 'HCRON_TRIGGER_ORIGIN', ...JOB_VARIABLES, ...TIME_VARIABLES];

/** The editor's placeholders for the time- and job-dependent built-ins (the times' in TIME_VARIABLES' order). */
const PLACEHOLDERS: readonly [string, string][] = [
  ...JOB_VARIABLES.map((k): [string, string] => [k, '<job id>']),
  ...TIME_VARIABLES.map((k, i): [string, string] => {
    const l = TIMES[Math.floor(i / 4)].toLowerCase();
    return [k, [`<${l} time>`, `<${l} time, UTC>`, `<${l} epoch>`, `<${l} epoch, UTC>`][i % 4]];
  }),
];

/** Event.get_varinfo(job): the late pass's built-ins, in hcron's insertion order. */
export function lateBuiltins(name: string, run: RunContext): VarTable {
  const v: VarTable = new Map();
  v.set('when_year', '*');
  v.set('template_name', null);
  v.set('HCRON_EVENT_CHAIN', run.chain);
  v.set('HCRON_EVENT_NAME', name);
  v.set('HCRON_HOST_NAME', run.hostName);
  v.set('HCRON_SERVER_NAME', run.serverName);
  v.set('HCRON_SELF_CHAIN', selfChain(run.chain));
  const origin = run.trigger === 'clock' || run.trigger === 'immediate' ? 'hcron-scheduler' : run.trigger === 'ondemand' ? `${run.user}@${run.serverName}` : name;
  v.set('HCRON_TRIGGER_NAME', run.trigger);
  v.set('HCRON_TRIGGER_ORIGIN', origin);
  if (run.placeholders) {
    // (a copy of a table made once allocates more: new Map(map) goes through the iterator)
    for (const [k, x] of PLACEHOLDERS) v.set(k, x);
    return v;
  }
  const job = run.jobId ?? (BigInt(Math.floor(Date.now() / 1000)) << 16n).toString(16);
  for (const k of JOB_VARIABLES) v.set(k, job);
  const utc = shiftedUtc(run.at);
  // the same four values for each of the three times (TIME_VARIABLES' order)
  const values = [hcronDatetime(run.at), hcronDatetime(utc), epoch(run.at), epoch(utc)];
  TIME_VARIABLES.forEach((k, i) => v.set(k, values[i % 4]));
  return v;
}

export interface LateResult {
  vars: VarTable;
  values: string[];
}

/** The late pass: built-ins, then every assignment top to bottom from the original text. */
export function latePass(j: Judgement, run: RunContext): LateResult {
  const vars = lateBuiltins(j.ref.name, run);
  const values = evalAssignments(j.assignments, vars);
  return { vars, values };
}

export interface Mail {
  to: string[];
  /** Recipients beyond max_email_notifications, dropped by hcron. */
  dropped: string[];
  subject: string;
  body: string;
}

export type ChainOutcome =
  | { kind: 'queued'; name: string }
  | { kind: 'does-not-exist'; name: string }
  | { kind: 'rejected'; name: string; reason: string };

export interface ChainPlan {
  field: 'next_event' | 'failover_event';
  value: string;
  /** Pieces after splitting on ":" and stripping, with the names they resolve to. */
  pieces: { piece: string; name: string }[];
  /** Why nothing is queued at all, if so. */
  blocked?: string;
  outcomes: ChainOutcome[];
}

export interface Activation {
  late: LateResult;
  asUser: string;
  host: string;
  command: string;
  /** The mail sent when the activation succeeds (none if notify_email is empty). */
  mail?: Mail;
  onSuccess: ChainPlan;
  onFailure: ChainPlan;
  /** Why hcron refuses to run it before spawning, if it does (then no mail and no failover). */
  refused?: string;
}

/** What hcron would do for this run; `lookup` gives the chained events' judgements. */
export function activate(j: Judgement, run: RunContext, config: HcronConfig, lookup: (name: string) => { runnable: boolean; reason: string } | undefined): Activation {
  const late = latePass(j, run);
  const v = late.vars;
  const get = (k: string) => v.get(k) ?? undefined;
  const asUserRaw = get('as_user');
  const asUser = asUserRaw === '' ? run.user : asUserRaw ?? 'None';
  const host = get('host') ?? 'None';
  const command = get('command') ?? '';
  let mail: Mail | undefined;
  const email = get('notify_email');
  if (email) {
    const max = numberSetting(config, 'max_email_notifications', 16);
    const all = email.split(',').map(pyStrip);
    const subjectRaw = pyStrip(get('notify_subject') ?? '');
    const subject = (subjectRaw === '' ? `hcron (${run.serverName}): "${j.ref.name}" executed at ${asUser}@${host}` : subjectRaw).slice(0, 1024);
    const body = (get('notify_message') ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    mail = { to: all.slice(0, max), dropped: all.slice(max), subject, body };
  }
  const chainLen = run.chain ? run.chain.split(':').length : 0;
  const plan = (field: 'next_event' | 'failover_event'): ChainPlan => {
    const value = get(field) ?? '';
    const pieces = value ? value.split(':').map((p) => ({ piece: pyStrip(p), name: resolveName(j.ref.name, pyStrip(p)) })) : [];
    const p: ChainPlan = { field, value, pieces, outcomes: [] };
    if (pieces.length === 0) return p;
    const maxChain = Math.max(numberSetting(config, 'max_chain_events', 5), 1);
    const maxNext = Math.max(numberSetting(config, 'max_next_events', 8), 1);
    if (chainLen >= maxChain) p.blocked = `event chain limit (${maxChain}) reached at (${pieces.map((x) => x.name).join(':')}).`;
    else if (pieces.length > maxNext) p.blocked = `next event limit (${maxNext}) reached at (${pieces.map((x) => x.name).join(':')}).`;
    else
      for (const { name } of pieces) {
        const t = lookup(name);
        if (!t) p.outcomes.push({ kind: 'does-not-exist', name });
        else if (!t.runnable) p.outcomes.push({ kind: 'rejected', name, reason: t.reason });
        else p.outcomes.push({ kind: 'queued', name });
      }
    return p;
  };
  let refused: string | undefined;
  const fqdnNames = [run.hostName, run.serverName, 'localhost'];
  if (host === '') refused = 'empty host';
  else if (!config.allow_localhost && fqdnNames.includes(host)) refused = `host ${host} is the hcron server itself and allow_localhost is off`;
  return { late, asUser, host, command, mail, onSuccess: plan('next_event'), onFailure: plan('failover_event'), refused };
}

/** The text form of an activation (CLI `expand`, the editor's expanded view): variables, mail, chained events. */
export function formatActivation(act: Activation, chain: string): string {
  let out = '';
  for (const [k, v] of act.late.vars) out += `${k}=${v === null ? 'None' : v}\n`;
  if (act.refused) out += `# hcron refuses to run it (${act.refused}): no mail, no chaining; below is what would happen if it ran\n`;
  out += '# on success\n';
  if (act.mail) {
    out += `mail.to=${act.mail.to.join(', ')}\n`;
    if (act.mail.dropped.length) out += `# mail.dropped=${act.mail.dropped.join(', ')} (over max_email_notifications)\n`;
    out += `mail.subject=${act.mail.subject}\nmail.body=${JSON.stringify(act.mail.body)}\n`;
  } else out += '# mail: none (notify_email is empty)\n';
  for (const plan of [act.onSuccess, act.onFailure]) {
    if (plan === act.onFailure) out += '# on failure (failover_event)\n';
    if (!plan.pieces.length) out += `# ${plan.field}: nothing chained\n`;
    else if (plan.blocked) out += `# ${plan.field}: nothing queued: ${plan.blocked}\n`;
    else
      for (const o of plan.outcomes)
        out +=
          o.kind === 'queued'
            ? `queued: ${o.name}  trigger=${plan.field === 'next_event' ? 'next' : 'failover'}  HCRON_EVENT_CHAIN=${chain}:${o.name}\n`
            : o.kind === 'does-not-exist'
              ? `error: chained event (${o.name}) does not exist.\n`
              : `error: chained event (${o.name}) was rejected (${o.reason}).\n`;
  }
  return out;
}
