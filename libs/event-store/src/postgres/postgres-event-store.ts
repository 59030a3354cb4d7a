import type pg from 'pg';
import {
  assertAppendable,
  assertExpectedRevision,
  assertStreamName,
  DEFAULT_MAX_EVENT_BYTES,
} from '../append-validation';
import { StreamNotFound, WrongExpectedVersion } from '../event-store.errors';
import {
  type AppendResult,
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
import { CoalescedNotifier } from './coalesced-notifier';
import { LiveWakeups } from './live-wakeups';

export const EVENTS_CHANNEL = 'ortholedger_events';

interface EventRow {
  global_position: string;
  transaction_text: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  content_type: string;
  data: Buffer;
  metadata: Record<string, unknown>;
  created_at: Date;
}

// The text alias must not shadow the column: ORDER BY transaction_id would then sort as text.
const COLUMNS = `global_position, transaction_id::text as transaction_text, stream_id, stream_revision,
  event_id, event_type, content_type, data, metadata, created_at`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    eventId: row.event_id,
    type: row.event_type,
    data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    metadata: row.metadata,
    contentType: row.content_type as RecordedEvent['contentType'],
    position: { commit: BigInt(row.transaction_text), prepare: BigInt(row.global_position) },
    createdAt: row.created_at,
  };
}

export interface PostgresEventStoreOptions {
  /** Pool of the application role. */
  pool: pg.Pool;
  maxEventBytes?: number;
  /** Backstop poll for subscribers, for wake-ups lost to rolled-back transactions. */
  pollIntervalMs?: number;
}

export class PostgresEventStore implements EventStore {
  private readonly maxEventBytes: number;
  private readonly wakeups: LiveWakeups;
  private readonly notifier: CoalescedNotifier;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.wakeups = new LiveWakeups(options.pool, EVENTS_CHANNEL, options.pollIntervalMs ?? 500);
    this.notifier = new CoalescedNotifier(options.pool, EVENTS_CHANNEL);
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

    const ids = events.map((e) => e.eventId.toLowerCase());
    const { rows } = await this.options.pool.query<AppendRow>(
      'select * from eventstore.append_events($1, $2, $3::uuid[], $4::text[], $5::text[], $6::bytea[], $7::jsonb[])',
      [
        streamId,
        typeof expected === 'bigint' ? expected.toString() : expected,
        ids,
        events.map((e) => e.type),
        events.map((e) => e.contentType ?? 'application/octet-stream'),
        events.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    const row = rows[0];
    const current = BigInt(row.current_revision);
    const actual: bigint | 'no_stream' = current < 0n ? 'no_stream' : current;
    switch (row.outcome) {
      case 'appended':
        this.notifier.poke();
        return {
          nextExpectedRevision: current,
          position: { commit: BigInt(row.commit_id!), prepare: BigInt(row.last_position!) },
          appended: events.length,
        };
      case 'wrong_expected':
        throw new WrongExpectedVersion(streamId, expected, actual);
      case 'existing':
        return idempotentResult(streamId, ids, row.existing!, expected, actual);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(streamId);
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('maxCount must be a non-negative integer');
    const from = options.fromRevision ?? (backwards ? 'end' : 'start');
    const bound = from === 'start' ? '-1' : from === 'end' ? '9223372036854775807' : String(from);
    const rows = await this.options.pool.query<EventRow>(
      `select ${COLUMNS} from eventstore.events
        where stream_id = $1 and stream_revision ${backwards ? '<=' : '>='} $2
        order by events.stream_revision ${backwards ? 'desc' : 'asc'} limit $3`,
      [streamId, bound, Math.min(limit, 2 ** 31 - 1)],
    );
    if (rows.rowCount === 0) {
      const exists = await this.options.pool.query<{ revision: string }>(
        'select revision from eventstore.streams where stream_id = $1',
        [streamId],
      );
      if (exists.rowCount === 0 || BigInt(exists.rows[0].revision) < 0n) throw new StreamNotFound(streamId);
    }
    return rows.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? START;
    const limit = Math.min(options.maxCount ?? 1000, 100_000);
    // Only transactions older than every running one are visible: a slow writer is waited for, not skipped.
    const rows = await this.options.pool.query<EventRow>(
      `select ${COLUMNS} from eventstore.events
        where events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          and (events.transaction_id, events.global_position) > ($1::text::xid8, $2::bigint)
        order by events.transaction_id, events.global_position
        limit $3`,
      [from.commit < 0n ? '0' : String(from.commit), String(from.prepare), limit],
    );
    return rows.rows.map(toRecorded);
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let position: Position = options.fromPosition ?? START;
    const batchSize = options.batchSize ?? 500;
    const waiter = this.wakeups.register();
    try {
      while (!options.signal?.aborted) {
        const armed = waiter.arm(); // armed before reading so a wake-up during the read is not lost
        const batch = await this.readAll({ fromPosition: position, maxCount: batchSize });
        for (const event of batch) {
          if (options.signal?.aborted) return;
          position = event.position;
          yield event;
        }
        if (batch.length < batchSize) await armed.wait(options.signal);
      }
    } finally {
      waiter.unregister();
    }
  }

  async createStream(streamId: string): Promise<void> {
    assertStreamName(streamId);
    await this.options.pool.query('insert into eventstore.streams (stream_id) values ($1) on conflict do nothing', [
      streamId,
    ]);
  }

  async stats(): Promise<{ streams: number; events: number; head: Position }> {
    const result = await this.options.pool.query<{ streams: string; events: string; commit: string | null; prepare: string | null }>(
      `select (select count(*) from eventstore.streams where revision >= 0) as streams,
              (select count(*) from eventstore.events) as events,
              h.transaction_id::text as commit, h.global_position as prepare
         from (select 1) one
         left join lateral (select transaction_id, global_position from eventstore.events
                             order by transaction_id desc, global_position desc limit 1) h on true`,
    );
    const row = result.rows[0];
    return {
      streams: Number(row.streams),
      events: Number(row.events),
      head: row.commit === null ? START : { commit: BigInt(row.commit), prepare: BigInt(row.prepare!) },
    };
  }

  async close(): Promise<void> {
    await this.notifier.drain();
    await this.wakeups.close();
  }
}

interface AppendRow {
  outcome: 'appended' | 'wrong_expected' | 'existing';
  current_revision: string;
  commit_id: string | null;
  last_position: string | null;
  existing: { id: string; stream: string; revision: number; commit: string; position: number }[] | null;
}

/** Same ids again: fine only if they are exactly this batch, in this stream, where the writer expected them. */
function idempotentResult(
  streamId: string,
  ids: string[],
  existing: NonNullable<AppendRow['existing']>,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): AppendResult {
  const byId = new Map(existing.map((r) => [r.id, r]));
  const found = ids.map((id) => byId.get(id));
  const complete = found.every((r) => r?.stream === streamId);
  const revisions = found.map((r) => BigInt(r?.revision ?? -1));
  const contiguous = revisions.every((r, i) => i === 0 || r === revisions[i - 1] + 1n);
  const firstExpected = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : revisions[0];
  if (!complete || !contiguous || revisions[0] !== firstExpected) throw new WrongExpectedVersion(streamId, expected, actual);
  const last = existing.reduce((a, b) => (BigInt(a.position) > BigInt(b.position) ? a : b));
  return {
    nextExpectedRevision: revisions[revisions.length - 1],
    position: { commit: BigInt(last.commit), prepare: BigInt(last.position) },
    appended: 0,
  };
}
