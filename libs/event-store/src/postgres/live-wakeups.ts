import pg from 'pg';
import { clientConfigOf } from './client-config';

interface Armed {
  wait(signal?: AbortSignal): Promise<void>;
}

interface Waiter {
  arm(): Armed;
  unregister(): void;
}

/**
 * One LISTEN connection per store wakes every subscriber on NOTIFY. A timer wakes them too, because
 * a notification can arrive before the rows it announces are visible (an older transaction still
 * open) and no second notification comes if that older transaction rolls back.
 */
export class LiveWakeups {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly pending = new Set<() => void>();
  private registered = 0;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly pollIntervalMs: number,
  ) {}

  register(): Waiter {
    this.registered++;
    void this.ensureListening();
    let unregistered = false;
    return {
      arm: () => {
        let fire!: () => void;
        const fired = new Promise<void>((resolve) => (fire = resolve));
        this.pending.add(fire);
        return {
          wait: async (signal?: AbortSignal) => {
            const timer = setTimeout(fire, this.pollIntervalMs);
            const onAbort = () => fire();
            signal?.addEventListener('abort', onAbort, { once: true });
            try {
              await fired;
            } finally {
              clearTimeout(timer);
              signal?.removeEventListener('abort', onAbort);
              this.pending.delete(fire);
            }
          },
        };
      },
      unregister: () => {
        if (unregistered) return;
        unregistered = true;
        this.registered--;
        if (this.registered === 0) void this.stopListening();
      },
    };
  }

  private wakeAll(): void {
    const fires = [...this.pending];
    this.pending.clear();
    for (const fire of fires) fire();
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client(clientConfigOf(this.pool));
      client.on('notification', () => this.wakeAll());
      client.on('error', () => {
        // The connection died: drop it and reconnect on the next registration; pollers keep working meanwhile.
        if (this.client === client) this.client = undefined;
      });
      try {
        await client.connect();
        await client.query(`listen ${this.channel}`);
        this.client = client;
      } catch {
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async stopListening(): Promise<void> {
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    if (client && this.registered === 0) await client.end().catch(() => undefined);
    else if (client) this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
