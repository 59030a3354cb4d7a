/** Unwrapped key material held in memory; `key` is zeroed when the entry leaves the cache. */
export interface CachedKey {
  readonly key: Buffer;
  /** The subject the key is filed under, checked against the event envelope on read. */
  readonly subjectId: string | null;
}

interface Entry {
  readonly value: CachedKey;
  readonly expiresAt: number;
  alive: boolean;
}

/** A load in flight. `cancelled` by an eviction of its id: its key is zeroed on arrival, never cached. */
interface Load {
  promise: Promise<Entry>;
  cancelled: boolean;
}

export interface DekCacheOptions {
  /** Most unwrapped keys held at once (default 10,000). */
  maxEntries?: number;
  /** How long an unwrapped key stays in memory (default 5 minutes). Bounds how long another process's erasure takes to reach this one. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Bounded LRU with TTL for unwrapped data keys. Misses are single-flight (one provider call per
 * key however many readers wait), and evicted keys are zeroed. Keys are handed to a synchronous
 * callback only, checked alive in the same tick, so a key zeroed by a concurrent eviction is never
 * used to encrypt. An eviction also cancels a load of the same id still in flight (an erasure can
 * commit while a key provider call is out): the key it brings is zeroed instead of cached, and
 * its waiters load again, which finds the key destroyed.
 */
export class DekCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Load>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private calls = 0;
  private closed = false;
  private hitCount = 0;
  private missCount = 0;
  private timer?: NodeJS.Timeout;

  constructor(options: DekCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    if (this.maxEntries < 1 || this.ttlMs <= 0) throw new RangeError('DekCache needs maxEntries >= 1 and ttlMs > 0');
    if (!options.now) {
      // Expired keys are zeroed even when nobody asks for them again.
      this.timer = setInterval(() => this.sweep(), Math.min(this.ttlMs, 60_000));
      this.timer.unref();
    }
  }

  /** Calls made to the key provider on behalf of this cache (its loaders record them: a miss may not reach the provider). */
  get providerCalls(): number {
    return this.calls;
  }

  get stats(): { size: number; hits: number; misses: number; providerCalls: number } {
    return { size: this.entries.size, hits: this.hitCount, misses: this.missCount, providerCalls: this.calls };
  }

  recordProviderCall(): void {
    this.calls++;
  }

  /** Runs `use` with the key, loading it (once, however many callers wait) on a miss. */
  async use<T>(id: string, load: () => Promise<CachedKey>, use: (key: CachedKey) => T): Promise<T> {
    for (;;) {
      if (this.closed) throw new Error('the data key cache is closed');
      const entry = this.lookup(id) ?? (await this.loadOnce(id, load));
      // Still alive in this tick: no eviction can interleave between this check and `use`.
      if (entry.alive) return use(entry.value);
    }
  }

  /** The key if it is cached and live, without loading; for synchronous hot paths. */
  peek(id: string): CachedKey | undefined {
    return this.lookup(id)?.value;
  }

  /** Adds a key we just generated; the cache owns (and will zero) it from now on. */
  put(id: string, value: CachedKey): void {
    this.evict(id);
    this.insert(id, value);
  }

  evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry) this.drop(id, entry);
    this.cancel(id);
  }

  /** Evicts the cached keys, and cancels the loads in flight, whose ids match; returns how many keys were cached. */
  evictWhere(predicate: (id: string) => boolean): number {
    let count = 0;
    for (const [id, entry] of [...this.entries]) {
      if (predicate(id)) {
        this.drop(id, entry);
        count++;
      }
    }
    for (const id of [...this.pending.keys()]) if (predicate(id)) this.cancel(id);
    return count;
  }

  sweep(): void {
    const now = this.now();
    for (const [id, entry] of [...this.entries]) if (entry.expiresAt <= now) this.drop(id, entry);
  }

  clear(): void {
    for (const [id, entry] of [...this.entries]) this.drop(id, entry);
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  private lookup(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(id, entry);
      return undefined;
    }
    // Re-insert: Map order is recency order, the first key is the least recently used.
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.hitCount++;
    return entry;
  }

  private loadOnce(id: string, load: () => Promise<CachedKey>): Promise<Entry> {
    const inFlight = this.pending.get(id);
    if (inFlight) return inFlight.promise;
    this.missCount++;
    const slot: Load = { promise: undefined as unknown as Promise<Entry>, cancelled: false };
    slot.promise = load()
      .then((value) => {
        if (!slot.cancelled && !this.closed) return this.insert(id, value);
        // Evicted while it was loading: zero it and hand back a dead entry, so `use` loads again.
        value.key.fill(0);
        return { value, expiresAt: 0, alive: false };
      })
      .finally(() => {
        if (this.pending.get(id) === slot) this.pending.delete(id);
      });
    this.pending.set(id, slot);
    return slot.promise;
  }

  /** Later callers start a fresh load; the cancelled one's key is zeroed when it arrives. */
  private cancel(id: string): void {
    const slot = this.pending.get(id);
    if (!slot) return;
    slot.cancelled = true;
    this.pending.delete(id);
  }

  private insert(id: string, value: CachedKey): Entry {
    const entry: Entry = { value, expiresAt: this.now() + this.ttlMs, alive: true };
    const previous = this.entries.get(id);
    if (previous && previous.value.key !== value.key) this.drop(id, previous);
    this.entries.set(id, entry);
    while (this.entries.size > this.maxEntries) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, Entry];
      this.drop(oldestId, oldest);
    }
    return entry;
  }

  private drop(id: string, entry: Entry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
    entry.alive = false;
    entry.value.key.fill(0);
  }
}
