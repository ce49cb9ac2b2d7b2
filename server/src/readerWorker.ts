// The server's reading thread (dist/reader.js): scans run here so that a read
// that hangs (a vanished mount) blocks this thread, never the server's.

import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { probed, scanEventsDir, ScanLimits } from './engine/scan';
import { ReadBeacon } from './readWatch';
import { NamesSent, packMembers, packPart, packScan, transferOf } from './engine/scanPack';
import type { ReaderJob, ReaderReply } from './treeReader';

const beacon = new ReadBeacon(workerData.shared as SharedArrayBuffer);
/** Members per posted part of a scan. */
const PART_SIZE = 1000;

parentPort!.on('message', (job: ReaderJob) => {
  let reply: ReaderReply;
  try {
    if (job.op === 'scan') {
      // the names first (a fraction of the read): the server judges from them meanwhile; the read then
      // walks the same folder listings (each folder is listed once, and the read's members are the names')
      const listings = job.names ? new Map() : undefined;
      let names: NamesSent | undefined;
      if (job.names) {
        const n = scanEventsDir(job.path, { ...job.limits, probe: beacon, namesOnly: true, listings });
        parentPort!.postMessage({ id: job.id, names: { members: packMembers(n.members), stoppedAt: n.stoppedAt } } satisfies ReaderReply);
        names = { members: n.members, at: 0 };
      }
      // what is read is posted in parts while the walk goes on: the server takes them in meanwhile (their members
      // as a count when they are the names'; texts as bytes, decoded there: scanPack.ts packFiles)
      const post = (r: ReaderReply) => parentPort!.postMessage(r, transferOf((r.part ?? r.scan)!));
      const limits: ScanLimits = { ...job.limits, probe: beacon, keepBytes: true, partSize: PART_SIZE, onPart: (part) => post({ id: job.id, part: packPart(part, names) }), listings };
      return post({ id: job.id, scan: packScan(scanEventsDir(job.path, limits), names) });
    } else {
      const st = probed(beacon, job.path, () => fs.lstatSync(job.path, { throwIfNoEntry: false }));
      reply = { id: job.id, stat: st && { file: st.isFile(), nlink: st.nlink } };
    }
  } catch (e) {
    reply = { id: job.id, error: String((e as Error)?.message ?? e) };
  }
  parentPort!.postMessage(reply);
});
