// How much the server's heap may grow between full collections (V8 lets a
// fast-growing heap grow up to 4x): 60% while a tree loads, 30% otherwise.
// Measured (docs/performance.md): 4x -> 60% took the peak RSS of a
// 100,000-event load from 680 to 510 MB at the same load time; 30% throughout
// took the peak at the end of a session from ~540-600 to ~450-465 MB but made
// ready ~1 s slower (more full collections while the load allocates). After
// the load (the background findings, edits, verdict flips) 30% costs no time.
// The server imports this first; TreeModel.load brackets each load.
import { setFlagsFromString } from 'node:v8';

let loading = 0;
const apply = () => setFlagsFromString(`--heap-growing-percent=${loading > 0 ? 60 : 30}`);
apply();

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
  };
}
