import { randomBytes } from 'node:crypto';
import { DekCache } from './dek-cache';

const key = () => ({ key: randomBytes(32), subjectId: null });

describe('DekCache', () => {
  it('loads a missing key once however many callers wait for it (single flight)', async () => {
    const cache = new DekCache({ now: () => 0 });
    let loads = 0;
    const load = async () => {
      loads++;
      cache.recordProviderCall();
      await new Promise((r) => setTimeout(r, 10));
      return key();
    };
    const seen = await Promise.all(Array.from({ length: 50 }, () => cache.use('s#1', load, (k) => k.key.toString('hex'))));
    expect(loads).toBe(1);
    expect(cache.providerCalls).toBe(1);
    expect(new Set(seen).size).toBe(1);
  });

  it('is bounded: the least recently used key is evicted and zeroed', async () => {
    const cache = new DekCache({ maxEntries: 2, now: () => 0 });
    const a = key();
    const b = key();
    const c = key();
    await cache.use('a', async () => a, () => undefined);
    await cache.use('b', async () => b, () => undefined);
    await cache.use('a', async () => key(), () => undefined); // touch a: b is now the oldest
    await cache.use('c', async () => c, () => undefined);
    expect(cache.stats.size).toBe(2);
    expect(b.key.equals(Buffer.alloc(32))).toBe(true);
    expect(a.key.equals(Buffer.alloc(32))).toBe(false);
  });

  it('expires keys after the TTL and zeroes them', async () => {
    let now = 0;
    const cache = new DekCache({ ttlMs: 1000, now: () => now });
    const a = key();
    await cache.use('a', async () => a, () => undefined);
    now = 999;
    let loads = 0;
    await cache.use('a', async () => (loads++, key()), () => undefined);
    expect(loads).toBe(0);
    now = 1000;
    await cache.use('a', async () => (loads++, key()), () => undefined);
    expect(loads).toBe(1);
    expect(a.key.equals(Buffer.alloc(32))).toBe(true);
  });

  it('sweep zeroes expired keys nobody asks for again; evictWhere and close zero the rest', async () => {
    let now = 0;
    const cache = new DekCache({ ttlMs: 10, now: () => now });
    const a = key();
    const b = key();
    const c = key();
    await cache.use('s-1#1', async () => a, () => undefined);
    now = 5;
    await cache.use('s-2#1', async () => b, () => undefined);
    await cache.use('s-3#1', async () => c, () => undefined);
    now = 12;
    cache.sweep();
    expect(a.key.every((x) => x === 0)).toBe(true);
    expect(cache.evictWhere((id) => id.startsWith('s-2#'))).toBe(1);
    expect(b.key.every((x) => x === 0)).toBe(true);
    cache.close();
    expect(c.key.every((x) => x === 0)).toBe(true);
  });

  it('never hands out a key evicted between its load and its use', async () => {
    const cache = new DekCache({ maxEntries: 1, now: () => 0 });
    const first = key();
    let loads = 0;
    const pending = cache.use('a', async () => (loads++ === 0 ? first : key()), (k) => k.key.every((x) => x === 0));
    // Another key arrives in between and pushes `a` out before the first caller resumes.
    queueMicrotask(() => cache.put('b', key()));
    expect(await pending).toBe(false);
  });

  it.each([
    ['evictWhere', (cache: DekCache) => cache.evictWhere((id) => id.startsWith('s#'))],
    ['evict', (cache: DekCache) => cache.evict('s#1')],
    ['clear', (cache: DekCache) => cache.clear()],
  ])('an eviction (%s) during a load in flight: the late key is zeroed and never cached, waiters load again', async (_, evictNow) => {
    // An erasure commits while the key provider call for the same key is out.
    const cache = new DekCache({ now: () => 0 });
    const late = key();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let loads = 0;
    const load = async () => {
      loads++;
      if (loads === 1) {
        await gate;
        return late;
      }
      throw new Error('data key destroyed'); // what the key vault says once the erasure has committed
    };
    const waiting = cache.use('s#1', load, (k) => k.key.toString('hex'));
    await Promise.resolve();
    evictNow(cache);
    // A caller arriving after the eviction does not join the old load.
    const after = cache.use('s#1', load, (k) => k.key.toString('hex'));
    await expect(after).rejects.toThrow('data key destroyed');
    release();
    await expect(waiting).rejects.toThrow('data key destroyed');
    expect(cache.peek('s#1')).toBeUndefined();
    expect(late.key.every((x) => x === 0)).toBe(true);
    expect(loads).toBe(3);
  });

  it('closed while a load is in flight: the late key is zeroed and the waiter fails instead of loading again', async () => {
    const cache = new DekCache({ now: () => 0 });
    const late = key();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const waiting = cache.use('s#1', async () => {
      await gate;
      return late;
    }, () => 'used');
    await Promise.resolve();
    cache.close();
    release();
    await expect(waiting).rejects.toThrow('closed');
    expect(late.key.every((x) => x === 0)).toBe(true);
  });

  it('a failed load is not cached and is retried by the next caller', async () => {
    const cache = new DekCache({ now: () => 0 });
    await expect(cache.use('a', async () => Promise.reject(new Error('down')), () => 1)).rejects.toThrow('down');
    await expect(cache.use('a', async () => key(), () => 2)).resolves.toBe(2);
  });
});
