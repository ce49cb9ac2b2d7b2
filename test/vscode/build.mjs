// Bundles the VS Code suite (test/vscode/suite/*.ts) into test/.tmp/vscode/suite/*.js.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../scripts/lib/code-server.mjs';

export const SUITE_OUT = path.join(REPO, 'test', '.tmp', 'vscode', 'suite');

export async function buildSuite() {
  const src = path.join(REPO, 'test', 'vscode', 'suite');
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: fs.readdirSync(src).filter((f) => f.endsWith('.ts') && f !== 'helpers.ts').map((f) => path.join(src, f)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha', 'mocha/*'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return SUITE_OUT;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await buildSuite());
