import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { AccessError } from '../access.errors';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../clock';
import type { SecretKeyring } from '../keys/secret-keyring';
import { LoginThrottle } from '../login/login-throttle';
import { isRealm, isRole, isUuid, type Realm, type Role, roleBelongsTo } from '../realm';
import { inTransaction } from '../sessions/session-tokens';
import type { SessionService } from '../sessions/session.service';
import type { PasswordHasher } from './password-hasher';
import { type Actor, normaliseLogin, type UserView, userFromRow, userView } from './user.types';

/** The user's row as `change` locks it. */
interface LockedUser {
  readonly role: Role;
  readonly login_lookup: string;
  readonly password_must_change: boolean;
  readonly totp_secret: string | null;
  readonly first_signed_in_at: Date | null;
}

interface ChangeSpec {
  /** $1 is the user id, then `params`. */
  readonly statement: string;
  readonly params?: readonly unknown[];
  readonly endSessions?: Parameters<SessionService['revokeAllForUser']>[1];
  readonly refuse?: (user: LockedUser) => string | undefined;
  /** More of the change, in its transaction; what it returns goes into the audit row's params. */
  readonly extra?: (client: pg.PoolClient, user: LockedUser) => Promise<Record<string, boolean | number>>;
  /** The audit row's reason (codes only, such as the new role). */
  readonly reason?: string;
}

/** Roles support cannot create, change or reset through the API (no self-escalation); the CLI can. */
export const PRIVILEGED_ROLES: readonly Role[] = ['support', 'compliance_officer', 'platform_admin'];

const OTP_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/** ~114 bits; shown once to whoever hands it over, must be changed at first sign-in. */
export function oneTimePassword(): string {
  const chars = Array.from({ length: 20 }, () => OTP_ALPHABET[randomInt(OTP_ALPHABET.length)]).join('');
  return chars.match(/.{5}/g)!.join('-');
}

export interface NewUser {
  readonly realm: Realm;
  readonly role: Role;
  readonly email: string;
  readonly clinicId?: string;
}

/** Which field of a new user is wrong, by name only (the detail reaches the CLI's operator; a value may be an e-mail address). */
function invalidField(input: NewUser): string | undefined {
  if (!isRealm(input.realm)) return 'realm';
  if (!isRole(input.role)) return 'role';
  if (!roleBelongsTo(input.role, input.realm)) return 'role outside realm';
  if (typeof input.email !== 'string' || !EMAIL.test(input.email.trim())) return 'email';
  if (input.realm === 'clinic' && !isUuid(input.clinicId)) return 'clinic (a clinic realm user needs a clinic id)';
  if (input.realm !== 'clinic' && isUuid(input.clinicId)) return 'clinic (back-office users belong to no clinic)';
  return undefined;
}

/**
 * Account administration for support (admin API) and engineers (CLI). Every change is audited;
 * changes that alter what a user may do end their sessions in the same transaction.
 */
