/**
 * Errors worth retrying as they are: the database or the key provider was briefly unavailable, or
 * Postgres chose this transaction as a deadlock/serialization victim. Anything else that stops a
 * projector is treated as a poison event (stop, alert), never retried forever and never skipped.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^(08|53|57P|58)/.test(code)) return true; // connection, resources, operator intervention, system
  if (code === '40001' || code === '40P01' || code === '55P03') return true; // serialization, deadlock, lock timeout
  // A statement cancelled (statement_timeout, pg_cancel_backend by an operator) says nothing about the event: retry, do not stop.
  if (code === '57014') return true;
  if (code === 'CRYPTO.KEY_PROVIDER_UNAVAILABLE' || code === 'CRYPTO.KEY_PROVIDER_THROTTLED') return true;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || code === 'ETIMEDOUT') return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/** A short, PHI-free description of an error for logs and the checkpoint row: its code or class. */
export function describeError(error: unknown): { code: string; detail: string } {
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error';
  // Our own errors name identifiers only; for anything else keep the class, not a message that might echo data.
  const ours = typeof e?.code === 'string' && /^(PROJECTION|CRYPTO)\./.test(e.code);
  return { code, detail: ours && typeof e?.message === 'string' ? e.message : code };
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
