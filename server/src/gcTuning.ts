// How much the server's heap may grow between full collections (V8 lets a
// fast-growing heap grow up to 4x): 60% while a tree loads, 15% otherwise, and
// a full collection (marked concurrently) when a load ends. Measured
// (docs/performance.md): 4x -> 60% took the peak RSS of a 100,000-event load
// from 680 to 510 MB at the same load time; less than 60% during the load made
// ready ~1 s slower (more full collections while the load allocates). After
// the load, what grows is findings (a template's verdict flip gives its 60,000
// callers one each) and short-lived garbage: 100,000 events, four flips, peak
// RSS 464-468 MB with 30%, 429-434 with 15%, 418-425 with 10%; once findings
// share their messages (lint.ts intern) 434-436 with 30%, 391-398 with 15%.
// The collection at the load's end took the peak while the background findings
// are made from ~495 to ~370 MB.
// The server imports this first; TreeModel.load brackets each load.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let loading = 0;
const apply = () => setFlagsFromString(`--heap-growing-percent=${loading > 0 ? 60 : 15}`);
apply();

/**
 * A full collection, marked concurrently (no pause): when a load ends its
 * garbage goes, and the heap's next limit is set from what is live with the
 * 15% growth (it was set with 60% during the load).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o: { type: 'major'; execution: 'async' }) => Promise<void>;

/** A load begins; call the result once it is over (idempotent). */
export function loadBegins(): () => void {
  loading++;
  apply();
  let over = false;
  return () => {
    if (over) return;
    over = true;
    loading--;
    apply();
    if (!loading) void gc({ type: 'major', execution: 'async' });
  };
}
