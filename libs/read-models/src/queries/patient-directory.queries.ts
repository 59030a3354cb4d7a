import type pg from 'pg';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { decodeDirectoryRow, type DirectoryDemographics, openDemographics, type PatientDirectoryRecord } from '../projections/patient-directory.row';
import { foldChartNumber } from '../search/name-normalise';
import { normalise } from '@ortholedger/crypto';

export type ExactLookup = 'chartNumber' | 'email' | 'phone' | 'dateOfBirth';

/** A verified exact match: who, where, and the decrypted demographics (load the full record by id if needed). */
export interface DirectoryMatch extends DirectoryDemographics {
  patientId: string;
  clinicId: string;
}

/**
 * Reads of the live patient directory. Exact lookups go through blind indexes: the truncated
 * HMAC narrows the rows in SQL (several coincidences by design), then each candidate is
 * decrypted and compared, so false positives never leave this function.
 */
export class PatientDirectoryQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: ReadModelKeys,
  ) {}

  /** Records in the order of `ids`; unknown (or erased) ids are left out. */
  async byIds(ids: readonly string[]): Promise<PatientDirectoryRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query('select * from read_models.patient_directory where patient_id = any($1::uuid[])', [ids]);
    const byId = new Map(rows.map((r) => [r.patient_id as string, decodeDirectoryRow(this.keys, r)]));
    return ids.map((id) => byId.get(id)).filter((r): r is PatientDirectoryRecord => r !== undefined);
  }

  async lookup(field: ExactLookup, value: string, options: { clinicId?: string } = {}): Promise<DirectoryMatch[]> {
    const ix = this.keys.directoryIndexes;
    const chart = field === 'chartNumber' ? foldChartNumber(value) : '';
    const [column, index, same] = {
      chartNumber: ['chart_number_bidx', ix.chartNumber, (r: DirectoryMatch) => foldChartNumber(r.chartNumber) === chart],
      email: ['email_bidx', ix.email, (r: DirectoryMatch) => !!r.contact.email && normalise.email(r.contact.email) === normalise.email(value)],
      phone: ['phone_bidx', ix.phone, (r: DirectoryMatch) => !!r.contact.phone && normalise.phone(r.contact.phone) === normalise.phone(value)],
      dateOfBirth: ['dob_bidx', ix.dateOfBirth, (r: DirectoryMatch) => r.dateOfBirth === normalise.date(value)],
    }[field] as [string, { computeHex(v: string): string }, (r: DirectoryMatch) => boolean];
    const params: unknown[] = [index.computeHex(value)];
    let sql = `select patient_id, clinic_id, demographics from read_models.patient_directory where ${column} = $1`;
    if (options.clinicId) {
      params.push(options.clinicId);
      sql += ' and clinic_id = $2';
    }
    const { rows } = await this.pool.query({ name: `read_models_lookup_${column}${options.clinicId ? '_clinic' : ''}`, text: sql, values: params });
    return rows
      .map((r): DirectoryMatch => ({ patientId: r.patient_id, clinicId: r.clinic_id, ...openDemographics(this.keys, r.patient_id, r.demographics) }))
      .filter(same);
  }
}
