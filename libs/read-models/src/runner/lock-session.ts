import pg from 'pg';

const LOCK_CLASS = 0x4f4c; // "OL": keeps our advisory locks apart from anyone else's on the server

/**
 * A dedicated connection holding session-level advisory locks (one per projection and target)
 * and listening for wake-ups. If the connection dies every lock is gone: `onLost` fires and the
 * owner must stop advancing those projections (the checkpoint fencing covers the moment between).
 */
export class LockSession {
  private client?: pg.Client;
  private readonly held = new Set<string>();
  private lost = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly handlers: { onNotification?: (channel: string, payload?: string) => void; onLost?: () => void } = {},
  ) {}

  get connected(): boolean {
    return !!this.client && !this.lost;
  }

  async connect(channels: readonly string[] = []): Promise<void> {
    // TCP keepalive: a connection dropped without a word (a NAT or load balancer idle timeout) is noticed by the OS too.
    const client = new pg.Client({ ...this.config, application_name: 'ortholedger-projections', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('notification', (m) => this.handlers.onNotification?.(m.channel, m.payload));
    client.on('error', () => this.markLost(client));
    client.on('end', () => this.markLost(client));
    await client.connect();
    // The server's side too: it keeps a dead session's locks until its own keepalive gives up (two
    // hours by default), and every host would wait as a standby until then. About 25 s instead.
    await client.query('set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3');
    for (const channel of channels) await client.query(`listen ${channel}`);
    this.client = client;
    this.lost = false;
  }

  /** True when this session now holds (or already held) the lock. */
  async tryLock(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    if (!this.client || this.lost) return false;
    const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LOCK_CLASS, name]);
    if (rows[0].ok) this.held.add(name);
    return rows[0].ok;
  }

  async unlock(name: string): Promise<void> {
    if (!this.held.delete(name) || !this.client || this.lost) return;
    await this.client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]).catch(() => undefined);
  }

  /**
   * Asks the server, not the local set, whether the session is alive: this connection only listens,
   * so a silently dropped one would otherwise never fail, and the server would hand its locks to a
   * standby while this process kept advancing. No answer within `timeoutMs` counts as lost.
   */
  async ping(timeoutMs = 5_000): Promise<boolean> {
    const client = this.client;
    if (!client || this.lost) return false;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      client.query('select 1').then(() => true, () => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!answered) this.markLost(client);
    return answered;
  }

  holds(name: string): boolean {
    return this.held.has(name);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    if (client) await client.end().catch(() => undefined);
  }

  private markLost(client: pg.Client): void {
    if (this.client !== client || this.lost) return;
    this.lost = true;
    this.held.clear();
    this.client = undefined;
    client.end().catch(() => undefined);
    this.handlers.onLost?.();
  }
}

export const lockName = (projection: string, target: string) => `ortholedger:projection:${projection}:${target}`;
