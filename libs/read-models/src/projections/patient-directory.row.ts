import type { ContactDetails, PersonName } from '@ortholedger/domain';
import type { Position } from '@ortholedger/event-store';
import type { PatientDirectoryTable } from '../schema/read-model.db';
import type { ReadModelKeys } from '../keys/read-model-keys';

export const DIRECTORY = 'patient_directory';

/** A PHI column: the stored ciphertext, untouched, or a new value to encrypt on write. */
type Field<T> = { readonly cipher: Buffer } | { readonly plain: T };

export interface DirectoryRowState {
  patientId: string;
  clinicId: string;
  careTeam: string[];
  status: 'active';
  registeredAt: string;
  updatedAt: string;
  position: Position;
  name: Field<PersonName>;
  dateOfBirth: Field<string>;
  contact: Field<ContactDetails>;
  chartNumber: Field<string>;
  bidx: { chart: string; email: string | null; phone: string | null; dob: string };
}

/** A directory row as queries and digests see it, decrypted. */
export interface PatientDirectoryRecord {
  patientId: string;
  clinicId: string;
  careTeam: string[];
  status: string;
  registeredAt: string;
  updatedAt: string;
  name: PersonName;
  dateOfBirth: string;
  contact: ContactDetails;
  chartNumber: string;
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
    name: { cipher: row.name },
    dateOfBirth: { cipher: row.date_of_birth },
    contact: { cipher: row.contact },
    chartNumber: { cipher: row.chart_number },
    bidx: { chart: row.chart_number_bidx, email: row.email_bidx, phone: row.phone_bidx, dob: row.dob_bidx },
  };
}

/** Blind indexes follow the plaintext they index; an unchanged field keeps its stored index. */
export function indexFields(keys: ReadModelKeys, row: DirectoryRowState): void {
  const ix = keys.directoryIndexes;
  if ('plain' in row.chartNumber) row.bidx.chart = ix.chartNumber.computeHex(row.chartNumber.plain);
  if ('plain' in row.dateOfBirth) row.bidx.dob = ix.dateOfBirth.computeHex(row.dateOfBirth.plain);
  if ('plain' in row.contact) {
    const { email, phone } = row.contact.plain;
    row.bidx.email = email ? ix.email.computeHex(email) : null;
    row.bidx.phone = phone && /\d/.test(phone) ? ix.phone.computeHex(phone) : null;
  }
}

export function toStored(keys: ReadModelKeys, row: DirectoryRowState): PatientDirectoryTable {
  const cipher = keys.cipher(DIRECTORY);
  const seal = <T>(column: string, field: Field<T>) =>
    'cipher' in field ? field.cipher : cipher.encryptJson(DIRECTORY, column, row.patientId, field.plain);
  return {
    patient_id: row.patientId,
    clinic_id: row.clinicId,
    care_team: row.careTeam,
    status: row.status,
    registered_at: row.registeredAt,
    updated_at: row.updatedAt,
    pos_commit: row.position.commit.toString(),
    pos_prepare: row.position.prepare.toString(),
    name: seal('name', row.name),
    date_of_birth: seal('date_of_birth', row.dateOfBirth),
    contact: seal('contact', row.contact),
    chart_number: seal('chart_number', row.chartNumber),
    chart_number_bidx: row.bidx.chart,
    email_bidx: row.bidx.email,
    phone_bidx: row.bidx.phone,
    dob_bidx: row.bidx.dob,
  } as PatientDirectoryTable;
}

/** Decrypts a stored row; a field that does not verify throws TamperDetected (never returned as data). */
export function decodeDirectoryRow(keys: ReadModelKeys, row: PatientDirectoryTable): PatientDirectoryRecord {
  const cipher = keys.cipher(DIRECTORY);
  const open = <T>(column: string, bytes: Buffer) => cipher.decryptJson<T>(DIRECTORY, column, row.patient_id, bytes);
  return {
    patientId: row.patient_id,
    clinicId: row.clinic_id,
    careTeam: [...row.care_team].sort(),
    status: row.status,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    name: open<PersonName>('name', row.name),
    dateOfBirth: open<string>('date_of_birth', row.date_of_birth),
    contact: open<ContactDetails>('contact', row.contact),
    chartNumber: open<string>('chart_number', row.chart_number),
  };
}
