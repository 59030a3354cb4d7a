import { EventTooLarge, InvalidAppend, InvalidStreamName } from './event-store.errors';
import type { EventToAppend, ExpectedRevision } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// Category, a dash, then an id: `patient-<uuid>`. No `$` (system streams), no whitespace or control characters.
const STREAM = /^[a-z][a-z0-9_]{0,62}-[A-Za-z0-9][A-Za-z0-9_.:-]{0,190}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function assertStreamName(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new InvalidStreamName('empty');
  if (!STREAM.test(streamId)) throw new InvalidStreamName('expected <category>-<id> with [a-z0-9_] category');
}

export function assertExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return;
  if (typeof expected === 'bigint' && expected >= 0n) return;
  throw new InvalidAppend('expectedRevision must be no_stream, stream_exists, any or a bigint >= 0');
}

/** Rejects the whole batch before anything is written. */
export function assertAppendable(events: readonly EventToAppend[], maxEventBytes: number): void {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppend('empty batch');
  if (events.length > MAX_EVENTS_PER_APPEND) throw new InvalidAppend(`more than ${MAX_EVENTS_PER_APPEND} events`);
  const seen = new Set<string>();
  for (const event of events) {
    if (!isUuid(event.eventId)) throw new InvalidAppend('eventId must be a UUID');
    const id = event.eventId.toLowerCase();
    if (seen.has(id)) throw new InvalidAppend('duplicate eventId in batch');
    seen.add(id);
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) throw new InvalidAppend('invalid event type');
    if (!(event.data instanceof Uint8Array)) throw new InvalidAppend('data must be bytes');
    if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) {
      throw new InvalidAppend('metadata must be an object');
    }
    const size = event.data.byteLength + Buffer.byteLength(JSON.stringify(event.metadata));
    if (size > maxEventBytes) throw new EventTooLarge(id, size, maxEventBytes);
  }
}
