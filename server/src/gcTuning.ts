// The server's heap grows by at most 30% between full collections (V8 lets a
// fast-growing heap grow up to 4x). Loading a tree allocates much short-lived
// data. Measured (docs/performance.md), peak RSS at the end of a benchmark
// session: 100,000 events 4x -> 60% 680 -> 510 MB, 60% -> 30% 601 -> 445-467 MB;
// 20,000 events 60% -> 30% 225 -> 204 MB; ready, findings and edit times within
// the noise of the machine. Imported first.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=30');
