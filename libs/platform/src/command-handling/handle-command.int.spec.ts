import { randomUUID } from 'node:crypto';
import { caseStream, patientStream, patientDecider, treatmentCaseDecider, type CaseCommand, type CaseEvent, type CaseState } from '@ortholedger/domain';
import { WrongExpectedVersion, type EventStore } from '@ortholedger/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { cryptoFixture, type CryptoFixture } from '../../../crypto/src/testing/crypto-fixture';
import { caseCommand, ctxAs, history, ids, planId, registerCommand } from '../../../domain/src/testing';
import { createEnvelope, type CommandEnvelope } from './command-envelope';
import { handleCommand, type CommandTarget } from './handle-command';
import { encodeEvent } from './event-codec';

describe('the generic command handler (EncryptedEventStore over Postgres)', () => {
  let db: TestDatabase;
  let fx: CryptoFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = cryptoFixture(db);
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  const envelope = (role: Parameters<typeof ctxAs>[0] = 'orthodontist', extra: Partial<CommandEnvelope> = {}): CommandEnvelope => ({
    ...createEnvelope({ ctx: ctxAs(role), correlationId: randomUUID() }),
    ...extra,
  });
  const caseTarget = (caseId: string, store: EventStore = fx.store): CommandTarget<CaseCommand, CaseEvent, CaseState> => ({
    store, decider: treatmentCaseDecider, aggregate: 'treatment_case', streamId: caseStream(caseId), subjectId: ids.patient,
  });
  /** Seeds a case stream with fixture history (fixtures use ids.case; we copy them under a fresh case id). */
  async function seededCase(events: CaseEvent[]): Promise<string> {
    const caseId = randomUUID();
    const streamId = caseStream(caseId);
    const seeded = events.map((e) => ({ ...e, data: { ...e.data, caseId } }) as CaseEvent);
    await fx.store.appendToStream(streamId, seeded.map((e, index) => encodeEvent(e, { streamId, index, subjectId: ids.patient, envelope: envelope() })), { expectedRevision: 'no_stream' });
    return caseId;
  }
  const approve = (caseId: string): CaseCommand => ({ type: 'ApprovePlan', data: { caseId, entryId: randomUUID(), planId: planId(1), version: 1, patientConsent: { treatment: true } } });

  it('appends the decided events encrypted, with PHI-free metadata, at the exact next revision', async () => {
    const patientId = ids.patient;
    const env = envelope('clinic_staff');
    const outcome = await handleCommand(
      { store: fx.store, decider: patientDecider, aggregate: 'patient', streamId: patientStream(randomUUID()), subjectId: patientId },
      { ...registerCommand(), data: { ...registerCommand().data } },
      env,
    ).catch((e) => e);
    // The command names ids.patient while the stream is another patient's: the patient stream's subject must be itself.
    expect(outcome).toBeInstanceOf(Error);

    const streamId = patientStream(patientId);
    const ok = await handleCommand({ store: fx.store, decider: patientDecider, aggregate: 'patient', streamId, subjectId: patientId }, registerCommand(), env);
    expect(ok.revision).toBe(0n);
    expect(ok.events.map((e) => e.type)).toEqual(['PatientRegistered']);
    const [raw] = await fx.inner.readStream(streamId);
    expect(Buffer.from(raw.data).toString('latin1')).not.toContain('Lovelace');
    expect(raw.metadata).toEqual({
      actorId: ids.staff, actorRole: 'clinic_staff', clinicId: ids.clinic, correlationId: env.correlationId,
      causationId: env.commandId, occurredAt: env.ctx.now, subjectId: patientId, schemaVersion: 1,
    });
    expect(JSON.stringify(raw.metadata)).not.toMatch(/Lovelace|Adaline|2011-05-17/);
  });

  it('decides several commands into one atomic batch', async () => {
    const caseId = await seededCase(history.open());
    const first = caseCommand('RecordClinicalFindings', { findingId: randomUUID(), diagnosis: 'Crowding', malocclusionClass: 'I', conditions: ['crowding'] });
    const second = caseCommand('RecordClinicalFindings', { findingId: randomUUID(), diagnosis: 'Spacing', malocclusionClass: 'I', conditions: ['spacing'] });
    const batch = [first, second].map((c) => ({ ...c, data: { ...c.data, caseId, entryId: randomUUID() } }) as CaseCommand);
    const outcome = await handleCommand(caseTarget(caseId), batch, envelope());
    expect(outcome.revision).toBe(4n);
    expect(outcome.history).toHaveLength(5);
  });

  it('refuses If-Match of another revision with 412 semantics and writes nothing', async () => {
    const caseId = await seededCase(history.planProposed());
    const error = await handleCommand(caseTarget(caseId), approve(caseId), envelope('orthodontist', { expectedRevision: 1n })).catch((e) => e);
    expect(error.code).toBe('CONCURRENCY.REVISION_MISMATCH');
    expect(error.kind).toBe('precondition');
    expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(4);
    const ok = await handleCommand(caseTarget(caseId), approve(caseId), envelope('orthodontist', { expectedRevision: 3n }));
    expect(ok.revision).toBe(4n);
  });

  it('a lost race without If-Match decides again on the new state (and so refuses a second approval)', async () => {
    const caseId = await seededCase(history.planProposed());
    const results = await Promise.allSettled([0, 1].map(() => handleCommand(caseTarget(caseId), approve(caseId), envelope())));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason.code)).toEqual(['TREATMENT_CASE.PLAN_ALREADY_DECIDED']);
    expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(5);
  });

  it('a lost race with If-Match is the client precondition failing', async () => {
    const caseId = await seededCase(history.planProposed());
    let calls = 0;
    const racing: EventStore = Object.create(fx.store, {
      appendToStream: { value: async () => { calls++; throw new WrongExpectedVersion(caseStream(caseId), 3n, 4n); } },
    });
    const error = await handleCommand(caseTarget(caseId, racing), approve(caseId), envelope('orthodontist', { expectedRevision: 3n })).catch((e) => e);
    expect(error.code).toBe('CONCURRENCY.REVISION_MISMATCH');
    expect(calls).toBe(1);
  });

  describe('a lost race with If-Match and an Idempotency-Key', () => {
    /** A store where, just before this append, another request appends first: `winner` decides what it wrote. */
    const losingTo = (winner: (events: Parameters<EventStore['appendToStream']>[1]) => Parameters<EventStore['appendToStream']>[1]): EventStore =>
      Object.create(fx.store, {
        appendToStream: {
          value: async (...[streamId, events, options]: Parameters<EventStore['appendToStream']>) => {
            const won = await fx.store.appendToStream(streamId, winner(events), options);
            throw new WrongExpectedVersion(streamId, options?.expectedRevision as bigint, won.nextExpectedRevision);
          },
        },
      });
    const keyed = () => envelope('orthodontist', { expectedRevision: 3n, idempotencyKey: randomUUID().replace(/-/g, '').repeat(2) });

    it('answers a replay when the winner was a concurrent retry of the same request (not 412)', async () => {
      const caseId = await seededCase(history.planProposed());
      const env = keyed();
      const outcome = await handleCommand(caseTarget(caseId, losingTo((events) => events)), approve(caseId), env);
      expect(outcome.replayed).toBe(true);
      expect(outcome.revision).toBe(4n);
      expect(outcome.events.map((e) => e.type)).toEqual(['TreatmentPlanApproved']);
      expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(5);
    });

    it('still refuses with 412 when the winner was another request', async () => {
      const caseId = await seededCase(history.planProposed());
      const other = (events: Parameters<EventStore['appendToStream']>[1]) => events.map((e) => ({ ...e, eventId: randomUUID() }));
      const error = await handleCommand(caseTarget(caseId, losingTo(other)), approve(caseId), keyed()).catch((e) => e);
      expect(error.code).toBe('CONCURRENCY.REVISION_MISMATCH');
      expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(5);
    });
  });

  it('a retry with the same idempotency key recognises its events and appends nothing', async () => {
    const caseId = await seededCase(history.open());
    const env = createEnvelope({ ctx: ctxAs('orthodontist'), correlationId: randomUUID(), idempotencyKey: 'a'.repeat(64) });
    const command = { ...caseCommand('RecordClinicalFindings', { findingId: randomUUID(), diagnosis: 'Crowding', malocclusionClass: 'I', conditions: [] }) };
    command.data = { ...command.data, caseId, entryId: randomUUID() };
    const first = await handleCommand(caseTarget(caseId), command as CaseCommand, env);
    const retries = await Promise.all([1, 2, 3].map(() => handleCommand(caseTarget(caseId), { ...command, data: { ...command.data, entryId: randomUUID() } } as CaseCommand, env)));
    expect(first.replayed).toBe(false);
    for (const retry of retries) {
      expect(retry.replayed).toBe(true);
      expect(retry.revision).toBe(first.revision);
      expect(retry.events).toEqual(first.events);
    }
    expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(4);
  });

  it('writes nothing when the decider refuses', async () => {
    const caseId = await seededCase(history.open());
    const error = await handleCommand(caseTarget(caseId), approve(caseId), envelope()).catch((e) => e);
    expect(error.code).toBe('TREATMENT_CASE.PLAN_NOT_PROPOSED');
    expect(await fx.store.readStream(caseStream(caseId))).toHaveLength(3);
  });

  it('reads an erased subject as gone and refuses to guess at unknown event types', async () => {
    const patientId = randomUUID();
    const streamId = patientStream(patientId);
    const target = { store: fx.store, decider: patientDecider, aggregate: 'patient' as const, streamId, subjectId: patientId };
    await handleCommand(target, registerCommand({ patientId }), envelope('clinic_staff'));
    await fx.vault.eraseSubject(patientId, 'gdpr_art17', ids.admin);
    const erased = await handleCommand(target, registerCommand({ patientId }), envelope('clinic_staff')).catch((e) => e);
    expect(erased.code).toBe('RECORD.ERASED');

    const other = randomUUID();
    await fx.store.appendToStream(patientStream(other), [{ eventId: randomUUID(), type: 'PatientErased', data: Buffer.from('{}'), metadata: { subjectId: other, schemaVersion: 1 } }]);
    const unknown = await handleCommand({ ...target, streamId: patientStream(other), subjectId: other }, registerCommand({ patientId: other }), envelope('clinic_staff')).catch((e) => e);
    expect(unknown.code).toBe('RECORD.UNREADABLE_EVENT');
  });
});
