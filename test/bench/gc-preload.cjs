// Loaded into the language server's process by hover-gc.mjs (node --require): what the
// collector does and what is allocated, without a line of the server changed.
//   HCRON_GC_LOG=FILE          each collection as "start-µs kind duration-ms" (epoch clock), written at exit
//   HCRON_ALLOC_PROFILE=FILE   sampled allocations, the collected objects included (what was
//                              allocated, not what is left), while FILE.go exists; written when it goes
// Not part of the product: dist/ never loads it.
'use strict';
const fs = require('node:fs');
const { PerformanceObserver } = require('node:perf_hooks');

if (process.env.HCRON_GC_LOG) {
  const out = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) out.push(`${Math.round((performance.timeOrigin + e.startTime) * 1000)} ${e.detail?.kind} ${e.duration.toFixed(2)}`);
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => fs.writeFileSync(process.env.HCRON_GC_LOG, out.join('\n')));
}

if (process.env.HCRON_ALLOC_PROFILE) {
  const inspector = require('node:inspector');
  const file = process.env.HCRON_ALLOC_PROFILE;
  const session = new inspector.Session();
  session.connect();
  let on = false;
  setInterval(() => {
    const go = fs.existsSync(`${file}.go`);
    if (go && !on) {
      on = true;
      session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    } else if (!go && on) {
      on = false;
      session.post('HeapProfiler.stopSampling', (err, r) => fs.writeFileSync(file, JSON.stringify(err ? { error: String(err) } : r.profile)));
    }
  }, 50).unref();
}
