import { EVENT_SCHEMAS, isDomainEventType, type Message, type StreamAggregate } from '@ortholedger/domain';
import type { EventToAppend, RecordedEvent } from '@ortholedger/event-store';
import { type CommandEnvelope, eventIdFor } from './command-envelope';
import { RecordErased, UnreadableEvent } from './command-errors';

/**
 * Domain events are `{type, data}` plain JSON. On the way in they get metadata that is never PHI
 * (ids, role, time, versions); on the way out the type-string -> schema map (EVENT_SCHEMAS), not a
 * class registry, decides whether we can read them.
 */
export function encodeEvent(
  event: Message,
  at: { streamId: string; index: number; subjectId: string; envelope: CommandEnvelope },
): EventToAppend {
  const { envelope } = at;
  const { actor, now } = envelope.ctx;
  const schema = isDomainEventType(event.type) ? EVENT_SCHEMAS[event.type] : undefined;
  if (!schema) throw new Error(`the domain produced an unregistered event type ${event.type}`);
  return {
    eventId: eventIdFor(envelope, at.streamId, at.index),
    type: event.type,
    data: Buffer.from(JSON.stringify(event.data), 'utf8'),
    contentType: 'application/json',
    metadata: {
      actorId: actor.userId,
      actorRole: actor.role,
      ...(actor.clinicId ? { clinicId: actor.clinicId } : {}),
      correlationId: envelope.correlationId,
      causationId: envelope.commandId,
      ...(envelope.idempotencyKey ? { idempotencyKey: envelope.idempotencyKey } : {}),
      occurredAt: now,
      subjectId: at.subjectId,
      schemaVersion: schema.schemaVersion,
    },
  };
}

/** A recorded (already decrypted) event as a domain event of `aggregate`; refuses anything else. */
export function decodeEvent<E extends Message>(recorded: RecordedEvent, aggregate: StreamAggregate): E {
  if (recorded.redacted) throw new RecordErased();
  const where = (reason: string) => new UnreadableEvent(recorded.streamId, recorded.revision, reason);
  const type = recorded.type;
  if (!isDomainEventType(type) || EVENT_SCHEMAS[type].aggregate !== aggregate) throw where('unknown event type');
  // Older versions would be upcast here; none exist yet, and a newer one means newer code wrote it.
  if (recorded.metadata.schemaVersion !== EVENT_SCHEMAS[type].schemaVersion) throw where('unsupported schema version');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(recorded.data).toString('utf8'));
  } catch {
    throw where('data is not JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw where('data is not an object');
  return { type, data } as E;
}
