import { type Kysely, sql } from 'kysely';

/** Where a read model's tables live: the live schema serves reads; the shadow schema is a rebuild in progress. */
export const LIVE_SCHEMA = 'read_models';
export const SHADOW_SCHEMA = 'read_models_shadow';
/** Live tables pass through here during a swap and are dropped in the same transaction. */
export const RETIRED_SCHEMA = 'read_models_retired';

export type Target = 'live' | 'shadow';
export const schemaOf = (target: Target): string => (target === 'live' ? LIVE_SCHEMA : SHADOW_SCHEMA);

/**
 * DDL of every read-model table, parameterised by schema so a shadow build has exactly the live
 * shape, and index names stay identical when a table moves between schemas at a swap.
 * PHI columns are bytea (FieldCipher ciphertext); identifiers, statuses and times are plain.
 */
const TABLES: Record<string, (s: string) => string[]> = {
  patient_directory: (s) => [
    `create table ${s}.patient_directory (
       patient_id uuid primary key,
       clinic_id uuid not null,
       care_team uuid[] not null default '{}',
       status text not null,
       registered_at timestamptz not null,
       updated_at timestamptz not null,
       pos_commit bigint not null,
       pos_prepare bigint not null,
       -- name, date of birth, contact and chart number in one ciphertext: always read together
       demographics bytea not null,
       chart_number_bidx text not null,
       email_bidx text,
       phone_bidx text,
       dob_bidx text not null,
       -- 8-byte row-bound tags that rule out the blind indexes' false candidates before decryption
       chart_number_tag bytea,
       email_tag bytea,
       phone_tag bytea,
       dob_tag bytea)`,
    `create index if not exists patient_directory_clinic on ${s}.patient_directory (clinic_id)`,
    `create index if not exists patient_directory_care_team on ${s}.patient_directory using gin (care_team)`,
    // Search indexes in the API processes fetch what changed since the position they hold.
    `create index if not exists patient_directory_position on ${s}.patient_directory (pos_commit, pos_prepare)`,
    `create index if not exists patient_directory_chart_bidx on ${s}.patient_directory (chart_number_bidx)`,
    `create index if not exists patient_directory_email_bidx on ${s}.patient_directory (email_bidx) where email_bidx is not null`,
    `create index if not exists patient_directory_phone_bidx on ${s}.patient_directory (phone_bidx) where phone_bidx is not null`,
    `create index if not exists patient_directory_dob_bidx on ${s}.patient_directory (dob_bidx)`,
  ],
  care_team: (s) => [
    `create table ${s}.care_team (
       patient_id uuid not null,
       user_id uuid not null,
       role text not null,
       assigned_at timestamptz not null,
       primary key (patient_id, user_id))`,
    `create index if not exists care_team_user on ${s}.care_team (user_id, patient_id)`,
  ],
  // Members who left a patient's care team themselves and have not rejoined: their plan decisions pass to the team.
  care_team_departures: (s) => [
    `create table ${s}.care_team_departures (
       patient_id uuid not null,
       user_id uuid not null,
       primary key (patient_id, user_id))`,
  ],
  care_team_patients: (s) => [
    `create table ${s}.care_team_patients (
       patient_id uuid primary key,
       clinic_id uuid not null,
       updated_at timestamptz not null)`,
  ],
  case_board: (s) => [
    `create table ${s}.case_board (
       case_id uuid primary key,
       patient_id uuid not null,
       clinic_id uuid not null,
       treating_orthodontist_id uuid not null,
       status text not null,
       next_action text not null,
       current_stage integer,
       opened_at timestamptz not null,
       updated_at timestamptz not null,
       revision bigint not null,
       state jsonb not null,
       summary bytea not null)`,
    `create index if not exists case_board_clinic on ${s}.case_board (clinic_id, updated_at desc, case_id)`,
    `create index if not exists case_board_treating on ${s}.case_board (treating_orthodontist_id, updated_at desc, case_id)`,
    `create index if not exists case_board_patient on ${s}.case_board (patient_id)`,
  ],
  // The clinic of each patient the board has seen transferred: a case opened after the transfer (in
  // the log; the command checked the clinic before it) belongs to the patient's clinic, not to the one it names.
  case_board_patients: (s) => [
    `create table ${s}.case_board_patients (
       patient_id uuid primary key,
       clinic_id uuid not null)`,
  ],
  case_timeline: (s) => [
    `create table ${s}.case_timeline (
       event_id uuid primary key,
       case_id uuid not null,
       patient_id uuid not null,
       revision bigint not null,
       event_type text not null,
       occurred_at timestamptz not null,
       recorded_at timestamptz not null,
       actor_id text,
       actor_role text,
       entry_id uuid,
       corrects_entry_id uuid,
       summary bytea not null,
       unique (case_id, revision))`,
    `create index if not exists case_timeline_patient on ${s}.case_timeline (patient_id)`,
  ],
};

export const READ_MODEL_TABLES = Object.keys(TABLES);

/**
 * Creates a table; `indexes: false` leaves out the secondary indexes (keys stay: upserts need
 * them), so a rebuild fills its shadow table without index maintenance and builds them once at the end.
 */
export async function createTable(db: Kysely<any>, schema: string, table: string, options: { indexes?: boolean } = {}): Promise<void> {
  const ddl = TABLES[table];
  if (!ddl) throw new Error(`unknown read-model table ${table}`);
  for (const statement of ddl(schema)) {
    if (options.indexes === false && statement.startsWith('create index')) continue;
    await sql.raw(statement).execute(db);
  }
}

/** The secondary indexes of a table (idempotent). */
export async function createIndexes(db: Kysely<any>, schema: string, table: string): Promise<void> {
  for (const statement of TABLES[table](schema)) if (statement.startsWith('create index')) await sql.raw(statement).execute(db);
}
