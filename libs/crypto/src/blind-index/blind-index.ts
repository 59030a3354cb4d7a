import { createHmac } from 'node:crypto';
import { CryptoInputError } from '../errors';
import type { Normaliser } from './normalisers';
import type { RootKey } from './root-keys';
import { DEFAULT_EXPECTED_ROWS, truncationBits } from './truncation';

const SALT = 'ortholedger/blind-index/v1';
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

export interface BlindIndexDefinition {
  table: string;
  column: string;
  /** Several indexes on one column (e.g. full value, year of birth) each get their own key. */
  index: string;
  normalise: Normaliser;
  /** Fixed output length; otherwise computed from expectedRows by CipherSweet's rule. */
  bits?: number;
  /** Expected rows of the table (default 1,000,000). */
  expectedRows?: number;
  /** Bits of the column's other blind indexes, which count towards the coincidence bound. */
  otherIndexBits?: readonly number[];
}

/**
 * HMAC-SHA256 blind index for exact-match lookups in SQL without storing searchable plaintext.
 * The key is unique to (table, column, index), so equal values in two columns never share an
 * index value; the output is truncated so that each value has several expected coincidences.
 */
export class BlindIndex {
  readonly bits: number;
  private readonly key: Buffer;

  constructor(
    root: RootKey,
    readonly definition: BlindIndexDefinition,
  ) {
    for (const part of [definition.table, definition.column, definition.index]) {
      if (!NAME.test(part)) throw new CryptoInputError('blind index table, column and index names must be lower-case identifiers');
    }
    this.bits = definition.bits ?? truncationBits(definition.expectedRows ?? DEFAULT_EXPECTED_ROWS, definition.otherIndexBits);
    if (!Number.isInteger(this.bits) || this.bits < 1 || this.bits > 256) throw new CryptoInputError('bits must be 1..256');
    this.key = blindIndexKey(root, definition.table, definition.column, definition.index);
  }

  /** Truncated index of the normalised value, as bytes (unused trailing bits zero). */
  compute(value: string): Buffer {
    const mac = this.truncatedMac(this.definition.normalise(value));
    return Buffer.from(mac.subarray(0, this.byteLength));
  }

  /** Hex form for a text column: compare with `=` in SQL. */
  computeHex(value: string): string {
    return this.computeHexNormalised(this.definition.normalise(value));
  }

  /**
   * Hex form of a value that has already been through `definition.normalise`: a lookup that also
   * compares the normalised input with decrypted candidates normalises once, not twice.
   */
  computeHexNormalised(normalised: string): string {
    return this.truncatedMac(normalised).toString('hex', 0, this.byteLength);
  }

  private get byteLength(): number {
    return Math.ceil(this.bits / 8);
  }

  /** The full HMAC with the bits past `bits` in its last kept byte cleared; callers keep `byteLength` bytes. */
  private truncatedMac(normalised: string): Buffer {
    const mac = createHmac('sha256', this.key).update(normalised, 'utf8').digest();
    const spare = this.byteLength * 8 - this.bits;
    if (spare > 0) mac[this.byteLength - 1] &= 0xff << spare;
    return mac;
  }

  close(): void {
    this.key.fill(0);
  }
}

/** The per-(table, column, index) key; exported so tests can show keys never repeat across columns. */
export function blindIndexKey(root: RootKey, table: string, column: string, index: string): Buffer {
  return root.derive(SALT, { table, column, index });
}
