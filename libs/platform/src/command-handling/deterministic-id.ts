import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562 "custom") derived from SHA-256 of its parts. Used where a retried
 * request must produce the very same ids (event ids, entry ids, a new patient's id) so that the
 * event store's append-by-event-id idempotency applies. Parts are ids and key digests, never PHI.
 */
export function uuidFrom(...parts: readonly string[]): string {
  const hash = createHash('sha256').update(parts.join('\u001f')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const randomId = (): string => randomUUID();
