// Bundles a VS Code suite (test/vscode/<name>/*.ts, with suite/index.ts as its entry) into
// test/.tmp/vscode/<name>/*.js. Suites: suite (the main one), startup (a session that opens
// with an event already in an editor).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../scripts/lib/code-server.mjs';

export async function buildSuite(name = 'suite') {
  const src = path.join(REPO, 'test', 'vscode', name);
  const out = path.join(REPO, 'test', '.tmp', 'vscode', name);
  fs.rmSync(out, { recursive: true, force: true });
  const files = fs.readdirSync(src).filter((f) => f.endsWith('.ts') && f !== 'helpers.ts').map((f) => path.join(src, f));
  if (name !== 'suite') files.push(path.join(REPO, 'test', 'vscode', 'suite', 'index.ts'));
  await esbuild.build({
    entryPoints: files.map((f) => ({ in: f, out: path.basename(f, '.ts') })),
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha', 'mocha/*'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await buildSuite(process.argv[2]));
