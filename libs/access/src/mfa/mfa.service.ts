import type pg from 'pg';
import { AccessError } from '../access.errors';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import { oneTimePasswordExpired, type RequestMeta, type UserRecord, userFromRow } from '../identity/user.types';
import type { SecretKeyring } from '../keys/secret-keyring';
import type { LoginService } from '../login/login.service';
import type { Realm } from '../realm';
import { inTransaction, type SessionTokens } from '../sessions/session-tokens';
import type { SessionService } from '../sessions/session.service';
import type { TokenService } from '../tokens/token.service';
import type { IssuedTokens, TokenClaims } from '../tokens/token.types';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes';
import { matchTotpStep, newTotpSecret, otpauthUri } from './totp';
import { TotpReplayGuard } from './totp-replay-guard';

export interface Enrolment {
  /** Shown once, as a QR code; the secret is never returned again. */
  readonly otpauthUri: string;
  readonly recoveryCodes: readonly string[];
}

/** Second factor: TOTP enrolment and verification, recovery codes; opens the session on success. */
export class MfaService {
  private readonly replay: TotpReplayGuard;

  constructor(
    private readonly realm: Realm,
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly keyring: SecretKeyring,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly sessionTokens: SessionTokens,
    private readonly login: LoginService,
    private readonly audit: AuditService,
  ) {
    this.replay = new TotpReplayGuard(pool);
  }

  async enroll(challengeToken: string, meta: RequestMeta): Promise<Enrolment> {
    const claims = this.tokens.verify(challengeToken, 'mfa');
    const user = await this.usableUser(claims, 'auth.mfa_enrol', meta);
    if (user.totpSecret) throw new AccessError('AUTH.MFA_ALREADY_ENROLLED');
    const secret = newTotpSecret();
    const codes = newRecoveryCodes();
    const current = await inTransaction(this.pool, async (client) => {
      // Only under the challenge's credentials: a reset committed since the check above wins.
      const { rowCount } = await client.query(
        'update access.users set totp_pending_secret = $2 where id = $1 and credential_version = $3',
        [user.id, this.keyring.sealTotpSeed(user.id, secret), claims.cv],
      );
      if (!rowCount) return false;
      await client.query('delete from access.recovery_codes where user_id = $1', [user.id]);
      for (const code of codes) {
        await client.query('insert into access.recovery_codes (user_id, code_digest) values ($1, $2)', [user.id, this.recoveryDigest(user.id, code)]);
      }
      return true;
    });
    if (!current) return this.superseded(user, 'auth.mfa_enrol', meta);
    await this.audit.record({ ...meta, realm: this.realm, actorId: user.id, role: user.role, action: 'auth.mfa_enrol', outcome: 'granted', status: 200 });
    const label = this.realm === 'clinic' ? 'OrthoLedger Clinic' : 'OrthoLedger Back Office';
    return { otpauthUri: otpauthUri(secret, label, `user-${user.id.slice(0, 8)}`), recoveryCodes: codes };
  }

