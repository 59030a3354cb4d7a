import { type ContactDetails, isUuid, type PersonName } from '@ortholedger/domain';
import type { Position } from '@ortholedger/event-store';
import type { PatientDirectoryTable } from '../schema/read-model.db';
import type { ReadModelKeys } from '../keys/read-model-keys';

export const DIRECTORY = 'patient_directory';

/** The directory's PHI, encrypted as one column: search, lookups and pages always need it together. */
export interface DirectoryDemographics {
  name: PersonName;
  dateOfBirth: string;
  contact: ContactDetails;
  chartNumber: string;
}

/** The stored ciphertext, untouched, or new demographics to encrypt (and index) on write. */
type Field<T> = { readonly cipher: Buffer } | { readonly plain: T };

export interface DirectoryRowState {
  patientId: string;
  clinicId: string;
  careTeam: string[];
  status: 'active';
  registeredAt: string;
  updatedAt: string;
  position: Position;
  demographics: Field<DirectoryDemographics>;
  bidx: { chart: string; email: string | null; phone: string | null; dob: string };
  /** Confirmation tags beside the blind indexes; null on rows written before tags existed (a rebuild fills them). */
  tags: { chart: Buffer | null; email: Buffer | null; phone: Buffer | null; dob: Buffer | null };
}

/** A directory row as queries and digests see it, decrypted. */
export interface PatientDirectoryRecord extends DirectoryDemographics {
  patientId: string;
  clinicId: string;
  careTeam: string[];
  status: string;
  registeredAt: string;
  updatedAt: string;
}

export function fromStored(row: PatientDirectoryTable): DirectoryRowState {
  return {
    patientId: row.patient_id,
    clinicId: row.clinic_id,
    careTeam: row.care_team,
    status: 'active',
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    position: { commit: BigInt(row.pos_commit), prepare: BigInt(row.pos_prepare) },
    demographics: { cipher: row.demographics },
    bidx: { chart: row.chart_number_bidx, email: row.email_bidx, phone: row.phone_bidx, dob: row.dob_bidx },
    tags: { chart: row.chart_number_tag, email: row.email_tag, phone: row.phone_tag, dob: row.dob_tag },
  };
}

export function openDemographics(keys: ReadModelKeys, patientId: string, bytes: Uint8Array): DirectoryDemographics {
  return keys.cipher(DIRECTORY).decryptJson<DirectoryDemographics>(DIRECTORY, 'demographics', patientId, bytes);
}

/** Blind indexes and their tags follow the plaintext they index; unchanged demographics keep the stored ones. */
export function indexFields(keys: ReadModelKeys, row: DirectoryRowState): void {
  if (!('plain' in row.demographics)) return;
  // Lookups hash the id as Postgres returns a uuid (lower case, hyphens); any other form would hide the row.
  if (!isUuid(row.patientId)) throw new Error('patient id must be a canonical lower-case uuid');
  const { chartNumber, dateOfBirth, contact } = row.demographics.plain;
  const chart = indexed(keys, 'chartNumber', row.patientId, chartNumber);
  const dob = indexed(keys, 'dateOfBirth', row.patientId, dateOfBirth);
  const email = contact.email ? indexed(keys, 'email', row.patientId, contact.email) : null;
  const phone = contact.phone && /\d/.test(contact.phone) ? indexed(keys, 'phone', row.patientId, contact.phone) : null;
  row.bidx = { chart: chart.bidx, dob: dob.bidx, email: email?.bidx ?? null, phone: phone?.bidx ?? null };
  row.tags = { chart: chart.tag, dob: dob.tag, email: email?.tag ?? null, phone: phone?.tag ?? null };
}

function indexed(keys: ReadModelKeys, field: keyof ReadModelKeys['directoryIndexes'], patientId: string, value: string) {
  const index = keys.directoryIndexes[field];
  const normalised = index.definition.normalise(value);
  return { bidx: index.computeHexNormalised(normalised), tag: keys.directoryTags[field].compute(patientId, normalised) };
}

export function toStored(keys: ReadModelKeys, row: DirectoryRowState): PatientDirectoryTable {
  const demographics =
    'cipher' in row.demographics
      ? row.demographics.cipher
      : keys.cipher(DIRECTORY).encryptJson(DIRECTORY, 'demographics', row.patientId, row.demographics.plain);
  return {
    patient_id: row.patientId,
    clinic_id: row.clinicId,
    care_team: row.careTeam,
    status: row.status,
    registered_at: row.registeredAt,
    updated_at: row.updatedAt,
    pos_commit: row.position.commit.toString(),
    pos_prepare: row.position.prepare.toString(),
    demographics,
    chart_number_bidx: row.bidx.chart,
    email_bidx: row.bidx.email,
    phone_bidx: row.bidx.phone,
    dob_bidx: row.bidx.dob,
    chart_number_tag: row.tags.chart,
    email_tag: row.tags.email,
    phone_tag: row.tags.phone,
    dob_tag: row.tags.dob,
  };
}

/** Decrypts a stored row; a ciphertext that does not verify throws TamperDetected (never returned as data). */
export function decodeDirectoryRow(keys: ReadModelKeys, row: PatientDirectoryTable): PatientDirectoryRecord {
  return {
    patientId: row.patient_id,
    clinicId: row.clinic_id,
    careTeam: [...row.care_team].sort(),
    status: row.status,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    ...openDemographics(keys, row.patient_id, row.demographics),
  };
}
