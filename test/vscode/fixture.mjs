// The workspace the VS Code suite runs on: a copy of examples/ (the seed tree and the fixed seed,
// symlinks kept as symlinks) plus a third tree and a few files for the language detection.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../scripts/lib/code-server.mjs';

const EVENT = (extra = {}) =>
  Object.entries({
    as_user: '',
    host: 'db1.example.com',
    command: '/usr/local/bin/dump-db',
    notify_email: 'ops@example.com',
    notify_message: 'dump done',
    when_month: '*',
    when_day: '*',
    when_hour: '2',
    when_minute: '30',
    when_dow: '*',
    ...extra,
  })
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');

const FILES = {
  // third tree: one event of each status
  '.hcron/test.example.com/events/nightly': '# nightly database dump\n' + EVENT(),
  '.hcron/test.example.com/events/bad_when': EVENT({ when_minute: '61' }),
  '.hcron/test.example.com/events/partial': EVENT({ host: null }),
  '.hcron/test.example.com/events/nightly~': EVENT(),
  // language detection: content-detected event, prose, TypeScript in an events/ folder
  'other/events/report': EVENT({ command: '/usr/local/bin/report' }),
  'other/events/notes': 'Things to remember about the reports.\nNothing here is an event.\n',
  'src/events/handler.ts':
    "// not an hcron event: TypeScript in a folder named events\nlet host = '';\nlet command = '';\nhost = 'localhost';\ncommand = '/bin/true';\nexport { host, command };\n",
  // a tree named by the hcron.eventTrees setting
  'ops/hcron/prod/cleanup.sh': EVENT({ command: '/usr/local/bin/cleanup' }),
  '.vscode/settings.json': JSON.stringify({ 'hcron.eventTrees': ['ops/hcron/prod'] }, null, 2) + '\n',
};

/** Builds a fresh workspace folder and returns its path. */
export function makeWorkspace(base = fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-vscode-ws-'))) {
  const ws = path.join(base, 'workspace');
  fs.cpSync(path.join(REPO, 'examples'), ws, { recursive: true, verbatimSymlinks: true });
  for (const [rel, text] of Object.entries(FILES)) {
    const p = path.join(ws, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  fs.symlinkSync('nowhere', path.join(ws, '.hcron/test.example.com/events/gone'));
  // sanity: the seed's links must still be links
  const link = path.join(ws, '.hcron/hcron.example.com/events/failover/bob@abc.xyz');
  if (!fs.lstatSync(link).isSymbolicLink()) throw new Error(`${link} is not a symlink: examples/ lost its symlinks`);
  return ws;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(makeWorkspace(process.argv[2]));
