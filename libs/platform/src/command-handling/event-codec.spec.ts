import type { RecordedEvent } from '@ortholedger/event-store';
import { ctxAs, ids, registered } from '../../../domain/src/testing';
import { createEnvelope } from './command-envelope';
import { decodeEvent, encodeEvent } from './event-codec';

const recorded = (over: Partial<RecordedEvent>): RecordedEvent => ({
  streamId: `patient-${ids.patient}`, revision: 0n, eventId: ids.case, type: 'PatientRegistered',
  data: Buffer.from(JSON.stringify(registered().data)), metadata: { schemaVersion: 1 }, contentType: 'application/json',
  position: { commit: 1n, prepare: 1n }, createdAt: new Date(), ...over,
});

describe('event codec', () => {
  it('writes metadata of ids, role, time and versions only, and reads its own events back', () => {
    const envelope = createEnvelope({ ctx: ctxAs('clinic_staff'), correlationId: 'corr-12345678', idempotencyKey: 'a'.repeat(64) });
    const event = registered();
    const out = encodeEvent(event, { streamId: `patient-${ids.patient}`, index: 0, subjectId: ids.patient, envelope });
    expect(Object.keys(out.metadata).sort()).toEqual(
      ['actorId', 'actorRole', 'causationId', 'clinicId', 'correlationId', 'idempotencyKey', 'occurredAt', 'schemaVersion', 'subjectId'],
    );
    expect(JSON.stringify(out.metadata)).not.toMatch(/Adaline|Lovelace|2011-05-17|CHART/);
    expect(decodeEvent(recorded({ data: out.data, metadata: out.metadata }), 'patient')).toEqual(event);
  });

  it.each([
    ['a redacted event', { redacted: true as const, data: new Uint8Array(0) }, 'RECORD.ERASED'],
    ['an unknown type', { type: 'PatientErased' }, 'RECORD.UNREADABLE_EVENT'],
    ['a type of the other aggregate', { type: 'CaseOpened' }, 'RECORD.UNREADABLE_EVENT'],
    ['a newer schema version', { metadata: { schemaVersion: 2 } }, 'RECORD.UNREADABLE_EVENT'],
    ['data that is not JSON', { data: Buffer.from('{oops') }, 'RECORD.UNREADABLE_EVENT'],
    ['data that is not an object', { data: Buffer.from('[1,2]') }, 'RECORD.UNREADABLE_EVENT'],
  ])('refuses %s', (_label, over, code) => {
    expect(() => decodeEvent(recorded(over), 'patient')).toThrow(expect.objectContaining({ code }));
  });
});
