// The CLI's watchdog thread (dist/watchdog.js, started by readWatch.ts's
// startWatchdog): when one read of the main thread (or of status's reading
// thread: a slot each) does not answer in time, say so and end the process.

import * as fs from 'node:fs';
import { workerData } from 'node:worker_threads';
import { ReadBeacon, stallLine, watchBeacon } from './readWatch';

const { shared, timeoutMs, fd, prefix } = workerData as { shared: SharedArrayBuffer; timeoutMs: number; fd: number | null; prefix: string };

/** The first stall ends the process: one line, whichever thread it was. */
let stalled = false;
const onStall = (p: Uint8Array, ms: number) => {
  if (stalled) return;
  stalled = true;
  fs.writeSync(2, stallLine(prefix, p, ms));
  try {
    if (fd !== null) fs.writeSync(fd, 'stalled\n');
  } catch {
    /* no wrapper's pipe there */
  }
  // SIGINT, not SIGKILL: as fatal (the kernel wakes even a killable NFS wait for it), but
  // shells print nothing for it. SIGKILL if it is still alive a second later.
  process.kill(process.pid, 'SIGINT');
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1000);
};

for (const beacon of ReadBeacon.slotsOf(shared)) watchBeacon(beacon, timeoutMs, onStall, true);
