import { type Kysely, type Migration, sql } from 'kysely';
import { createTable, LIVE_SCHEMA, READ_MODEL_TABLES, RETIRED_SCHEMA, SHADOW_SCHEMA } from './tables';

const APP_ROLE = 'ortholedger_app';

/**
 * Read models: small encrypted tables built from the event log. The app role reads and writes
 * rows (projection runners, queries) but owns nothing: rebuilds create shadow tables and swap
 * them in as the schema owner, from the CLI.
 */
export const readModelMigrations: Record<string, Migration> = {
  '0400_read_models': {
    async up(db: Kysely<any>) {
      for (const schema of [LIVE_SCHEMA, SHADOW_SCHEMA, RETIRED_SCHEMA]) {
        await sql.raw(`create schema if not exists ${schema}`).execute(db);
        await sql.raw(`revoke all on schema ${schema} from public`).execute(db);
      }
      await sql`
        create table read_models.projection_checkpoints (
          projection text not null,
          target text not null check (target in ('live', 'shadow')),
          version integer not null,
          -- bumped by every swap, so a runner that read before the swap cannot commit after it
          generation integer not null default 1,
          pos_commit bigint not null,
          pos_prepare bigint not null,
          events_seen bigint not null default 0,
          last_event_at timestamptz,
          updated_at timestamptz not null default now(),
          failed_at timestamptz,
          failure_code text,
          failure_detail text,
          primary key (projection, target))`.execute(db);
      await sql`
        create table read_models.projection_erasures (
          projection text not null,
          target text not null,
          erasure_id uuid not null,
          primary key (projection, target, erasure_id))`.execute(db);
      for (const table of READ_MODEL_TABLES) await createTable(db, LIVE_SCHEMA, table);

      await sql.raw(`grant usage on schema ${LIVE_SCHEMA} to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert, update, delete on all tables in schema ${LIVE_SCHEMA} to ${APP_ROLE}`).execute(db);
      // Shadow tables are created by the owner at rebuild time and later moved into the live schema.
      for (const schema of [SHADOW_SCHEMA, LIVE_SCHEMA]) {
        await sql
          .raw(`alter default privileges in schema ${schema} grant select, insert, update, delete on tables to ${APP_ROLE}`)
          .execute(db);
      }
    },
  },
  /**
   * Confirmation tags beside the directory's blind indexes (ConfirmationTag). A database created
   * from 0400's current DDL has them already; an older one gains empty columns: lookups decrypt
   * untagged candidates as before, and `projections rebuild patient_directory` (version 2) fills them.
   */
  '0410_directory_confirmation_tags': {
    async up(db: Kysely<any>) {
      for (const column of ['chart_number_tag', 'email_tag', 'phone_tag', 'dob_tag']) {
        await sql.raw(`alter table ${LIVE_SCHEMA}.patient_directory add column if not exists ${column} bytea`).execute(db);
      }
    },
  },
};
