/**
 * Pure translations between the port and @eventstore/db-client: expected revisions, errors,
 * positions and recorded events. Kept free of I/O so they are unit-tested without a server.
 */
import {
  ANY,
  type AppendExpectedRevision,
  type CurrentRevision,
  ErrorType,
  NO_STREAM,
  type Position as EsdbPosition,
  type ReadPosition,
  START as ESDB_START,
  STREAM_EXISTS,
} from '@eventstore/db-client';
import { InvalidAppend, StreamNotFound, WrongExpectedVersion } from '../event-store.errors';
import type { ExpectedRevision, Position, RecordedEvent } from '../event-store.port';

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

// ExpectedVersion sentinels of the server, as they arrive in gRPC error metadata.
const SENTINELS: Record<string, ExpectedRevision> = { '-1': 'no_stream', '-2': 'any', '-4': 'stream_exists' };

/** The expected revision an ESDB error reports, back in the port's terms. */
export function fromEsdbExpectedRevision(expected: AppendExpectedRevision | bigint): ExpectedRevision {
  if (typeof expected === 'bigint') return expected >= 0n ? expected : (SENTINELS[String(expected)] ?? 'any');
  return expected;
}

/** ESDB reports a missing stream as 'no_stream' or, through error metadata, as -1. */
export function fromEsdbCurrentRevision(current: CurrentRevision | bigint | undefined): bigint | 'no_stream' {
  if (typeof current === 'bigint' && current >= 0n) return current;
  return 'no_stream';
}

interface EsdbErrorLike {
  type?: unknown;
  expectedVersion?: AppendExpectedRevision;
  actualVersion?: CurrentRevision;
  maxAppendSize?: number;
}

/**
 * Client errors the caller must handle become the port's typed errors; anything else (unavailable,
 * access denied, timeouts) is returned as is. `expected` is what we sent, which the server echoes.
 */
export function mapEsdbError(error: unknown, context: { streamId: string; expected?: ExpectedRevision }): unknown {
  if (error === null || typeof error !== 'object') return error;
  const e = error as EsdbErrorLike;
  switch (e.type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      return new WrongExpectedVersion(
        context.streamId,
        context.expected ?? fromEsdbExpectedRevision(e.expectedVersion ?? ANY),
        fromEsdbCurrentRevision(e.actualVersion),
      );
    case ErrorType.STREAM_NOT_FOUND:
    case ErrorType.STREAM_DELETED:
      return new StreamNotFound(context.streamId);
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new InvalidAppend(`batch is over the server's maximum append size (${e.maxAppendSize ?? 'unknown'} bytes)`);
    default:
      return error;
  }
}

/** Our START ({-1,-1}) is ESDB's START; any other position maps field for field. */
export function toEsdbReadPosition(position: Position | undefined): ReadPosition {
  if (!position || position.commit < 0n || position.prepare < 0n) return ESDB_START;
  return { commit: position.commit, prepare: position.prepare };
}

export function fromEsdbPosition(position: EsdbPosition | undefined): Position {
  // Stream reads carry positions from EventStoreDB 22.6 on; without one an event cannot be checkpointed.
  if (!position) throw new Error('EventStoreDB returned an event without a log position (server 22.6 or later required)');
  return { commit: position.commit, prepare: position.prepare };
}

/** System streams (`$`-prefixed: stats, metadata `$$x`, projections) and system event types are not ours. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** Reserved metadata key that carries the port's content type (ESDB only knows binary vs JSON). */
export const CONTENT_TYPE_KEY = '$contentType';

export function encodeMetadata(
  metadata: Readonly<Record<string, unknown>>,
  contentType: RecordedEvent['contentType'],
): Uint8Array {
  const stored = contentType === 'application/octet-stream' ? metadata : { ...metadata, [CONTENT_TYPE_KEY]: contentType };
  return new TextEncoder().encode(JSON.stringify(stored));
}

export function decodeMetadata(raw: unknown): { metadata: Record<string, unknown>; contentType: RecordedEvent['contentType'] } {
  let parsed: unknown = raw;
  if (raw instanceof Uint8Array) {
    try {
      parsed = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      parsed = {};
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { metadata: {}, contentType: 'application/octet-stream' };
  }
  const { [CONTENT_TYPE_KEY]: stored, ...metadata } = parsed as Record<string, unknown>;
  return {
    metadata,
    contentType: stored === 'application/json' ? 'application/json' : 'application/octet-stream',
  };
}

/** The fields of a client RecordedEvent this adapter reads. */
export interface EsdbRecordedEventLike {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata: unknown;
  isJson: boolean;
  position?: EsdbPosition;
}

export function toRecordedEvent(event: EsdbRecordedEventLike): RecordedEvent {
  const { metadata, contentType } = decodeMetadata(event.metadata);
  // Our events are binary; a JSON event written by another tool arrives parsed and is re-encoded.
  const data =
    event.data instanceof Uint8Array ? event.data : new TextEncoder().encode(JSON.stringify(event.data ?? null));
  return {
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id.toLowerCase(),
    type: event.type,
    data,
    metadata,
    contentType: event.isJson ? 'application/json' : contentType,
    position: fromEsdbPosition(event.position),
    createdAt: event.created,
  };
}
