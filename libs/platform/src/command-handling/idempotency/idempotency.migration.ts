import { type Migration, sql } from 'kysely';

const APP_ROLE = 'ortholedger_app';

/**
 * Idempotency keys of command requests. Holds no PHI: the key only as a digest scoped to the actor,
 * the request only as an HMAC under a server secret (so a dump cannot confirm a guessed body), and
 * responses that are ids and revisions only. The app role cannot delete; retention runs as owner
 * (`ortholedger db purge-idempotency`).
 */
export const idempotencyMigrations: Record<string, Migration> = {
  '0500_command_idempotency': {
    async up(db) {
      await sql`create schema if not exists command_idempotency`.execute(db);
      await sql`
        create table command_idempotency.requests (
          actor_id uuid not null,
          key_digest text not null check (length(key_digest) = 64),
          fingerprint text not null check (length(fingerprint) = 64),
          route text not null check (length(route) <= 200),
          response_status smallint,
          response_body jsonb,
          created_at timestamptz not null default now(),
          completed_at timestamptz,
          primary key (actor_id, key_digest)
        )`.execute(db);
      await sql.raw(`grant usage on schema command_idempotency to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert, update on command_idempotency.requests to ${APP_ROLE}`).execute(db);
    },
  },
};
