import type { ExpectedRevision } from './event-store.port';

/** Base of every error the event store raises; `code` is stable for callers and the HTTP filter. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Current revision, or 'no_stream' when the stream has no events. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected version on ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

export class StreamNotFound extends EventStoreError {
  readonly code = 'EVENT_STORE.STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`Stream not found: ${streamId}`);
    this.name = 'StreamNotFound';
  }
}

export class InvalidStreamName extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_STREAM_NAME';
  constructor(reason: string) {
    super(`Invalid stream name: ${reason}`);
    this.name = 'InvalidStreamName';
  }
}

export class EventTooLarge extends EventStoreError {
  readonly code = 'EVENT_STORE.EVENT_TOO_LARGE';
  constructor(
    readonly eventId: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`Event ${eventId} is ${size} bytes, over the limit of ${limit}`);
    this.name = 'EventTooLarge';
  }
}

export class InvalidAppend extends EventStoreError {
  readonly code = 'EVENT_STORE.INVALID_APPEND';
  constructor(reason: string) {
    super(`Invalid append: ${reason}`);
    this.name = 'InvalidAppend';
  }
}
