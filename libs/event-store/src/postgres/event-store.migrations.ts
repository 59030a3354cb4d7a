import { type Kysely, type Migration, sql } from 'kysely';
import { appendFunctionMigration } from './append-function.migration';

const APP_ROLE = 'ortholedger_app';

/**
 * The append-only log. The app role may only INSERT and SELECT events; a trigger rejects UPDATE,
 * DELETE and TRUNCATE for everyone, the owner included. `transaction_id` lets `$all` readers wait
 * for slow transactions instead of skipping their events.
 */
export const eventStoreMigrations: Record<string, Migration> = {
  '0100_event_store': {
    async up(db: Kysely<any>) {
      await sql`create schema if not exists eventstore`.execute(db);
      await sql`
        create table eventstore.streams (
          stream_id text primary key,
          revision bigint not null default -1,
          created_at timestamptz not null default now()
        )`.execute(db);
      await sql`
        create table eventstore.events (
          global_position bigint generated always as identity primary key,
          transaction_id xid8 not null default pg_current_xact_id(),
          stream_id text not null references eventstore.streams (stream_id),
          stream_revision bigint not null check (stream_revision >= 0),
          event_id uuid not null unique,
          event_type text not null,
          content_type text not null,
          data bytea not null,
          metadata jsonb not null,
          created_at timestamptz not null default now(),
          unique (stream_id, stream_revision)
        )`.execute(db);
      await sql`create index events_all_order on eventstore.events (transaction_id, global_position)`.execute(db);
      await sql`
        create function eventstore.reject_history_change() returns trigger language plpgsql as $$
        begin
          raise exception 'eventstore.events is append-only (% refused)', tg_op using errcode = '42501';
        end $$`.execute(db);
      await sql`
        create trigger events_no_update_delete before update or delete on eventstore.events
        for each row execute function eventstore.reject_history_change()`.execute(db);
      await sql`
        create trigger events_no_truncate before truncate on eventstore.events
        for each statement execute function eventstore.reject_history_change()`.execute(db);
      // A stream's revision may only move forwards.
      await sql`
        create function eventstore.streams_forward_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' or new.stream_id <> old.stream_id or new.revision < old.revision then
            raise exception 'eventstore.streams only moves forwards' using errcode = '42501';
          end if;
          return new;
        end $$`.execute(db);
      await sql`
        create trigger streams_forward_only before update or delete on eventstore.streams
        for each row execute function eventstore.streams_forward_only()`.execute(db);
      await sql`
        create trigger streams_no_truncate before truncate on eventstore.streams
        for each statement execute function eventstore.reject_history_change()`.execute(db);

      await sql`revoke all on schema eventstore from public`.execute(db);
      await sql.raw(`grant usage on schema eventstore to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert on eventstore.events to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert, update (revision) on eventstore.streams to ${APP_ROLE}`).execute(db);
    },
  },
  '0101_event_store_append_function': appendFunctionMigration,
};
