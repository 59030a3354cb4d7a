import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventToAppend } from '@ortholedger/event-store';
import { APP_ROLE } from '@ortholedger/platform';
import type { BenchDatabase } from '../harness/bench.types';

/** A domain event as a command handler produces it: a JSON body, metadata without PHI. */
export interface SampleEvent {
  eventId: string;
  type: string;
  body: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function sampleEvent(i: number): SampleEvent {
  return {
    eventId: randomUUID(),
    type: 'ClinicalFindingsRecorded',
    body: {
      caseId: randomUUID(),
      findings: { crowding: 'moderate', overjetMm: 3.5, overbiteMm: 2, midlineShiftMm: 0.5, classification: 'Class II div 1' },
      // Stands in for the encrypted payload: same size, incompressible.
      note: randomBytes(192).toString('base64'),
      sequence: i,
    },
    metadata: {
      actorId: randomUUID(),
      actorRole: 'orthodontist',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}

export function toAppend(e: SampleEvent): EventToAppend {
  return {
    eventId: e.eventId,
    type: e.type,
    data: Buffer.from(JSON.stringify(e.body)),
    metadata: e.metadata,
    contentType: 'application/json',
  };
}

/** `batches` batches of `size` events, built before the clock starts. */
export function sampleBatches(batches: number, size: number): SampleEvent[][] {
  let i = 0;
  return Array.from({ length: batches }, () => Array.from({ length: size }, () => sampleEvent(i++)));
}

/** The baseline: a plain table with the event columns, no constraints beyond a serial key. */
export async function createPlainEventsTable(db: BenchDatabase): Promise<void> {
  const admin = await db.admin();
  try {
    await admin.query(`
      create schema if not exists bench;
      create table bench.plain_events (
        id bigint generated always as identity primary key,
        stream_id text not null, stream_revision bigint not null, event_id uuid not null,
        event_type text not null, content_type text not null, data bytea not null, metadata jsonb not null,
        created_at timestamptz not null default now());
      grant usage on schema bench to ${APP_ROLE};
      grant select, insert on bench.plain_events to ${APP_ROLE};`);
  } finally {
    await admin.end();
  }
}

/** The same rows the port writes, in one bare `INSERT ... SELECT FROM unnest` (autocommit). */
export async function insertPlain(pool: pg.Pool, streamId: string, firstRevision: bigint, events: readonly EventToAppend[]): Promise<void> {
  await pool.query(
    `insert into bench.plain_events (stream_id, stream_revision, event_id, event_type, content_type, data, metadata)
     select $1, r, id, t, ct, d, m
       from unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::bytea[], $7::jsonb[]) as x(r, id, t, ct, d, m)`,
    [
      streamId,
      events.map((_, i) => String(firstRevision + BigInt(i))),
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.contentType ?? 'application/octet-stream'),
      events.map((e) => Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)),
      events.map((e) => JSON.stringify(e.metadata)),
    ],
  );
}

/**
 * Per-worker streams of `appendsPerStream` appends each, so workers never contend for one stream
 * and every append carries the exact expected revision, as a command handler's would.
 */
export class WorkerStreams {
  private readonly state = new Map<number, { stream: string; revision: bigint; appends: number }>();

  constructor(
    private readonly prefix: string,
    private readonly appendsPerStream: number,
  ) {}

  /** The stream and the revision of its last event (-1 when new) for worker `w`'s next append. */
  next(w: number, size: number): { stream: string; last: bigint } {
    let s = this.state.get(w);
    if (!s || s.appends === this.appendsPerStream) {
      s = { stream: `${this.prefix}-${randomUUID()}`, revision: -1n, appends: 0 };
      this.state.set(w, s);
    }
    const last = s.revision;
    s.revision += BigInt(size);
    s.appends++;
    return { stream: s.stream, last };
  }
}
