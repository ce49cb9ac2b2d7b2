// hcron.conf: a Python literal dictionary (read by hcron with ast.literal_eval).

import { pythonRegexForMatch } from './py';

export type PyValue = string | number | bigint | boolean | null | PyValue[] | { [k: string]: PyValue };

export interface HcronConfig {
  names_to_ignore_regexp: string | null;
  max_events_per_user: number;
  max_symlinks: number;
  max_chain_events: number;
  max_next_events: number;
  max_email_notifications: number;
  allow_localhost: boolean;
  error_on_empty_command: boolean;
  max_hcron_tree_snapshot_size: number;
  server_name: string | null;
  [key: string]: PyValue | undefined;
}

/** hcron's code constants. */
export const CODE_DEFAULTS: HcronConfig = {
  names_to_ignore_regexp: null,
  max_events_per_user: 25,
  max_symlinks: 8,
  max_chain_events: 5,
  max_next_events: 8,
  max_email_notifications: 16,
  allow_localhost: false,
  error_on_empty_command: false,
  max_hcron_tree_snapshot_size: 262144,
  server_name: null,
};

/** The hcron.conf.sample that hcron v1.5 installs: what a site runs unless it changed it. */
export const SAMPLE_CONF = `# hcron.conf (values of hcron v1.5's hcron.conf.sample)
{
    "allow_localhost": False,
    "allow_root_events": False,
    "command_spawn_timeout": 15,
    "events_base_path": None,
    "error_on_empty_command": False,
    "max_email_notifications": 16,
    "max_events_per_user": 25,
    "max_next_events": 8,
    # hidden files, emacs backup files
    "names_to_ignore_regexp": "(\\..*)|(.*~$)",
    "use_syslog": False,
}
`;

export class ConfigError extends Error {}

/** ast.literal_eval for the subset hcron.conf files use (dicts, lists, tuples, strings, numbers, True/False/None). */
export function parsePythonLiteral(src: string): PyValue {
  let i = 0;
  const n = src.length;
  const fail = (msg: string): never => {
    const line = src.slice(0, i).split('\n').length;
    throw new ConfigError(`line ${line}: ${msg}`);
  };
  const skip = () => {
    for (;;) {
      while (i < n && /\s/.test(src[i])) i++;
      if (src[i] === '#') {
        while (i < n && src[i] !== '\n') i++;
      } else if (src[i] === '\\' && src[i + 1] === '\n') i += 2;
      else return;
    }
  };
  const str = (): string => {
    let raw = false;
    while (/[rRbBuU]/.test(src[i])) {
      if (/[rR]/.test(src[i])) raw = true;
      i++;
    }
    const q = src[i];
    const triple = src.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let out = '';
    for (;;) {
      if (i >= n) fail('unterminated string');
      if (src.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      const c = src[i];
      if (!triple && c === '\n') fail('newline in string');
      if (c === '\\' && !raw) {
        const e = src[i + 1];
        i += 2;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
        if (e in simple) out += simple[e];
        else if (e === 'x') {
          out += String.fromCharCode(parseInt(src.slice(i, i + 2), 16));
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(src.slice(i, i + len), 16));
          i += len;
        } else if (/[0-7]/.test(e)) {
          let oct = e;
          while (oct.length < 3 && /[0-7]/.test(src[i])) oct += src[i++];
          out += String.fromCharCode(parseInt(oct, 8));
        } else out += '\\' + e; // unknown escapes keep their backslash: "\." stays "\."
      } else if (c === '\\' && raw) {
        out += c + src[i + 1];
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
  };
  const value = (): PyValue => {
    skip();
    const c = src[i];
    if (c === '{') {
      i++;
      const d: { [k: string]: PyValue } = {};
      for (;;) {
        skip();
        if (src[i] === '}') {
          i++;
          return d;
        }
        const k = value();
        skip();
        if (src[i] !== ':') fail('expected ":"');
        i++;
        d[String(k)] = value();
        skip();
        if (src[i] === ',') i++;
        else if (src[i] !== '}') fail('expected "," or "}"');
      }
    }
    if (c === '[' || c === '(') {
      const end = c === '[' ? ']' : ')';
      i++;
      const a: PyValue[] = [];
      for (;;) {
        skip();
        if (src[i] === end) {
          i++;
          return a;
        }
        a.push(value());
        skip();
        if (src[i] === ',') i++;
        else if (src[i] !== end) fail(`expected "," or "${end}"`);
      }
    }
    if (c === '"' || c === "'" || (/[rRbBuU]/.test(c ?? '') && /["']/.test(src[i + 1] ?? '') ) || (/[rRbBuU]{2}/.test(src.slice(i, i + 2)) && /["']/.test(src[i + 2] ?? ''))) {
      let s = str();
      for (;;) {
        // implicit concatenation of adjacent literals
        const save = i;
        skip();
        if (/["']/.test(src[i] ?? '') || (/[rRbBuU]/.test(src[i] ?? '') && /["']/.test(src[i + 1] ?? ''))) s += str();
        else {
          i = save;
          return s;
        }
      }
    }
    const m = /^(-|\+)?\s*(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9]+)/.exec(src.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      const t = m[0].replace(/[_\s]/g, '');
      if (/^[-+]?0[xX]/.test(t)) return Number(BigInt(t.replace(/^[-+]/, ''))) * (t.startsWith('-') ? -1 : 1);
      return Number(t);
    }
    for (const [w, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (src.startsWith(w, i) && !/\w/.test(src[i + w.length] ?? '')) {
        i += w.length;
        return v;
      }
    }
    return fail(`unexpected ${c === undefined ? 'end of file' : JSON.stringify(c)}`);
  };
  const v = value();
  skip();
  if (i < n) fail('unexpected text after the value');
  return v;
}

/** A config from hcron.conf text (null: the sample's values) plus KEY=VALUE overrides. */
export function makeConfig(confText: string | null, overrides: Record<string, PyValue> = {}): HcronConfig {
  const parsed = parsePythonLiteral(confText ?? SAMPLE_CONF);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('hcron.conf must be a dictionary');
  return { ...CODE_DEFAULTS, ...(parsed as object), ...overrides } as HcronConfig;
}

/** `--set KEY=VALUE`: VALUE read as a Python literal, or as a bare string (as the oracle does). */
export function parseOverride(kv: string): [string, PyValue] {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set wants KEY=VALUE, got "${kv}"`);
  const k = kv.slice(0, eq);
  const v = kv.slice(eq + 1);
  try {
    return [k, parsePythonLiteral(v)];
  } catch {
    return [k, v];
  }
}

/** hcron's `globs.config.get(key, default)` for a number. */
export function numberSetting(config: HcronConfig, key: string, dflt: number): number {
  const v = config[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return dflt;
}

/** The compiled names_to_ignore_regexp, or null (absent or not compilable: nothing ignored). */
export function ignoreMatcher(config: HcronConfig): { re: RegExp | null; problem?: string } {
  const p = config.names_to_ignore_regexp;
  if (typeof p !== 'string') return { re: null };
  const re = pythonRegexForMatch(p);
  return re ? { re } : { re: null, problem: `names_to_ignore_regexp ${JSON.stringify(p)} does not compile; hcron then ignores nothing` };
}
