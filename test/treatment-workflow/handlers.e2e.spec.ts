import { randomUUID } from 'node:crypto';
import { type KeyProvider, KeyVault } from '@ortholedger/crypto';
import { QueryBus } from '@nestjs/cqrs';
import { createEnvelope, KEY_PROVIDER } from '@ortholedger/platform';
import { RecordClinicalFindingsCommand } from '../../apps/clinic-api/src/treatment-case/commands/record-clinical-findings/record-clinical-findings.command';
import { GetCaseHistoryQuery } from '../../apps/clinic-api/src/treatment-case/queries/get-case-history/get-case-history.query';
import { ProposeTreatmentPlanCommand } from '../../apps/clinic-api/src/treatment-case/commands/propose-treatment-plan/propose-treatment-plan.command';
import { Canaries, consent, eventually, expectStatus, findings, openCase, proposePlan, registration, scan } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

/** What the thin handlers add around the deciders: patient facts for opening, care-team checks and sync, erasure. */
describe('command handlers through the CommandBus and HTTP', () => {
  let h: WorkflowHarness;
  let clinicA: string;
  let ortho: Clinician;
  let dentist: Clinician;
  let staff: Clinician;
  let foreign: Clinician;
  const c = new Canaries();

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    clinicA = await h.clinic('Clinic A');
    ortho = await h.user('orthodontist', clinicA);
    dentist = await h.user('dentist', clinicA);
    staff = await h.user('clinic_staff', clinicA);
    foreign = await h.user('orthodontist', await h.clinic('Clinic B'));
  });
  afterAll(async () => h?.stop());

  it('opening a case needs active treatment consent, read from the patient stream', async () => {
    const { patientId } = await expectStatus(h.call(ortho, 'POST', '/patients', registration(c)), 201);
    const events = await h.eventCount();
    const refused = await h.call(ortho, 'POST', `/patients/${patientId}/cases`, { arches: 'upper' });
    expect(refused.status).toBe(412);
    expect(refused.body.code).toBe('TREATMENT_CASE.CONSENT_REQUIRED');
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, consent(h)), 201);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), status: 'revoked' }), 201);
    expect((await h.call(ortho, 'POST', `/patients/${patientId}/cases`, { arches: 'upper' })).status).toBe(412);
    expect(await h.eventCount()).toBe(events + 2);
  });

  it("removing the guardian who gave treatment consent lapses it: case commands need a new consent", async () => {
    const { patientId, caseId } = await openCase(h, ortho, c); // consent given by the registered guardian
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/demographics-corrections`, { corrections: { guardian: null }, reason: 'guardian recorded in error' }), 201);
    const refused = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c));
    expect([refused.status, refused.body.code]).toEqual([412, 'TREATMENT_CASE.CONSENT_REQUIRED']);
    const patient = await h.call(ortho, 'GET', `/patients/${patientId}`);
    expect(patient.body.consents.treatment).toMatchObject({ status: 'granted', givenBy: 'guardian', lapsed: true });
    // The patient's own consent, recorded now, lets treatment go on.
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), givenBy: 'patient', recordedAt: h.clock.now().toISOString() }), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
  });

  it('a scan recorded as an intraoral arch that is a photo is corrected through HTTP: `arch: null` clears the arch', async () => {
    const { caseId } = await openCase(h, ortho, c);
    const attached = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/scans`, { ...scan(), sizeBytes: 2_000_000, arch: 'upper' }), 201);
    // Without clearing the arch the photo is refused (only an intraoral scan names an arch), and an arch that is not one is a 400.
    const kept = await h.call(ortho, 'POST', `/cases/${caseId}/corrections`, { correctsEntryId: attached.entryId, reason: 'wrong kind', replacement: { kind: 'photo' } });
    expect([kept.status, kept.body.code]).toEqual([422, 'VALIDATION.INVALID_VALUE']);
    expect((await h.call(ortho, 'POST', `/cases/${caseId}/corrections`, { correctsEntryId: attached.entryId, reason: 'wrong kind', replacement: { kind: 'photo', arch: 'lower-ish' } })).status).toBe(400);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/corrections`, { correctsEntryId: attached.entryId, reason: 'wrong kind', replacement: { kind: 'photo', arch: null } }), 201);
  });

  it('a revoked treatment consent stops treatment: no new findings, scans, plans or orders; the record can still be corrected and the case cancelled', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    const finding = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), status: 'revoked' }), 201);
    const events = await h.eventCount();
    const refused = [
      await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)),
      await h.call(ortho, 'POST', `/cases/${caseId}/scans`, scan()),
      await h.call(ortho, 'POST', `/cases/${caseId}/progress-checks`, { currentStage: 1, fit: 'tracking' }),
    ];
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([412, 'TREATMENT_CASE.CONSENT_REQUIRED']));
    await expect(proposePlan(h, caseId, 1, c)).rejects.toMatchObject({ code: 'TREATMENT_CASE.CONSENT_REQUIRED' });
    // A consent the client claims in the body changes nothing (the snapshot comes from the patient stream).
    const claimed = await h.call(ortho, 'POST', `/cases/${caseId}/findings`, { ...findings(c), patientConsent: { treatment: true } });
    expect(claimed.status).toBe(400);
    expect(await h.eventCount()).toBe(events);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/corrections`, { correctsEntryId: finding.entryId, reason: 'typo', replacement: { diagnosis: c.mark('Diagnosisfixed') } }), 201);
    // Granted again (later), treatment goes on; then the case can be cancelled whatever the consent.
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), formVersion: 'TX-2025.2', recordedAt: h.clock.now().toISOString() }), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), status: 'revoked', recordedAt: h.clock.now().toISOString() }), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/cancellation`, { reason: 'consent withdrawn' }), 200);
  });

  it('the current consent is the one given last, not the one entered last: an older paper form entered later is refused and changes nothing', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    const now = h.clock.now().getTime();
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), status: 'revoked', recordedAt: new Date(now - 30_000).toISOString() }), 201);
    const events = await h.eventCount();
    const lastWeek = await h.call(ortho, 'POST', `/patients/${patientId}/consents`, { ...consent(h), formVersion: 'TX-2025.2', recordedAt: new Date(now - 7 * 86_400_000).toISOString() });
    expect([lastWeek.status, lastWeek.body.code]).toEqual([409, 'PATIENT.CONSENT_OUT_OF_ORDER']);
    expect(await h.eventCount()).toBe(events);
    const patient = await expectStatus(h.call(ortho, 'GET', `/patients/${patientId}`), 200);
    expect(patient.consents.treatment).toMatchObject({ status: 'revoked', recordedAt: new Date(now - 30_000).toISOString() });
    expect((await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c))).status).toBe(412);
  });

  it('a registration names only active users of the clinic as its care team; staff register for a clinician', async () => {
    for (const userId of [foreign.id, randomUUID()]) {
      const events = await h.eventCount();
      const refused = await h.call(staff, 'POST', '/patients', { ...registration(c), careTeam: [{ userId, role: 'orthodontist' }] });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('PATIENT.CARE_TEAM_MEMBER_INVALID');
      expect(await h.eventCount()).toBe(events);
    }
    const registered = await expectStatus(h.call(staff, 'POST', '/patients', { ...registration(c), careTeam: [{ userId: ortho.id, role: 'orthodontist' }] }), 201);
    const patient = await expectStatus(h.call(ortho, 'GET', `/patients/${registered.patientId}`), 200);
    expect(patient.careTeam).toEqual([{ userId: ortho.id, role: 'orthodontist' }]);
  });

  it('a care team always keeps an orthodontist or dentist: staff cannot register without one, and the last one cannot leave', async () => {
    const events = await h.eventCount();
    for (const careTeam of [undefined, [], [{ userId: staff.id, role: 'clinic_staff' }]]) {
      const refused = await h.call(staff, 'POST', '/patients', { ...registration(c), ...(careTeam ? { careTeam } : {}) });
      expect([refused.status, refused.body.code]).toEqual([422, 'PATIENT.CARE_TEAM_CLINICIAN_REQUIRED']);
    }
    expect(await h.eventCount()).toBe(events);
    const { patientId } = await expectStatus(h.call(ortho, 'POST', '/patients', { ...registration(c), careTeam: [{ userId: staff.id, role: 'clinic_staff' }] }), 201);
    const last = await h.call(ortho, 'DELETE', `/patients/${patientId}/care-team/${ortho.id}`);
    expect([last.status, last.body.code]).toEqual([409, 'PATIENT.LAST_CLINICIAN']);
    // Roles on the team are the accounts' roles: staff cannot be named a dentist, nor the orthodontist staff.
    const demoted = await h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: ortho.id, role: 'clinic_staff' });
    expect([demoted.status, demoted.body.code]).toEqual([422, 'PATIENT.CARE_TEAM_MEMBER_INVALID']);
    const labelled = await h.call(staff, 'POST', '/patients', { ...registration(c), careTeam: [{ userId: staff.id, role: 'dentist' }] });
    expect([labelled.status, labelled.body.code]).toEqual([422, 'PATIENT.CARE_TEAM_MEMBER_INVALID']);
    // Handing over first works: the dentist joins, then the orthodontist may leave.
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: dentist.id, role: 'dentist' }), 201);
    await expectStatus(h.call(ortho, 'DELETE', `/patients/${patientId}/care-team/${ortho.id}`), 200);
  });

  it('a care team left without an active clinician can be taken over by a clinician of the clinic, and only then', async () => {
    const leaving = await h.user('orthodontist', clinicA);
    const successor = await h.user('orthodontist', clinicA);
    const { patientId } = await expectStatus(h.call(leaving, 'POST', '/patients', { ...registration(c), careTeam: [{ userId: staff.id, role: 'clinic_staff' }] }), 201);
    expect((await h.call(successor, 'GET', `/patients/${patientId}`)).status).toBe(403);
    const events = await h.eventCount();
    const early = await h.call(successor, 'POST', `/patients/${patientId}/care-team/takeover`);
    expect([early.status, early.body.code]).toEqual([409, 'PATIENT.CARE_TEAM_NOT_VACANT']);
    // The only clinician leaves the practice: support disables the account. The team keeps only staff.
    await h.identity.users.disable(leaving.id, { realm: 'cli', role: 'engineer' });
    expect((await h.call(staff, 'POST', `/patients/${patientId}/care-team/takeover`)).status).toBe(403);
    expect((await h.call(foreign, 'POST', `/patients/${patientId}/care-team/takeover`)).status).toBe(403);
    expect(await h.eventCount()).toBe(events);
    const taken = await h.call(successor, 'POST', `/patients/${patientId}/care-team/takeover`, undefined, { 'idempotency-key': 'takeover-key-1' });
    expect(taken.status).toBe(201);
    expect(await h.eventCount()).toBe(events + 1);
    // A retry with the same key answers as the first time (the vacancy rule is the decider's, after the replay check).
    const retried = await h.call(successor, 'POST', `/patients/${patientId}/care-team/takeover`, undefined, { 'idempotency-key': 'takeover-key-1' });
    expect([retried.status, retried.body]).toEqual([201, taken.body]);
    expect(await h.eventCount()).toBe(events + 1);
    const audited = await h.auditRows('patient_id = $1 and actor_id = $2', [patientId, successor.id]);
    expect(audited.map((r) => [r.action, r.outcome])).toEqual([['patient.read_demographics', 'denied'], ['patient.take_over', 'granted'], ['patient.take_over', 'error'], ['patient.take_over', 'granted'], ['patient.take_over', 'granted']]);
    const patient = await eventually(() => h.call(successor, 'GET', `/patients/${patientId}`), (r) => r.status === 200);
    expect(patient.value.body.careTeam).toEqual(expect.arrayContaining([{ userId: successor.id, role: 'orthodontist' }]));
    // Now the team has an active clinician again: a second take-over is refused.
    const second = await h.call(dentist, 'POST', `/patients/${patientId}/care-team/takeover`);
    expect([second.status, second.body.code]).toEqual([409, 'PATIENT.CARE_TEAM_NOT_VACANT']);
  });

  it('take-over judges members by their accounts: a clinician labelled otherwise still counts; two at once, one joins', async () => {
    const sole = await h.user('dentist', clinicA);
    const { patientId } = await expectStatus(h.call(sole, 'POST', '/patients', registration(c)), 201);
    // Support makes the dentist an orthodontist: on the team they are still labelled dentist, and still have access.
    await h.identity.users.changeRole(sole.id, 'orthodontist', { realm: 'cli', role: 'engineer' });
    const early = await h.call(ortho, 'POST', `/patients/${patientId}/care-team/takeover`);
    expect([early.status, early.body.code]).toEqual([409, 'PATIENT.CARE_TEAM_NOT_VACANT']);
    await h.identity.users.disable(sole.id, { realm: 'cli', role: 'engineer' });
    const events = await h.eventCount();
    const two = await Promise.all([h.call(ortho, 'POST', `/patients/${patientId}/care-team/takeover`), h.call(dentist, 'POST', `/patients/${patientId}/care-team/takeover`)]);
    expect(two.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await h.eventCount()).toBe(events + 1);
  });

  it('care-team changes reach access control (within the care-team projection lag)', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    const status = () => h.call(dentist, 'GET', `/cases/${caseId}`).then((r) => r.status);
    expect(await status()).toBe(403);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: dentist.id, role: 'dentist' }), 201);
    expect((await eventually(status, (s) => s === 200)).value).toBe(200);
    await expectStatus(h.call(ortho, 'DELETE', `/patients/${patientId}/care-team/${dentist.id}`), 200);
    const revoked = await eventually(status, (s) => s === 403);
    expect(revoked.value).toBe(403);
    console.info(`care-team revocation reached the access check after ${revoked.ms} ms`);
  });

  it('a demographics correction is a new event; the record shows the corrected values', async () => {
    const { patientId } = await openCase(h, ortho, c);
    const before = await h.call(ortho, 'GET', `/patients/${patientId}`);
    const family = c.mark('Corrected');
    const corrected = await h.call(ortho, 'POST', `/patients/${patientId}/demographics-corrections`,
      { corrections: { name: { given: before.body.name.given, family }, guardian: null }, reason: 'typo at intake' },
      { 'if-match': before.headers.etag as string });
    expect(corrected.status).toBe(201);
    const after = await h.call(ortho, 'GET', `/patients/${patientId}`);
    expect(after.body.name.family).toBe(family);
    expect(after.body.guardian).toBeUndefined();
    expect(after.headers.etag).toBe(`"${before.body.revision + 1}"`);
  });

  it('a planner proposal with a tooth outside FDI numbering is refused by the decider and writes nothing', async () => {
    const { caseId } = await openCase(h, ortho, c);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const events = await h.eventCount();
    const bad = {
      caseId, entryId: randomUUID(), planId: randomUUID(), version: 1, series: 'initial' as const, stages: { upper: 10, lower: 10 },
      alignerCount: 20, attachments: [{ tooth: 19, stage: 1 }], ipr: [], wearScheduleDays: 7,
    };
    const error = await h.commands.execute(new ProposeTreatmentPlanCommand(bad, h.backOffice('treatment_planner'))).catch((e) => e);
    expect(error.code).toBe('VALIDATION.INVALID_TOOTH');
    expect(await h.eventCount()).toBe(events);
    const key = `planner-${randomUUID()}`;
    const envelope = h.backOffice('treatment_planner', randomUUID(), key);
    const good = { ...bad, attachments: [{ tooth: 13, stage: 1 }] };
    const first = await h.commands.execute(new ProposeTreatmentPlanCommand(good, envelope));
    const again = await h.commands.execute(new ProposeTreatmentPlanCommand({ ...good, entryId: randomUUID() }, envelope));
    expect(again).toEqual(first);
    expect(await h.eventCount()).toBe(events + 1);
  });

  it('after the patient is erased: no route serves the record, the history shows redacted entries, commands are refused', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const vault = new KeyVault({ pool: h.db.pools.app, provider: h.app.get<KeyProvider>(KEY_PROVIDER) });
    await vault.eraseSubject(patientId, 'gdpr_art17', ortho.id);
    // The app drops its cached keys when the erasure's NOTIFY arrives (ErasureListener in PlatformModule).
    // Then the stream reads as erased (410) until the care-team projection drops the patient (403 for everyone).
    const gone = await eventually(() => h.call(ortho, 'GET', `/patients/${patientId}`), (r) => r.status !== 200, 5000);
    expect([403, 410]).toContain(gone.value.status);
    expect(['RECORD.ERASED', 'ACCESS.DENIED']).toContain(gone.value.body.code);
    expect([403, 410]).toContain((await h.call(ortho, 'GET', `/cases/${caseId}`)).status);

    const history = await h.app.get(QueryBus).execute(new GetCaseHistoryQuery(caseId, true));
    expect(history.entries.map((e) => [e.type, e.redacted])).toEqual([['CaseOpened', true], ['ClinicalFindingsRecorded', true]]);
    expect(history.entries[0].actor).toEqual({ userId: ortho.id, role: 'orthodontist' });
    expect(history.entries[0].content).toBeUndefined();

    const events = await h.eventCount();
    expect([403, 410]).toContain((await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c))).status);
    const envelope = createEnvelope({ ctx: { actor: { userId: ortho.id, role: 'orthodontist', clinicId: clinicA }, now: h.clock.now().toISOString() }, correlationId: randomUUID() });
    const data = { caseId, entryId: randomUUID(), findingId: randomUUID(), diagnosis: 'x', malocclusionClass: 'I' as const, conditions: [] };
    const refused = await h.commands.execute(new RecordClinicalFindingsCommand(data, envelope)).catch((e) => e);
    expect(refused.code).toBe('RECORD.ERASED');
    expect(await h.eventCount()).toBe(events);
  });
});
