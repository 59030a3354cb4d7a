import {
  BACKWARDS,
  binaryEvent,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  type ReadPosition,
  type ResolvedEvent,
  START as ESDB_START,
} from '@eventstore/db-client';
import { assertAppendable, assertExpectedRevision, assertStreamName, DEFAULT_MAX_EVENT_BYTES } from '../append-validation';
import { WrongExpectedVersion } from '../event-store.errors';
import {
  type AppendResult,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  START,
  type SubscribeOptions,
} from '../event-store.port';
import { iterateUntilAborted } from './abortable-iteration';
import {
  encodeMetadata,
  type EsdbRecordedEventLike,
  fromEsdbCurrentRevision,
  fromEsdbPosition,
  isSystemEvent,
  mapEsdbError,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`; ignored when `client` is given. */
  connectionString?: string;
  client?: EventStoreDBClient;
  maxEventBytes?: number;
  /** stats() scans `$all` backwards; beyond this many records its counts are lower bounds. */
  statsScanLimit?: number;
}

/**
 * The EventStore port over EventStoreDB/KurrentDB (gRPC, @eventstore/db-client v6, server 22.6+).
 *
 * Where the server's answer is not precise enough for the port, the adapter spends a read:
 * - `appended` and `position`: an append response says neither whether the write was idempotent nor
 *   where its last event sits in `$all`, so the head of `$all` is read before the write and the batch
 *   is read back after it (three round trips per append).
 * - `stream_exists`: the server accepts it for a stream that only has metadata (see createStream);
 *   the port refuses it until the stream has an event, so the current revision is checked first.
 * Known difference: event ids are unique per stream in EventStoreDB, not across the store, so
 * re-using an id in another stream is written rather than refused.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly maxEventBytes: number;
  private readonly statsScanLimit: number;

  constructor(options: EventStoreDbEventStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else if (options.connectionString) {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    } else {
      throw new Error('EventStoreDbEventStore needs a client or a connection string');
    }
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.statsScanLimit = options.statsScanLimit ?? 1_000_000;
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertStreamName(streamId);
    assertExpectedRevision(expected);
    assertAppendable(events, this.maxEventBytes);

    const [headBefore, current] = await Promise.all([
      this.lastPosition(),
      expected === 'stream_exists' ? this.currentRevision(streamId) : undefined,
    ]);
    if (current === 'no_stream') throw new WrongExpectedVersion(streamId, expected, current);

    const ids = events.map((e) => e.eventId.toLowerCase());
    let next: bigint;
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e, i) =>
          binaryEvent({
            id: ids[i],
            type: e.type,
            data: e.data,
            metadata: encodeMetadata(e.metadata, e.contentType ?? 'application/octet-stream'),
          }),
        ),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
      // Only with throwOnAppendFailure=false in the connection string.
      if (!result.success) throw new WrongExpectedVersion(streamId, expected, await this.currentRevision(streamId));
      next = result.nextExpectedRevision;
    } catch (error) {
      throw mapEsdbError(error, { streamId, expected });
    }

    const written = await this.readStream(streamId, { fromRevision: next, direction: 'backwards', maxCount: ids.length });
    const stored = written.map((e) => e.eventId).reverse();
    if (stored.length !== ids.length || stored.some((id, i) => id !== ids[i])) {
      throw new Error(`EventStoreDB confirmed an append to ${streamId} whose events cannot be read back`);
    }
    const position = written[0].position;
    return {
      nextExpectedRevision: next,
      position,
      // New events land after everything committed before the request; idempotent ones do not.
      appended: comparePositions(position, headBefore) > 0 ? ids.length : 0,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(streamId);
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('maxCount must be a non-negative integer');
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const events: RecordedEvent[] = [];
    try {
      const reading = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: from === 'start' ? ESDB_START : from === 'end' ? END : from,
        // maxCount 0 still asks for one event so a missing stream is reported as missing.
        maxCount: Math.max(limit, 1),
        ...(options.fromLeader ? { requiresLeader: true } : {}),
      });
      for await (const resolved of reading) {
        if (resolved.event && events.length < limit) events.push(toRecordedEvent(resolved.event as EsdbRecordedEventLike));
      }
    } catch (error) {
      throw mapEsdbError(error, { streamId });
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(options.maxCount ?? 1000, 100_000);
    let cursor: Position = options.fromPosition ?? START;
    const events: RecordedEvent[] = [];
    // ESDB reads $all inclusively and interleaves system events: page until `limit` of ours are found.
    const pageSize = Math.min(Math.max(limit + 1, 64), 4096);
    while (events.length < limit) {
      let seen = 0;
      for await (const resolved of this.readAllPage(toEsdbReadPosition(cursor), pageSize)) {
        seen++;
        const event = resolved.event as EsdbRecordedEventLike | undefined;
        if (!event) continue;
        const position = fromEsdbPosition(event.position);
        if (comparePositions(position, cursor) <= 0) continue; // exclusive start
        cursor = position;
        if (isSystemEvent(event)) continue;
        events.push(toRecordedEvent(event));
        if (events.length === limit) break;
      }
      if (seen < pageSize) break;
    }
    return events;
  }

  private async *readAllPage(from: ReadPosition, maxCount: number): AsyncGenerator<ResolvedEvent> {
    try {
      yield* this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount });
    } catch (error) {
      throw mapEsdbError(error, { streamId: '$all' });
    }
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const from = options.fromPosition ?? START;
    const subscription = this.client.subscribeToAll({
      fromPosition: toEsdbReadPosition(from),
      filter: excludeSystemEvents(),
    });
    try {
      for await (const resolved of iterateUntilAborted(subscription, options.signal, () => subscription.unsubscribe())) {
        const event = resolved.event as EsdbRecordedEventLike | undefined;
        if (!event || isSystemEvent(event)) continue;
        const recorded = toRecordedEvent(event);
        if (comparePositions(recorded.position, from) <= 0) continue; // the start is exclusive, as in the port
        yield recorded;
      }
    } catch (error) {
      throw mapEsdbError(error, { streamId: '$all' });
    } finally {
      subscription.destroy();
    }
  }

  /** An empty stream is a stream with metadata and no events, as in EventStoreDB itself. */
  async createStream(streamId: string): Promise<void> {
    assertStreamName(streamId);
    try {
      await this.client.setStreamMetadata(streamId, {});
    } catch (error) {
      throw mapEsdbError(error, { streamId });
    }
  }

  /**
   * Approximate by design: ESDB keeps no counters we can query, so this scans `$all` backwards
   * (at most `statsScanLimit` records; beyond that the counts are lower bounds). `streams` counts
   * streams with at least one event; streams made by createStream alone are not counted.
   */
  async stats(): Promise<{ streams: number; events: number; head: Position }> {
    const streams = new Set<string>();
    let events = 0;
    let head: Position = START;
    try {
      for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: this.statsScanLimit })) {
        const event = resolved.event as EsdbRecordedEventLike | undefined;
        if (!event || isSystemEvent(event)) continue;
        if (events === 0) head = fromEsdbPosition(event.position);
        events++;
        streams.add(event.streamId);
      }
    } catch (error) {
      throw mapEsdbError(error, { streamId: '$all' });
    }
    return { streams: streams.size, events, head };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.dispose();
  }

  /** Position of the last record in `$all`, system events included (START on an empty log). */
  private async lastPosition(): Promise<Position> {
    try {
      for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return fromEsdbPosition(resolved.event.position);
      }
    } catch (error) {
      throw mapEsdbError(error, { streamId: '$all' });
    }
    return START;
  }

  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return fromEsdbCurrentRevision(resolved.event.revision);
      }
    } catch (error) {
      const mapped = mapEsdbError(error, { streamId });
      if ((mapped as { code?: string }).code === 'EVENT_STORE.STREAM_NOT_FOUND') return 'no_stream';
      throw mapped;
    }
    return 'no_stream';
  }
}
