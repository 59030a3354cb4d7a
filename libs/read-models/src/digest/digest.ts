import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ReadModelKeys } from '../keys/read-model-keys';
import { decodeDirectoryRow } from '../projections/patient-directory.row';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { schemaOf, type Target } from '../schema/tables';

const ORDER: Record<string, string> = {
  patient_directory: 'patient_id',
  care_team: 'patient_id, user_id',
  care_team_patients: 'patient_id',
  care_team_departures: 'patient_id, user_id',
  case_board: 'case_id',
  case_board_patients: 'patient_id',
  case_timeline: 'event_id',
};

/** Decrypted content of one row, the same whatever nonces the ciphertexts used. */
function decode(keys: ReadModelKeys, table: string, row: Record<string, any>): unknown {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const plain = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, iso(v)]));
  switch (table) {
    case 'patient_directory': {
      const { chart_number_bidx, email_bidx, phone_bidx, dob_bidx } = row;
      // Tags are deterministic (row id and value), so a rebuild must reproduce them byte for byte.
      const tag = (v: Buffer | null) => (v === null ? null : v.toString('hex'));
      const tags = { chart: tag(row.chart_number_tag), email: tag(row.email_tag), phone: tag(row.phone_tag), dob: tag(row.dob_tag) };
      return { ...decodeDirectoryRow(keys, row as never), pos: `${row.pos_commit}/${row.pos_prepare}`, chart_number_bidx, email_bidx, phone_bidx, dob_bidx, tags };
    }
    case 'case_board':
      return { ...plain, summary: keys.cipher('case_board').decryptJson('case_board', 'summary', row.case_id, row.summary) };
    case 'case_timeline':
      return { ...plain, summary: keys.cipher('case_timeline').decryptJson('case_timeline', 'summary', row.event_id, row.summary) };
    default:
      return plain;
  }
}

/** All rows of the given tables, decrypted, in key order: what digests and oracle tests compare. */
export async function readTables(
  db: Kysely<ReadModelDatabase>,
  keys: ReadModelKeys,
  tables: readonly string[],
  target: Target = 'live',
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, any>>`select * from ${sql.table(`${schemaOf(target)}.${table}`)} order by ${sql.raw(ORDER[table])}`.execute(db);
    out[table] = rows.map((r) => decode(keys, table, r));
  }
  return out;
}

/** SHA-256 over the canonical JSON of the decrypted rows: equal read models, equal digests. */
export async function digestTables(
  db: Kysely<ReadModelDatabase>,
  keys: ReadModelKeys,
  tables: readonly string[],
  target: Target = 'live',
): Promise<string> {
  const content = await readTables(db, keys, tables, target);
  return createHash('sha256').update(JSON.stringify(content, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).digest('hex');
}
