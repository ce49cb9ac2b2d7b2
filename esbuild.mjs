// Bundles the CLI, the language server and the VS Code client into dist/.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'server/src/cli/hcron-check.ts', out: 'cli' },
  { in: 'server/src/engine/index.ts', out: 'engine' },
  { in: 'server/src/service/index.ts', out: 'service' },
  { in: 'server/src/server.ts', out: 'server' },
  { in: 'server/src/readerWorker.ts', out: 'reader' },
  { in: 'server/src/watchdogWorker.ts', out: 'watchdog' },
  { in: 'server/src/cli/scanWorker.ts', out: 'scan-worker' },
  { in: 'client/src/entry.ts', out: 'client' },
  { in: 'client/src/extension.ts', out: 'extension' },
  { in: 'client/src/earlyWorker.ts', out: 'early-worker' },
].filter((e) => existsSync(e.in));

await esbuild.build({
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out })),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: process.argv.includes('--sourcemap') ? 'linked' : false,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
});
