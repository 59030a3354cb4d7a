import type pg from 'pg';
import type { AccessConfig } from '../access.config';
import type { Clock } from '../clock';
import { rateLimitNetwork } from '../policy/cidr';

/** An attempt the throttle let through, with the IP slot it took (given back if the password is right). */
export interface ThrottleReservation {
  readonly accountKey: string;
  readonly ipKey: string;
  /** Start of the IP window the slot was taken from. */
  readonly ipWindow: Date;
}

/** Login names count consecutive failures over a day-long window. */
const ACCOUNT_WINDOW_SECONDS = 24 * 3600;

/** As SQL, for a row `t` and an attempt at $3: its window (of the given seconds) is over; its count and window start after the attempt (a new window once the old one is over). */
const expired = (seconds: string) => `t.window_started_at <= $3::timestamptz - make_interval(secs => ${seconds})`;
const counted = (seconds: string) => `case when ${expired(seconds)} then 1 else t.failures + 1 end`;
const windowStart = (seconds: string) => `case when ${expired(seconds)} then $3::timestamptz else t.window_started_at end`;

/**
 * One attempt for login name $1 from IP $2 at $3, reserved before the password is checked, or nothing
 * reserved: the IP's count goes up only while under its limit $4 in the window of $5 s, the name's only
 * when the IP's did and the name is not blocked; past $6 failures each further one blocks the name for
 * min(2^(n - $6), 900) s. The rows are locked IP first, then name, in every statement.
 */
const RESERVE = `with blocked as (select 1 from access.login_throttle where key = $1 and blocked_until > $3),
     ip as (insert into access.login_throttle as t (key, failures, window_started_at) select $2::text, 1, $3 where not exists (select from blocked)
            on conflict (key) do update set failures = ${counted('$5')}, window_started_at = ${windowStart('$5')}
            where t.failures < $4 or ${expired('$5')}
            returning window_started_at),
     acct as (insert into access.login_throttle as t (key, failures, window_started_at) select $1::text, 1, $3 from ip
            on conflict (key) do update set failures = ${counted('$7')}, window_started_at = ${windowStart('$7')},
              blocked_until = case when ${counted('$7')} > $6 then $3::timestamptz + make_interval(secs => least(power(2, least(${counted('$7')} - $6, 10)), 900)) end
            where t.blocked_until is null or t.blocked_until <= $3
            returning 1)
   select (select window_started_at from ip) as ip_window, exists (select from acct) as reserved`;

/**
 * Failed-login counters per login name and per client IP, each attempt counted before it is checked
 * (as the account lock-out does), so a burst of concurrent guesses gets no more checks than a sequence
 * would. Login names are keyed by their HMAC whether or not an account exists, so throttling behaves
 * the same for unknown names and cannot be used to find out which ones exist.
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

  /**
   * Counts one attempt as a failure for both keys, or refuses it (undefined) and counts nothing: the
   * IP has had its failures for the window (it waits for the window to end), or the name is blocked.
   */
  async reserve(accountKey: string, ipKey: string): Promise<ThrottleReservation | undefined> {
    const { ipFailuresPerWindow, ipWindowSeconds, throttleAfterFailures } = this.config;
    const { rows } = await this.pool.query<{ ip_window: Date | null; reserved: boolean }>(
      RESERVE,
      [accountKey, ipKey, this.clock.now(), ipFailuresPerWindow, ipWindowSeconds, throttleAfterFailures, ACCOUNT_WINDOW_SECONDS],
    );
    const { ip_window: ipWindow, reserved } = rows[0];
    if (reserved && ipWindow) return { accountKey, ipKey, ipWindow };
    // The name was blocked by a concurrent attempt after this statement read it: its IP slot goes back.
    if (ipWindow) await this.giveBack(ipKey, ipWindow);
    return undefined;
  }

  /**
   * The password was right: the name's failures are cleared, and the IP gets back only this attempt's
   * slot; its other failures stay, or one valid account behind an address would reset its count.
   */
  async succeeded(reservation: ThrottleReservation): Promise<void> {
    // Two statements: each locks one row, so neither can deadlock with a reservation (IP, then name).
    await this.giveBack(reservation.ipKey, reservation.ipWindow);
    await this.pool.query('delete from access.login_throttle where key = $1', [reservation.accountKey]);
  }

  /** A slot counted in a window that has since restarted is not given back from the new one. */
  private async giveBack(ipKey: string, window: Date): Promise<void> {
    await this.pool.query('update access.login_throttle set failures = failures - 1 where key = $1 and window_started_at = $2 and failures > 0', [ipKey, window]);
  }
}
