import { PassThrough } from 'node:stream';
import { iterateUntilAborted } from './abortable-iteration';

describe('iterateUntilAborted', () => {
  it('stops a source that never ends when the signal aborts, and cleans up once', async () => {
    const source = new PassThrough({ objectMode: true }); // like a live subscription: stays open
    const controller = new AbortController();
    const cleanup = jest.fn();
    source.write(1);
    source.write(2);
    const seen: number[] = [];
    for await (const value of iterateUntilAborted<number>(source, controller.signal, cleanup)) {
      seen.push(value);
      if (seen.length === 2) setTimeout(() => controller.abort(), 10); // abort while waiting for a third
    }
    expect(seen).toEqual([1, 2]);
    expect(cleanup).toHaveBeenCalledTimes(1);
    source.destroy();
  });

  it('does not start when already aborted, and ends with the source otherwise', async () => {
    async function* finite() {
      yield 1;
      yield 2;
    }
    const controller = new AbortController();
    controller.abort();
    const cleanup = jest.fn();
    const none: number[] = [];
    for await (const v of iterateUntilAborted(finite(), controller.signal, cleanup)) none.push(v);
    expect(none).toEqual([]);

    const all: number[] = [];
    for await (const v of iterateUntilAborted(finite(), undefined, cleanup)) all.push(v);
    expect(all).toEqual([1, 2]);
    expect(cleanup).toHaveBeenCalledTimes(2);
  });

  it('cleans up when the consumer stops early', async () => {
    const cleanup = jest.fn();
    async function* endless() {
      for (let i = 0; ; i++) yield i;
    }
    for await (const v of iterateUntilAborted(endless(), undefined, cleanup)) if (v === 3) break;
    expect(cleanup).toHaveBeenCalledTimes(1);
  });
});
