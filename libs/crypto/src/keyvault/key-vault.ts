import type pg from 'pg';
import { isUuid } from '@ortholedger/event-store';
import { CryptoConfigError, CryptoInputError, KeyProviderThrottled } from '../errors';
import type { KeyContext, KeyProvider } from '../key-providers/key-provider.port';
import type { DataKeys } from './data-keys';
import { type ErasureRow, KeyStore } from './key-store';

export interface RewrapProgress {
  readonly total: number;
  readonly done: number;
  /** Rows that changed under us (erased or re-wrapped by a concurrent run). */
  readonly skipped: number;
}

export interface RewrapReport extends RewrapProgress {
  readonly keyRef: string;
}

export interface ErasureReport {
  readonly erasureId: string;
  readonly streams: number;
  readonly keyVersions: number;
}

// Reasons are codes with an optional ticket reference, never free text: an erasure record must hold no PHI.
const REASON = /^[a-z][a-z0-9_]{2,40}(:[A-Za-z0-9._-]{1,64})?$/;
const ACTOR = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

/** The checks of eraseSubject that need no database, for callers that must refuse bad input before they record anything. */
export function assertErasureRequest(subjectId: string, reason: string, actor: string): void {
  if (!isUuid(subjectId)) throw new CryptoInputError('subjectId must be a UUID');
  if (!REASON.test(reason)) {
    throw new CryptoInputError('reason must be a code with an optional reference, e.g. gdpr_art17 or gdpr_art17:TICKET-123 (no free text)');
  }
  if (!ACTOR.test(actor)) throw new CryptoInputError('actor must be a user id or a system name');
}

interface Row {
  kind: 'data' | 'root';
  id: string;
  version: number;
  purpose: string;
  wrapped: Buffer;
  keyRef: string;
}

/**
 * Operator services over the keyvault: master-key re-wrap (resumable: rows already under the
 * current key ref are skipped, so a rerun continues where it stopped; events are never touched)
 * and crypto-shredding. Re-wrap needs the owner pool; erasure works with the app role.
 */
export class KeyVault {
  readonly store: KeyStore;

  constructor(
    private readonly options: { pool: pg.Pool; provider: KeyProvider; dataKeys?: DataKeys; rewrapConcurrency?: number },
  ) {
    this.store = new KeyStore(options.pool);
  }

  async rewrapAll(options: { onProgress?: (p: RewrapProgress) => void; batchSize?: number } = {}): Promise<RewrapReport> {
    const keyRef = await this.options.provider.currentKeyRef();
    const { rows } = await this.options.pool.query<{ n: string }>(
      `select (select count(*) from keyvault.data_keys where destroyed_at is null and provider_key_ref <> $1)
            + (select count(*) from keyvault.index_root_keys where provider_key_ref <> $1) as n`,
      [keyRef],
    );
    const total = Number(rows[0].n);
    let done = 0;
    let skipped = 0;
    options.onProgress?.({ total, done, skipped });
    for (const kind of ['data', 'root'] as const) {
      let after: [string, number] = ['', 0];
      for (;;) {
        const page = await this.page(kind, keyRef, after, options.batchSize ?? 200);
        if (page.length === 0) break;
        const width = this.options.rewrapConcurrency ?? 4;
        for (let i = 0; i < page.length; i += width) {
          const results = await Promise.all(page.slice(i, i + width).map((row) => this.rewrapOne(row)));
          for (const changed of results) changed ? done++ : skipped++;
          options.onProgress?.({ total, done, skipped });
        }
        const last = page[page.length - 1];
        after = [last.id, last.version];
      }
    }
    return { total, done, skipped, keyRef };
  }

  /** Deletes an old local master key version once no live key is wrapped under it. */
  async retireLocalMasterKey(version: number): Promise<void> {
    const provider = this.options.provider as KeyProvider & { retire?: (v: number) => void };
    if (provider.kind !== 'local' || !provider.retire) throw new CryptoConfigError('Only local master keys are retired here; KMS keys are scheduled for deletion in KMS');
    const ref = `local:v${version}`;
    const { rows } = await this.options.pool.query<{ n: string }>(
      `select (select count(*) from keyvault.data_keys where destroyed_at is null and provider_key_ref = $1)
            + (select count(*) from keyvault.index_root_keys where provider_key_ref = $1) as n`,
      [ref],
    );
    if (Number(rows[0].n) > 0) throw new CryptoConfigError(`${rows[0].n} keys are still wrapped under ${ref}; run keys rewrap first`);
    provider.retire(version);
  }

  /**
   * Crypto-shredding: destroys every key version of every stream filed under the subject, refuses
   * keys for it from now on and records who, when and why (a reason code, no PHI). A subject with
   * no keys filed under it is refused (nothing written); erasing an erased subject again is allowed.
   */
  async eraseSubject(subjectId: string, reason: string, actor: string): Promise<ErasureReport> {
    assertErasureRequest(subjectId, reason, actor);
    const subject = subjectId.toLowerCase();
    // A case id, a typo or a patient of another deployment files no keys: refuse rather than report "erased".
    if ((await this.store.streamsOfSubject(subject)).length === 0) {
      throw new CryptoInputError('no data keys are filed under this subject: erasure takes a patient id (a case is erased with its patient)');
    }
    const report = await this.store.eraseSubject(subject, actor, reason);
    this.options.dataKeys?.forget(await this.store.streamsOfSubject(subject));
    return report;
  }

  erasures(subjectId: string): Promise<ErasureRow[]> {
    return this.store.erasures(subjectId.toLowerCase());
  }

  private async page(kind: 'data' | 'root', keyRef: string, after: [string, number], limit: number): Promise<Row[]> {
    const sql =
      kind === 'data'
        ? `select stream_id as id, key_version as version, purpose, wrapped_key as wrapped, provider_key_ref as "keyRef" from keyvault.data_keys
            where destroyed_at is null and provider_key_ref <> $1 and (stream_id, key_version) > ($2, $3)
            order by stream_id, key_version limit $4`
        : `select name as id, key_version as version, 'index-root' as purpose, wrapped_key as wrapped, provider_key_ref as "keyRef" from keyvault.index_root_keys
            where provider_key_ref <> $1 and (name, key_version) > ($2, $3) order by name, key_version limit $4`;
    const { rows } = await this.options.pool.query<Omit<Row, 'kind'>>(sql, [keyRef, after[0], after[1], limit]);
    return rows.map((r) => ({ ...r, kind }));
  }

  /** Compare-and-set on the old wrapped bytes: a key erased meanwhile is never brought back. */
  private async rewrapOne(row: Row): Promise<boolean> {
    const context: KeyContext =
      row.kind === 'data' ? { stream: row.id, purpose: row.purpose } : { stream: rootKeyStream(row.id), purpose: row.purpose };
    const next = await withThrottleRetry(() => this.options.provider.rewrapDataKey(row.wrapped, context, row.keyRef));
    const sql =
      row.kind === 'data'
        ? `update keyvault.data_keys set wrapped_key = $4, provider_key_ref = $5
            where stream_id = $1 and key_version = $2 and wrapped_key = $3 and destroyed_at is null`
        : `update keyvault.index_root_keys set wrapped_key = $4, provider_key_ref = $5
            where name = $1 and key_version = $2 and wrapped_key = $3`;
    const result = await this.options.pool.query(sql, [row.id, row.version, row.wrapped, next.wrapped, next.keyRef]);
    return result.rowCount === 1;
  }
}

/** The key context name of an index root key. */
export const rootKeyStream = (name: string) => `keyvault:index-root:${name}`;

async function withThrottleRetry<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof KeyProviderThrottled) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}
