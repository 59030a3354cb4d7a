import { createHmac, randomBytes } from 'node:crypto';
import { RootKey } from '@ortholedger/crypto';
import { idempotencyKeyDigest, parseIdempotencyKey, RequestFingerprinter } from '../idempotency/idempotency-store';
import { etagOf, parseIfMatch } from './if-match';
import { isReplayableBody } from './revision-etag.interceptor';

describe('If-Match', () => {
  it.each([['"7"', 7n], ['7', 7n], [' "0" ', 0n], ['*', undefined], [undefined, undefined]])('reads %p', (header, expected) => {
    expect(parseIfMatch(header)).toBe(expected);
  });
  it.each(['"a"', '"1", "2"', '-1', '"99999999999999999"', '', 'W/"7"', '"7', '7"'])('refuses %p with 400', (header) => {
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ code: 'REQUEST.INVALID_HEADER', kind: 'bad_request' }));
  });
  it('round-trips an ETag', () => expect(parseIfMatch(etagOf(12n))).toBe(12n));
});

describe('Idempotency-Key', () => {
  it('accepts tokens and quoted strings of 8 to 128 safe characters', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"retry:key.1_2"')).toBe('retry:key.1_2');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });
  it.each(['short', 'x'.repeat(129), 'with space', 'semi;colon', '"unterminated'])('refuses %p', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(expect.objectContaining({ code: 'REQUEST.INVALID_HEADER' }));
  });
  it('stores the key only as an actor-scoped digest, and the request only as an HMAC under a server secret', () => {
    const digest = idempotencyKeyDigest('user-a', 'my-key-123');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toBe(idempotencyKeyDigest('user-b', 'my-key-123'));
    const server = new RequestFingerprinter(RootKey.fromMaterial('command-idempotency', randomBytes(32)));
    const body = 'POST /patients\n{"name":{"given":"Ada"}}';
    expect(server.fingerprint('my-key-123', body)).toMatch(/^[0-9a-f]{64}$/);
    expect(server.fingerprint('my-key-123', body)).toBe(server.fingerprint('my-key-123', body));
    expect(server.fingerprint('my-key-123', body)).not.toBe(server.fingerprint('other-key-1', body));
    expect(server.fingerprint('my-key-123', body)).not.toBe(server.fingerprint('my-key-123', `${body} `));
    // Someone holding the table and guessing the client's key still cannot test a guessed body.
    expect(server.fingerprint('my-key-123', body)).not.toBe(createHmac('sha256', 'my-key-123').update(body).digest('hex'));
    const otherServer = new RequestFingerprinter(RootKey.fromMaterial('command-idempotency', randomBytes(32)));
    expect(otherServer.fingerprint('my-key-123', body)).not.toBe(server.fingerprint('my-key-123', body));
  });
});

describe('replayable answers', () => {
  it('keeps ids, numbers, booleans and status tokens only (no PHI can reach the idempotency table)', () => {
    expect(isReplayableBody({ caseId: '8e03978e-40d5-43e8-bc93-6894a57f9324', revision: 3, ok: true, status: 'plan_approved' })).toBe(true);
    expect(isReplayableBody({ name: 'Adaline Lovelace' })).toBe(false);
    expect(isReplayableBody({ nested: { a: 1 } })).toBe(false);
    expect(isReplayableBody([1])).toBe(false);
    expect(isReplayableBody(null)).toBe(false);
  });
});
