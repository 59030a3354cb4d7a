import { CryptoInputError } from '../errors';
import { READ_MODEL_ROOT, type RootKey } from './root-keys';
import { SipHash24 } from './siphash';

const SALT = 'ortholedger/confirmation-tag/v1';
const NAME = /^[a-z][a-z0-9_]{0,62}$/;
export const CONFIRMATION_TAG_BYTES = 8;

/**
 * Row-bound confirmation tag beside a truncated blind index: 64 bits of SipHash-2-4 over
 * (normalised value, row id), keyed per (projection, table, column) from the read-model root.
 *
 * The truncated blind index narrows a lookup to a few candidate rows by design (CipherSweet's
 * coincidences). The tag lets the application drop the false candidates before it decrypts them,
 * so a lookup decrypts only real matches. Nothing about it is searchable by the database:
 * - a lookup's query carries the blind index only; the tag check runs in the application over the
 *   rows that index returned. Tags reach the database as stored column values (as bind parameters
 *   of the projector's writes, so a parameter log holds what a dump holds), never as a search term;
 * - two rows with the same value have unrelated tags (the row id is hashed in), so a dump links no
 *   rows the truncated index does not already put in one bucket;
 * - the key comes from the read-model root, not the blind-index root, so a leaked index key still
 *   meets the coincidences it was truncated for.
 * The derived tag key is as sensitive as a decryption key for the tagged fields: with it and a
 * dump, a guessed value (a date of birth, a chart number) can be confirmed row by row offline. It
 * stays in the process beside the field keys and never goes to the database or to a holder of
 * index keys only.
 * A tag only ever rules a candidate out; a match is still decrypted and compared. Altering a tag
 * can hide a row from lookups, as altering its blind index can, and never makes another row match.
 * SipHash rather than a truncated HMAC: a lookup checks up to a handful of candidates, and a call
 * costs about 0.5 us against about 2 us for an HMAC through node:crypto (measured here).
 */
export class ConfirmationTag {
  private readonly prf: SipHash24;

  constructor(
    root: RootKey,
    readonly definition: { projection: string; table: string; column: string },
  ) {
    if (root.name !== READ_MODEL_ROOT) throw new CryptoInputError(`confirmation tags are keyed from the ${READ_MODEL_ROOT} root`);
    for (const part of [definition.projection, definition.table, definition.column]) {
      if (!NAME.test(part)) throw new CryptoInputError('confirmation tag projection, table and column names must be lower-case identifiers');
    }
    const key = root.derive(SALT, definition);
    this.prf = new SipHash24(key.subarray(0, 16));
    key.fill(0);
  }

  /** The tag of a row holding `normalised` (the blind index's normalised input). */
  compute(rowId: string, normalised: string): Buffer {
    const matcher = this.matcher(normalised);
    try {
      return Buffer.from(matcher.tagOf(rowId));
    } finally {
      matcher.close();
    }
  }

  /**
   * Checks candidates for one looked-up value: encodes the value once, then hashes only the row
   * id per candidate. `matches` is false exactly when the stored tag differs from the row's tag.
   */
  matcher(normalised: string): TagMatcher {
    return new TagMatcher(this.prf, normalised);
  }

  close(): void {
    this.prf.close();
  }
}

/**
 * The message is [u32 length of value][value utf8][row id latin1]: the length prefix makes the
 * encoding injective, and the row id goes last so a lookup rewrites only that part per candidate.
 */
export class TagMatcher {
  private message: Buffer;
  private readonly prefix: number;
  private readonly tag = new Uint8Array(CONFIRMATION_TAG_BYTES);
  private closed = false;

  constructor(
    private readonly prf: SipHash24,
    normalised: string,
  ) {
    const valueBytes = Buffer.byteLength(normalised, 'utf8');
    this.prefix = 4 + valueBytes;
    // Not from the shared pool: the looked-up value is PHI, and close() zeroes this buffer.
    this.message = Buffer.alloc(this.prefix + 36); // a uuid's text fits without growing
    this.message.writeUInt32BE(valueBytes, 0);
    this.message.write(normalised, 4, 'utf8');
  }

  /** The row's tag, in a buffer the next call overwrites (copy it to keep it). */
  tagOf(rowId: string): Uint8Array {
    // Row ids are identifiers (uuids, in the form the database returns them), never free text.
    if (this.closed) throw new CryptoInputError('tag matcher was closed');
    if (!/^[\x21-\x7e]{1,200}$/.test(rowId)) throw new CryptoInputError('row id must be printable ASCII');
    if (this.message.length !== this.prefix + rowId.length) {
      const grown = Buffer.alloc(this.prefix + rowId.length);
      this.message.copy(grown, 0, 0, this.prefix);
      this.message.fill(0);
      this.message = grown;
    }
    this.message.write(rowId, this.prefix, 'latin1');
    return this.prf.hash(this.message, this.tag);
  }

  /** Compares without an early exit, so timing does not reveal how many leading bytes agreed. */
  matches(rowId: string, stored: Uint8Array): boolean {
    if (stored.length !== CONFIRMATION_TAG_BYTES) return false;
    const tag = this.tagOf(rowId);
    let diff = 0;
    for (let i = 0; i < CONFIRMATION_TAG_BYTES; i++) diff |= tag[i] ^ stored[i];
    return diff === 0;
  }

  /** Zeroes the encoded value; the matcher computes nothing afterwards. */
  close(): void {
    this.message.fill(0);
    this.tag.fill(0);
    this.closed = true;
  }
}
