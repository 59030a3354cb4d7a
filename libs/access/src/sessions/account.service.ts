import type pg from 'pg';
import { AccessError } from '../access.errors';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { PasswordHasher } from '../identity/password-hasher';
import { passwordAcceptable } from '../identity/password-hasher';
import { type Actor, oneTimePasswordExpired, type RequestMeta, userFromRow } from '../identity/user.types';
import type { LoginService } from '../login/login.service';
import type { AccessSubject } from '../policy/policy.types';
import type { AccessPolicyService } from '../policy/access-policy.service';
import type { Realm } from '../realm';
import type { TokenService } from '../tokens/token.service';
import type { IssuedTokens } from '../tokens/token.types';
import { inTransaction, type SessionTokens } from './session-tokens';
import type { SessionService } from './session.service';

export const BREAK_GLASS_REASONS = ['patient_safety', 'clinic_request', 'legal_request', 'incident_response'] as const;
export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number];

/** What a signed-in user does with their own session: refresh, logout, password, break-glass. */
export class AccountService {
  constructor(
    private readonly realm: Realm,
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly sessionTokens: SessionTokens,
    private readonly hasher: PasswordHasher,
    private readonly login: LoginService,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditService,
  ) {}

  /** Rotates the refresh token; presenting a spent one revokes the whole session. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    const claims = this.tokens.verify(refreshToken, 'refresh');
    const sessionId = claims.sid as string;
    const base = { ...meta, realm: this.realm, actorId: claims.sub, sessionId, action: 'auth.refresh' };
    const now = this.clock.now();
    const outcome = await inTransaction(this.pool, async (client) => {
      const spent = await this.sessions.spendRefresh(client, claims.jti, sessionId, refreshToken);
      if (spent !== 'ok') return { refused: spent } as const;
      // Not activity: a client refreshing on a timer must not keep an unattended session past its idle timeout.
      const live = await this.sessions.check(sessionId, claims.sub, client, { touch: false });
      if ('ended' in live) return { refused: live.ended } as const;
      const tokens = await this.sessionTokens.issue(client, { id: live.userId, realm: live.realm, role: live.role, clinicId: live.clinicId }, live, now);
      return { tokens, role: live.role } as const;
    });
    if ('refused' in outcome) {
      // Commit first (the reuse revocation must stick), then refuse.
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: outcome.refused });
      throw new AccessError('AUTH.SESSION_ENDED', outcome.refused);
    }
    await this.audit.record({ ...base, role: outcome.role, outcome: 'granted', status: 200 });
    return outcome.tokens;
  }

  async logout(subject: AccessSubject, meta: RequestMeta): Promise<void> {
    await this.sessions.revoke(subject.sessionId, 'logout');
    await this.audit.record({ ...meta, ...who(subject), action: 'auth.logout', outcome: 'granted', status: 204 });
  }

  /** Ends every session of the user, then opens a fresh one for the caller (they just proved both factors and the password). */
  async changePassword(subject: AccessSubject, current: string, next: string, meta: RequestMeta): Promise<IssuedTokens> {
    const base = { ...meta, ...who(subject), action: 'auth.password_change' };
    const { rows } = await this.pool.query('select * from access.users where id = $1', [subject.userId]);
    const user = userFromRow(rows[0]);
    // The same lock-out as at login: a stolen session cannot guess the current password without limit.
    if (!(await this.login.reserveAttempt(user.id))) {
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: 'locked' });
      throw new AccessError('AUTH.INVALID_CREDENTIALS');
    }
    if (!(await this.hasher.verify(user.passwordHash, current))) {
      await this.login.attemptFailed(user.id);
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: 'bad_password' });
      throw new AccessError('AUTH.INVALID_CREDENTIALS');
    }
    await this.login.attemptSucceeded(user.id);
    if (oneTimePasswordExpired(user, this.clock.now())) {
      await this.audit.record({ ...base, outcome: 'denied', status: 401, reason: 'one_time_password_expired' });
      throw new AccessError('AUTH.ONE_TIME_PASSWORD_EXPIRED');
    }
    if (!passwordAcceptable(next) || next === current) {
      await this.audit.record({ ...base, outcome: 'denied', status: 422, reason: 'weak_password' });
      throw new AccessError('AUTH.WEAK_PASSWORD');
    }
    const passwordHash = await this.hasher.hash(next);
    const now = this.clock.now();
    const issued = await inTransaction(this.pool, async (client) => {
      await client.query('update access.users set password_hash = $2, password_must_change = false, password_expires_at = null, failed_attempts = 0 where id = $1', [user.id, passwordHash]);
      // The new session ends when the old one would have: a password change does not restart the absolute lifetime.
      const { rows: [old] } = await client.query<{ absolute_expires_at: Date }>('select absolute_expires_at from access.sessions where id = $1', [subject.sessionId]);
      await this.sessions.revokeAllForUser(user.id, 'password_changed', client);
      const session = await this.sessions.open(client, user, { mfa: subject.mfa, notAfter: old?.absolute_expires_at });
      const tokens = await this.sessionTokens.issue(client, user, session, now);
      // Before the commit: a change whose audit row cannot be written is rolled back.
      await this.audit.record({ ...base, outcome: 'granted', status: 200, params: { newSessionId: tokens.sessionId } });
      return tokens;
    });
    return issued;
  }

  /** Emergency access for back-office roles the policy allows: time-boxed, categorised, flagged in every row. */
  async breakGlass(subject: AccessSubject, reason: BreakGlassReason, ticket: string, meta: RequestMeta): Promise<{ until: string }> {
    const base = { ...meta, ...who(subject), action: 'auth.break_glass', breakGlass: true, purpose: `${reason}:${ticket}` };
    if (!this.policy.allowsBreakGlass(subject.role)) {
      await this.audit.record({ ...base, outcome: 'denied', status: 403, reason: 'role_not_allowed' });
      throw new AccessError('ACCESS.BREAK_GLASS_NOT_ALLOWED');
    }
    // The audit row before the commit: break-glass access that cannot be audited is not granted.
    const until = await inTransaction(this.pool, async (client) => {
      const granted = await this.sessions.grantBreakGlass(subject.sessionId, reason, ticket, client);
      await this.audit.record({ ...base, outcome: 'granted', status: 200 });
      return granted;
    });
    return { until: until.toISOString() };
  }
}

/** The audit fields naming a signed-in subject. */
export function who(subject: AccessSubject): Actor & { realm: string } {
  return { realm: subject.realm, actorId: subject.userId, role: subject.role, sessionId: subject.sessionId };
}
