import { createCipheriv, createDecipheriv } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import { randomNonce } from '../nonce-pool';
import { CryptoInputError, TamperDetected } from '../errors';
import type { RootKey } from '../blind-index/root-keys';

const SALT = 'ortholedger/read-model/v1';
const FORMAT = 0x01;
const NONCE = 12;
const TAG = 16;

/**
 * Encrypts read-model columns: one key per projection (derived by HKDF from the read-model root
 * key), AES-256-GCM, AAD = projection, table, column and row id, so a value copied to another row
 * or column does not decrypt. Format: [0x01][nonce 12][ciphertext][tag 16].
 */
export class FieldCipher {
  private readonly key: Buffer;
  /** Per (table, column): the canonical AAD around the row id, built once (see aad()). */
  private readonly aadParts = new Map<string, readonly [string, string]>();

  constructor(
    root: RootKey,
    readonly projection: string,
  ) {
    if (!/^[a-z][a-z0-9_.-]{0,62}$/.test(projection)) throw new CryptoInputError('projection name must be a lower-case identifier');
    this.key = root.derive(SALT, { projection });
  }

  encrypt(table: string, column: string, rowId: string, plaintext: Uint8Array | string): Buffer {
    const nonce = randomNonce(NONCE);
    const header = Buffer.from([FORMAT]);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(this.aad(header, table, column, rowId));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  /** Throws TamperDetected (naming table, column and row, never the value) when anything does not verify. */
  decrypt(table: string, column: string, rowId: string, bytes: Uint8Array): Buffer {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 1 + NONCE + TAG || buf[0] !== FORMAT) throw TamperDetected.inField(table, column, rowId, 'not a field ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(1, 1 + NONCE));
    decipher.setAAD(this.aad(buf.subarray(0, 1), table, column, rowId));
    decipher.setAuthTag(buf.subarray(buf.length - TAG));
    // GCM hands out the plaintext before final() checks the tag: on a failed check it is zeroed.
    let head: Buffer | undefined;
    try {
      head = decipher.update(buf.subarray(1 + NONCE, buf.length - TAG));
      // GCM is a stream mode: final() only checks the tag and adds no bytes, so no copy is needed.
      const tail = decipher.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      head?.fill(0);
      throw TamperDetected.inField(table, column, rowId, 'authentication failed');
    }
  }

  encryptJson(table: string, column: string, rowId: string, value: unknown): Buffer {
    return this.encrypt(table, column, rowId, JSON.stringify(value));
  }

  /** A verified plaintext that is not JSON (a writer's bug) throws without the parser's message, which quotes the text. */
  decryptJson<T = unknown>(table: string, column: string, rowId: string, bytes: Uint8Array): T {
    const text = this.decrypt(table, column, rowId, bytes).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw TamperDetected.inField(table, column, rowId, 'decrypted value is not JSON');
    }
  }

  decryptString(table: string, column: string, rowId: string, bytes: Uint8Array): string {
    return this.decrypt(table, column, rowId, bytes).toString('utf8');
  }

  close(): void {
    this.key.fill(0);
  }

  /**
   * header + canonical JSON of {column, projection, rowId, table} (keys sorted). The text around the
   * row id is the same for every row of a column, so it is built once with the canonical writer
   * and only the row id is encoded per call; the bytes are identical to canonicalJson's.
   */
  private aad(header: Buffer, table: string, column: string, rowId: string): Buffer {
    const slot = `${table}\u0000${column}`;
    let parts = this.aadParts.get(slot);
    if (!parts) {
      const marker = '\u0000rowId\u0000';
      const text = canonicalJson({ projection: this.projection, table, column, rowId: marker });
      const at = text.indexOf(JSON.stringify(marker));
      parts = [text.slice(0, at), text.slice(at + JSON.stringify(marker).length)];
      this.aadParts.set(slot, parts);
    }
    return Buffer.concat([header, Buffer.from(parts[0] + JSON.stringify(rowId) + parts[1], 'utf8')]);
  }
}
