import type { Realm, Role } from '../realm';

export interface UserRecord {
  readonly id: string;
  readonly realm: Realm;
  readonly role: Role;
  readonly clinicId?: string;
  readonly loginLookup: string;
  readonly passwordHash: string;
  readonly passwordMustChange: boolean;
  /** Set while the password is a one-time password: after it, the password no longer signs in. */
  readonly passwordExpiresAt?: Date;
  readonly totpSecret?: Buffer;
  readonly totpPendingSecret?: Buffer;
  readonly failedAttempts: number;
  readonly lockedUntil?: Date;
  readonly disabledAt?: Date;
  readonly roleVersion: number;
  /** Moves whenever all the user's sessions end; an MFA challenge carries the one it was issued under. */
  readonly credentialVersion: number;
}

/** What support and the CLI may see of a user: no login name, no secrets. */
export interface UserView {
  readonly id: string;
  readonly realm: Realm;
  readonly role: Role;
  readonly clinicId?: string;
  readonly mfaEnrolled: boolean;
  readonly locked: boolean;
  readonly disabled: boolean;
  readonly passwordChangeRequired: boolean;
}

/** Where a request came from; copied into its audit row. */
export interface RequestMeta {
  readonly ip?: string;
  readonly userAgent?: string;
  readonly correlationId?: string;
}

/** Who performs an identity operation (audit-row field names), and from where. */
export interface Actor extends RequestMeta {
  readonly realm?: string;
  readonly actorId?: string;
  readonly role?: string;
  readonly sessionId?: string;
  readonly purpose?: string;
}

export const CLI_ACTOR: Actor = { realm: 'cli', role: 'engineer', purpose: 'cli' };

export function userFromRow(r: Record<string, any>): UserRecord {
  return {
    id: r.id,
    realm: r.realm,
    role: r.role,
    clinicId: r.clinic_id ?? undefined,
    loginLookup: r.login_lookup,
    passwordHash: r.password_hash,
    passwordMustChange: r.password_must_change,
    passwordExpiresAt: r.password_expires_at ?? undefined,
    totpSecret: r.totp_secret ?? undefined,
    totpPendingSecret: r.totp_pending_secret ?? undefined,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until ?? undefined,
    disabledAt: r.disabled_at ?? undefined,
    roleVersion: r.role_version,
    credentialVersion: r.credential_version,
  };
}

/** A one-time password past its lifetime (ONE_TIME_PASSWORD_TTL_SECONDS): it no longer signs in, nor finishes a sign-in begun with it. */
export function oneTimePasswordExpired(u: UserRecord, now: Date): boolean {
  return u.passwordMustChange && u.passwordExpiresAt !== undefined && u.passwordExpiresAt.getTime() <= now.getTime();
}

export function userView(u: UserRecord, now: Date): UserView {
  return {
    id: u.id,
    realm: u.realm,
    role: u.role,
    clinicId: u.clinicId,
    mfaEnrolled: u.totpSecret !== undefined,
    locked: u.lockedUntil !== undefined && u.lockedUntil.getTime() > now.getTime(),
    disabled: u.disabledAt !== undefined,
    passwordChangeRequired: u.passwordMustChange,
  };
}

/** Login names: NFKC, trimmed, lower-case; realm-qualified so one person can hold one account per realm. */
export function normaliseLogin(realm: Realm, email: string): string {
  return `${realm}:${email.normalize('NFKC').trim().toLowerCase()}`;
}
