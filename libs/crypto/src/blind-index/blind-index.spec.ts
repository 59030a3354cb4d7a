import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CryptoInputError } from '../errors';
import { BlindIndex, blindIndexKey } from './blind-index';
import { isoDate, normalise } from './normalisers';
import { RootKey } from './root-keys';
import { DEFAULT_EXPECTED_ROWS, expectedCoincidences, truncationBits } from './truncation';

const root = RootKey.fromMaterial('blind-index', randomBytes(32));
const index = (column: string, normaliser = normalise.text, extra = {}) =>
  new BlindIndex(root, { table: 'patient_directory', column, index: 'exact', normalise: normaliser, ...extra });

describe('blind index', () => {
  it('a root key holds its material in its own allocation (not the shared Buffer pool), so close() leaves no copy', () => {
    const material = Buffer.from(randomBytes(32)); // a pooled copy, as a caller may pass
    const key = RootKey.fromMaterial('blind-index', material);
    const held = (key as unknown as { material: Buffer }).material;
    expect(held.buffer.byteLength).toBe(32);
    key.close();
    expect(held.every((b) => b === 0)).toBe(true);
  });

  it('equal normalised inputs give equal indexes', () => {
    const name = index('last_name');
    expect(name.computeHex('  Müller ')).toBe(name.computeHex('MÜLLER'));
    expect(name.computeHex('Straße')).toBe(name.computeHex('STRASSE'));
    expect(name.computeHex('ﬁsher')).toBe(name.computeHex('Fisher')); // NFKC folds the ligature
    expect(name.computeHex('Anna  Maria')).toBe(name.computeHex('anna maria'));
    const phone = index('phone', normalise.phone);
    expect(phone.computeHex('+41 (0)79 123-45-67')).toBe(phone.computeHex('4107912345 67'));
    const dob = index('date_of_birth', normalise.date);
    expect(dob.computeHex('1990-02-03')).toBe(dob.computeHex('1990/02/03'));
    expect(dob.computeHex('19900203')).toBe(dob.computeHex('1990-02-03T00:00:00Z'));
  });

  it('equal normalised inputs give equal indexes (property)', () => {
    const name = index('first_name');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('', ' ', '\t', '  '), (s, pad) => {
        expect(name.computeHex(`${pad}${s}${pad}`)).toBe(name.computeHex(s));
        expect(name.computeHex(s.toUpperCase())).toBe(name.computeHex(s.toLowerCase()));
      }),
    );
  });

  it('different columns and indexes never share keys, nor index values beyond chance', () => {
    const columns = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth'];
    const keys = new Set<string>();
    for (const c of columns) for (const i of ['exact', 'prefix']) keys.add(blindIndexKey(root, 'patient_directory', c, i).toString('hex'));
    for (const c of columns) keys.add(blindIndexKey(root, 'clinic_staff', c, 'exact').toString('hex'));
    expect(keys.size).toBe(columns.length * 3);
    const a = index('first_name', normalise.text, { bits: 64 });
    const b = index('last_name', normalise.text, { bits: 64 });
    expect(a.computeHex('Morgan')).not.toBe(b.computeHex('Morgan'));
  });

  it('a different root key gives different indexes', () => {
    const other = new BlindIndex(RootKey.fromMaterial('blind-index', randomBytes(32)), index('last_name').definition);
    expect(other.computeHex('Morgan')).not.toBe(index('last_name').computeHex('Morgan'));
  });

  it('truncates to the computed bits, zeroing the spare bits', () => {
    const idx = index('last_name', normalise.text, { expectedRows: 10_000 });
    expect(idx.bits).toBe(12);
    const out = idx.compute('Morgan');
    expect(out).toHaveLength(2);
    expect(out[1] & 0x0f).toBe(0);
    expect(idx.computeHex('Morgan')).toBe(out.toString('hex'));
    // Independent of our truncation code: the first 12 bits of the HMAC of the normalised value.
    const mac = createHmac('sha256', blindIndexKey(root, 'patient_directory', 'last_name', 'exact')).update('morgan').digest();
    expect(out).toEqual(Buffer.from([mac[0], mac[1] & 0xf0]));
  });

  it('computeHexNormalised skips only the normaliser: equal to computeHex of the raw value', () => {
    const name = index('last_name');
    for (const raw of ['  Müller ', 'STRASSE', 'ﬁsher', 'Anna  Maria']) {
      expect(name.computeHexNormalised(normalise.text(raw))).toBe(name.computeHex(raw));
    }
    // Given a raw value it does not normalise: the lookup must pass the normalised form.
    expect(name.computeHexNormalised('MÜLLER')).not.toBe(name.computeHex('MÜLLER'));
  });

  it.each([1e3, 1e4, 1e5, 1e6, 1e7])('truncation keeps 2 <= C <= sqrt(R) for R = %d', (R) => {
    const bits = truncationBits(R);
    const C = expectedCoincidences(R, bits);
    expect(C).toBeGreaterThanOrEqual(2);
    expect(C).toBeLessThanOrEqual(Math.sqrt(R));
    expect(expectedCoincidences(R, bits + 1)).toBeLessThan(2); // the longest output that keeps C >= 2
  });

  it('truncation rule holds for every R in 10^3..10^7 and with a second index on the column', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10_000_000 }), (R) => {
        const bits = truncationBits(R);
        const C = expectedCoincidences(R, bits);
        expect(C >= 2 && C <= Math.sqrt(R)).toBe(true);
        const second = truncationBits(R, [Math.floor(bits / 2)]);
        const both = expectedCoincidences(R, Math.floor(bits / 2) + second);
        expect(both >= 2 && both <= Math.sqrt(R)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('documents its default (1,000,000 rows: 18 bits, about 3.8 coincidences) and refuses impossible plans', () => {
    expect(DEFAULT_EXPECTED_ROWS).toBe(1_000_000);
    expect(index('last_name').bits).toBe(18);
    expect(() => truncationBits(3)).toThrow(CryptoInputError);
    expect(() => truncationBits(1000, [9])).toThrow(CryptoInputError);
  });

  it('normaliser errors never echo the input', () => {
    const error = (() => {
      try {
        isoDate('born 31st of Feb, Ada');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(CryptoInputError);
    expect(error!.message).not.toContain('Ada');
    expect(() => isoDate('1990-02-30')).toThrow(CryptoInputError);
  });
});
