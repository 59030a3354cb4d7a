import { type Kysely, type Migration, sql } from 'kysely';

const APP_ROLE = 'ortholedger_app';

/**
 * Keys live apart from data: their own schema and grants. The app role may read wrapped keys,
 * add key versions and advance encryption counters; it cannot rewrite a wrapped key (re-wrap is an
 * owner operation from the CLI) and can destroy keys only through `keyvault.erase_subject`, which
 * also records the erasure. Triggers apply to every role: destroyed keys stay destroyed, rows are
 * never deleted, and no new key is issued for an erased subject or a shredded stream.
 */
export const keyvaultMigrations: Record<string, Migration> = {
  '0200_keyvault': {
    async up(db: Kysely<any>) {
      await sql`create schema if not exists keyvault`.execute(db);
      await sql`
        create table keyvault.data_keys (
          stream_id text not null,
          key_version integer not null check (key_version >= 1),
          subject_id uuid,
          purpose text not null,
          wrapped_key bytea,
          provider_key_ref text not null,
          encryptions bigint not null default 0 check (encryptions >= 0),
          created_at timestamptz not null default now(),
          destroyed_at timestamptz,
          destroyed_by text,
          destroy_reason text,
          primary key (stream_id, key_version),
          check ((wrapped_key is null) = (destroyed_at is not null))
        )`.execute(db);
      await sql`create index data_keys_subject on keyvault.data_keys (subject_id) where subject_id is not null`.execute(db);
      await sql`create index data_keys_key_ref on keyvault.data_keys (provider_key_ref) where destroyed_at is null`.execute(db);
      await sql`
        create table keyvault.erasures (
          erasure_id uuid primary key default gen_random_uuid(),
          subject_id uuid not null,
          actor_id text not null,
          reason text not null,
          streams integer not null,
          key_versions integer not null,
          erased_at timestamptz not null default now()
        )`.execute(db);
      await sql`create index erasures_subject on keyvault.erasures (subject_id)`.execute(db);
      await sql`
        create table keyvault.index_root_keys (
          name text not null,
          key_version integer not null check (key_version >= 1),
          wrapped_key bytea not null,
          provider_key_ref text not null,
          created_at timestamptz not null default now(),
          primary key (name, key_version)
        )`.execute(db);

      await sql`
        create function keyvault.guard_data_keys() returns trigger language plpgsql
        security definer set search_path = keyvault, pg_temp as $$
        begin
          if tg_op = 'INSERT' then
            if new.subject_id is not null and exists (select 1 from keyvault.erasures e where e.subject_id = new.subject_id) then
              raise exception 'subject is erased; no new keys' using errcode = 'OL001';
            end if;
            if exists (select 1 from keyvault.data_keys d where d.stream_id = new.stream_id and d.destroyed_at is not null) then
              raise exception 'stream keys were destroyed; no new keys' using errcode = 'OL001';
            end if;
            return new;
          end if;
          if tg_op = 'DELETE' then
            raise exception 'keyvault.data_keys rows are never deleted' using errcode = '42501';
          end if;
          if old.destroyed_at is not null then
            raise exception 'a destroyed key stays destroyed' using errcode = 'OL001';
          end if;
          if new.stream_id <> old.stream_id or new.key_version <> old.key_version or new.purpose <> old.purpose
             or new.subject_id is distinct from old.subject_id or new.created_at <> old.created_at
             or new.encryptions < old.encryptions then
            raise exception 'keyvault.data_keys identity is immutable and counters only grow' using errcode = '42501';
          end if;
          return new;
        end $$`.execute(db);
      await sql`
        create trigger data_keys_guard before insert or update or delete on keyvault.data_keys
        for each row execute function keyvault.guard_data_keys()`.execute(db);
      await sql`
        create function keyvault.refuse_change() returns trigger language plpgsql as $$
        begin
          raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = '42501';
        end $$`.execute(db);
      for (const table of ['data_keys', 'erasures', 'index_root_keys']) {
        await sql
          .raw(`create trigger ${table}_no_truncate before truncate on keyvault.${table}
                for each statement execute function keyvault.refuse_change()`)
          .execute(db);
      }
      for (const table of ['erasures', 'index_root_keys']) {
        const ops = table === 'erasures' ? 'update or delete' : 'delete';
        await sql
          .raw(`create trigger ${table}_append_only before ${ops} on keyvault.${table}
                for each row execute function keyvault.refuse_change()`)
          .execute(db);
      }

      // Destroys every live key of the subject and records who, when and why, in one statement's transaction.
      await sql`
        create function keyvault.erase_subject(p_subject uuid, p_actor text, p_reason text)
        returns table (erasure_id uuid, streams integer, key_versions integer)
        language plpgsql security definer set search_path = keyvault, pg_temp as $$
        declare
          v_streams integer;
          v_versions integer;
          v_id uuid;
        begin
          -- Waits for in-flight key inserts and holds new ones until commit, so none slips past the erasure.
          lock table keyvault.data_keys in share row exclusive mode;
          with destroyed as (
            update keyvault.data_keys
               set wrapped_key = null, destroyed_at = now(), destroyed_by = p_actor, destroy_reason = p_reason
             where subject_id = p_subject and destroyed_at is null
            returning stream_id)
          select count(distinct stream_id), count(*) into v_streams, v_versions from destroyed;
          insert into keyvault.erasures (subject_id, actor_id, reason, streams, key_versions)
          values (p_subject, p_actor, p_reason, v_streams, v_versions)
          returning keyvault.erasures.erasure_id into v_id;
          -- Other processes drop their cached keys for the subject on this wake-up (delivered at commit).
          perform pg_notify('ortholedger_keyvault_erasures', p_subject::text);
          return query select v_id, v_streams, v_versions;
        end $$`.execute(db);

      await sql`revoke all on schema keyvault from public`.execute(db);
      await sql`revoke all on function keyvault.erase_subject(uuid, text, text) from public`.execute(db);
      await sql`revoke all on function keyvault.guard_data_keys() from public`.execute(db);
      await sql.raw(`grant usage on schema keyvault to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert, update (encryptions) on keyvault.data_keys to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select on keyvault.erasures to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant select, insert on keyvault.index_root_keys to ${APP_ROLE}`).execute(db);
      await sql.raw(`grant execute on function keyvault.erase_subject(uuid, text, text) to ${APP_ROLE}`).execute(db);
    },
  },
  // One subject per stream, for ever, enforced where keys are filed: erase_subject destroys by
  // subject, so a key version filed under another subject (or none) would survive the erasure.
  '0201_keyvault_one_subject_per_stream': {
    async up(db: Kysely<any>) {
      await sql`
        create function keyvault.guard_one_subject() returns trigger language plpgsql
        security definer set search_path = keyvault, pg_temp as $$
        begin
          if exists (select 1 from keyvault.data_keys d where d.stream_id = new.stream_id and d.subject_id is distinct from new.subject_id) then
            raise exception 'a stream keeps the subject of its first key' using errcode = 'OL002';
          end if;
          return new;
        end $$`.execute(db);
      await sql`revoke all on function keyvault.guard_one_subject() from public`.execute(db);
      await sql`
        create trigger data_keys_one_subject before insert on keyvault.data_keys
        for each row execute function keyvault.guard_one_subject()`.execute(db);
    },
  },
};