export class UserAdminService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly keyring: SecretKeyring,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    /** Lifetime of the one-time passwords this service hands out. */
    private readonly oneTimePasswordSeconds: number,
  ) {}

  private oneTimePasswordExpiry(): Date {
    return new Date(this.clock.now().getTime() + this.oneTimePasswordSeconds * 1000);
  }

  async createClinic(displayName: string, actor: Actor, id: string = randomUUID()): Promise<string> {
    if (!isUuid(id) || displayName.trim().length === 0 || displayName.length > 200) throw new AccessError('ACCESS.INVALID_USER', 'clinic');
    await this.audited(actor, 'clinics.create', { type: 'clinic', id }, async (client) => {
      await client.query('insert into access.clinics (id, display_name) values ($1, $2) on conflict (id) do nothing', [id, displayName.trim()]);
      return {};
    });
    return id;
  }

  async createUser(input: NewUser, actor: Actor): Promise<{ user: UserView; oneTimePassword: string }> {
    const invalid = invalidField(input);
    if (invalid) throw new AccessError('ACCESS.INVALID_USER', invalid);
    await this.assertMayManage(actor, input.role, 'users.create');
    if (input.clinicId) {
      const { rowCount } = await this.pool.query('select 1 from access.clinics where id = $1', [input.clinicId]);
      if (!rowCount) throw new AccessError('ACCESS.INVALID_USER', 'unknown clinic');
    }
    const id = randomUUID();
    const password = oneTimePassword();
    const lookup = this.keyring.lookup('login', normaliseLogin(input.realm, input.email));
    const hash = await this.hasher.hash(password);
    try {
      await this.audited(actor, 'users.create', { type: 'user', id }, async (client) => {
        await client.query(
          `insert into access.users (id, realm, role, clinic_id, login_lookup, password_hash, password_must_change, password_expires_at, created_at)
           values ($1, $2, $3, $4, $5, $6, true, $7, $8)`,
          [id, input.realm, input.role, input.clinicId ?? null, lookup, hash, this.oneTimePasswordExpiry(), this.clock.now()],
        );
        // Failures recorded against this name before the account existed must not carry over.
        await client.query('delete from access.login_throttle where key = $1', [LoginThrottle.accountKey(lookup)]);
        return { params: {}, reason: `role:${input.role}` };
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new AccessError('ACCESS.USER_EXISTS');
      throw error;
    }
    return { user: await this.get(id), oneTimePassword: password };
  }

  /** Whether a clinic is known (patients may only be transferred to one). */
  async clinicExists(clinicId: string): Promise<boolean> {
    if (!isUuid(clinicId)) return false;
    const { rowCount } = await this.pool.query('select 1 from access.clinics where id = $1', [clinicId]);
    return (rowCount ?? 0) > 0;
  }

  async get(userId: string): Promise<UserView> {
    if (!isUuid(userId)) throw new AccessError('ACCESS.USER_NOT_FOUND');
    const { rows } = await this.pool.query('select * from access.users where id = $1', [userId]);
    if (!rows[0]) throw new AccessError('ACCESS.USER_NOT_FOUND');
    return userView(userFromRow(rows[0]), this.clock.now());
  }

  /** For the CLI, which names users by login; the API uses ids only. */
  async findId(realm: Realm, email: string): Promise<string | undefined> {
    const lookup = this.keyring.lookup('login', normaliseLogin(realm, email));
    const { rows } = await this.pool.query<{ id: string }>('select id from access.users where login_lookup = $1', [lookup]);
    return rows[0]?.id;
  }

  async disable(userId: string, actor: Actor): Promise<UserView> {
    return this.change(userId, actor, 'users.disable', { endSessions: 'user_disabled', statement: 'update access.users set disabled_at = coalesce(disabled_at, $2) where id = $1', params: [this.clock.now()] });
  }

  /**
   * Through the API, refused while the password is a one-time password support handed out that the
   * user has not replaced yet (see `change`). The CLI may, for a user who lost both factors: on such
   * an account it issues the password again too, to the engineer, so the copy support holds no
   * longer opens an account that now has no second factor (`oneTimePassword` in the answer).
   */
  async resetMfa(userId: string, actor: Actor): Promise<{ user: UserView; oneTimePassword?: string }> {
    const password = actor.realm === 'cli' ? oneTimePassword() : undefined;
    const hash = password ? await this.hasher.hash(password) : undefined;
    let reissued = false;
    const user = await this.change(userId, actor, 'users.reset_mfa', {
      endSessions: 'mfa_reset',
      statement: 'update access.users set totp_secret = null, totp_pending_secret = null, totp_enrolled_at = null where id = $1',
      refuse: (row) => (row.password_must_change && row.totp_secret !== null ? 'password_reset_pending' : undefined),
      extra: async (client, row): Promise<Record<string, boolean>> => {
        await client.query('delete from access.recovery_codes where user_id = $1', [userId]);
        await client.query('delete from access.totp_used_steps where user_id = $1', [userId]);
        if (!hash || !row.password_must_change) return {};
        await client.query('update access.users set password_hash = $2, password_expires_at = $3 where id = $1', [userId, hash, this.oneTimePasswordExpiry()]);
        reissued = true;
        return { passwordReissued: true };
      },
    });
    return reissued ? { user, oneTimePassword: password } : { user };
  }

  async unlock(userId: string, actor: Actor): Promise<UserView> {
    return this.change(userId, actor, 'users.unlock', {
      statement: 'update access.users set failed_attempts = 0, locked_until = null where id = $1',
      extra: async (client, user) => {
        await client.query('delete from access.login_throttle where key = $1', [LoginThrottle.accountKey(user.login_lookup)]);
        return {};
      },
    });
  }

  async changeRole(userId: string, role: Role, actor: Actor): Promise<UserView> {
    const current = await this.get(userId);
    if (!isRole(role) || !roleBelongsTo(role, current.realm)) throw new AccessError('ACCESS.INVALID_USER', 'role outside realm');
    await this.assertMayManage(actor, role, 'users.change_role', userId);
    return this.change(userId, actor, 'users.change_role', {
      endSessions: 'role_changed', statement: 'update access.users set role = $2, role_version = role_version + 1 where id = $1', params: [role], reason: `role:${role}`,
    });
  }

  /**
   * Through the API, refused while an account that has been signed in to has no second factor (after
   * an MFA reset, before the user enrols again): the one-time password would be its only factor, and
   * support would hold it. An account nobody has signed in to yet may get a fresh one.
   */
  async resetPassword(userId: string, actor: Actor): Promise<{ user: UserView; oneTimePassword: string }> {
    const password = oneTimePassword();
    const hash = await this.hasher.hash(password);
    const user = await this.change(userId, actor, 'users.reset_password', {
      endSessions: 'password_reset',
      statement: 'update access.users set password_hash = $2, password_must_change = true, password_expires_at = $3 where id = $1',
      params: [hash, this.oneTimePasswordExpiry()],
      refuse: (row) => (row.totp_secret === null && row.first_signed_in_at !== null ? 'mfa_reset_pending' : undefined),
    });
    return { user, oneTimePassword: password };
  }

  /**
   * One transaction, the user's row locked first:
   * - `refuse` may name a reason to refuse, from the locked row. Resetting one factor while the other
   *   waits for the user to renew it would leave support holding every factor of the account, so the
   *   API refuses (409, audited as denied) and leaves it to the user's own renewal or to an engineer
   *   at the CLI, a second person.
   * - Audited before the commit (see `audited`).
   */
  private async change(userId: string, actor: Actor, action: string, spec: ChangeSpec): Promise<UserView> {
    const target = await this.get(userId);
    await this.assertMayManage(actor, target.role, action, userId);
    await this.audited(actor, action, { type: 'user', id: userId }, async (client) => {
      const { rows: [user] } = await client.query<LockedUser>(
        'select role, login_lookup, password_must_change, totp_secret, first_signed_in_at from access.users where id = $1 for update',
        [userId],
      );
      if (!user) throw new AccessError('ACCESS.USER_NOT_FOUND');
      // A role change may have landed since the check above.
      if (user.role !== target.role) await this.assertMayManage(actor, user.role, action, userId);
      const refused = actor.realm === 'cli' ? undefined : spec.refuse?.(user);
      if (refused) {
        await this.audit.record({ ...actor, action, resourceType: 'user', resourceId: userId, outcome: 'denied', status: 409, reason: refused });
        throw new AccessError('ACCESS.OTHER_FACTOR_PENDING', refused);
      }
      await client.query(spec.statement, [userId, ...(spec.params ?? [])]);
      const params = (await spec.extra?.(client, user)) ?? {};
      const ended = spec.endSessions ? await this.sessions.revokeAllForUser(userId, spec.endSessions, client) : 0;
      return { params: { ...params, sessionsEnded: ended }, reason: spec.reason };
    });
    return this.get(userId);
  }

  /**
   * `work` in one transaction, its 'granted' audit row written last, before the commit (through the
   * audit store's own connections; `reason` carries codes such as the new role, `params` ids and counts only): a change whose audit row cannot be written is rolled back, never
   * left unaudited. Should the commit fail after the row was written (or a write that timed out land
   * after all), an `error` row follows it.
   */
  private async audited(
    actor: Actor, action: string, resource: { type: string; id: string },
    work: (client: pg.PoolClient) => Promise<{ params?: Record<string, string | number | boolean>; reason?: string }>,
  ): Promise<void> {
    // Set before the write: a write that timed out may still land after the rollback.
    let attempted = false;
    const base = { ...actor, action, resourceType: resource.type, resourceId: resource.id };
    await inTransaction(this.pool, async (client) => {
      const { params, reason } = await work(client);
      attempted = true;
      await this.audit.record({ ...base, outcome: 'granted', params, reason });
    }).catch(async (error: unknown) => {
      if (attempted) await this.audit.record({ ...base, outcome: 'error', reason: 'not_committed' }).catch(() => undefined);
      throw error;
    });
  }

  private async assertMayManage(actor: Actor, role: Role, action: string, userId?: string): Promise<void> {
    if (actor.role === 'support' && PRIVILEGED_ROLES.includes(role)) {
      await this.audit.record({ ...actor, action, resourceType: 'user', resourceId: userId, outcome: 'denied', status: 403, reason: 'privileged_role' });
      throw new AccessError('ACCESS.DENIED', 'privileged role');
    }
  }

}
