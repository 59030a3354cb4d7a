import type pg from 'pg';
import type { AccessConfig } from '../access.config';
import { AccessError } from '../access.errors';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { PasswordHasher } from '../identity/password-hasher';
import { type RequestMeta, normaliseLogin, oneTimePasswordExpired, type UserRecord, userFromRow } from '../identity/user.types';
import type { SecretKeyring } from '../keys/secret-keyring';
import type { Realm } from '../realm';
import type { TokenService } from '../tokens/token.service';
import { LoginThrottle } from './login-throttle';

export interface LoginResult {
  /** `enrolment_required`: call /auth/mfa/enroll with the challenge token first. */
  readonly mfa: 'required' | 'enrolment_required';
  readonly challengeToken: string;
  readonly expiresIn: number;
}

/** Far enough to mean "until support unlocks"; Postgres 'infinity' does not survive pg's Date parser. */
const LOCKED_UNTIL_UNLOCKED = new Date('9999-12-31T00:00:00Z');

/** Counts one attempt when it may go ahead (a row updated): the user id, now and the lock-out threshold as SQL expressions. */
const reserveSql = (id: string, now: string, limit: string) => `update access.users set failed_attempts = failed_attempts + 1
   where id = ${id} and disabled_at is null and (locked_until is null or locked_until <= ${now}) and failed_attempts < ${limit}`;

/**
 * First factor. Unknown login name, wrong password, disabled or locked account: one answer
 * (AUTH.INVALID_CREDENTIALS, 401) after the same work, one argon2 verification each.
 */
export class LoginService {
  constructor(
    private readonly realm: Realm,
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly config: AccessConfig,
    private readonly keyring: SecretKeyring,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, meta: RequestMeta): Promise<LoginResult> {
    const lookup = this.keyring.lookup('login', normaliseLogin(this.realm, email));
    const accountKey = LoginThrottle.accountKey(lookup);
    const ipKey = LoginThrottle.ipKey(meta.ip);
    const base = { ...meta, realm: this.realm, action: 'auth.login' };
    // Counted before the password is checked: a burst of guesses gets no more checks than the limits allow.
    const reservation = await this.throttle.reserve(accountKey, ipKey);
    if (!reservation) {
      await this.audit.record({ ...base, outcome: 'denied', status: 429, reason: 'throttled' });
      throw new AccessError('AUTH.TOO_MANY_ATTEMPTS');
    }
    // The user and, for a known one, a reserved attempt in one statement: unknown and known logins
    // cost the same round trip, and concurrent guesses cannot all pass the lock check before the
    // first failure is counted (see reserveAttempt).
    const { rows } = await this.pool.query(
      `with u as (select * from access.users where login_lookup = $1 and realm = $2),
            r as (${reserveSql('(select id from u)', '$3', '$4')} returning 1)
       select u.*, (select count(*) from r)::int as reserved from u`,
      [lookup, this.realm, this.clock.now(), this.config.lockoutAfterFailures],
    );
    const user: UserRecord | undefined = rows[0] ? userFromRow(rows[0]) : undefined;
    const reserved = rows[0]?.reserved === 1;
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    // Not reserved: locked, or as many failures in flight as the lock-out allows.
    const refusal = !user ? 'unknown_login' : !passwordOk ? 'bad_password' : user.disabledAt ? 'disabled' : !reserved ? 'locked' : undefined;
    // Only after the password verified: the caller knows it, so telling them it expired reveals nothing.
    if (!refusal && oneTimePasswordExpired(user!, this.clock.now())) {
      // The right password: not a guess, so not counted towards a lock-out.
      await this.attemptSucceeded(user!.id);
      await this.throttle.succeeded(reservation);
      await this.audit.record({ ...base, actorId: user!.id, role: user!.role, outcome: 'denied', status: 401, reason: 'one_time_password_expired' });
      throw new AccessError('AUTH.ONE_TIME_PASSWORD_EXPIRED');
    }

    if (refusal) {
      // The throttle's reservation stays counted as the failure.
      if (user && reserved && refusal === 'bad_password') await this.attemptFailed(user.id);
      await this.audit.record({ ...base, actorId: user?.id, role: user?.role, outcome: 'denied', status: 401, reason: refusal });
      throw new AccessError('AUTH.INVALID_CREDENTIALS', refusal);
    }
    const known = user as UserRecord;
    await this.attemptSucceeded(known.id);
    await this.throttle.succeeded(reservation);
    const enrol = known.totpSecret === undefined;
    const challenge = this.tokens.sign('mfa', { sub: known.id, enrol, cv: known.credentialVersion }, this.config.challengeSeconds);
    await this.audit.record({ ...base, actorId: known.id, role: known.role, outcome: 'granted', status: 200, reason: enrol ? 'mfa_enrolment_required' : 'mfa_required' });
    return { mfa: enrol ? 'enrolment_required' : 'required', challengeToken: challenge.token, expiresIn: this.config.challengeSeconds };
  }

  /**
   * Reserves one attempt (password or second factor) before it is checked: counted as a failure
   * at once, and refused when the account is locked or disabled, or when it already has as many
   * failures (and attempts in flight) as the lock-out allows. Checked and counted in one statement,
   * so a burst of concurrent guesses gets no more tries than a sequence of them would.
   */
  async reserveAttempt(userId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(reserveSql('$1', '$2', '$3'), [userId, this.clock.now(), this.config.lockoutAfterFailures]);
    return (rowCount ?? 0) === 1;
  }

  /** The reserved attempt failed: it stays counted, and at the limit the account locks until support unlocks it. */
  async attemptFailed(userId: string): Promise<void> {
    await this.pool.query(
      // Writes only at the limit: a wrong password for a known login costs one write (the reservation), as before.
      'update access.users set locked_until = $3::timestamptz where id = $1 and failed_attempts >= $2 and locked_until is distinct from $3::timestamptz',
      [userId, this.config.lockoutAfterFailures, LOCKED_UNTIL_UNLOCKED],
    );
  }

  /** The reserved first-factor attempt succeeded: it is given back (the second factor counts its own). */
  async attemptSucceeded(userId: string): Promise<void> {
    await this.pool.query('update access.users set failed_attempts = greatest(failed_attempts - 1, 0) where id = $1', [userId]);
  }
}
