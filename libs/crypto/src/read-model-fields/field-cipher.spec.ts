import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalBytes } from '../canonical-json';
import { TamperDetected } from '../errors';
import { RootKey } from '../blind-index/root-keys';
import { decipherOutputs } from '../testing/decipher-outputs';
import { FieldCipher } from './field-cipher';

describe('FieldCipher', () => {
  const root = RootKey.fromMaterial('read-model', randomBytes(32));
  const directory = new FieldCipher(root, 'patient_directory');
  const row = randomUUID();

  it('round-trips strings and JSON without plaintext in the ciphertext', () => {
    const sealed = directory.encrypt('patients', 'full_name', row, 'Ada Lovelace');
    expect(sealed.includes(Buffer.from('Ada'))).toBe(false);
    expect(directory.decryptString('patients', 'full_name', row, sealed)).toBe('Ada Lovelace');
    const json = directory.encryptJson('patients', 'address', row, { city: 'London' });
    expect(directory.decryptJson('patients', 'address', row, json)).toEqual({ city: 'London' });
  });

  it('a value whose tag does not verify leaves no plaintext behind: what GCM handed out before the check is zeroed', () => {
    const copied = Buffer.from(directory.encrypt('patients', 'full_name', row, 'Ada Lovelace'));
    copied[copied.length - 1] ^= 1; // the tag
    const handedOut = decipherOutputs(() => expect(() => directory.decrypt('patients', 'full_name', row, copied)).toThrow(TamperDetected));
    expect(handedOut.map((b) => b.toString('utf8'))).toEqual(['\0'.repeat('Ada Lovelace'.length)]);
  });

  it('a value copied to another row, column or table, or edited, is TamperDetected naming the place only', () => {
    const sealed = directory.encrypt('patients', 'full_name', row, 'Ada Lovelace');
    for (const [t, c, r] of [
      ['patients', 'full_name', randomUUID()],
      ['patients', 'email', row],
      ['staff', 'full_name', row],
    ]) {
      const error = (() => {
        try {
          directory.decrypt(t, c, r, sealed);
        } catch (e) {
          return e as TamperDetected;
        }
      })();
      expect(error).toBeInstanceOf(TamperDetected);
      expect(error!.code).toBe('CRYPTO.TAMPER_DETECTED');
      expect(error!.message).not.toContain('Ada');
    }
    const flipped = Buffer.from(sealed);
    flipped[20] ^= 0x01;
    expect(() => directory.decrypt('patients', 'full_name', row, flipped)).toThrow(TamperDetected);
  });

  it('binds exactly the canonical AAD (header + sorted {column, projection, rowId, table}), also for odd names', () => {
    // Decrypting with a hand-built cipher over canonicalBytes proves the cached AAD is byte-identical.
    const { createDecipheriv } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const cipher = new FieldCipher(RootKey.fromMaterial('read-model', Buffer.alloc(32, 7)), 'case_board');
    const key = RootKey.fromMaterial('read-model', Buffer.alloc(32, 7)).derive('ortholedger/read-model/v1', { projection: 'case_board' });
    for (const [table, column, rowId] of [['case_board', 'summary', row], ['t"x', 'c\\d', 'r\u00e9\n"1'], ['a', 'b', '\u0000rowId\u0000']]) {
      for (let i = 0; i < 2; i++) {
        const sealed = cipher.encrypt(table, column, rowId, 'value');
        const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
        d.setAAD(Buffer.concat([sealed.subarray(0, 1), canonicalBytes({ projection: 'case_board', table, column, rowId })]));
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        expect(Buffer.concat([d.update(sealed.subarray(13, sealed.length - 16)), d.final()]).toString()).toBe('value');
      }
    }
  });

  it('a verified value that is not JSON fails as TamperDetected without quoting it (the parser\'s message would)', () => {
    const sealed = directory.encrypt('patients', 'demographics', row, 'Alice Smith, 2011-04-05');
    const error = (() => {
      try {
        directory.decryptJson('patients', 'demographics', row, sealed);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(TamperDetected);
    expect(String(error?.message)).not.toMatch(/Alice|2011/);
  });

  it('each projection has its own key', () => {
    const other = new FieldCipher(root, 'case_overview');
    const sealed = directory.encrypt('patients', 'full_name', row, 'Ada');
    expect(() => other.decrypt('patients', 'full_name', row, sealed)).toThrow(TamperDetected);
  });
});
