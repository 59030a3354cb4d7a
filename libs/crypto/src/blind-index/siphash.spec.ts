import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import { CryptoInputError } from '../errors';
import { SipHash24 } from './siphash';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('SipHash-2-4', () => {
  beforeAll(() => sodium.ready);

  it('gives the reference vectors (key 00..0f, message 00..n-1, output little-endian)', () => {
    const sip = new SipHash24(counting(16));
    // n = 15 is the worked example of the SipHash paper (Appendix A): 0xa129ca6149be45e5.
    const vectors: Record<number, string> = {
      0: '310e0edd47db6f72',
      1: 'fd67dc93c539f874',
      7: '37d1018bf50002ab',
      8: '6224939a79f5f593',
      15: 'e545be4961ca29a1',
      63: '724506eb4c328a95',
    };
    for (const [n, expected] of Object.entries(vectors)) expect(hex(sip.hash(counting(Number(n))))).toBe(expected);
  });

  it("agrees with libsodium's crypto_shorthash on random keys and messages, past 255 bytes (the length byte wraps) and inside larger buffers", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(7),
        fc.nat(7),
        (key, bytes, head, tail) => {
          const message = new Uint8Array(head + bytes.length + tail).fill(0xa5).subarray(head, head + bytes.length);
          message.set(bytes);
          expect(hex(new SipHash24(key).hash(message))).toBe(hex(sodium.crypto_shorthash(bytes, key)));
        },
      ),
      { numRuns: 3000 },
    );
    // Every length around the block size and the length byte's wrap, with bytes that test sign handling.
    const key = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);
    for (let n = 0; n <= 520; n++) {
      const message = Uint8Array.from({ length: n }, (_, i) => [0x00, 0xff, 0x80, 0x7f][i % 4]);
      expect(hex(new SipHash24(key).hash(message))).toBe(hex(sodium.crypto_shorthash(message, key)));
    }
  });

  it('writes into a caller buffer at an offset, and the key is all that varies the output', () => {
    const key = randomBytes(16);
    const out = new Uint8Array(12);
    new SipHash24(key).hash(Buffer.from('abc'), out, 2);
    expect(hex(out.subarray(2, 10))).toBe(hex(sodium.crypto_shorthash(Buffer.from('abc'), key)));
    expect([...out.subarray(0, 2), ...out.subarray(10)]).toEqual([0, 0, 0, 0]);
    const other = Buffer.from(key);
    other[15] ^= 1;
    expect(hex(new SipHash24(other).hash(Buffer.from('abc')))).not.toBe(hex(out.subarray(2, 10)));
  });

  it('refuses a key that is not 16 bytes, and hashing after close', () => {
    expect(() => new SipHash24(randomBytes(15))).toThrow(CryptoInputError);
    expect(() => new SipHash24(randomBytes(32))).toThrow(CryptoInputError);
    const sip = new SipHash24(randomBytes(16));
    sip.close();
    expect(() => sip.hash(Buffer.from('x'))).toThrow('closed');
  });
});
