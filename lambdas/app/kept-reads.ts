/**
 * Store reads the ingest path keeps for `ttlMs`, so a webhook costs no round trip: concurrent
 * webhooks share one read, an absent answer is never kept (what appears works at once), and
 * `invalidate()` forgets everything, for an owner that sees every write (the local server). A read
 * under way while an invalidation happened is not kept, so it cannot bring back what the write changed.
 */
export class KeptReads<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly until: number }>();
  private readonly reads = new Map<string, Promise<V | undefined>>();
  /** Bumped by every invalidation; a read keeps its answer only if none happened meanwhile. */
  private generation = 0;
  /** Answers given from what was kept, and those that needed the store (or a read under way), so far. */
  readonly counts = { hits: 0, misses: 0 };

  constructor(
    private readonly read: (key: string) => Promise<V | undefined>,
    private readonly ttlMs: number,
    private readonly now: () => number,
    /** Bounds memory when one process sees very many keys. */
    private readonly maxEntries: number,
  ) {}

  /** The answer kept for `key` while it is fresh, without waiting; undefined when the store must be read (get). */
  kept(key: string): V | undefined {
    const cached = this.entries.get(key);
    if (cached === undefined || !(cached.until > this.now())) return undefined;
    this.counts.hits += 1;
    return cached.value;
  }

  get(key: string): Promise<V | undefined> {
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.until > this.now()) {
      this.counts.hits += 1;
      return Promise.resolve(cached.value);
    }
    this.counts.misses += 1;
    if (cached !== undefined) this.entries.delete(key);
    let read = this.reads.get(key);
    if (read === undefined) {
      read = this.readAndKeep(key);
      this.reads.set(key, read);
      const done = read;
      void done.finally(() => this.reads.get(key) === done && this.reads.delete(key)).catch(() => undefined);
    }
    return read;
  }

  /** Forgets every kept answer: call it when the store may have changed. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
    // A read under way may have happened before the write: later callers must not share its answer.
    this.reads.clear();
  }

  private async readAndKeep(key: string): Promise<V | undefined> {
    const generation = this.generation;
    const value = await this.read(key);
    if (value !== undefined && this.ttlMs > 0 && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, until: this.now() + this.ttlMs });
    }
    return value;
  }
}