  async verify(challengeToken: string, factor: { code?: string; recoveryCode?: string }, meta: RequestMeta): Promise<IssuedTokens> {
    const claims = this.tokens.verify(challengeToken, 'mfa');
    const user = await this.usableUser(claims, 'auth.mfa_verify', meta);
    const sealed = user.totpSecret ?? user.totpPendingSecret;
    if (!sealed) throw new AccessError('AUTH.MFA_NOT_ENROLLED');
    const now = this.clock.now();
    const base = { ...meta, realm: this.realm, actorId: user.id, role: user.role, action: 'auth.mfa_verify' };
    // One attempt reserved before the factor is checked: a burst of concurrent guesses on one
    // challenge gets no more tries than the lock-out allows (see LoginService.reserveAttempt).
    if (!(await this.login.reserveAttempt(user.id))) {
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: 'locked' });
      throw new AccessError('AUTH.INVALID_MFA', 'user not usable');
    }

    let accepted = false;
    if (factor.code !== undefined) {
      const step = matchTotpStep(this.keyring.openTotpSeed(user.id, sealed), factor.code, now, 1);
      accepted = step !== undefined && (await this.replay.claim(user.id, step, now));
    } else if (factor.recoveryCode !== undefined && user.totpSecret) {
      const { rowCount } = await this.pool.query(
        'update access.recovery_codes set used_at = $3 where user_id = $1 and code_digest = $2 and used_at is null',
        [user.id, this.recoveryDigest(user.id, factor.recoveryCode), now],
      );
      accepted = (rowCount ?? 0) === 1;
    }
    if (!accepted) {
      await this.login.attemptFailed(user.id);
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: 'bad_second_factor' });
      throw new AccessError('AUTH.INVALID_MFA', 'factor rejected');
    }

    const issued = await inTransaction(this.pool, async (client) => {
      // Only under the challenge's credentials: the row lock orders this against a concurrent reset,
      // which then either finds this session to end or has already moved the version.
      const { rowCount } = await client.query(
        `update access.users set failed_attempts = 0,
           totp_secret = coalesce(totp_secret, totp_pending_secret), totp_pending_secret = null,
           totp_enrolled_at = coalesce(totp_enrolled_at, $2), first_signed_in_at = coalesce(first_signed_in_at, $2)
         where id = $1 and credential_version = $3`,
        [user.id, now, claims.cv],
      );
      if (!rowCount) return undefined;
      const session = await this.sessions.open(client, user, { mfa: true, challengeId: claims.jti }).catch((error: { code?: string }) => {
        if (error.code === '23505') throw new AccessError('AUTH.INVALID_MFA', 'challenge already used');
        throw error;
      });
      return this.sessionTokens.issue(client, user, session, now);
    });
    if (!issued) return this.superseded(user, 'auth.mfa_verify', meta);
    await this.audit.record({ ...base, sessionId: issued.sessionId, outcome: 'granted', status: 200, reason: factor.code !== undefined ? 'totp' : 'recovery_code' });
    return issued;
  }

  private recoveryDigest(userId: string, code: string): string {
    return this.keyring.lookup(`recovery:${userId}`, normaliseRecoveryCode(code));
  }

  /** Disabled or locked accounts, and challenges from before the credentials last changed, get the same refusal as a wrong code. */
  private async usableUser(claims: TokenClaims, action: string, meta: RequestMeta): Promise<UserRecord> {
    const { rows } = await this.pool.query('select * from access.users where id = $1 and realm = $2', [claims.sub, this.realm]);
    const user = rows[0] ? userFromRow(rows[0]) : undefined;
    const now = this.clock.now();
    if (!user || user.disabledAt || (user.lockedUntil && user.lockedUntil > now)) throw new AccessError('AUTH.INVALID_MFA', 'user not usable');
    if (user.credentialVersion !== claims.cv) return this.superseded(user, action, meta);
    // A sign-in begun with a one-time password does not finish after it expired.
    if (oneTimePasswordExpired(user, now)) {
      await this.audit.record({ ...meta, realm: this.realm, actorId: user.id, role: user.role, action, outcome: 'denied', status: 401, reason: 'one_time_password_expired' });
      throw new AccessError('AUTH.ONE_TIME_PASSWORD_EXPIRED');
    }
    return user;
  }

  /**
   * A challenge issued before a password change or reset, an MFA reset, a role change or disable
   * (see SessionService.revokeAllForUser): the caller gets the expired-challenge answer, the audit
   * log the reason.
   */
  private async superseded(user: UserRecord, action: string, meta: RequestMeta): Promise<never> {
    await this.audit.record({ ...meta, realm: this.realm, actorId: user.id, role: user.role, action, outcome: 'denied', status: 401, reason: 'challenge_superseded' });
    throw new AccessError('AUTH.INVALID_MFA', 'challenge superseded');
  }
}
