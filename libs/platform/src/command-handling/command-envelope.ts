import type { CommandContext } from '@ortholedger/domain';
import { randomId, uuidFrom } from './deterministic-id';

/**
 * Everything about a command that is not its business data: who, when, which request, and the
 * client's retry identity. Built once per request (or by a back-office job) and carried by the
 * command through the CommandBus into the generic handler, which turns it into event metadata.
 */
export interface CommandEnvelope {
  readonly ctx: CommandContext;
  /** The request's correlation id (x-correlation-id), shared by everything one request causes. */
  readonly correlationId: string;
  /** This command's id: the causation id of the events it appends. */
  readonly commandId: string;
  /** Digest of the client's Idempotency-Key scoped to the actor; present when the client sent one. */
  readonly idempotencyKey?: string;
  /**
   * The keyed fingerprint of the request the key came with (method, path, body). Ids derive from
   * key and fingerprint together: a retry names the same records, while a key reused for another
   * request after its idempotency record was purged (24 h) names new ones and is executed, instead
   * of being answered with the old request's events.
   */
  readonly requestFingerprint?: string;
  /** From If-Match: the stream revision the client last saw. Absent: the current revision, with retries. */
  readonly expectedRevision?: bigint;
}

export interface EnvelopeInput {
  ctx: CommandContext;
  correlationId: string;
  idempotencyKey?: string;
  requestFingerprint?: string;
  expectedRevision?: bigint;
}

export function createEnvelope(input: EnvelopeInput): CommandEnvelope {
  const { idempotencyKey, requestFingerprint } = input;
  const commandId = idempotencyKey ? uuidFrom('command', input.ctx.actor.userId, idempotencyKey, ...(requestFingerprint ? [requestFingerprint] : [])) : randomId();
  return { ...input, commandId };
}

/**
 * A fresh id for something the command creates (patient, case, entry, finding...). With an
 * idempotency key the id is derived from it, so a retry names the same records and is recognised
 * in the stream as already applied; without one it is random.
 */
export function mintId(envelope: CommandEnvelope, purpose: string): string {
  return envelope.idempotencyKey ? uuidFrom('mint', envelope.commandId, purpose) : randomId();
}

/** Event ids follow the same rule: derived per (command, stream, position in the batch) or random. */
export function eventIdFor(envelope: CommandEnvelope, streamId: string, index: number): string {
  return envelope.idempotencyKey ? uuidFrom('event', envelope.commandId, streamId, String(index)) : randomId();
}
