// Long service work that can be stopped: the functions whose work grows with
// the tree are written as generators (Steps) that yield every STEP
// iterations. `finish` runs one to the end, asking `shouldStop` at each
// pause; the language server instead runs them in time slices and lets the
// event loop read the client's $/cancelRequest between slices
// (features/common.ts). Plain code: no editor or LSP imports.

import type { ShouldStop, Steps } from './types';

/** Loop iterations between two pauses of a long service function (a power of two). */
export const STEP = 256;

/** Thrown when `shouldStop()` said stop: the work was abandoned, there is no result. */
export class Stopped extends Error {
  constructor() {
    super('stopped before the end');
    this.name = 'Stopped';
  }
}

/** Run `steps` to the end; at each pause ask `shouldStop` (and throw Stopped when it says so). */
export function finish<T>(steps: Steps<T>, shouldStop?: ShouldStop): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (shouldStop?.()) {
      steps.return(undefined as T);
      throw new Stopped();
    }
  }
}
