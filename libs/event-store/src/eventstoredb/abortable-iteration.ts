const ABORTED = Symbol('aborted');

/**
 * Iterates `source` until it ends or `signal` aborts, then runs `cleanup` exactly once. A gRPC
 * subscription that is cancelled does not always end its Readable, so waiting on the source alone
 * could hang after an abort; racing each `next()` against the signal cannot.
 */
export async function* iterateUntilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
  cleanup: () => Promise<void> | void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    if (signal?.aborted) resolve(ABORTED);
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    while (!signal?.aborted) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === ABORTED || next.done) return;
      yield next.value;
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await cleanup();
    // Do not await: a source blocked in next() may only settle once cleanup has torn it down.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
