// Plain unions rather than ColumnType: rows are built and read by hand in the projectors anyway.
type Bigint = string | number | bigint;
type Timestamp = Date | string;

/** Kysely types of the read-model tables (see tables.ts for the DDL). */
export interface PatientDirectoryTable {
  patient_id: string;
  clinic_id: string;
  care_team: string[];
  status: string;
  registered_at: Timestamp;
  updated_at: Timestamp;
  pos_commit: Bigint;
  pos_prepare: Bigint;
  demographics: Buffer;
  chart_number_bidx: string;
  email_bidx: string | null;
  phone_bidx: string | null;
  dob_bidx: string;
  /** ConfirmationTag of each blind-indexed value (8 bytes); null on rows from before tags (rebuild fills them). */
  chart_number_tag: Buffer | null;
  email_tag: Buffer | null;
  phone_tag: Buffer | null;
  dob_tag: Buffer | null;
}

export interface CareTeamTable {
  patient_id: string;
  user_id: string;
  role: string;
  assigned_at: Timestamp;
}

export interface CareTeamPatientsTable {
  patient_id: string;
  clinic_id: string;
  updated_at: Timestamp;
}

export interface CaseBoardTable {
  case_id: string;
  patient_id: string;
  clinic_id: string;
  treating_orthodontist_id: string;
  status: string;
  next_action: string;
  current_stage: number | null;
  opened_at: Timestamp;
  updated_at: Timestamp;
  revision: Bigint;
  state: unknown;
  summary: Buffer;
}

export interface CaseTimelineTable {
  event_id: string;
  case_id: string;
  patient_id: string;
  revision: Bigint;
  event_type: string;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  actor_id: string | null;
  actor_role: string | null;
  entry_id: string | null;
  corrects_entry_id: string | null;
  summary: Buffer;
}

export interface ProjectionCheckpointsTable {
  projection: string;
  target: string;
  version: number;
  generation: number;
  pos_commit: Bigint;
  pos_prepare: Bigint;
  events_seen: Bigint;
  last_event_at: Timestamp | null;
  updated_at: Timestamp;
  failed_at: Timestamp | null;
  failure_code: string | null;
  failure_detail: string | null;
}

export interface CaseBoardPatientsTable {
  patient_id: string;
  clinic_id: string;
}

export interface CareTeamDeparturesTable {
  patient_id: string;
  user_id: string;
}

export interface ProjectionErasuresTable {
  projection: string;
  target: string;
  erasure_id: string;
}

export interface ReadModelDatabase {
  patient_directory: PatientDirectoryTable;
  care_team: CareTeamTable;
  care_team_patients: CareTeamPatientsTable;
  care_team_departures: CareTeamDeparturesTable;
  case_board: CaseBoardTable;
  case_board_patients: CaseBoardPatientsTable;
  case_timeline: CaseTimelineTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_erasures: ProjectionErasuresTable;
}
