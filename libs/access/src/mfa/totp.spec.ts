import { base32Decode, base32Encode, hotp, matchTotpStep, otpauthUri, totpAt } from './totp';

// RFC 6238 appendix B, SHA-1 seed; the RFC lists 8 digits, authenticator apps show the last 6.
const SEED = Buffer.from('12345678901234567890');
const VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('at T=%i the code is the RFC value', (seconds, eight) => {
    expect(totpAt(SEED, new Date(seconds * 1000))).toBe(eight.slice(2));
  });

  it('RFC 4226 HOTP vectors', () => {
    expect([0, 1, 2, 9].map((c) => hotp(SEED, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('accepts the previous, current and next step only', () => {
    const now = new Date(1_700_000_000_000);
    const at = (offset: number) => totpAt(SEED, new Date(now.getTime() + offset * 30_000));
    const step = Math.floor(now.getTime() / 30_000);
    expect(matchTotpStep(SEED, at(-1), now)).toBe(step - 1);
    expect(matchTotpStep(SEED, at(0), now)).toBe(step);
    expect(matchTotpStep(SEED, at(1), now)).toBe(step + 1);
    expect(matchTotpStep(SEED, at(-2), now)).toBeUndefined();
    expect(matchTotpStep(SEED, at(2), now)).toBeUndefined();
    expect(matchTotpStep(SEED, '12345', now)).toBeUndefined();
    expect(matchTotpStep(SEED, 'abcdef', now)).toBeUndefined();
  });

  it('base32 round-trips and the otpauth URI carries the seed', () => {
    expect(base32Encode(SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(base32Encode(SEED))).toEqual(SEED);
    const uri = new URL(otpauthUri(SEED, 'OrthoLedger Clinic', 'user-1234'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(base32Encode(SEED));
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
