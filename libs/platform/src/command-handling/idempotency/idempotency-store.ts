import { createHash, createHmac } from 'node:crypto';
import type pg from 'pg';
import type { RootKey } from '@ortholedger/crypto';
import { IdempotencyKeyReused, InvalidCommandHeader } from '../command-errors';

export type IdempotencyBegin =
  | { readonly kind: 'execute' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: Record<string, unknown> };

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** The Idempotency-Key header as sent (a bare token or a quoted sf-string), or undefined when absent. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header.join(',') : header;
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!KEY.test(key)) throw new InvalidCommandHeader('Idempotency-Key', 'must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
  return key;
}

/** The key as stored and written into event metadata: scoped to the actor, not reversible to what the client sent. */
export const idempotencyKeyDigest = (actorId: string, key: string): string =>
  createHash('sha256').update(`${actorId}\u001f${key}`).digest('hex');

/** The wrapped root key (keyvault.index_root_keys) the request fingerprints derive from. */
export const IDEMPOTENCY_ROOT = 'command-idempotency';

/**
 * Binds a key to one request (method, path, body) without storing the body or anything an attacker
 * holding the table could test guesses against: an HMAC under a server secret derived from a
 * wrapped root key, over the client's key and the request. (Keyed by the client's key alone, a
 * guessable key would let a database reader confirm guessed bodies, e.g. a registration's name.)
 */
export class RequestFingerprinter {
  private readonly secret: Buffer;

  constructor(root: RootKey) {
    this.secret = root.derive('ortholedger/command-idempotency/v1', { use: 'request-fingerprint' });
  }

  fingerprint(key: string, request: string): string {
    // The key's alphabet has no U+001F, so key and request cannot be shifted into each other.
    return createHmac('sha256', this.secret).update(key, 'utf8').update('\u001f').update(request, 'utf8').digest('hex');
  }
}

/**
 * A key is bound to its first request's fingerprint; a completed request's response is replayed.
 * A request still in flight (or whose process died) is simply executed again: its ids and event
 * ids derive from the key and the request's fingerprint, so the stream recognises the earlier
 * append and nothing is written twice.
 */
export class IdempotencyStore {
  constructor(private readonly pool: pg.Pool) {}

  async begin(actorId: string, keyDigest: string, fingerprint: string, route: string): Promise<IdempotencyBegin> {
    const inserted = await this.pool.query(
      `insert into command_idempotency.requests (actor_id, key_digest, fingerprint, route) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [actorId, keyDigest, fingerprint, route.slice(0, 200)],
    );
    if (inserted.rowCount === 1) return { kind: 'execute' };
    const { rows } = await this.pool.query<{ fingerprint: string; response_status: number | null; response_body: Record<string, unknown> | null }>(
      'select fingerprint, response_status, response_body from command_idempotency.requests where actor_id = $1 and key_digest = $2',
      [actorId, keyDigest],
    );
    const row = rows[0];
    if (!row) return { kind: 'execute' };
    if (row.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
    if (row.response_status !== null && row.response_body !== null) return { kind: 'replay', status: row.response_status, body: row.response_body };
    return { kind: 'execute' };
  }

  async complete(actorId: string, keyDigest: string, status: number, body: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `update command_idempotency.requests set response_status = $3, response_body = $4, completed_at = now()
        where actor_id = $1 and key_digest = $2 and response_status is null`,
      [actorId, keyDigest, status, JSON.stringify(body)],
    );
  }
}

/**
 * Retention: deletes idempotency records created before `before`. A retry older than that executes
 * again; its ids derive from the key and the request's fingerprint, so the stream still recognises
 * the earlier append of the same request, while the same key with another request is a new command.
 * Runs as the schema owner: the app role cannot delete.
 */
export async function purgeIdempotencyRecords(ownerPool: pg.Pool, before: Date): Promise<number> {
  const { rowCount } = await ownerPool.query('delete from command_idempotency.requests where created_at < $1', [before]);
  return rowCount ?? 0;
}
