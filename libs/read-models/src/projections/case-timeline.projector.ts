import { type CaseEvent, summarizeCaseEvent } from '@ortholedger/domain';
import type { ReadModelKeys } from '../keys/read-model-keys';
import type { CaseTimelineTable } from '../schema/read-model.db';
import { isCaseStream } from '../runner/decode-event';
import { bulkWrite, type Column, deleteByIds } from './bulk-write';
import { PoisonEvent, type BatchChanges, type ProjectedEvent, type Projection, type ProjectionContext } from '../runner/projection';

export const CASE_TIMELINE = 'case_timeline';

const COLUMNS: readonly Column[] = [
  ['event_id', 'uuid'], ['case_id', 'uuid'], ['patient_id', 'uuid'], ['revision', 'bigint'], ['event_type', 'text'], ['occurred_at', 'timestamptz'],
  ['recorded_at', 'timestamptz'], ['actor_id', 'text'], ['actor_role', 'text'], ['entry_id', 'uuid'], ['corrects_entry_id', 'uuid'], ['summary', 'bytea'],
];

const uuidOrNull = (v: unknown) => (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) ? v : null);

/**
 * One row per case event, for history pages without replaying streams: type, time, actor and
 * the link to a corrected entry in clear; the event's summary encrypted. Rows are only ever
 * inserted (no upsert), so an event applied twice would fail loudly on the primary key.
 */
export class CaseTimelineProjection implements Projection {
  readonly name = CASE_TIMELINE;
  readonly version = 1;
  readonly tables = [CASE_TIMELINE];
  readonly description = 'one row per case event: type, time, actor, correction link; encrypted summary';

  constructor(private readonly keys: ReadModelKeys) {}

  handles(event: { streamId: string }): boolean {
    return isCaseStream(event.streamId);
  }

  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext, changes: BatchChanges): Promise<void> {
    const cipher = this.keys.cipher(CASE_TIMELINE);
    const rows: CaseTimelineTable[] = [];
    for (const event of events) {
      if (event.redacted) continue;
      const d = event.data;
      let summary: unknown;
      try {
        summary = summarizeCaseEvent(event as unknown as CaseEvent);
      } catch {
        throw PoisonEvent.of(event, 'event data does not have the shape of its type');
      }
      const actor = event.metadata.actorId;
      rows.push({
        event_id: event.eventId,
        case_id: d.caseId,
        patient_id: d.patientId,
        revision: event.revision.toString(),
        event_type: event.type,
        occurred_at: d.occurredAt,
        recorded_at: event.createdAt,
        actor_id: typeof actor === 'string' ? actor.slice(0, 64) : null,
        actor_role: typeof event.metadata.actorRole === 'string' ? event.metadata.actorRole.slice(0, 40) : null,
        entry_id: uuidOrNull(d.entryId),
        corrects_entry_id: event.type === 'EntryCorrected' ? uuidOrNull(d.correctsEntryId) : null,
        summary: cipher.encryptJson(CASE_TIMELINE, 'summary', event.eventId, summary),
      } as CaseTimelineTable);
      changes.subjects.add(event.subjectId!);
    }
    await bulkWrite(ctx, CASE_TIMELINE, COLUMNS, rows as unknown as Record<string, unknown>[]);
    const redacted = [...new Set(events.filter((e) => e.redacted).map((e) => e.subjectId!))];
    await this.eraseSubjects(redacted, ctx);
  }

  async eraseSubjects(subjectIds: readonly string[], ctx: ProjectionContext): Promise<void> {
    await deleteByIds(ctx, CASE_TIMELINE, 'patient_id', subjectIds);
  }
}
