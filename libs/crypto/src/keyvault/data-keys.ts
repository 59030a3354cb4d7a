import { DataKeyDestroyed, DataKeyMissing, KeyUnwrapFailed, SubjectErased, SubjectRequired } from '../errors';
import { EVENT_DATA_PURPOSE, type KeyProvider } from '../key-providers/key-provider.port';
import { type CachedKey, DekCache } from './dek-cache';
import type { KeyStore } from './key-store';

/** GCM with random 96-bit nonces stays within NIST's 2^-32 collision bound up to 2^32 messages; we stop far below. */
export const DEFAULT_MAX_ENCRYPTIONS_PER_KEY = 2n ** 30n;
const DEFAULT_LEASE = 256;
const MAX_LEASES = 100_000;

export interface DataKeysOptions {
  store: KeyStore;
  provider: KeyProvider;
  cache?: DekCache;
  /** Encryptions per DEK version before a new version is issued. */
  maxEncryptionsPerKey?: bigint | number;
  /** Encryptions reserved per keyvault round trip; unused reservations are simply lost (the count is an upper bound). */
  leaseSize?: number;
}

interface Lease {
  readonly version: number;
  readonly subjectId: string | null;
  remaining: number;
}

/** A run of consecutive events sealed under one key version. */
export interface KeySegment {
  readonly version: number;
  readonly count: number;
}

const cacheId = (streamId: string, version: number) => `${streamId}#${version}`;

/**
 * One DEK per stream, versioned. Writers reserve encryptions against the version's counter in the
 * keyvault (atomic, capped) and move to a new version when it is spent; readers unwrap any
 * version through the cache. Plaintext keys live only in the cache.
 */
export class DataKeys {
  readonly cache: DekCache;
  private readonly cap: bigint;
  private readonly leaseSize: number;
  private readonly leases = new Map<string, Lease>();
  private readonly opening = new Map<string, Promise<Lease>>();
  /** Destroyed versions, remembered so reading a shredded stream is one keyvault query, not one per event. */
  private readonly destroyed = new Set<string>();

  constructor(private readonly options: DataKeysOptions) {
    this.cache = options.cache ?? new DekCache();
    this.cap = BigInt(options.maxEncryptionsPerKey ?? DEFAULT_MAX_ENCRYPTIONS_PER_KEY);
    this.leaseSize = options.leaseSize ?? DEFAULT_LEASE;
    if (this.cap < 1n || this.leaseSize < 1) throw new RangeError('maxEncryptionsPerKey and leaseSize must be >= 1');
  }

  get store(): KeyStore {
    return this.options.store;
  }

  /**
   * Seals `count` items for a stream: reserves encryptions (splitting across versions when one runs
   * out) and calls `seal` synchronously with each key. Throws SubjectErased for shredded streams.
   */
  async sealWith<T>(
    streamId: string,
    subjectId: string | null,
    count: number,
    seal: (index: number, version: number, key: Buffer) => T,
  ): Promise<T[]> {
    // Hot path: a live lease with room and a cached key seal synchronously, with no keyvault round trip.
    const lease = this.leases.get(streamId);
    if (lease && lease.subjectId === subjectId && lease.remaining >= count) {
      const cached = this.cache.peek(cacheId(streamId, lease.version));
      if (cached) {
        lease.remaining -= count;
        return Array.from({ length: count }, (_, i) => seal(i, lease.version, cached.key));
      }
    }
    const out: T[] = [];
    while (out.length < count) {
      const segment = await this.reserve(streamId, subjectId, count - out.length);
      await this.cache
        .use(
          cacheId(streamId, segment.version),
          () => this.unwrap(streamId, segment.version),
          ({ key }) => {
            for (let i = 0; i < segment.count; i++) out.push(seal(out.length, segment.version, key));
          },
        )
        .catch((error) => {
          // Erased by another process while this one still held a lease.
          if (error instanceof DataKeyDestroyed) {
            this.forget([streamId]);
            throw new SubjectErased(streamId);
          }
          throw error;
        });
    }
    return out;
  }

  /** Runs `open` with the key of a version; throws DataKeyDestroyed, DataKeyMissing or KeyUnwrapFailed. */
  async openWith<T>(streamId: string, version: number, open: (key: CachedKey) => T): Promise<T> {
    if (this.destroyed.has(cacheId(streamId, version))) throw new DataKeyDestroyed(streamId, version);
    return this.cache.use(cacheId(streamId, version), () => this.unwrap(streamId, version), open);
  }

  /** The cached key of a version, or undefined when it would need a keyvault/provider round trip. */
  cachedKey(streamId: string, version: number): CachedKey | undefined {
    return this.cache.peek(cacheId(streamId, version));
  }

