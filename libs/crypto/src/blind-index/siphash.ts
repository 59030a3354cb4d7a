import { CryptoInputError } from '../errors';

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function with a 128-bit key
 * and a 64-bit output, built for short inputs. Pure JavaScript on 32-bit halves, so a call costs
 * a fraction of a microsecond and no OpenSSL context: it is used where a lookup checks many short
 * inputs under one key (blind-index confirmation tags). Checked against libsodium's
 * crypto_shorthash and the reference vectors in siphash.spec.ts.
 */
export class SipHash24 {
  private k0h: number;
  private k0l: number;
  private k1h: number;
  private k1l: number;
  private closed = false;

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new CryptoInputError('SipHash key must be 16 bytes');
    this.k0l = le32(key, 0);
    this.k0h = le32(key, 4);
    this.k1l = le32(key, 8);
    this.k1h = le32(key, 12);
  }

  /** The 64-bit output as 8 little-endian bytes, written into `out` at `offset` (a new buffer by default). */
  hash(message: Uint8Array, out: Uint8Array = new Uint8Array(8), offset = 0): Uint8Array {
    if (this.closed) throw new CryptoInputError('SipHash key was closed');
    // v0..v3 as (high, low) pairs of unsigned 32-bit words.
    let v0h = this.k0h ^ 0x736f6d65, v0l = this.k0l ^ 0x70736575;
    let v1h = this.k1h ^ 0x646f7261, v1l = this.k1l ^ 0x6e646f6d;
    let v2h = this.k0h ^ 0x6c796765, v2l = this.k0l ^ 0x6e657261;
    let v3h = this.k1h ^ 0x74656462, v3l = this.k1l ^ 0x79746573;
    let mh = 0, ml = 0, t = 0, c = 0;

    const round = () => {
      // XOR leaves signed words; the carry tests below need the low words unsigned.
      v0l >>>= 0; v2l >>>= 0;
      // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
      t = (v0l + v1l) >>> 0; c = t < v0l ? 1 : 0; v0l = t; v0h = (v0h + v1h + c) >>> 0;
      t = (v1h << 13) | (v1l >>> 19); v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l; v1h = t ^ v0h;
      t = v0h; v0h = v0l; v0l = t;
      // v2 += v3; v3 = rotl(v3, 16) ^ v2
      t = (v2l + v3l) >>> 0; c = t < v2l ? 1 : 0; v2l = t; v2h = (v2h + v3h + c) >>> 0;
      t = (v3h << 16) | (v3l >>> 16); v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l; v3h = t ^ v2h;
      // v0 += v3; v3 = rotl(v3, 21) ^ v0
      t = (v0l + v3l) >>> 0; c = t < v0l ? 1 : 0; v0l = t; v0h = (v0h + v3h + c) >>> 0;
      t = (v3h << 21) | (v3l >>> 11); v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l; v3h = t ^ v0h;
      // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
      t = (v2l + v1l) >>> 0; c = t < v2l ? 1 : 0; v2l = t; v2h = (v2h + v1h + c) >>> 0;
      t = (v1h << 17) | (v1l >>> 15); v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l; v1h = t ^ v2h;
      t = v2h; v2h = v2l; v2l = t;
    };

    const length = message.length;
    const whole = length - (length % 8);
    for (let i = 0; i < whole; i += 8) {
      ml = le32(message, i);
      mh = le32(message, i + 4);
      v3h ^= mh; v3l ^= ml;
      round();
      round();
      v0h ^= mh; v0l ^= ml;
    }
    // Last block: the remaining bytes, and the message length (mod 256) in the top byte.
    ml = 0;
    mh = (length & 0xff) << 24;
    for (let i = whole, shift = 0; i < length; i++, shift += 8) {
      if (shift < 32) ml |= message[i] << shift;
      else mh |= message[i] << (shift - 32);
    }
    ml >>>= 0; mh >>>= 0;
    v3h ^= mh; v3l ^= ml;
    round();
    round();
    v0h ^= mh; v0l ^= ml;
    v2l ^= 0xff;
    round();
    round();
    round();
    round();
    const hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
    const lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
    out[offset] = lo & 0xff; out[offset + 1] = (lo >>> 8) & 0xff; out[offset + 2] = (lo >>> 16) & 0xff; out[offset + 3] = lo >>> 24;
    out[offset + 4] = hi & 0xff; out[offset + 5] = (hi >>> 8) & 0xff; out[offset + 6] = (hi >>> 16) & 0xff; out[offset + 7] = hi >>> 24;
    return out;
  }

  /** Forgets the key words; hashing afterwards throws. */
  close(): void {
    this.k0h = this.k0l = this.k1h = this.k1l = 0;
    this.closed = true;
  }
}

function le32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}
