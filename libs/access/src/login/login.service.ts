import type pg from 'pg';
import type { AccessConfig } from '../access.config';
import { AccessError } from '../access.errors';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { PasswordHasher } from '../identity/password-hasher';
import { type RequestMeta, normaliseLogin, type UserRecord, userFromRow } from '../identity/user.types';
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
    if (await this.throttle.blocked([accountKey, ipKey])) {
      await this.audit.record({ ...base, outcome: 'denied', status: 429, reason: 'throttled' });
      throw new AccessError('AUTH.TOO_MANY_ATTEMPTS');
    }
    const { rows } = await this.pool.query('select * from access.users where login_lookup = $1 and realm = $2', [lookup, this.realm]);
    const user: UserRecord | undefined = rows[0] ? userFromRow(rows[0]) : undefined;
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    const now = this.clock.now();
    const refusal = !user ? 'unknown_login' : !passwordOk ? 'bad_password' : user.disabledAt ? 'disabled' : user.lockedUntil && user.lockedUntil > now ? 'locked' : undefined;

    if (refusal) {
      await this.throttle.fail(accountKey, ipKey);
      if (user && refusal === 'bad_password') await this.countFailure(user.id);
      await this.audit.record({ ...base, actorId: user?.id, role: user?.role, outcome: 'denied', status: 401, reason: refusal });
      throw new AccessError('AUTH.INVALID_CREDENTIALS', refusal);
    }
    const known = user as UserRecord;
    await this.throttle.clear(accountKey);
    const enrol = known.totpSecret === undefined;
    const challenge = this.tokens.sign('mfa', { sub: known.id, enrol }, this.config.challengeSeconds);
    await this.audit.record({ ...base, actorId: known.id, role: known.role, outcome: 'granted', status: 200, reason: enrol ? 'mfa_enrolment_required' : 'mfa_required' });
    return { mfa: enrol ? 'enrolment_required' : 'required', challengeToken: challenge.token, expiresIn: this.config.challengeSeconds };
  }

  /** Consecutive failures (password or second factor) lock the account until support unlocks it. */
  async countFailure(userId: string): Promise<void> {
    await this.pool.query(
      `update access.users set failed_attempts = failed_attempts + 1,
         locked_until = case when failed_attempts + 1 >= $2 then $3::timestamptz else locked_until end
       where id = $1`,
      [userId, this.config.lockoutAfterFailures, LOCKED_UNTIL_UNLOCKED],
    );
  }
}
