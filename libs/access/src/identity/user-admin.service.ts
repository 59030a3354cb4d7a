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
  ) {}

  async createClinic(displayName: string, actor: Actor, id: string = randomUUID()): Promise<string> {
    if (!isUuid(id) || displayName.trim().length === 0 || displayName.length > 200) throw new AccessError('ACCESS.INVALID_USER', 'clinic');
    await this.pool.query('insert into access.clinics (id, display_name) values ($1, $2) on conflict (id) do nothing', [id, displayName.trim()]);
    await this.audit.record({ ...actor, action: 'clinics.create', resourceType: 'clinic', resourceId: id, outcome: 'granted' });
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
    try {
      await this.pool.query(
        `insert into access.users (id, realm, role, clinic_id, login_lookup, password_hash, password_must_change, created_at)
         values ($1, $2, $3, $4, $5, $6, true, $7)`,
        [id, input.realm, input.role, input.clinicId ?? null, lookup, await this.hasher.hash(password), this.clock.now()],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new AccessError('ACCESS.USER_EXISTS');
      throw error;
    }
    // Failures recorded against this name before the account existed must not carry over.
    await this.pool.query('delete from access.login_throttle where key = $1', [LoginThrottle.accountKey(lookup)]);
    await this.record(actor, 'users.create', id, {}, `role:${input.role}`);
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
    return this.change(userId, actor, 'users.disable', 'user_disabled', 'update access.users set disabled_at = coalesce(disabled_at, $2) where id = $1', undefined, [this.clock.now()]);
  }

  async resetMfa(userId: string, actor: Actor): Promise<UserView> {
    return this.change(userId, actor, 'users.reset_mfa', 'mfa_reset', 'update access.users set totp_secret = null, totp_pending_secret = null, totp_enrolled_at = null where id = $1', async (client) => {
      await client.query('delete from access.recovery_codes where user_id = $1', [userId]);
      await client.query('delete from access.totp_used_steps where user_id = $1', [userId]);
    });
  }

  async unlock(userId: string, actor: Actor): Promise<UserView> {
    const view = await this.change(userId, actor, 'users.unlock', undefined, 'update access.users set failed_attempts = 0, locked_until = null where id = $1');
    const { rows } = await this.pool.query<{ login_lookup: string }>('select login_lookup from access.users where id = $1', [userId]);
    await this.pool.query('delete from access.login_throttle where key = $1', [LoginThrottle.accountKey(rows[0].login_lookup)]);
    return view;
  }

  async changeRole(userId: string, role: Role, actor: Actor): Promise<UserView> {
    const current = await this.get(userId);
    if (!isRole(role) || !roleBelongsTo(role, current.realm)) throw new AccessError('ACCESS.INVALID_USER', 'role outside realm');
    await this.assertMayManage(actor, role, 'users.change_role', userId);
    return this.change(userId, actor, 'users.change_role', 'role_changed', 'update access.users set role = $2, role_version = role_version + 1 where id = $1', undefined, [role], `role:${role}`);
  }

  async resetPassword(userId: string, actor: Actor): Promise<{ user: UserView; oneTimePassword: string }> {
    const password = oneTimePassword();
    const hash = await this.hasher.hash(password);
    const user = await this.change(userId, actor, 'users.reset_password', 'password_reset', 'update access.users set password_hash = $2, password_must_change = true where id = $1', undefined, [hash]);
    return { user, oneTimePassword: password };
  }

  private async change(
    userId: string, actor: Actor, action: string, endSessions: Parameters<SessionService['revokeAllForUser']>[1] | undefined,
    statement: string, extra?: (client: pg.PoolClient) => Promise<void>, params: unknown[] = [], reason?: string,
  ): Promise<UserView> {
    const target = await this.get(userId);
    await this.assertMayManage(actor, target.role, action, userId);
    let ended = 0;
    await inTransaction(this.pool, async (client) => {
      await client.query(statement, [userId, ...params]);
      await extra?.(client);
      if (endSessions) ended = await this.sessions.revokeAllForUser(userId, endSessions, client);
    });
    await this.record(actor, action, userId, { sessionsEnded: ended }, reason);
    return this.get(userId);
  }

  private async assertMayManage(actor: Actor, role: Role, action: string, userId?: string): Promise<void> {
    if (actor.role === 'support' && PRIVILEGED_ROLES.includes(role)) {
      await this.audit.record({ ...actor, action, resourceType: 'user', resourceId: userId, outcome: 'denied', status: 403, reason: 'privileged_role' });
      throw new AccessError('ACCESS.DENIED', 'privileged role');
    }
  }

  /** `reason` carries codes such as the new role (`role:dentist`); params hold ids and counts only. */
  private async record(actor: Actor, action: string, userId: string, params: Record<string, string | number | boolean>, reason?: string): Promise<void> {
    await this.audit.record({ ...actor, action, resourceType: 'user', resourceId: userId, outcome: 'granted', params, reason });
  }
}
