import type pg from 'pg';
import type { BlindIndex, ConfirmationTag } from '@ortholedger/crypto';
import type { DirectoryBlindIndexes, DirectoryConfirmationTags, ReadModelKeys } from '../keys/read-model-keys';
import { decodeDirectoryRow, type DirectoryDemographics, openDemographics, type PatientDirectoryRecord } from '../projections/patient-directory.row';

export type ExactLookup = 'chartNumber' | 'email' | 'phone' | 'dateOfBirth';

/** A verified exact match: who, where, and the decrypted demographics (load the full record by id if needed). */
export interface DirectoryMatch extends DirectoryDemographics {
  patientId: string;
  clinicId: string;
}

interface LookupSpec {
  readonly index: (ix: DirectoryBlindIndexes) => BlindIndex;
  readonly tag: (tags: DirectoryConfirmationTags) => ConfirmationTag;
  /** The plaintext the blind index was computed from, out of the decrypted demographics. */
  readonly field: (d: DirectoryDemographics) => string | undefined;
  /** Prepared once per connection (named), with and without the clinic filter. */
  readonly sql: { readonly name: string; readonly text: string };
  readonly sqlInClinic: { readonly name: string; readonly text: string };
}

function lookupSpec(column: string, tagColumn: string, index: LookupSpec['index'], tag: LookupSpec['tag'], field: LookupSpec['field']): LookupSpec {
  const text = `select patient_id, clinic_id, ${tagColumn} as tag, demographics from read_models.patient_directory where ${column} = $1`;
  return {
    index,
    tag,
    field,
    sql: { name: `read_models_lookup_${column}`, text },
    sqlInClinic: { name: `read_models_lookup_${column}_clinic`, text: `${text} and clinic_id = $2` },
  };
}

/** Per lookup field: the blind index column, its key, and the decrypted value it must equal (after the index's normaliser). */
const LOOKUPS: Record<ExactLookup, LookupSpec> = {
  chartNumber: lookupSpec('chart_number_bidx', 'chart_number_tag', (ix) => ix.chartNumber, (t) => t.chartNumber, (d) => d.chartNumber),
  email: lookupSpec('email_bidx', 'email_tag', (ix) => ix.email, (t) => t.email, (d) => d.contact.email),
  phone: lookupSpec('phone_bidx', 'phone_tag', (ix) => ix.phone, (t) => t.phone, (d) => d.contact.phone),
  dateOfBirth: lookupSpec('dob_bidx', 'dob_tag', (ix) => ix.dateOfBirth, (t) => t.dateOfBirth, (d) => d.dateOfBirth),
};

/**
 * Reads of the live patient directory. Exact lookups go through blind indexes: the truncated
 * HMAC narrows the rows in SQL (several coincidences by design); each candidate's confirmation
 * tag rules out the coincidences without decrypting them (ConfirmationTag), and what is left is
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
    const spec = LOOKUPS[field];
    const index = spec.index(this.keys.directoryIndexes);
    const wanted = index.definition.normalise(value);
    const values: unknown[] = [index.computeHexNormalised(wanted)];
    if (options.clinicId) values.push(options.clinicId);
    // A fresh config per call: pg writes `values` into the config object it is given.
    const sql = options.clinicId ? spec.sqlInClinic : spec.sql;
    const { rows } = await this.pool.query({ name: sql.name, text: sql.text, values });
    const out: DirectoryMatch[] = [];
    if (rows.length === 0) return out;
    const tags = spec.tag(this.keys.directoryTags).matcher(wanted);
    try {
      for (const r of rows) {
        // A row from before tags (null) is decrypted and compared, as every candidate once was.
        if (r.tag !== null && !tags.matches(r.patient_id, r.tag)) continue;
        const demographics = openDemographics(this.keys, r.patient_id, r.demographics);
        const stored = spec.field(demographics);
        // The truncated index collides by design: only a candidate whose own value normalises to the input is a match.
        if (stored && (stored === value || index.definition.normalise(stored) === wanted)) {
          out.push({ patientId: r.patient_id, clinicId: r.clinic_id, ...demographics });
        }
      }
    } finally {
      tags.close();
    }
    return out;
  }
}
