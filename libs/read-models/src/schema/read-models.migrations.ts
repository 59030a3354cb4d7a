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
   *
   * Until then a runner of the previous release may still hold the projection's lock (a rolling
   * upgrade): it updates the blind indexes of a corrected patient but not the tags, and a stale tag
   * would hide the row from lookups by its new value. The trigger clears a tag whose blind index
   * changed while the tag did not (the row is then decrypted and compared, as before tags). The
   * rebuild's shadow table does not carry the trigger: by then only this release writes.
   */
  '0410_directory_confirmation_tags': {
    async up(db: Kysely<any>) {
      const pairs = [['chart_number_bidx', 'chart_number_tag'], ['email_bidx', 'email_tag'], ['phone_bidx', 'phone_tag'], ['dob_bidx', 'dob_tag']];
      for (const [, tag] of pairs) {
        await sql.raw(`alter table ${LIVE_SCHEMA}.patient_directory add column if not exists ${tag} bytea`).execute(db);
      }
      const clear = pairs
        .map(([bidx, tag]) => `if new.${bidx} is distinct from old.${bidx} and new.${tag} is not distinct from old.${tag} then new.${tag} := null; end if;`)
        .join('\n          ');
      await sql
        .raw(
          `create or replace function ${LIVE_SCHEMA}.patient_directory_tags_follow_indexes() returns trigger language plpgsql as $$
        begin
          ${clear}
          return new;
        end $$`,
        )
        .execute(db);
      await sql.raw(`drop trigger if exists patient_directory_tags_follow_indexes on ${LIVE_SCHEMA}.patient_directory`).execute(db);
      await sql
        .raw(
          `create trigger patient_directory_tags_follow_indexes before update on ${LIVE_SCHEMA}.patient_directory
             for each row execute function ${LIVE_SCHEMA}.patient_directory_tags_follow_indexes()`,
        )
        .execute(db);
    },
  },
  /**
   * The live projection host (app role) sweeps erasures into the shadow tables of an unfinished
   * rebuild too (ProjectionRunner.sweepShadows): a rebuild that was interrupted or stopped keeps
   * its shadow to resume, and an erased patient's rows must not wait there for a resume that may
   * never come. The tables were already granted to the app role; the schema was not.
   */
  '0420_app_sweeps_shadow_tables': {
    async up(db: Kysely<any>) {
      await sql.raw(`grant usage on schema ${SHADOW_SCHEMA} to ${APP_ROLE}`).execute(db);
    },
  },
  /**
   * care_team version 2 records who left a care team themselves (care_team_departures): the case
   * board's "my cases" follows the decider, which passes plan decisions to the team only when the
   * treating orthodontist left on their own or can no longer act. A database from before gains the
   * empty table; `projections rebuild care_team` fills it from the log.
   */
  '0430_care_team_departures': {
    async up(db: Kysely<any>) {
      const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`${LIVE_SCHEMA}.care_team_departures`}) is not null as ok`.execute(db);
      if (!rows[0].ok) await createTable(db, LIVE_SCHEMA, 'care_team_departures');
      await sql.raw(`grant select, insert, update, delete on ${LIVE_SCHEMA}.care_team_departures to ${APP_ROLE}`).execute(db);
    },
  },
  /**
   * case_board version 3 keeps the clinic of each transferred patient (case_board_patients): a case
   * opened while its patient was being transferred (CaseOpened after PatientTransferred in the log)
   * goes to the patient's new clinic instead of staying on the old clinic's board for good. A
   * database from before gains the empty table; `projections rebuild case_board` fills it from the log.
   */
  '0431_case_board_patients': {
    async up(db: Kysely<any>) {
      const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`${LIVE_SCHEMA}.case_board_patients`}) is not null as ok`.execute(db);
      if (!rows[0].ok) await createTable(db, LIVE_SCHEMA, 'case_board_patients');
      await sql.raw(`grant select, insert, update, delete on ${LIVE_SCHEMA}.case_board_patients to ${APP_ROLE}`).execute(db);
    },
  },
};
