import type pg from 'pg';
import type { DataKeys } from './data-keys';
import { KeyStore } from './key-store';

export const ERASURES_CHANNEL = 'ortholedger_keyvault_erasures';

/**
 * Makes an erasure done by any process take effect here at once: `keyvault.erase_subject` notifies
 * at commit, and this drops the subject's cached keys and write leases. Without it, another
 * process's cached keys would live until their TTL. A lost connection is re-established; while it
 * is down the cache TTL remains the bound.
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
    const client = await this.pool.connect();
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === ERASURES_CHANNEL && message.payload) void this.forgetSubject(message.payload);
    });
    client.on('error', (error) => {
      this.onError(error);
      this.reconnect(client);
    });
    await client.query(`listen ${ERASURES_CHANNEL}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`unlisten ${ERASURES_CHANNEL}`).catch(() => undefined);
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

  private reconnect(broken: pg.PoolClient): void {
    broken.release(true);
    if (this.closed) return;
    this.client = undefined;
    this.retry = setTimeout(() => {
      this.start().catch((error) => {
        this.onError(error);
        if (this.client === undefined) this.reconnect({ release: () => undefined } as unknown as pg.PoolClient);
      });
    }, 1000);
    this.retry.unref();
  }
}
