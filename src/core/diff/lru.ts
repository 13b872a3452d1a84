/** A Map that keeps at most `max` entries, dropping the least recently used. */
export class LruMap<K, V> {
  private readonly m = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v === undefined) return undefined;
    this.m.delete(k); // move to the end: most recently used
    this.m.set(k, v);
    return v;
  }

  has(k: K): boolean { return this.m.has(k); }

  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as K);
  }

  get size(): number { return this.m.size; }
}
