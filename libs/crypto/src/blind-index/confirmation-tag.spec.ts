import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import { CryptoInputError } from '../errors';
import { ConfirmationTag } from './confirmation-tag';
import { BLIND_INDEX_ROOT, READ_MODEL_ROOT, RootKey } from './root-keys';

const root = RootKey.fromMaterial(READ_MODEL_ROOT, randomBytes(32));
const chart = new ConfirmationTag(root, { projection: 'patient_directory', table: 'patient_directory', column: 'chart_number' });

describe('confirmation tag', () => {
  beforeAll(() => sodium.ready);

  it('is SipHash-2-4 under an HKDF key of the read-model root over [u32 value length][value][row id]', () => {
    const id = randomUUID();
    const key = root.derive('ortholedger/confirmation-tag/v1', { projection: 'patient_directory', table: 'patient_directory', column: 'chart_number' });
    const value = Buffer.from('chö12345');
    const message = Buffer.concat([Buffer.from([0, 0, 0, value.length]), value, Buffer.from(id)]);
    expect(chart.compute(id, 'chö12345').toString('hex')).toBe(Buffer.from(sodium.crypto_shorthash(message, key.subarray(0, 16))).toString('hex'));
  });

  it('binds the row: one value in two rows gives unrelated tags, so tags link no rows', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect(chart.compute(a, 'ch1')).toHaveLength(8);
    expect(chart.compute(a, 'ch1').equals(chart.compute(b, 'ch1'))).toBe(false);
    expect(chart.compute(a, 'ch1').equals(chart.compute(a, 'ch2'))).toBe(false);
  });

  it('a key per column and per root: the same row and value tag differently elsewhere', () => {
    const id = randomUUID();
    const email = new ConfirmationTag(root, { projection: 'patient_directory', table: 'patient_directory', column: 'email' });
    const otherRoot = new ConfirmationTag(RootKey.fromMaterial(READ_MODEL_ROOT, randomBytes(32)), chart.definition);
    expect(email.compute(id, 'x').equals(chart.compute(id, 'x'))).toBe(false);
    expect(otherRoot.compute(id, 'x').equals(chart.compute(id, 'x'))).toBe(false);
  });

  it('the encoding is injective: moving bytes between value and row id changes the tag (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 2, maxLength: 20 }).filter((s) => /^[\x21-\x7e]+$/.test(s)), (value, id) => {
        const moved = chart.compute(id.slice(1), value + id[0]);
        expect(moved.equals(chart.compute(id, value))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a matcher agrees with compute for many rows of one lookup, and rules out every other tag', () => {
    const matcher = chart.matcher('ch777');
    const ids = [randomUUID(), 'short-id', randomUUID(), `${randomUUID()}-longer-than-a-uuid`, randomUUID()];
    for (const id of ids) {
      expect(matcher.matches(id, chart.compute(id, 'ch777'))).toBe(true);
      expect(matcher.matches(id, chart.compute(id, 'ch778'))).toBe(false);
      expect(matcher.matches(id, chart.compute(ids[0] === id ? ids[2] : ids[0], 'ch777'))).toBe(false);
      expect(matcher.matches(id, chart.compute(id, 'ch777').subarray(0, 7))).toBe(false);
    }
  });

  it('refuses the blind-index root, names that are not identifiers, and row ids that are not printable ASCII', () => {
    const indexRoot = RootKey.fromMaterial(BLIND_INDEX_ROOT, randomBytes(32));
    expect(() => new ConfirmationTag(indexRoot, chart.definition)).toThrow(CryptoInputError);
    expect(() => new ConfirmationTag(root, { ...chart.definition, column: 'Chart Number' })).toThrow(CryptoInputError);
    expect(() => chart.compute('', 'x')).toThrow(CryptoInputError);
    expect(() => chart.compute('id with space', 'x')).toThrow(CryptoInputError);
    expect(() => chart.compute('idé', 'x')).toThrow(CryptoInputError);
  });

  it('after close it computes nothing; a closed matcher refuses to check', () => {
    const matcher = chart.matcher('ch1');
    const id = randomUUID();
    expect(matcher.matches(id, chart.compute(id, 'ch1'))).toBe(true);
    matcher.close();
    expect(() => matcher.matches(id, chart.compute(id, 'ch1'))).toThrow('closed');
    const tag = new ConfirmationTag(root, { projection: 'patient_directory', table: 'patient_directory', column: 'phone' });
    tag.close();
    expect(() => tag.compute(randomUUID(), 'x')).toThrow('closed');
  });
});
