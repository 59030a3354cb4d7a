import { createCipheriv, createDecipheriv } from 'node:crypto';
import { canonicalBytes } from '../canonical-json';
import { randomNonce } from '../nonce-pool';

/**
 * Ciphertext format v1 of an event's `data` column:
 *
 *   offset  size  field
 *   0       2     magic "OL" (0x4f 0x4c)
 *   2       1     format version = 1
 *   3       1     algorithm = 1 (AES-256-GCM)
 *   4       4     DEK version, uint32 big-endian
 *   8       12    random nonce
 *   20      n     ciphertext of the plaintext envelope
 *   20+n    16    GCM tag
 *
 * AAD = the 8 header bytes || canonical JSON of {streamId, revision, eventId, type, schemaVersion,
 * keyVersion, metadata}: moving the bytes to another stream, revision or event id, or editing the
 * type or metadata, fails authentication.
 *
 * Plaintext envelope: [1 byte envelope version = 1][u16 BE length L][L bytes JSON
 * {s: streamId, e: eventId, p: subjectId|null, c: contentType}][data]. The identifiers are compared
 * with the plain columns after decryption as a second, independent check.
 */
export const MAGIC = 0x4f4c;
export const FORMAT_VERSION = 1;
export const ALG_AES_256_GCM = 1;
export const HEADER_BYTES = 8;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
const ENVELOPE_VERSION = 1;

export type ContentType = 'application/json' | 'application/octet-stream';

/** Everything the ciphertext is bound to. */
export interface EventIdentity {
  streamId: string;
  revision: bigint;
  eventId: string;
  type: string;
  metadata: Readonly<Record<string, unknown>>;
}

export interface EventPlaintext {
  data: Uint8Array;
  contentType: ContentType;
  subjectId: string | null;
}

export interface ParsedHeader {
  keyVersion: number;
}

export function schemaVersionOf(metadata: Readonly<Record<string, unknown>>): number {
  const v = metadata.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1;
}

function aad(header: Buffer, id: EventIdentity, keyVersion: number): Buffer {
  return Buffer.concat([
    header,
    canonicalBytes({
      streamId: id.streamId,
      revision: id.revision.toString(),
      eventId: id.eventId.toLowerCase(),
      type: id.type,
      schemaVersion: schemaVersionOf(id.metadata),
      keyVersion,
      metadata: id.metadata,
    }),
  ]);
}

function header(keyVersion: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt16BE(MAGIC, 0);
  h[2] = FORMAT_VERSION;
  h[3] = ALG_AES_256_GCM;
  h.writeUInt32BE(keyVersion, 4);
  return h;
}

/** Reads the header without trusting it: callers still authenticate everything with GCM. */
export function parseHeader(bytes: Uint8Array): ParsedHeader | undefined {
  if (bytes.byteLength < OVERHEAD_BYTES) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readUInt16BE(0) !== MAGIC || buf[2] !== FORMAT_VERSION || buf[3] !== ALG_AES_256_GCM) return undefined;
  const keyVersion = buf.readUInt32BE(4);
  return keyVersion >= 1 ? { keyVersion } : undefined;
}

export function sealEvent(key: Buffer, keyVersion: number, id: EventIdentity, plain: EventPlaintext): Uint8Array {
  const h = header(keyVersion);
  const nonce = randomNonce(NONCE_BYTES);
  const envelopeHeader = Buffer.from(
    JSON.stringify({ s: id.streamId, e: id.eventId.toLowerCase(), p: plain.subjectId, c: plain.contentType }),
    'utf8',
  );
  const prefix = Buffer.alloc(3);
  prefix[0] = ENVELOPE_VERSION;
  prefix.writeUInt16BE(envelopeHeader.length, 1);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(h, id, keyVersion));
  const body = Buffer.concat([
    cipher.update(prefix),
    cipher.update(envelopeHeader),
    cipher.update(plain.data),
    cipher.final(),
  ]);
  return Buffer.concat([h, nonce, body, cipher.getAuthTag()]);
}

/** Why an event did not open; never carries plaintext. */
export class OpenFailure extends Error {}

/**
 * Authenticates and decrypts, then checks the envelope's identifiers against the plain columns.
 * Throws OpenFailure with a reason; plaintext is released only when everything matched.
 */
export function openEvent(key: Buffer, keyVersion: number, id: EventIdentity, bytes: Uint8Array): EventPlaintext {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = buf.subarray(0, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES));
  decipher.setAAD(aad(Buffer.from(h), id, keyVersion));
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
  // GCM hands out the plaintext before final() checks the tag: on a failed check it is zeroed, not left to the collector.
  let head: Buffer | undefined;
  let plain: Buffer;
  try {
    head = decipher.update(buf.subarray(HEADER_BYTES + NONCE_BYTES, buf.length - TAG_BYTES));
    const tail = decipher.final();
    plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    head?.fill(0);
    throw new OpenFailure('authentication failed');
  }
  try {
    if (plain.length < 3 || plain[0] !== ENVELOPE_VERSION) throw new OpenFailure('unknown envelope version');
    const length = plain.readUInt16BE(1);
    if (3 + length > plain.length) throw new OpenFailure('truncated envelope');
    const env = JSON.parse(plain.subarray(3, 3 + length).toString('utf8')) as { s: string; e: string; p: string | null; c: ContentType };
    if (env.s !== id.streamId) throw new OpenFailure('stream id differs from the envelope');
    if (env.e !== id.eventId.toLowerCase()) throw new OpenFailure('event id differs from the envelope');
    const metaSubject = typeof id.metadata.subjectId === 'string' ? id.metadata.subjectId.toLowerCase() : null;
    if ((env.p ?? null) !== metaSubject) throw new OpenFailure('subject id differs from the envelope');
    if (env.c !== 'application/json' && env.c !== 'application/octet-stream') throw new OpenFailure('unknown content type');
    const data = new Uint8Array(plain.buffer, plain.byteOffset + 3 + length, plain.length - 3 - length);
    return { data, contentType: env.c, subjectId: env.p ?? null };
  } catch (error) {
    plain.fill(0);
    throw error instanceof OpenFailure ? error : new OpenFailure('malformed envelope');
  }
}
