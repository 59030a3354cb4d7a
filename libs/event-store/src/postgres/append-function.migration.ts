import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One round trip per append: lock the stream, check idempotency and the expected revision, insert
 * the batch and move the head, all inside one statement (and so one transaction).
 * Runs with the caller's rights (security invoker): the app role's INSERT/SELECT grants still apply.
 * Returns 'appended', 'wrong_expected' (with the current revision) or 'existing' (the rows already
 * stored under these ids, for the caller's idempotency rules; nothing written).
 */
export const appendFunctionMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`
      create function eventstore.append_events(
        p_stream text, p_expected text, p_ids uuid[], p_types text[], p_content_types text[],
        p_data bytea[], p_metadata jsonb[])
      returns table (outcome text, current_revision bigint, commit_id text, last_position bigint,
                     existing jsonb)
      language plpgsql security invoker as $$
      declare
        v_current bigint;
        v_existing jsonb;
        v_commit text;
        v_last bigint;
        v_count int := cardinality(p_ids);
      begin
        select revision into v_current from eventstore.streams where stream_id = p_stream for update;
        select jsonb_agg(jsonb_build_object('id', e.event_id, 'stream', e.stream_id, 'revision', e.stream_revision,
                                            'commit', e.transaction_id::text, 'position', e.global_position)
                         order by e.global_position)
          into v_existing from eventstore.events e where e.event_id = any(p_ids);
        if v_existing is not null then
          return query select 'existing'::text, coalesce(v_current, -1), null::text, null::bigint, v_existing;
          return;
        end if;
        if v_current is null then
          if p_expected not in ('no_stream', 'any') then
            return query select 'wrong_expected'::text, -1::bigint, null::text, null::bigint, null::jsonb;
            return;
          end if;
          insert into eventstore.streams (stream_id) values (p_stream) on conflict do nothing;
          select revision into v_current from eventstore.streams where stream_id = p_stream for update;
          -- A concurrent writer of the same ids may have committed while we waited for the lock.
          select jsonb_agg(jsonb_build_object('id', e.event_id, 'stream', e.stream_id, 'revision', e.stream_revision,
                                              'commit', e.transaction_id::text, 'position', e.global_position)
                           order by e.global_position)
            into v_existing from eventstore.events e where e.event_id = any(p_ids);
          if v_existing is not null then
            return query select 'existing'::text, v_current, null::text, null::bigint, v_existing;
            return;
          end if;
        end if;
        if not (p_expected = 'any'
                or (p_expected = 'no_stream' and v_current < 0)
                or (p_expected = 'stream_exists' and v_current >= 0)
                or (p_expected ~ '^[0-9]+$' and v_current = p_expected::bigint)) then
          return query select 'wrong_expected'::text, v_current, null::text, null::bigint, null::jsonb;
          return;
        end if;
        with inserted as (
          insert into eventstore.events (stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
          select p_stream, v_current + x.n, x.id, x.t, x.ct, x.d, x.m
            from unnest(p_ids, p_types, p_content_types, p_data, p_metadata) with ordinality as x(id, t, ct, d, m, n)
          returning global_position)
        select max(global_position) into v_last from inserted;
        update eventstore.streams set revision = v_current + v_count where stream_id = p_stream;
        v_commit := pg_current_xact_id()::text;
        -- No NOTIFY here: it takes a cluster-wide lock at commit. The adapter notifies after commit, coalesced.
        return query select 'appended'::text, v_current + v_count, v_commit, v_last, null::jsonb;
      end $$`.execute(db);
    await sql.raw('grant execute on function eventstore.append_events(text, text, uuid[], text[], text[], bytea[], jsonb[]) to ortholedger_app').execute(db);
    // The application cannot forge a transaction id: $all ordering depends on it.
    await sql`
      create function eventstore.stamp_transaction() returns trigger language plpgsql as $$
      begin
        new.transaction_id := pg_current_xact_id();
        return new;
      end $$`.execute(db);
    await sql`
      create trigger events_stamp_transaction before insert on eventstore.events
      for each row execute function eventstore.stamp_transaction()`.execute(db);
  },
};
