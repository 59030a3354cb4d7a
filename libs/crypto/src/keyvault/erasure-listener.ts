import type pg from 'pg';
import type { DataKeys } from './data-keys';
import { KeyStore } from './key-store';

export const ERASURES_CHANNEL = 'ortholedger_keyvault_erasures';

/**
 * Makes an erasure done by any process take effect here at once: `keyvault.erase_subject` notifies
 * at commit, and this drops the subject's cached keys and write leases. Without it, another
 * process's cached keys would live until their TTL. A lost connection is re-established, and so is
 * one that could not be made at start (start() rejects, for the caller to log, and keeps trying);
 * while it is down the cache TTL remains the bound.
 */
export class ErasureListener {
  private client?: pg.PoolClient;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: DataKeys,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    try {
      await this.listen();
    } catch (error) {
      this.scheduleRestart();
      throw error;
    }
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => {
      if (message.channel === ERASURES_CHANNEL && message.payload) void this.forgetSubject(message.payload);
    });
    client.on('error', (error) => {
      // Only the connection this listener still owns is released: after close() it went back to the
      // pool already, and a second release would crash the process.
      if (this.client !== client) return;
      this.onError(error);
      this.client = undefined;
      client.removeAllListeners('notification');
      client.release(true);
      this.scheduleRestart();
    });
    try {
      await client.query(`listen ${ERASURES_CHANNEL}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (this.closed) {
      // Closed while a retry was connecting: that connection goes back at once, not listening.
      client.removeAllListeners('notification');
      client.removeAllListeners('error');
      client.release(true);
      return;
    }
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`unlisten ${ERASURES_CHANNEL}`).catch(() => undefined);
      client.removeAllListeners('notification');
      client.removeAllListeners('error');
      client.release();
    }
  }

  private async forgetSubject(subjectId: string): Promise<void> {
    try {
      this.keys.forget(await new KeyStore(this.pool).streamsOfSubject(subjectId));
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private scheduleRestart(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      // Erasures notified while we were away are unknown: drop every cached key and reload on demand.
      this.listen().then(() => this.keys.cache.clear()).catch((error) => {
        if (this.closed) return;
        this.onError(error);
        this.scheduleRestart();
      });
    }, 1000);
    this.retry.unref();
  }
}
