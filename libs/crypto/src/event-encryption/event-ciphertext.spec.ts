import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { decipherOutputs } from '../testing/decipher-outputs';
import { HEADER_BYTES, NONCE_BYTES, OpenFailure, openEvent, OVERHEAD_BYTES, parseHeader, sealEvent, TAG_BYTES } from './event-ciphertext';

const identity = () => ({
  streamId: `patient-${randomUUID()}`,
  revision: 7n,
  eventId: randomUUID(),
  type: 'PatientRegistered',
  metadata: { subjectId: randomUUID(), actorId: randomUUID(), schemaVersion: 2 },
});

describe('event ciphertext format v1', () => {
  const key = randomBytes(32);

  it('lays out magic, format, algorithm, key version, nonce, ciphertext, tag', () => {
    const id = identity();
    const data = Buffer.from('{"name":"Ada"}');
    const sealed = Buffer.from(sealEvent(key, 3, id, { data, contentType: 'application/json', subjectId: id.metadata.subjectId }));
    expect(sealed.subarray(0, 4)).toEqual(Buffer.from([0x4f, 0x4c, 0x01, 0x01]));
    expect(sealed.readUInt32BE(4)).toBe(3);
    expect(parseHeader(sealed)).toEqual({ keyVersion: 3 });
    expect(sealed.length).toBeGreaterThan(OVERHEAD_BYTES + data.length);
    expect(HEADER_BYTES + NONCE_BYTES + TAG_BYTES).toBe(OVERHEAD_BYTES);
    expect(sealed.includes(Buffer.from('Ada'))).toBe(false);
  });

  it('an event whose tag does not verify leaves no plaintext behind: what GCM handed out before the check is zeroed', () => {
    const id = identity();
    const sealed = Buffer.from(sealEvent(key, 1, id, { data: Buffer.from('{"name":"Ada"}'), contentType: 'application/json', subjectId: id.metadata.subjectId }));
    sealed[sealed.length - 1] ^= 1; // the tag
    const handedOut = decipherOutputs(() => expect(() => openEvent(key, 1, id, sealed)).toThrow(OpenFailure));
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0].every((byte) => byte === 0)).toBe(true);
  });

  it('round-trips any bytes, and the nonce is fresh every time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (data, json) => {
        const id = identity();
        const plain = { data, contentType: json ? 'application/json' : 'application/octet-stream', subjectId: id.metadata.subjectId } as const;
        const a = sealEvent(key, 1, id, plain);
        const b = sealEvent(key, 1, id, plain);
        expect(Buffer.from(a).subarray(8, 20).equals(Buffer.from(b).subarray(8, 20))).toBe(false);
        const opened = openEvent(key, 1, id, a);
        expect(Buffer.from(opened.data).equals(Buffer.from(data))).toBe(true);
        expect(opened.contentType).toBe(plain.contentType);
      }),
      { numRuns: 200 },
    );
  });

  it('metadata key order does not matter (jsonb reorders keys), its content does', () => {
    const id = identity();
    const sealed = sealEvent(key, 1, id, { data: Buffer.from('x'), contentType: 'application/json', subjectId: id.metadata.subjectId });
    const reordered = { schemaVersion: 2, actorId: id.metadata.actorId, subjectId: id.metadata.subjectId };
    expect(() => openEvent(key, 1, { ...id, metadata: reordered }, sealed)).not.toThrow();
    expect(() => openEvent(key, 1, { ...id, metadata: { ...reordered, actorId: randomUUID() } }, sealed)).toThrow(OpenFailure);
    expect(() => openEvent(key, 1, { ...id, metadata: { ...reordered, schemaVersion: 3 } }, sealed)).toThrow(OpenFailure);
  });

  it('refuses anything that is not a v1 ciphertext', () => {
    expect(parseHeader(new Uint8Array(10))).toBeUndefined();
    expect(parseHeader(Buffer.from(JSON.stringify({ name: 'Ada Lovelace', dob: '1815-12-10' })))).toBeUndefined();
  });
});
