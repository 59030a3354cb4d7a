import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { EncryptedEventStore } from '@ortholedger/crypto';
import { type EventStore, type EventToAppend, PostgresEventStore } from '@ortholedger/event-store';
import type { DataKeys } from '@ortholedger/crypto';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NAMES = ['María', 'José', 'Zoë', 'Jürgen', 'Søren', 'Łukasz', 'Ayşe', 'Nguyễn', 'Siobhán', 'Chloé', 'François', 'Björn'];
const FAMILIES = ['García', 'Müller', 'Dvořák', 'Çelik', "O'Brien", 'Lefèvre', 'Åkesson', 'Trần', 'Peña', 'Wójcik'];

/** A domain event as the command side writes it: JSON data, metadata with the subject and no PHI. */
export function domainEvent(type: string, subjectId: string, data: Record<string, unknown>, at = new Date().toISOString()): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data: Buffer.from(JSON.stringify({ ...data, occurredAt: at })),
    contentType: 'application/json',
    metadata: { actorId: randomUUID(), actorRole: 'orthodontist', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: at, subjectId, schemaVersion: 1 },
  };
}

export const registered = (patientId: string, clinicId: string, i: number) =>
  domainEvent('PatientRegistered', patientId, {
    patientId, clinicId, registeredBy: randomUUID(),
    name: { given: NAMES[i % NAMES.length], family: FAMILIES[(i * 7) % FAMILIES.length] },
    dateOfBirth: `${1960 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    contact: { email: `p${i}@mail.example`, phone: `+41 79 ${1000000 + i}` },
    chartNumber: `CH-${100000 + i}`,
  });

export interface WriterStats {
  committed: number;
  rolledBack: number;
  slow: number;
}

/**
 * Writers for concurrency suites: each owns its patients, appends registrations, care-team
 * changes, corrections and case events. About 10% of appends run in a transaction held open
 * then rolled back, another 10% are held open then committed (slow-before-fast).
 */
export async function runWriters(
  fx: { store: EventStore; keys: DataKeys },
  pool: pg.Pool,
  options: { writers: number; events: number; clinics?: string[]; signal?: AbortSignal },
): Promise<WriterStats> {
  const stats: WriterStats = { committed: 0, rolledBack: 0, slow: 0 };
  const clinics = options.clinics ?? [randomUUID(), randomUUID()];
  let n = 0;
  const writer = async (w: number) => {
    const patients: { id: string; team: string[] }[] = [];
    while (stats.committed < options.events && !options.signal?.aborted) {
      const i = n++;
      const roll = Math.random();
      const { stream, events, onCommit } = nextOperation(patients, clinics[i % clinics.length], i);
      const mode = roll < 0.1 ? 'rollback' : roll < 0.2 ? 'slow' : 'fast';
      if (mode === 'fast') {
        await fx.store.appendToStream(stream, events);
        stats.committed += events.length;
        onCommit();
        continue;
      }
      const client = await pool.connect();
      try {
        await client.query('begin');
        const inTx = new EncryptedEventStore({ inner: new PostgresEventStore({ pool: { query: client.query.bind(client) } as unknown as pg.Pool }), keys: fx.keys });
        await inTx.appendToStream(stream, events);
        await sleep(20 + Math.random() * 60 + w);
        if (mode === 'rollback') {
          await client.query('rollback');
          stats.rolledBack += events.length;
        } else {
          await client.query('commit');
          await client.query(`select pg_notify('ortholedger_events', null)`);
          stats.committed += events.length;
          stats.slow += events.length;
          onCommit();
        }
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
  return stats;
}

function nextOperation(patients: { id: string; team: string[] }[], clinicId: string, i: number): { stream: string; events: EventToAppend[]; onCommit: () => void } {
  const existing = patients.length > 0 && Math.random() < 0.7 ? patients[Math.floor(Math.random() * patients.length)] : undefined;
  if (!existing) {
    const id = randomUUID();
    const member = randomUUID();
    return {
      stream: `patient-${id}`,
      events: [registered(id, clinicId, i), domainEvent('CareTeamMemberAssigned', id, { patientId: id, userId: member, role: 'orthodontist' })],
      onCommit: () => patients.push({ id, team: [member] }),
    };
  }
  const id = existing.id;
  const r = Math.random();
  if (r < 0.3) {
    const member = randomUUID();
    return { stream: `patient-${id}`, events: [domainEvent('CareTeamMemberAssigned', id, { patientId: id, userId: member, role: 'dentist' })], onCommit: () => existing.team.push(member) };
  }
  if (r < 0.45 && existing.team.length > 1) {
    const member = existing.team[existing.team.length - 1];
    return { stream: `patient-${id}`, events: [domainEvent('CareTeamMemberRemoved', id, { patientId: id, userId: member })], onCommit: () => existing.team.pop() };
  }
  if (r < 0.6) {
    const corrections = { name: { given: NAMES[(i * 3) % NAMES.length], family: FAMILIES[(i * 5) % FAMILIES.length] }, chartNumber: `CH-${900000 + i}` };
    return { stream: `patient-${id}`, events: [domainEvent('PatientDemographicsCorrected', id, { patientId: id, corrections, reason: 'typo' })], onCommit: () => undefined };
  }
  const caseId = randomUUID();
  const base = { caseId, patientId: id };
  return {
    stream: `case-${caseId}`,
    events: [
      domainEvent('CaseOpened', id, { ...base, entryId: randomUUID(), clinicId, treatingOrthodontistId: existing.team[0], arches: 'both', chiefComplaint: 'crowding' }),
      domainEvent('ClinicalFindingsRecorded', id, { ...base, entryId: randomUUID(), findingId: randomUUID(), diagnosis: 'crowding', malocclusionClass: 'I', conditions: ['crowding'], measurements: {} }),
    ],
    onCommit: () => undefined,
  };
}

export async function totalEvents(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('select count(*) as n from eventstore.events');
  return Number(rows[0].n);
}

export type { EventStore };
