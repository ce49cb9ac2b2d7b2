// Keys to sets of event names, where most keys have one name: a file read by
// its own event only, an include looked up by one event. A key of one name
// keeps the string instead of a Set (100,000 events made 100,000 one-entry
// Sets: ~0.5 s of a load and ~100 bytes each).

export class NameSets {
  private readonly m = new Map<string, string | Set<string>>();

  add(key: string, name: string): void {
    const s = this.m.get(key);
    if (s === undefined) this.m.set(key, name);
    else if (typeof s === 'string') {
      if (s !== name) this.m.set(key, new Set([s, name]));
    } else s.add(name);
  }

  delete(key: string, name: string): void {
    const s = this.m.get(key);
    if (s === undefined) return;
    if (typeof s === 'string') {
      if (s === name) this.m.delete(key);
    } else if (s.delete(name) && !s.size) this.m.delete(key);
  }

  get(key: string): Iterable<string> | undefined {
    const s = this.m.get(key);
    return typeof s === 'string' ? [s] : s;
  }

  clear(): void {
    this.m.clear();
  }

  *[Symbol.iterator](): IterableIterator<[string, Iterable<string>]> {
    for (const [k, s] of this.m) yield [k, typeof s === 'string' ? [s] : s];
  }
}
