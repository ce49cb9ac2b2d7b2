// The server's heap grows by at most 60% between full collections (V8 lets a
// fast-growing heap grow up to 4x). Loading a tree allocates much short-lived
// data; measured on 20,000 / 100,000 events: peak RSS 280 -> 230 MB and
// 680 -> 510 MB at the same load time (docs/performance.md). Imported first.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=60');
