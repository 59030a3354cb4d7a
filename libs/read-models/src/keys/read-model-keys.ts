import type pg from 'pg';
import { foldChartNumber } from '../search/name-normalise';
import { BLIND_INDEX_ROOT, BlindIndex, ConfirmationTag, FieldCipher, type KeyProvider, normalise, READ_MODEL_ROOT, RootKey } from '@ortholedger/crypto';

/** The directory's exact-match lookups; each gets its own HKDF key (table, column, index). */
export interface DirectoryBlindIndexes {
  readonly chartNumber: BlindIndex;
  readonly email: BlindIndex;
  readonly phone: BlindIndex;
  readonly dateOfBirth: BlindIndex;
}

/** Per exact-match lookup of the directory: the tag that rules out the blind index's false candidates. */
export interface DirectoryConfirmationTags {
  readonly chartNumber: ConfirmationTag;
  readonly email: ConfirmationTag;
  readonly phone: ConfirmationTag;
  readonly dateOfBirth: ConfirmationTag;
}

/**
 * Key material of the read models, unwrapped once at start-up: one FieldCipher per projection
 * (key partitioning: a leaked projection key opens one read model) and the directory's blind indexes.
 */
export class ReadModelKeys {
  private readonly ciphers = new Map<string, FieldCipher>();

  private constructor(
    private readonly fieldRoot: RootKey,
    private readonly indexRoot: RootKey,
    readonly directoryIndexes: DirectoryBlindIndexes,
    readonly directoryTags: DirectoryConfirmationTags,
  ) {}

  static async load(deps: { pool: pg.Pool; provider: KeyProvider }, options: { expectedPatients?: number } = {}): Promise<ReadModelKeys> {
    const fieldRoot = await RootKey.load(deps, READ_MODEL_ROOT);
    const indexRoot = await RootKey.load(deps, BLIND_INDEX_ROOT);
    return ReadModelKeys.fromRoots(fieldRoot, indexRoot, options);
  }

  static fromRoots(fieldRoot: RootKey, indexRoot: RootKey, options: { expectedPatients?: number } = {}): ReadModelKeys {
    // The documented default (1M rows -> 18 bits) unless a deployment says otherwise.
    const expectedRows = options.expectedPatients;
    const index = (column: string, normaliser: (v: string) => string) =>
      new BlindIndex(indexRoot, { table: 'patient_directory', column, index: 'exact', normalise: normaliser, expectedRows });
    // Keyed from the field root (see ConfirmationTag): a tag is no help to whoever holds only the index key.
    const tag = (column: string) => new ConfirmationTag(fieldRoot, { projection: 'patient_directory', table: 'patient_directory', column });
    return new ReadModelKeys(
      fieldRoot,
      indexRoot,
      {
        // Chart numbers compare without case, spaces or punctuation, as in the search index.
        chartNumber: index('chart_number', foldChartNumber),
        email: index('email', normalise.email),
        phone: index('phone', normalise.phone),
        dateOfBirth: index('date_of_birth', normalise.date),
      },
      { chartNumber: tag('chart_number'), email: tag('email'), phone: tag('phone'), dateOfBirth: tag('date_of_birth') },
    );
  }

  cipher(projection: string): FieldCipher {
    let cipher = this.ciphers.get(projection);
    if (!cipher) {
      cipher = new FieldCipher(this.fieldRoot, projection);
      this.ciphers.set(projection, cipher);
    }
    return cipher;
  }

  close(): void {
    for (const cipher of this.ciphers.values()) cipher.close();
    for (const index of Object.values(this.directoryIndexes)) index.close();
    for (const tag of Object.values(this.directoryTags)) tag.close();
    this.fieldRoot.close();
    this.indexRoot.close();
  }
}