  /** Forgets cached keys and leases of streams whose keys were destroyed. */
  forget(streamIds: readonly string[]): void {
    const set = new Set(streamIds);
    for (const s of set) this.leases.delete(s);
    this.cache.evictWhere((id) => set.has(id.slice(0, id.lastIndexOf('#'))));
  }

  close(): void {
    this.cache.close();
    this.leases.clear();
  }

  private async reserve(streamId: string, subjectId: string | null, wanted: number): Promise<KeySegment> {
    for (;;) {
      const lease = await this.lease(streamId, subjectId);
      if (lease.remaining > 0) {
        const count = Math.min(wanted, lease.remaining);
        lease.remaining -= count;
        return { version: lease.version, count };
      }
      const granted = await this.options.store.reserve(streamId, lease.version, Math.max(wanted, this.leaseSize), this.cap);
      if (granted > 0) {
        lease.remaining += granted;
        continue;
      }
      await this.rotate(streamId, subjectId, lease);
    }
  }

  private async lease(streamId: string, subjectId: string | null): Promise<Lease> {
    const known = this.leases.get(streamId);
    const lease = known ?? (await this.openLease(streamId, subjectId));
    if (lease.subjectId !== subjectId) {
      throw new SubjectRequired(streamId, 'subjectId differs from the subject the stream is filed under');
    }
    return lease;
  }

  private openLease(streamId: string, subjectId: string | null): Promise<Lease> {
    let promise = this.opening.get(streamId);
    if (!promise) {
      promise = (async () => {
        let row = await this.options.store.latest(streamId);
        if (!row) {
          await this.createVersion(streamId, subjectId, 1);
          row = await this.options.store.latest(streamId);
        }
        if (!row || row.destroyedAt) throw new SubjectErased(streamId);
        return this.remember({ version: row.keyVersion, subjectId: row.subjectId, remaining: 0 }, streamId);
      })().finally(() => this.opening.delete(streamId));
      this.opening.set(streamId, promise);
    }
    return promise;
  }

  /** The spent version is replaced by the next; a concurrent rotation (any process) is simply adopted. */
  private async rotate(streamId: string, subjectId: string | null, spent: Lease): Promise<void> {
    if (this.leases.get(streamId) !== spent && this.leases.has(streamId)) return;
    this.leases.delete(streamId);
    const latest = await this.options.store.latest(streamId);
    if (!latest || latest.destroyedAt) throw new SubjectErased(streamId);
    if (latest.keyVersion === spent.version) await this.createVersion(streamId, subjectId, spent.version + 1);
  }

  private async createVersion(streamId: string, subjectId: string | null, version: number): Promise<void> {
    if (subjectId && (await this.options.store.isSubjectErased(subjectId))) throw new SubjectErased(streamId);
    this.cache.recordProviderCall();
    const key = await this.options.provider.generateDataKey({ stream: streamId, purpose: EVENT_DATA_PURPOSE });
    const inserted = await this.options.store
      .insert({ streamId, keyVersion: version, subjectId, purpose: EVENT_DATA_PURPOSE, wrappedKey: key.wrapped, providerKeyRef: key.keyRef })
      .catch((error) => {
        key.plaintext.fill(0);
        throw error;
      });
    if (inserted) this.cache.put(cacheId(streamId, version), { key: key.plaintext, subjectId });
    else key.plaintext.fill(0); // another writer created this version first; theirs is the key
  }

  private remember(lease: Lease, streamId: string): Lease {
    if (this.leases.size >= MAX_LEASES) this.leases.delete(this.leases.keys().next().value as string);
    this.leases.set(streamId, lease);
    return lease;
  }

  private async unwrap(streamId: string, version: number): Promise<CachedKey> {
    const row = await this.options.store.get(streamId, version);
    if (!row) throw new DataKeyMissing(streamId, version);
    if (row.destroyedAt || !row.wrappedKey) {
      // Only an erasure destroys keys; a key nulled without an erasure record is tampering, not shredding.
      if (!row.subjectId || !(await this.options.store.isSubjectErased(row.subjectId))) {
        throw new KeyUnwrapFailed(streamId, EVENT_DATA_PURPOSE, 'key destroyed without an erasure record');
      }
      if (this.destroyed.size >= MAX_LEASES) this.destroyed.clear();
      this.destroyed.add(cacheId(streamId, version));
      throw new DataKeyDestroyed(streamId, version);
    }
    if (row.purpose !== EVENT_DATA_PURPOSE) throw new KeyUnwrapFailed(streamId, row.purpose, 'unexpected purpose');
    this.cache.recordProviderCall();
    const key = await this.options.provider.decryptDataKey(row.wrappedKey, { stream: streamId, purpose: EVENT_DATA_PURPOSE }, row.providerKeyRef);
    return { key, subjectId: row.subjectId };
  }
}
