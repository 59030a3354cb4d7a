import { type Kysely, type Migration, sql } from 'kysely';
import { auditAppendMigration } from './audit-append.migration';
import { auditMigration } from './audit.migration';

const APP_ROLE = 'ortholedger_app';

/**
 * Identity, sessions and the interim care-team tables. Login names are stored only as an HMAC
 * (`login_lookup`), TOTP seeds only sealed (AES-GCM), passwords as argon2id, refresh tokens and
 * recovery codes as keyed digests. The app role can never delete users or sessions: accounts are
 * disabled and sessions revoked, so their history stays explainable. Seeds and lookups use the
 * `access` root key of the keyvault (see keys/secret-keyring.ts).
 */
const identity: Migration = {
  async up(db: Kysely<any>) {
    await sql`create schema if not exists access`.execute(db);
    await sql`
      create table access.clinics (
        id uuid primary key,
        display_name text not null check (length(display_name) between 1 and 200),
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table access.users (
        id uuid primary key,
        realm text not null check (realm in ('clinic', 'backoffice')),
        role text not null,
        clinic_id uuid references access.clinics (id),
        login_lookup text not null unique,
        password_hash text not null,
        password_must_change boolean not null default true,
        totp_secret bytea,
        totp_pending_secret bytea,
        totp_enrolled_at timestamptz,
        failed_attempts integer not null default 0,
        locked_until timestamptz,
        disabled_at timestamptz,
        role_version integer not null default 1,
        created_at timestamptz not null,
        check ((realm = 'clinic') = (clinic_id is not null))
      )`.execute(db);
    await sql`
      create table access.recovery_codes (
        user_id uuid not null references access.users (id),
        code_digest text not null,
        used_at timestamptz,
        primary key (user_id, code_digest)
      )`.execute(db);
    // One row per accepted TOTP time step: the primary key makes a parallel replay impossible.
    await sql`
      create table access.totp_used_steps (
        user_id uuid not null references access.users (id),
        step bigint not null,
        used_at timestamptz not null,
        primary key (user_id, step)
      )`.execute(db);
    await sql`
      create table access.sessions (
        id uuid primary key,
        user_id uuid not null references access.users (id),
        realm text not null,
        created_at timestamptz not null,
        last_seen_at timestamptz not null,
        absolute_expires_at timestamptz not null,
        revoked_at timestamptz,
        revoked_reason text,
        role_version integer not null,
        mfa boolean not null,
        break_glass_until timestamptz,
        break_glass_reason text,
        break_glass_ticket text,
        -- An MFA challenge opens at most one session.
        challenge_id uuid unique
      )`.execute(db);
    await sql`create index sessions_live_by_user on access.sessions (user_id) where revoked_at is null`.execute(db);
    await sql`
      create table access.refresh_tokens (
        id uuid primary key,
        session_id uuid not null references access.sessions (id),
        token_digest text not null,
        issued_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz
      )`.execute(db);
    await sql`create index refresh_tokens_by_session on access.refresh_tokens (session_id)`.execute(db);
    await sql`
      create table access.login_throttle (
        key text primary key,
        failures integer not null default 0,
        window_started_at timestamptz not null,
        blocked_until timestamptz
      )`.execute(db);
    await sql`
      create table access.patient_clinics (
        patient_id uuid primary key,
        clinic_id uuid not null
      )`.execute(db);
    await sql`
      create table access.care_team_members (
        patient_id uuid not null,
        user_id uuid not null,
        primary key (patient_id, user_id)
      )`.execute(db);

    await sql`revoke all on schema access from public`.execute(db);
    for (const statement of [
      `grant usage on schema access to ${APP_ROLE}`,
      `grant select, insert on access.clinics to ${APP_ROLE}`,
      `grant select, insert, update on access.users to ${APP_ROLE}`,
      `grant select, insert, update, delete on access.recovery_codes, access.totp_used_steps to ${APP_ROLE}`,
      `grant select, insert, update on access.sessions, access.refresh_tokens to ${APP_ROLE}`,
      `grant select, insert, update, delete on access.login_throttle to ${APP_ROLE}`,
      `grant select, insert, update, delete on access.patient_clinics, access.care_team_members to ${APP_ROLE}`,
    ]) {
      await sql.raw(statement).execute(db);
    }
  },
};

/**
 * A sign-in in progress belongs to the credentials it was started with: everything that ends all of
 * a user's sessions (password change or reset, MFA reset, role change, disable) also moves
 * `credential_version`, and an MFA challenge carrying an older one is refused (see
 * SessionService.revokeAllForUser, MfaService).
 */
const credentialVersion: Migration = {
  async up(db: Kysely<any>) {
    await sql`alter table access.users add column credential_version integer not null default 1`.execute(db);
  },
};

/**
 * A one-time password (a new account's, or a reset's) expires: found in an old ticket months later
 * it is no longer a way into an account that never enrolled a second factor. Passwords still to be
 * changed when this lands get the default lifetime from now.
 */
const oneTimePasswordExpiry: Migration = {
  async up(db: Kysely<any>) {
    await sql`alter table access.users add column password_expires_at timestamptz`.execute(db);
    await sql`update access.users set password_expires_at = now() + interval '72 hours' where password_must_change`.execute(db);
  },
};

/**
 * When the user first finished a sign-in (password and second factor), never cleared: support may
 * hand a fresh one-time password to an account nobody has used yet, never to one whose second
 * factor was reset (see UserAdminService.resetPassword). Accounts with a second factor, a password
 * of their own or a session have signed in.
 */
const firstSignIn: Migration = {
  async up(db: Kysely<any>) {
    await sql`alter table access.users add column first_signed_in_at timestamptz`.execute(db);
    await sql`
      update access.users u set first_signed_in_at = coalesce(u.totp_enrolled_at, u.created_at)
       where u.totp_secret is not null or not u.password_must_change
          or exists (select 1 from access.sessions s where s.user_id = u.id)`.execute(db);
    // An account someone has signed in to, with no second factor and a one-time password pending, is
    // the state this release forbids support to leave behind (support may hold that password): it
    // expires now, and an engineer issues a new one with `users reset-mfa`.
    await sql`
      update access.users set password_expires_at = least(password_expires_at, now())
       where password_must_change and totp_secret is null and first_signed_in_at is not null`.execute(db);
  },
};

export const accessMigrations: Record<string, Migration> = {
  '0300_access_identity': identity,
  '0301_access_audit': auditMigration,
  '0302_access_audit_append_function': auditAppendMigration,
  '0303_access_credential_version': credentialVersion,
  '0304_access_one_time_password_expiry': oneTimePasswordExpiry,
  '0305_access_first_sign_in': firstSignIn,
};
