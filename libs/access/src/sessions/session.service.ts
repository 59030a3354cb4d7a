import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AccessConfig } from '../access.config';
import type { Clock } from '../clock';
import { Coalescer } from '../database/coalescer';
import { isUuid } from '../realm';
import type { LiveSession, SessionEndReason } from './session.types';

/** Idle-time granularity: see check(). */
const TOUCH_SECONDS = 15;

const LIVE_COLUMNS = `s.id, s.user_id, s.realm, s.mfa, s.absolute_expires_at, s.break_glass_until, s.break_glass_reason,
  s.break_glass_ticket, u.role, u.clinic_id, u.password_must_change`;

// Every condition that ends a session, evaluated against the caller's clock in one statement.
const LIVE_WHERE = `s.revoked_at is null and s.last_seen_at > $3::timestamptz - make_interval(secs => $4)
  and s.absolute_expires_at > $3 and u.id = s.user_id and u.disabled_at is null and u.role_version = s.role_version`;

function toLive(r: Record<string, any>): LiveSession {
  return {
    sessionId: r.id,
    userId: r.user_id,
    realm: r.realm,
    role: r.role,
    clinicId: r.clinic_id ?? undefined,
    mfa: r.mfa,
    passwordMustChange: r.password_must_change,
    absoluteExpiresAt: r.absolute_expires_at,
    breakGlass: r.break_glass_until ? { until: r.break_glass_until, reason: r.break_glass_reason, ticket: r.break_glass_ticket } : undefined,
  };
}

export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
type SessionKey = { readonly sessionId: string; readonly userId: string };
export type SessionCheck = LiveSession | { ended: SessionEndReason | 'unknown' };

/**
 * Server-side sessions: idle timeout, absolute lifetime, revocation, checked on every request
 * against the caller's clock; a refused session is never touched.
 */
