import type { Kysely } from 'kysely';
import type { Position, RecordedEvent } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';

/** A decrypted event as projectors see it: JSON data parsed once, redacted events flagged. */
export interface ProjectedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly position: Position;
  readonly createdAt: Date;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The patient the event concerns (metadata.subjectId), when there is one. */
  readonly subjectId?: string;
  /** Crypto-shredded: data is gone, the subject's rows must go too. */
  readonly redacted: boolean;
  readonly data: Record<string, any>;
}

/** What a batch changed, for listeners (the search index) and erasure checks. */
export interface BatchChanges {
  /** Patients whose rows were written or deleted. */
  readonly subjects: Set<string>;
}

export interface ProjectionContext {
  /** The transaction, bound to the schema of the target (live or shadow) for Kysely's builders. */
  readonly db: Kysely<ReadModelDatabase>;
  /** That schema, for raw SQL (the schema plugin does not rewrite `sql` templates). */
  readonly schema: string;
}

/**
 * A read model built from `$all`. `apply` gets a whole batch inside the runner's transaction, so
 * a projector loads the rows it touches once, folds the events in memory and writes once.
 * It must be a pure function of the events (no clock, no randomness beyond ciphertext nonces):
 * rebuilds and crash restarts are compared by digest.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projector's output changes; a live model of an older version needs a rebuild. */
  readonly version: number;
  readonly tables: readonly string[];
  readonly description: string;
  /** Decided on the raw (still encrypted) event: stream category and type only. */
  handles(event: Pick<RecordedEvent, 'streamId' | 'type'>): boolean;
  apply(events: readonly ProjectedEvent[], ctx: ProjectionContext, changes: BatchChanges): Promise<void>;
  /** Deletes every row of these patients (crypto-shredded subjects disappear from read models). */
  eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void>;
}

/**
 * An event a projector cannot apply. The projection stops here with this error: never a silent
 * skip. The message names identifiers and the event type only, never data.
 */
export class PoisonEvent extends Error {
  readonly code = 'PROJECTION.POISON_EVENT';
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly eventType: string,
    readonly position: Position,
    readonly reason: string,
  ) {
    super(`cannot project ${eventType} at ${streamId}@${revision}: ${reason}`);
    this.name = 'PoisonEvent';
  }

  static of(event: Pick<ProjectedEvent, 'streamId' | 'revision' | 'type' | 'position'>, reason: string): PoisonEvent {
    return new PoisonEvent(event.streamId, event.revision, event.type, event.position, reason);
  }
}
