import type pg from 'pg';
import type { AccessConfig } from '../access.config';
import type { Clock } from '../clock';
import { rateLimitNetwork } from '../policy/cidr';

/**
 * Failed-login counters per login name and per client IP. Login names are keyed by their HMAC
 * whether or not an account exists, so throttling behaves the same for unknown names and cannot
 * be used to find out which ones exist.
 */
export class LoginThrottle {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly config: AccessConfig,
  ) {}

  static accountKey(lookup: string): string {
    return `acct:${lookup}`;
  }

  /** IPv6 clients by their /64: a subscriber rotating through its own addresses stays one client. */
  static ipKey(ip: string | undefined): string {
    return `ip:${rateLimitNetwork(ip) ?? 'unknown'}`;
  }

  /** True when either key is currently blocked. */
  async blocked(keys: readonly string[]): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'select 1 from access.login_throttle where key = any($1) and blocked_until > $2',
      [keys, this.clock.now()],
    );
    return (rowCount ?? 0) > 0;
  }

  async fail(accountKey: string, ipKey: string): Promise<void> {
    const now = this.clock.now();
    // Accounts: consecutive failures (a day-long window), then an exponential delay capped at 15 min.
    const account = await this.bump(accountKey, now, 24 * 3600);
    if (account > this.config.throttleAfterFailures) {
      const delay = Math.min(2 ** Math.min(account - this.config.throttleAfterFailures, 10), 900);
      await this.block(accountKey, new Date(now.getTime() + delay * 1000));
    }
    // IPs: failures per window; at the limit the IP waits for the window to end.
    const ip = await this.bump(ipKey, now, this.config.ipWindowSeconds);
    if (ip >= this.config.ipFailuresPerWindow) await this.block(ipKey, new Date(now.getTime() + this.config.ipWindowSeconds * 1000));
  }

  async clear(key: string): Promise<void> {
    await this.pool.query('delete from access.login_throttle where key = $1', [key]);
  }

  private async bump(key: string, now: Date, windowSeconds: number): Promise<number> {
    const { rows } = await this.pool.query<{ failures: number }>(
      `insert into access.login_throttle as t (key, failures, window_started_at) values ($1, 1, $2)
       on conflict (key) do update set
         failures = case when t.window_started_at <= $2::timestamptz - make_interval(secs => $3) then 1 else t.failures + 1 end,
         window_started_at = case when t.window_started_at <= $2::timestamptz - make_interval(secs => $3) then $2 else t.window_started_at end
       returning failures`,
      [key, now, windowSeconds],
    );
    return rows[0].failures;
  }

  private async block(key: string, until: Date): Promise<void> {
    await this.pool.query('update access.login_throttle set blocked_until = $2 where key = $1', [key, until]);
  }
}
