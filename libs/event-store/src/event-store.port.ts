/**
 * The event store port. Semantics follow EventStoreDB so the PostgreSQL and EventStoreDB adapters
 * are interchangeable: expected revision, idempotent append by event id, stream reads in either
 * direction, `$all` from a position and a catch-up subscription.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

/** A position in `$all`. `commit` orders transactions, `prepare` orders events inside them. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export interface EventToAppend {
  /** UUID chosen by the writer; re-appending the same id is idempotent. */
  readonly eventId: string;
  readonly type: string;
  readonly data: Uint8Array;
  /** Plain JSON, never PHI: actor, correlation, causation, time, schema and key versions. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly contentType?: 'application/json' | 'application/octet-stream';
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: Uint8Array;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly contentType: 'application/json' | 'application/octet-stream';
  readonly position: Position;
  readonly createdAt: Date;
  /** Set by the encryption layer when the stream's keys were destroyed (crypto-shredding): data is empty. */
  readonly redacted?: true;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextExpectedRevision: bigint;
  readonly position: Position;
  /** How many events were written (0 for an idempotent re-append). */
  readonly appended: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint | 'start' | 'end';
  readonly maxCount?: number;
  /**
   * Answer from the cluster leader only (EventStoreDB `requiresLeader`): a follower may lag behind,
   * so reads that decide access use it. The PostgreSQL adapter always reads the primary.
   */
  readonly fromLeader?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  readonly fromPosition?: Position;
  readonly maxCount?: number;
}

export interface SubscribeOptions extends ReadAllOptions {
  readonly signal?: AbortSignal;
  /** Events fetched per round trip while catching up. */
  readonly batchSize?: number;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Throws StreamNotFound when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to `$all`: history after `fromPosition`, then live appends, in order, each once. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Creates an empty stream (EventStoreDB: stream metadata without events). */
  createStream(streamId: string): Promise<void>;
  /** Head of `$all` (the position of the last visible event) and counts, for operators. */
  stats(): Promise<{ streams: number; events: number; head: Position }>;
  close(): Promise<void>;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function positionToString(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

export function positionFromString(s: string): Position {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(s);
  if (!match) throw new Error('position must look like <commit>/<prepare>');
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
