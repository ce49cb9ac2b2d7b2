// The server's reading thread (dist/reader.js): scans run here so that a read
// that hangs (a vanished mount) blocks this thread, never the server's.

import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { probed, scanEventsDir, ScanLimits } from './engine/scan';
import { ReadBeacon } from './readWatch';
import type { ReaderJob, ReaderReply } from './treeReader';

const beacon = new ReadBeacon(workerData.shared as SharedArrayBuffer);

parentPort!.on('message', (job: ReaderJob) => {
  let reply: ReaderReply;
  try {
    if (job.op === 'scan') {
      const limits: ScanLimits = { ...job.limits, probe: beacon };
      reply = { id: job.id, scan: scanEventsDir(job.path, limits) };
    } else {
      const st = probed(beacon, job.path, () => fs.lstatSync(job.path, { throwIfNoEntry: false }));
      reply = { id: job.id, stat: st && { file: st.isFile(), nlink: st.nlink } };
    }
  } catch (e) {
    reply = { id: job.id, error: String((e as Error)?.message ?? e) };
  }
  parentPort!.postMessage(reply);
});
