import type pg from 'pg';
import { SubjectErased, SubjectRequired } from '../errors';

export interface DataKeyRow {
  readonly streamId: string;
  readonly keyVersion: number;
  readonly subjectId: string | null;
  readonly purpose: string;
  readonly wrappedKey: Buffer | null;
  readonly providerKeyRef: string;
  readonly encryptions: bigint;
  readonly createdAt: Date;
  readonly destroyedAt: Date | null;
}

export interface NewDataKey {
  streamId: string;
  keyVersion: number;
  subjectId: string | null;
  purpose: string;
  wrappedKey: Buffer;
  providerKeyRef: string;
}

export interface ErasureRow {
  readonly erasureId: string;
  readonly subjectId: string;
  readonly actorId: string;
  readonly reason: string;
  readonly streams: number;
  readonly keyVersions: number;
  readonly erasedAt: Date;
}

interface RawRow {
  stream_id: string;
  key_version: number;
  subject_id: string | null;
  purpose: string;
  wrapped_key: Buffer | null;
  provider_key_ref: string;
  encryptions: string;
  created_at: Date;
  destroyed_at: Date | null;
}

const COLUMNS = `stream_id, key_version, subject_id, purpose, wrapped_key, provider_key_ref, encryptions, created_at, destroyed_at`;

function toRow(r: RawRow): DataKeyRow {
  return {
    streamId: r.stream_id,
    keyVersion: r.key_version,
    subjectId: r.subject_id,
    purpose: r.purpose,
    wrappedKey: r.wrapped_key,
    providerKeyRef: r.provider_key_ref,
    encryptions: BigInt(r.encryptions),
    createdAt: r.created_at,
    destroyedAt: r.destroyed_at,
  };
}

/** SQL over `keyvault`. Holds wrapped keys only; plaintext keys never reach this class. */
export class KeyStore {
  constructor(readonly pool: pg.Pool) {}

  async latest(streamId: string): Promise<DataKeyRow | undefined> {
    const { rows } = await this.pool.query<RawRow>(
      `select ${COLUMNS} from keyvault.data_keys where stream_id = $1 order by key_version desc limit 1`,
      [streamId],
    );
    return rows[0] && toRow(rows[0]);
  }

  async get(streamId: string, keyVersion: number): Promise<DataKeyRow | undefined> {
    const { rows } = await this.pool.query<RawRow>(
      `select ${COLUMNS} from keyvault.data_keys where stream_id = $1 and key_version = $2`,
      [streamId, keyVersion],
    );
    return rows[0] && toRow(rows[0]);
  }

  async versions(streamId: string): Promise<DataKeyRow[]> {
    const { rows } = await this.pool.query<RawRow>(
      `select ${COLUMNS} from keyvault.data_keys where stream_id = $1 order by key_version`,
      [streamId],
    );
    return rows.map(toRow);
  }

  /** False when the version already exists (another writer rotated first). */
  async insert(key: NewDataKey): Promise<boolean> {
    try {
      const result = await this.pool.query(
        `insert into keyvault.data_keys (stream_id, key_version, subject_id, purpose, wrapped_key, provider_key_ref)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [key.streamId, key.keyVersion, key.subjectId, key.purpose, key.wrappedKey, key.providerKeyRef],
      );
      return result.rowCount === 1;
    } catch (error) {
      if ((error as { code?: string }).code === 'OL001') throw new SubjectErased(key.streamId);
      if ((error as { code?: string }).code === 'OL002') throw new SubjectRequired(key.streamId, 'a stream keeps the subject of its first key');
      throw error;
    }
  }

  /**
   * Reserves up to `wanted` encryptions under a key version, atomically, never past `cap`.
   * Returns how many were granted: 0 when the version is exhausted or destroyed.
   */
  async reserve(streamId: string, keyVersion: number, wanted: number, cap: bigint): Promise<number> {
    const { rows } = await this.pool.query<{ granted: string }>(
      `with current as (
         select encryptions from keyvault.data_keys
          where stream_id = $1 and key_version = $2 and destroyed_at is null for update)
       update keyvault.data_keys d set encryptions = d.encryptions + g.granted
         from (select least($3::bigint, $4::bigint - encryptions) as granted from current) g
        where d.stream_id = $1 and d.key_version = $2 and g.granted > 0
       returning g.granted`,
      [streamId, keyVersion, String(wanted), String(cap)],
    );
    return rows.length === 0 ? 0 : Number(rows[0].granted);
  }

  async isSubjectErased(subjectId: string): Promise<boolean> {
    const { rows } = await this.pool.query('select 1 from keyvault.erasures where subject_id = $1 limit 1', [subjectId]);
    return rows.length > 0;
  }

  async streamsOfSubject(subjectId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ stream_id: string }>(
      'select distinct stream_id from keyvault.data_keys where subject_id = $1 order by stream_id',
      [subjectId],
    );
    return rows.map((r) => r.stream_id);
  }

  async eraseSubject(subjectId: string, actorId: string, reason: string): Promise<{ erasureId: string; streams: number; keyVersions: number }> {
    const { rows } = await this.pool.query<{ erasure_id: string; streams: number; key_versions: number }>(
      'select * from keyvault.erase_subject($1, $2, $3)',
      [subjectId, actorId, reason],
    );
    return { erasureId: rows[0].erasure_id, streams: rows[0].streams, keyVersions: rows[0].key_versions };
  }

  async erasures(subjectId: string): Promise<ErasureRow[]> {
    const { rows } = await this.pool.query(
      `select erasure_id, subject_id, actor_id, reason, streams, key_versions, erased_at
         from keyvault.erasures where subject_id = $1 order by erased_at`,
      [subjectId],
    );
    return rows.map((r) => ({
      erasureId: r.erasure_id,
      subjectId: r.subject_id,
      actorId: r.actor_id,
      reason: r.reason,
      streams: r.streams,
      keyVersions: r.key_versions,
      erasedAt: r.erased_at,
    }));
  }
}
