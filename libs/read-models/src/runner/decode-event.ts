import type { RecordedEvent } from '@ortholedger/event-store';
import { EVENT_SCHEMAS, isDomainEventType, isUuid } from '@ortholedger/domain';
import { PoisonEvent, type ProjectedEvent } from './projection';

/**
 * Turns a decrypted domain event into what projectors read. Anything a projector could not trust
 * (unparsable JSON, an unknown schema version, ids that disagree with the stream) is a PoisonEvent.
 */
export function decodeEvent(event: RecordedEvent): ProjectedEvent {
  const subject = event.metadata.subjectId;
  const base = {
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    position: event.position,
    createdAt: event.createdAt,
    metadata: event.metadata,
    subjectId: isUuid(subject) ? subject : undefined,
  };
  if (event.redacted) {
    if (!base.subjectId) throw PoisonEvent.of(event, 'redacted event without a subject id');
    return { ...base, redacted: true, data: {} };
  }
  if (!isDomainEventType(event.type)) throw PoisonEvent.of(event, 'not a domain event type');
  const version = event.metadata.schemaVersion ?? 1;
  if (version !== EVENT_SCHEMAS[event.type].schemaVersion) throw PoisonEvent.of(event, `schema version ${String(version)} is not supported`);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength).toString('utf8'));
  } catch {
    throw PoisonEvent.of(event, 'data is not JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw PoisonEvent.of(event, 'data is not an object');
  const record = data as Record<string, any>;
  if (!isUuid(record.patientId)) throw PoisonEvent.of(event, 'patientId missing');
  if (base.subjectId !== undefined && base.subjectId !== record.patientId) throw PoisonEvent.of(event, 'patientId differs from the subject');
  const expectedStream = event.streamId.startsWith('case-') ? `case-${record.caseId}` : `patient-${record.patientId}`;
  if (expectedStream !== event.streamId) throw PoisonEvent.of(event, 'ids in the data differ from the stream');
  if (typeof record.occurredAt !== 'string' || Number.isNaN(Date.parse(record.occurredAt))) throw PoisonEvent.of(event, 'occurredAt missing');
  return { ...base, subjectId: record.patientId, redacted: false, data: record };
}

export const isPatientStream = (streamId: string) => streamId.startsWith('patient-');
export const isCaseStream = (streamId: string) => streamId.startsWith('case-');