export class SessionService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly config: AccessConfig,
  ) {}

  private readonly checks = new Coalescer<SessionKey, SessionCheck>((keys) => this.checkMany(this.pool, keys));

  /** `notAfter`: a session replacing another (password change) ends no later than the one it replaces. */
  async open(
    client: Queryable,
    user: { id: string; realm: string; roleVersion: number },
    options: { mfa: boolean; challengeId?: string; notAfter?: Date },
  ): Promise<{ sessionId: string; absoluteExpiresAt: Date }> {
    const now = this.clock.now();
    const sessionId = randomUUID();
    const fresh = now.getTime() + this.config.absoluteTimeoutSeconds * 1000;
    const absoluteExpiresAt = new Date(options.notAfter ? Math.min(fresh, options.notAfter.getTime()) : fresh);
    await client.query(
      `insert into access.sessions (id, user_id, realm, created_at, last_seen_at, absolute_expires_at, role_version, mfa, challenge_id)
       values ($1, $2, $3, $4, $4, $5, $6, $7, $8)`,
      [sessionId, user.id, user.realm, now, absoluteExpiresAt, user.roleVersion, options.mfa, options.challengeId ?? null],
    );
    return { sessionId, absoluteExpiresAt };
  }

  /**
   * The live session for this request, or the reason it is over. A read, plus a write only when
   * `last_seen_at` is older than TOUCH_SECONDS: idle time is tracked to within that granularity,
   * and a burst of requests does not cost one committed (fsynced) UPDATE each. Without a client,
   * concurrent checks share one statement (see Coalescer); each is still read after it arrived.
   * `touch: false` checks without counting as activity (a token refresh is not the user doing anything).
   */
  async check(sessionId: string, userId: string, client?: Queryable, options: { touch?: boolean } = {}): Promise<SessionCheck> {
    if (!isUuid(sessionId) || !isUuid(userId)) return { ended: 'unknown' };
    const key = { sessionId, userId };
    return client ? (await this.checkMany(client, [key], options.touch ?? true))[0] : this.checks.load(key);
  }

  private async checkMany(client: Queryable, keys: readonly SessionKey[], touch = true): Promise<Array<SessionCheck | Promise<SessionCheck>>> {
    const now = this.clock.now();
    const { rows } = await client.query({
      name: 'access_session_check_many', // prepared once per connection: this runs on every request
      text: `select q.ord, ${LIVE_COLUMNS}, s.last_seen_at <= $3::timestamptz - make_interval(secs => ${TOUCH_SECONDS}) as stale
             from unnest($1::uuid[], $2::uuid[]) with ordinality as q (session_id, user_id, ord), access.sessions s, access.users u
             where s.id = q.session_id and s.user_id = q.user_id and ${LIVE_WHERE}`,
      values: [keys.map((k) => k.sessionId), keys.map((k) => k.userId), now, this.config.idleTimeoutSeconds],
    });
    const live = new Map(rows.map((r) => [Number(r.ord) - 1, r]));
    const stale = [...new Set(rows.filter((r) => r.stale).map((r) => r.id as string))];
    if (touch && stale.length > 0) {
      await client.query('update access.sessions set last_seen_at = greatest(last_seen_at, $2) where id = any($1::uuid[]) and revoked_at is null', [stale, now]);
    }
    // A miss is rare (an ended session): its reason is looked up on its own, outside this batch.
    return keys.map((k, i) => {
      const row = live.get(i);
      return row ? toLive(row) : this.endExpired(client, k.sessionId, now).then((ended) => ({ ended }));
    });
  }

  /** Marks a timed-out session as ended (so reports show why) and returns the reason. */
  private async endExpired(client: Queryable, sessionId: string, now: Date): Promise<SessionEndReason | 'unknown'> {
    const { rows } = await client.query<{ revoked_reason: string | null; absolute: boolean; idle: boolean }>(
      `select revoked_reason, absolute_expires_at <= $2 as absolute,
              last_seen_at <= $2::timestamptz - make_interval(secs => $3) as idle
       from access.sessions where id = $1`,
      [sessionId, now, this.config.idleTimeoutSeconds],
    );
    const row = rows[0];
    if (!row) return 'unknown';
    if (row.revoked_reason) return row.revoked_reason as SessionEndReason;
    const reason: SessionEndReason | undefined = row.absolute ? 'absolute_timeout' : row.idle ? 'idle_timeout' : undefined;
    if (!reason) return 'unknown'; // user disabled or role changed: ended by that event's own revocation
    await client.query('update access.sessions set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null', [sessionId, now, reason]);
    return reason;
  }

  async revoke(sessionId: string, reason: SessionEndReason, client: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await client.query(
      'update access.sessions set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null',
      [sessionId, this.clock.now(), reason],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Ends every session of the user and every sign-in in progress: the credential version moves in
   * the same statement, so an MFA challenge issued before it can no longer enrol or open a session.
   */
  async revokeAllForUser(userId: string, reason: SessionEndReason, client: Queryable = this.pool): Promise<number> {
    const { rowCount } = await client.query(
      `with challenges as (update access.users set credential_version = credential_version + 1 where id = $1)
       update access.sessions set revoked_at = $2, revoked_reason = $3 where user_id = $1 and revoked_at is null`,
      [userId, this.clock.now(), reason],
    );
    return rowCount ?? 0;
  }

  async grantBreakGlass(sessionId: string, reason: string, ticket: string, client: Queryable = this.pool): Promise<Date> {
    const until = new Date(this.clock.now().getTime() + this.config.breakGlassSeconds * 1000);
    await client.query(
      `update access.sessions set break_glass_until = least($2::timestamptz, absolute_expires_at), break_glass_reason = $3, break_glass_ticket = $4
       where id = $1 and revoked_at is null`,
      [sessionId, until, reason, ticket],
    );
    return until;
  }

  /** Stores a refresh token's digest; the token itself is only ever held by the client. */
  async storeRefresh(client: Queryable, sessionId: string, jti: string, token: string, expiresAt: Date): Promise<void> {
    await client.query(
      'insert into access.refresh_tokens (id, session_id, token_digest, issued_at, expires_at) values ($1, $2, $3, $4, $5)',
      [jti, sessionId, tokenDigest(token), this.clock.now(), expiresAt],
    );
  }

  /**
   * Spends a refresh token. A token seen before means it was stolen or replayed: the whole session
   * (the token family) is revoked. Runs inside the caller's transaction; the row lock makes two
   * concurrent uses of one token resolve as one use plus one reuse.
   */
  async spendRefresh(client: pg.PoolClient, jti: string, sessionId: string, token: string): Promise<'ok' | 'reused' | 'invalid'> {
    const { rows } = await client.query<{ session_id: string; token_digest: string; used_at: Date | null }>(
      'select session_id, token_digest, used_at from access.refresh_tokens where id = $1 for update',
      [jti],
    );
    const row = rows[0];
    if (!row || row.session_id !== sessionId || row.token_digest !== tokenDigest(token)) return 'invalid';
    if (row.used_at) {
      await this.revoke(sessionId, 'refresh_reuse', client);
      return 'reused';
    }
    await client.query('update access.refresh_tokens set used_at = $2 where id = $1', [jti, this.clock.now()]);
    return 'ok';
  }
}
