// The server's settings: workspace/configuration section "hcron".
//
//   hcron.configFile        path of hcron.conf (default /etc/hcron/hcron.conf when it
//                           exists, else the values of hcron v1.5's hcron.conf.sample)
//   hcron.overrides         { max_events_per_user, names_to_ignore_regexp, max_symlinks,
//                             allow_localhost, max_chain_events, max_next_events }
//                           (the flat camelCase keys hcron.maxEventsPerUser, ... work too)
//   hcron.serverName        server name for previews (default: the <server> folder of
//                           .hcron/<server>/events, else hcron.conf's server_name, else hostName)
//   hcron.hostName          the scheduler's host name (default: this machine's)
//   hcron.severity          { "<finding code>": "error"|"warning"|"information"|"hint"|"off" }
//   hcron.eventTrees        extra event trees: paths or globs (absolute, ~/..., or relative
//                           to each workspace folder)
//   hcron.maxFiles          files and folders read per tree at most (default 500,000)
//   hcron.maxFileBytes      bytes read of one file at most (default 16 MiB)
//   hcron.readTimeout       seconds one read may take before the tree counts as on a hung
//                           mount (default 10)

import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError, HcronConfig, makeConfig, PyValue } from './engine/config';
import type { Severity } from './engine/lint';
import { DEFAULT_LIMITS, ScanLimits } from './engine/scan';

export type SeveritySetting = Severity | 'off';

export const OVERRIDE_KEYS = ['max_events_per_user', 'names_to_ignore_regexp', 'max_symlinks', 'allow_localhost', 'max_chain_events', 'max_next_events'] as const;
export type OverrideKey = (typeof OVERRIDE_KEYS)[number];

const CAMEL: Record<string, OverrideKey> = {
  maxEventsPerUser: 'max_events_per_user',
  namesToIgnoreRegexp: 'names_to_ignore_regexp',
  maxSymlinks: 'max_symlinks',
  allowLocalhost: 'allow_localhost',
  maxChainEvents: 'max_chain_events',
  maxNextEvents: 'max_next_events',
};

export const DEFAULT_CONF_PATH = '/etc/hcron/hcron.conf';

export interface Settings {
  configFile: string | null;
  overrides: Partial<Record<OverrideKey, PyValue>>;
  serverName: string | null;
  hostName: string | null;
  severity: Record<string, SeveritySetting>;
  eventTrees: string[];
  /** Resource caps of the scan (null: the engine's DEFAULT_LIMITS). */
  maxFiles: number | null;
  maxFileBytes: number | null;
  /** Seconds one file-system read may take (null: readWatch's default). */
  readTimeout: number | null;
}

export const DEFAULT_SETTINGS: Settings = { configFile: null, overrides: {}, serverName: null, hostName: null, severity: {}, eventTrees: [], maxFiles: null, maxFileBytes: null, readTimeout: null };

function positiveInt(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function overrideValue(key: OverrideKey, v: unknown): PyValue | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (key === 'allow_localhost') return typeof v === 'boolean' ? v : v === 'true' || v === 'True' || v === 1;
  if (key === 'names_to_ignore_regexp') return typeof v === 'string' ? v : undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Normalise whatever the client sent (null, partial objects, wrong types) into Settings. */
export function parseSettings(raw: unknown): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, overrides: {}, severity: {}, eventTrees: [] };
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  s.configFile = str(r.configFile) ?? str(r.conf) ?? null;
  s.serverName = str(r.serverName);
  s.hostName = str(r.hostName);
  const ov = r.overrides && typeof r.overrides === 'object' ? (r.overrides as Record<string, unknown>) : {};
  for (const k of OVERRIDE_KEYS) {
    const v = overrideValue(k, ov[k]);
    if (v !== undefined) s.overrides[k] = v;
  }
  for (const [camel, k] of Object.entries(CAMEL)) {
    const v = overrideValue(k, r[camel] ?? r[k]);
    if (v !== undefined && s.overrides[k] === undefined) s.overrides[k] = v;
  }
  if (r.severity && typeof r.severity === 'object')
    for (const [code, v] of Object.entries(r.severity as Record<string, unknown>))
      if (typeof v === 'string' && SEVERITIES.has(v)) s.severity[code] = v as SeveritySetting;
  const trees = r.eventTrees;
  if (Array.isArray(trees)) s.eventTrees = trees.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
  else if (typeof trees === 'string' && trees.trim()) s.eventTrees = [trees.trim()];
  s.maxFiles = positiveInt(r.maxFiles);
  s.maxFileBytes = positiveInt(r.maxFileBytes);
  const t = typeof r.readTimeout === 'number' ? r.readTimeout : NaN;
  s.readTimeout = Number.isFinite(t) && t > 0 ? Math.min(t, 3600) : null;
  return s;
}

export interface ResolvedConfig {
  config: HcronConfig;
  /** Where it came from (a path, or "hcron.conf.sample"). */
  source: string;
  /** A problem reading or parsing the configured file (the sample is used instead). */
  problem?: string;
}

/** hcron.conf as the settings name it, plus the overrides. */
export function resolveConfig(s: Settings, exists: (p: string) => boolean = fs.existsSync): ResolvedConfig {
  const path = s.configFile ? expandHome(s.configFile) : exists(DEFAULT_CONF_PATH) ? DEFAULT_CONF_PATH : null;
  let read: string | Error | null = null;
  if (path)
    try {
      read = fs.readFileSync(path, 'utf8');
    } catch (e) {
      read = e as Error;
    }
  return configOf(s, path, read);
}

function configOf(s: Settings, path: string | null, read: string | Error | null): ResolvedConfig {
  if (read instanceof Error) return { config: makeConfig(null, s.overrides), source: 'hcron.conf.sample', problem: `cannot read ${path}: ${read.message}; using hcron.conf.sample's values` };
  try {
    return { config: makeConfig(read, s.overrides), source: path ?? 'hcron.conf.sample' };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { config: makeConfig(null, s.overrides), source: 'hcron.conf.sample', problem: `${path}: ${e.message}; using hcron.conf.sample's values` };
  }
}

export function limitsOf(s: Settings): ScanLimits {
  return { maxMembers: s.maxFiles ?? DEFAULT_LIMITS.maxMembers, maxFileBytes: s.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes };
}

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? os.homedir() + p.slice(1) : p;
}

export function severityFn(s: Settings): ((code: string) => SeveritySetting | undefined) | undefined {
  const m = s.severity;
  return Object.keys(m).length ? (code) => m[code] : undefined;
}
