import { randomUUID } from 'node:crypto';
import { type KeyProvider, KeyVault } from '@ortholedger/crypto';
import { KEY_PROVIDER } from '@ortholedger/platform';
import { ProposeTreatmentPlanCommand } from '../../apps/clinic-api/src/treatment-case/commands/propose-treatment-plan/propose-treatment-plan.command';
import { Canaries, consent, expectStatus, findings, openCase, proposePlan, registration } from './support/workflow-fixtures';
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

  it('care-team changes take effect on access at once', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    expect((await h.call(dentist, 'GET', `/cases/${caseId}`)).status).toBe(403);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: dentist.id, role: 'dentist' }), 201);
    expect((await h.call(dentist, 'GET', `/cases/${caseId}`)).status).toBe(200);
    await expectStatus(h.call(ortho, 'DELETE', `/patients/${patientId}/care-team/${dentist.id}`), 200);
    expect((await h.call(dentist, 'GET', `/cases/${caseId}`)).status).toBe(403);
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

  it('after the patient is erased: the record is gone (410), the history shows redacted entries, commands are refused', async () => {
    const { patientId, caseId } = await openCase(h, ortho, c);
    await proposePlan(h, caseId, 1, c).catch(() => undefined); // refused (no findings): nothing written
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const vault = new KeyVault({ pool: h.db.pools.app, provider: h.app.get<KeyProvider>(KEY_PROVIDER) });
    await vault.eraseSubject(patientId, 'gdpr_art17', ortho.id);
    // The app drops its cached keys when the erasure's NOTIFY arrives (ErasureListener in PlatformModule).
    const deadline = Date.now() + 5000;
    let patient = await h.call(ortho, 'GET', `/patients/${patientId}`);
    while (patient.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      patient = await h.call(ortho, 'GET', `/patients/${patientId}`);
    }
    expect(patient.status).toBe(410);
    expect(patient.body.code).toBe('RECORD.ERASED');
    const history = await expectStatus(h.call(ortho, 'GET', `/cases/${caseId}/history`), 200);
    expect(history.entries.map((e: { type: string; redacted?: boolean }) => [e.type, e.redacted])).toEqual([
      ['CaseOpened', true], ['ClinicalFindingsRecorded', true],
    ]);
    expect(history.entries[0].actor).toEqual({ userId: ortho.id, role: 'orthodontist' });
    expect(history.entries[0].content).toBeUndefined();
    expect((await h.call(ortho, 'GET', `/cases/${caseId}`)).status).toBe(410);
    const events = await h.eventCount();
    expect((await h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c))).status).toBe(410);
    expect(await h.eventCount()).toBe(events);
  });
});
