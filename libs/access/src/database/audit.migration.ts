import { type Kysely, type Migration, sql } from 'kysely';
import { GENESIS_HASH } from '../audit/audit-hash';

const APP_ROLE = 'ortholedger_app';

/**
 * The audit log: append-only like the events table (a trigger refuses UPDATE, DELETE and TRUNCATE
 * for everyone, the owner included) and hash-chained. `audit_head` holds the last position and
 * hash; appenders lock that one row, which serialises the chain across processes.
 */
export const auditMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`
      create table access.audit_events (
        seq bigint primary key check (seq > 0),
        at timestamptz not null,
        realm text,
        actor_id uuid,
        role text,
        session_id uuid,
        action text not null,
        resource_type text,
        resource_id uuid,
        patient_id uuid,
        outcome text not null check (outcome in ('granted', 'denied', 'error')),
        status integer,
        reason text,
        ip text,
        user_agent text,
        correlation_id text,
        purpose text,
        break_glass boolean not null default false,
        params jsonb,
        policy_version text,
        prev_hash text not null,
        hash text not null
      )`.execute(db);
    await sql`create index audit_events_by_patient on access.audit_events (patient_id, seq) where patient_id is not null`.execute(db);
    await sql`create index audit_events_by_actor on access.audit_events (actor_id, seq) where actor_id is not null`.execute(db);
    await sql`
      create table access.audit_head (
        id boolean primary key default true check (id),
        seq bigint not null,
        hash text not null
      )`.execute(db);
    await sql`insert into access.audit_head (id, seq, hash) values (true, 0, ${GENESIS_HASH})`.execute(db);

    await sql`
      create function access.reject_audit_change() returns trigger language plpgsql as $$
      begin
        raise exception 'access.audit_events is append-only (% refused)', tg_op using errcode = '42501';
      end $$`.execute(db);
    await sql`
      create trigger audit_no_update_delete before update or delete on access.audit_events
      for each row execute function access.reject_audit_change()`.execute(db);
    await sql`
      create trigger audit_no_truncate before truncate on access.audit_events
      for each statement execute function access.reject_audit_change()`.execute(db);
    await sql`
      create function access.audit_head_forward_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or new.seq <= old.seq then
          raise exception 'access.audit_head only moves forwards' using errcode = '42501';
        end if;
        return new;
      end $$`.execute(db);
    await sql`
      create trigger audit_head_forward_only before update or delete on access.audit_head
      for each row execute function access.audit_head_forward_only()`.execute(db);
    await sql`
      create trigger audit_head_no_truncate before truncate on access.audit_head
      for each statement execute function access.reject_audit_change()`.execute(db);

    await sql.raw(`grant select, insert on access.audit_events to ${APP_ROLE}`).execute(db);
    await sql.raw(`grant select, update on access.audit_head to ${APP_ROLE}`).execute(db);
  },
};
