// How much the server's heap may grow between full collections (V8 lets a
// fast-growing heap grow up to 4x): 60% while a tree loads, 10% otherwise, and
// a full collection (marked concurrently) when a load ends and every 20,000
// events a background re-lint replaced the findings of (collectSoon). Measured
// (docs/performance.md): 4x -> 60% took the peak RSS of a 100,000-event load
// from 680 to 510 MB at the same load time; less than 60% during the load made
// ready ~1 s slower (more full collections while the load allocates). After
// the load, what grows is findings (a template's verdict flip gives its 60,000
// callers one each) and short-lived garbage: 100,000 events, four flips, peak
// RSS 464-468 MB with 30%, 429-434 with 15%, 418-425 with 10%; once findings
// share their messages (lint.ts intern) 434-436 with 30%, 391-398 with 15%;
// with hcron/trees in the session (its answer without the plain URIs) and a
// collection every 20,000 re-linted events, 401-403 with 15%, 390-394 with 10%
// (edit p95 11-17 ms).
// The collection at the load's end took the peak while the background findings
// are made from ~495 to ~370 MB.
// The server imports this first; TreeModel.load brackets each load.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let loading = 0;
const apply = () => setFlagsFromString(`--heap-growing-percent=${loading > 0 ? 60 : 10}`);
apply();

/**
 * A full collection, marked concurrently (no pause): when a load ends its
 * garbage goes, and the heap's next limit is set from what is live with the
 * 10% growth (it was set with 60% during the load).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o: { type: 'major'; execution: 'async' }) => Promise<void>;

/**
 * Its marking is concurrent, but it ends in a pause of this thread (~150 ms at
 * 100,000 events, measured): not while a request waits.
 *
 * A large piece of background work replaced much of what was live (the
 * findings of a template's 60,000 callers after its verdict flipped), or a
 * load ended: a full collection now, marked concurrently, rather than once the
 * heap has grown by another 10% (measured: the peak RSS of four flips at
 * 100,000 events). Not during a load: it grows by 60% on purpose.
 */
export function collectSoon(): void {
  if (!loading) void gc({ type: 'major', execution: 'async' });
}

/** A load begins; call the result once it is over (idempotent), and collectSoon() once its waiting requests are answered. */
export function loadBegins(): () => void {
  loading++;
  apply();
  let over = false;
  return () => {
    if (over) return;
    over = true;
    loading--;
    apply();
  };
}
