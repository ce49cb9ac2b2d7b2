// Preload (node --require) that makes chosen reads slow or hung, like an NFS
// mount that is slow or gone. HCRON_TEST_HANG = JSON {"match": substring of
// the paths it applies to, and either "fifo": a FIFO nobody writes to (a
// blocking open() of it never returns: only SIGKILL ends it, as with a hard
// NFS mount) or "sleepMs": how long each matching read blocks the thread;
// optional "armed": a file whose existence switches it on (delete it and the
// mount is back); or "errno": the code the matching opens fail with at once
// (EACCES: a file made unreadable, ENOENT: one deleted after the listing)}.
// "match" is looked for below the last folder made by mkdtemp for a test
// (hcron-test-XXXXXX, hcron-lsp-trees-XXXXXX, ...): its random letters once held
// "a7", and every read of the tree hung.
'use strict';
const fs = require('node:fs');
const { match, fifo, sleepMs, armed, errno } = JSON.parse(process.env.HCRON_TEST_HANG);
const real = { openSync: fs.openSync, readdirSync: fs.readdirSync, lstatSync: fs.lstatSync, readFileSync: fs.readFileSync };
const block = fifo ? () => fs.closeSync(real.openSync(fifo, 'r')) : () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMs);
const belowTmp = (p) => String(p).replace(/^.*[\\/]hcron-[a-z-]+-[A-Za-z0-9]{6}(?=[\\/]|$)/, '');
const fail = (name, p) => Object.assign(new Error(`${errno}: injected by hang-fs.cjs, ${name} '${p}'`), { code: errno });
for (const [name, f] of Object.entries(real))
  fs[name] = function (p, ...rest) {
    if (typeof p !== 'number' && belowTmp(p).includes(match) && (!armed || fs.existsSync(armed))) {
      if (!errno) block();
      else if (name === 'openSync') throw fail('open', p);
    }
    return f.call(this, p, ...rest);
  };
