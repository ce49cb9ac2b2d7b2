// A real editor as the LSP client: headless Neovim (its built-in client)
// drives bin/hcron-language-server on the seed tree with real symlinks.
// Neovim must be installed (.ci/run installs it): if it is missing this FAILS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LINKS, REPO, seedWorkspace, tmpDir } from './helpers.mjs';

test('headless Neovim: diagnostics, hover and definition through a symlink', () => {
  const v = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.ok(!v.error && v.status === 0, 'nvim is not installed (apt-get install -y neovim); this test must not be skipped');
  const { ws, events } = seedWorkspace();
  const xdg = tmpDir('hcron-nvim-xdg-');
  const out = path.join(xdg, 'out.json');
  const template = path.join(events, 'failover/email_target_template');
  const caller = path.join(events, 'regular_bob');
  try {
    const r = spawnSync('timeout', ['60', 'nvim', '--headless', '--clean', '-n', '-c', `luafile ${path.join(REPO, 'test/nvim/hcron_test.lua')}`, '--', template, caller, out], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: path.join(xdg, 'cache'), XDG_STATE_HOME: path.join(xdg, 'state'), XDG_DATA_HOME: path.join(xdg, 'data'), XDG_CONFIG_HOME: path.join(xdg, 'config') },
      timeout: 70_000,
    });
    const res = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : { error: `no output; status ${r.status}; ${r.stderr}` };
    assert.equal(r.status, 0, `nvim failed: ${JSON.stringify(res)}\n${r.stdout}\n${r.stderr}`);
    assert.equal(res.root, ws);
    const codes = res.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('template'), codes.join());
    const w = res.diagnostics.find((d) => d.code === 'symlinked-template');
    assert.ok(w && w.line === 10);
    for (const l of LINKS) assert.ok(w.message.includes(`/failover/${l}`), l);
    assert.ok(res.hover.includes('Failed event (/regular_bob)'));
    assert.match(res.definition.uri, /\/failover\/email_target_template$/);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(xdg, { recursive: true, force: true });
  }
});
