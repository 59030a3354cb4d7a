/** Errors of the command side. Codes are stable; messages name streams and revisions only, never PHI. */
abstract class CommandHandlingError extends Error {
  abstract readonly code: string;
  abstract readonly kind: 'precondition' | 'conflict' | 'gone' | 'internal' | 'bad_request' | 'validation';
}

/** If-Match named a revision the stream is not at (any more). */
export class RevisionMismatch extends CommandHandlingError {
  readonly code = 'CONCURRENCY.REVISION_MISMATCH';
  readonly kind = 'precondition';
  constructor(expected: bigint, actual: bigint | 'no_stream') {
    super(`the record is at revision ${actual === 'no_stream' ? 'none' : actual}, not ${expected}; reload it and retry`);
    this.name = 'RevisionMismatch';
  }
}

/** Another writer kept winning the race for the stream; the client may retry. */
export class ConcurrentModification extends CommandHandlingError {
  readonly code = 'CONCURRENCY.CONFLICT';
  readonly kind = 'conflict';
  constructor() {
    super('the record was changed concurrently; reload it and retry');
    this.name = 'ConcurrentModification';
  }
}

/** The stream's keys were destroyed (crypto-shredding): the record exists only as redacted events. */
export class RecordErased extends CommandHandlingError {
  readonly code = 'RECORD.ERASED';
  readonly kind = 'gone';
  constructor() {
    super('this record was erased');
    this.name = 'RecordErased';
  }
}

/** A stored event the domain does not know (type, aggregate or schema version): never guessed at. */
export class UnreadableEvent extends CommandHandlingError {
  readonly code = 'RECORD.UNREADABLE_EVENT';
  readonly kind = 'internal';
  constructor(streamId: string, revision: bigint, reason: string) {
    super(`event ${streamId}@${revision} cannot be read: ${reason}`);
    this.name = 'UnreadableEvent';
  }
}

/** Headers the command side reads (If-Match, Idempotency-Key) were malformed. */
export class InvalidCommandHeader extends CommandHandlingError {
  readonly code = 'REQUEST.INVALID_HEADER';
  readonly kind = 'bad_request';
  constructor(header: string, expectation: string) {
    super(`${header} ${expectation}`);
    this.name = 'InvalidCommandHeader';
  }
}

/** An Idempotency-Key already bound to a different request. */
export class IdempotencyKeyReused extends CommandHandlingError {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  readonly kind = 'validation';
  constructor() {
    super('this Idempotency-Key was used for a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A path id that is not a lower-case UUID: refused before any lookup. */
export class InvalidPathId extends CommandHandlingError {
  readonly code = 'REQUEST.INVALID_ID';
  readonly kind = 'bad_request';
  constructor(param: string) {
    super(`${param} must be a lower-case UUID`);
    this.name = 'InvalidPathId';
  }
}
