import { Coalescer } from './coalescer';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('Coalescer', () => {
  const turn = () => new Promise((r) => setImmediate(r));

  it('sends the keys of one turn together, and keys arriving while a statement is out in the next', async () => {
    const batches: number[][] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const c = new Coalescer<number, string>(async (keys) => {
      batches.push([...keys]);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      return keys.map((k) => `v${k}`);
    });
    const first = [c.load(1), c.load(2)];
    await turn();
    expect(batches).toEqual([[1, 2]]);
    const rest = [c.load(3), c.load(4), c.load(5)];
    await turn();
    expect(batches).toEqual([[1, 2]]); // 3..5 wait: one statement is out
    gates[0].resolve();
    await expect(Promise.all(first)).resolves.toEqual(['v1', 'v2']);
    await turn();
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
    gates[1].resolve();
    await expect(Promise.all(rest)).resolves.toEqual(['v3', 'v4', 'v5']);
  });

  it('sends a lone key without waiting for a timer', async () => {
    const c = new Coalescer<number, number>(async (keys) => keys.map((k) => k + 1));
    const started = process.hrtime.bigint();
    await expect(c.load(1)).resolves.toBe(2);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });

  it('respects maxBatch and maxInFlight', async () => {
    const batches: number[][] = [];
    let out = 0;
    let maxOut = 0;
    const c = new Coalescer<number, number>(
      async (keys) => {
        batches.push([...keys]);
        maxOut = Math.max(maxOut, ++out);
        await new Promise((r) => setTimeout(r, 5));
        out--;
        return keys.map((k) => k * 2);
      },
      { maxBatch: 3, maxInFlight: 2 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => c.load(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(maxOut).toBe(2);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('rejects every key of a failed statement and keeps serving later ones', async () => {
    let fail = true;
    const c = new Coalescer<number, number>(async (keys) => {
      if (fail) throw new Error('database down');
      return keys.map((k) => k);
    });
    const failed = [c.load(1), c.load(2)];
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      { status: 'rejected', reason: expect.objectContaining({ message: 'database down' }) },
      { status: 'rejected', reason: expect.objectContaining({ message: 'database down' }) },
    ]);
    fail = false;
    await expect(c.load(3)).resolves.toBe(3);
  });

  it('refuses an answer that does not cover every key', async () => {
    const c = new Coalescer<number, number>(async (keys) => keys.slice(1));
    await expect(c.load(1)).rejects.toThrow('answered 0 of 1 keys');
  });

  it('lets a slow element follow up on its own without holding the next statement', async () => {
    const slow = deferred<string>();
    const batches: string[][] = [];
    const c = new Coalescer<string, string>(async (keys) => {
      batches.push([...keys]);
      return keys.map((k) => (k === 'slow' ? slow.promise : k));
    });
    const a = c.load('slow');
    await turn();
    await expect(c.load('fast')).resolves.toBe('fast');
    expect(batches).toEqual([['slow'], ['fast']]);
    slow.resolve('late');
    await expect(a).resolves.toBe('late');
  });
});
