// Server modules that are in no dist/ bundle, bundled for a test (esbuild, as esbuild.mjs builds dist/).
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { repo } from './trees.mjs';

const require = createRequire(import.meta.url);

/** `contents`: a module of the repo's root (e.g. "export * from './server/src/outbox';"), bundled into `dir` and loaded. */
export async function bundleModule(contents, dir, name) {
  const out = path.join(dir, `${name}.cjs`);
  await esbuild.build({ stdin: { contents, resolveDir: repo, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
  return require(out);
}
