import { randomBytes } from 'node:crypto';

const POOL_NONCES = 1024;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A fresh random nonce of `size` bytes, cut from a pool filled by the CSPRNG: one `randomBytes`
 * call per ~1,000 nonces instead of one each (each call costs a few microseconds here, more than
 * the AES-GCM work on a small field). Every byte is handed out once and the slice is copied, so no
 * two callers ever share a nonce. Nonces are public; the pool holds nothing secret.
 */
export function randomNonce(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomBytes(Math.max(size, 16) * POOL_NONCES);
    offset = 0;
  }
  const nonce = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return nonce;
}
