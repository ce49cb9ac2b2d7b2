// Keys to sets of event names, where most keys have one name: a file read by
// its own event only, an include looked up by one event. A key of one name
// keeps the string instead of a Set (100,000 events made 100,000 one-entry
// Sets: ~0.5 s of a load and ~100 bytes each). A key of many names is an
// array while names are only added (a load): an event's names are added
// together, so a name already there is the array's last (a push costs a
// fraction of a Set's add: 100,000 events reading one include took ~300 ms
// of a load in Set adds). A delete from an array swaps the last name into
// its place (the names before it were all added); the 16th makes it a Set (a
// template's 60,000 callers judged again delete each).

/** Deletes from one key's array after which it becomes a Set. */
const ARRAY_DELETES = 16;

export class NameSets {
  private readonly m = new Map<string, string | string[] | Set<string>>();
  /** Deletes so far from the arrays that had some. */
  private readonly deletes = new Map<string, number>();

  /** `name`'s adds come together (all of one event's, then the next's): see above. */
  add(key: string, name: string): void {
    const s = this.m.get(key);
    if (s === undefined) this.m.set(key, name);
    else if (typeof s === 'string') {
      if (s !== name) this.m.set(key, [s, name]);
    } else if (Array.isArray(s)) {
      if (s[s.length - 1] !== name) s.push(name);
    } else s.add(name);
  }

  delete(key: string, name: string): void {
    let s = this.m.get(key);
    if (s === undefined) return;
    if (typeof s === 'string') {
      if (s === name) this.m.delete(key);
      return;
    }
    if (Array.isArray(s)) {
      const n = (this.deletes.get(key) ?? 0) + 1;
      if (n < ARRAY_DELETES) {
        const i = s.lastIndexOf(name);
        if (i < 0) return;
        this.deletes.set(key, n);
        s[i] = s[s.length - 1];
        s.pop();
        if (s.length === 1) this.set1(key, s[0]);
        return;
      }
      this.deletes.delete(key);
      this.m.set(key, (s = new Set(s)));
    }
    if (s.delete(name) && !s.size) this.m.delete(key);
  }

  private set1(key: string, name: string) {
    this.deletes.delete(key);
    this.m.set(key, name);
  }

  get(key: string): Iterable<string> | undefined {
    const s = this.m.get(key);
    return typeof s === 'string' ? [s] : s;
  }

  clear(): void {
    this.m.clear();
    this.deletes.clear();
  }

  *[Symbol.iterator](): IterableIterator<[string, Iterable<string>]> {
    for (const [k, s] of this.m) yield [k, typeof s === 'string' ? [s] : s];
  }
}
