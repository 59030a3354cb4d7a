import { randomUUID } from 'node:crypto';
import { copyDump, findPgDump, pgDump } from '../crypto/pg-dump';
import { Canaries, consent, expectStatus, findings, proposePlan, registration, scan, ship } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

/*
 * The whole journey of an aligner case through HTTP against real Postgres: every step goes through
 * the access guard, the CommandBus, the generic handler and the encrypted store.
 */
describe('treatment workflow journey (HTTP, real Postgres)', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let staff: Clinician;
  const c = new Canaries();
  const plannerId = randomUUID();
  const coordinatorId = randomUUID();
  let patientId: string;
  let caseId: string;
  const sent = registration(c);

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('Journey Clinic');
    ortho = await h.user('orthodontist', clinic);
    staff = await h.user('clinic_staff', clinic);
  });
  afterAll(async () => h?.stop());

  it('runs register -> consent -> open -> findings -> scan -> plans -> approval -> orders -> progress -> refinement -> completion', async () => {
    const registered = await expectStatus(h.call(ortho, 'POST', '/patients', sent), 201);
    patientId = registered.patientId;
    // Registration and the registering orthodontist joining the care team are one atomic batch.
    expect(registered.revision).toBe(1);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/consents`, consent(h)), 201);

    const opened = await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/cases`, { arches: 'both', chiefComplaint: c.mark('Complaint') }), 201);
    caseId = opened.caseId;
    const finding = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    await expectStatus(h.call(staff, 'POST', `/cases/${caseId}/scans`, scan()), 201);

    const v1 = await proposePlan(h, caseId, 1, c, 'initial', plannerId);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/plans/${v1.planId}/revision-requests`, {
      version: 1, comments: [{ text: c.mark('Revisioncomment'), tooth: 13, stage: 1 }],
    }), 201);
    const v2 = await proposePlan(h, caseId, 2, c, 'initial', plannerId);

    const current = await h.call(ortho, 'GET', `/cases/${caseId}`);
    expect(current.headers.etag).toBe(`"${current.body.revision}"`);
    const approved = await h.call(ortho, 'POST', `/cases/${caseId}/plans/${v2.planId}/approval`, { version: 2 }, { 'if-match': String(current.headers.etag) });
    expect(approved.status).toBe(200);
    expect(approved.headers.etag).toBe(`"${current.body.revision + 1}"`);

    const order = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/orders`, { planVersion: 2, stageFrom: 1, stageTo: 10 }), 201);
    await ship(h, caseId, order.orderId, coordinatorId);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/progress-checks`, { currentStage: 6, fit: 'off_track', notes: c.mark('Progressnote') }), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/corrections`, {
      correctsEntryId: finding.entryId, reason: c.mark('Correctionreason'), replacement: { diagnosis: c.mark('Diagnosisfixed') },
    }), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/refinements`, { reason: c.mark('Refinementreason') }), 201);

    const v3 = await proposePlan(h, caseId, 3, c, 'refinement', plannerId);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/plans/${v3.planId}/approval`, { version: 3 }), 200);
    const refinementOrder = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/orders`, { planVersion: 3, stageFrom: 1, stageTo: 20 }), 201);
    await ship(h, caseId, refinementOrder.orderId, coordinatorId);
    const completed = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/completion`, {}), 200);

    const state = await h.call(ortho, 'GET', `/cases/${caseId}`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ caseId, patientId, status: 'Completed', nextAction: 'closed', series: 'refinement', refinements: 1 });
    expect(state.body.plans.map((p: { decision: string }) => p.decision)).toEqual(['revision_requested', 'approved', 'approved']);
    expect(state.headers.etag).toBe(`"${completed.revision}"`);
  });

  it('returns the whole history in order, with actors, content for the treating team and corrections linked', async () => {
    const history = await h.call(ortho, 'GET', `/cases/${caseId}/history`);
    expect(history.status).toBe(200);
    const entries = history.body.entries as any[];
    expect(entries.map((e) => e.type)).toEqual([
      'CaseOpened', 'ClinicalFindingsRecorded', 'ScanAttached', 'TreatmentPlanProposed', 'PlanRevisionRequested',
      'TreatmentPlanProposed', 'TreatmentPlanApproved', 'AlignersOrdered', 'AlignersShipped', 'ProgressCheckRecorded',
      'EntryCorrected', 'RefinementStarted', 'TreatmentPlanProposed', 'TreatmentPlanApproved', 'AlignersOrdered',
      'AlignersShipped', 'CaseCompleted',
    ]);
    expect(entries.map((e) => e.revision)).toEqual(entries.map((_, i) => i));
    const actorOf = (type: string) => entries.filter((e) => e.type === type).map((e) => e.actor);
    expect(actorOf('CaseOpened')).toEqual([{ userId: ortho.id, role: 'orthodontist' }]);
    expect(actorOf('ScanAttached')).toEqual([{ userId: staff.id, role: 'clinic_staff' }]);
    expect(actorOf('TreatmentPlanProposed')).toEqual(Array(3).fill({ userId: plannerId, role: 'treatment_planner' }));
    expect(actorOf('AlignersShipped')).toEqual(Array(2).fill({ userId: coordinatorId, role: 'case_coordinator' }));
    for (const e of entries) expect(Date.parse(e.occurredAt)).not.toBeNaN();

    const findingsEntry = entries[1];
    const correction = entries[10];
    expect(findingsEntry.content.diagnosis).toMatch(/^Diagnosis/);
    expect(correction.corrects).toEqual({ entryId: findingsEntry.entryId, revision: 1, type: 'ClinicalFindingsRecorded' });
    expect(findingsEntry.correctedBy).toEqual([correction.entryId]);
    expect(correction.content.replacement.diagnosis).toMatch(/^Diagnosisfixed/);
    expect(history.headers.etag).toBe(`"${entries.length - 1}"`);
  });

  it('shows clinic staff every entry and actor but no clinical content', async () => {
    const history = await h.call(staff, 'GET', `/cases/${caseId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.clinicalContent).toBe(false);
    expect(history.body.entries).toHaveLength(17);
    for (const entry of history.body.entries) {
      expect(entry.content).toBeUndefined();
      expect(entry.summary.kind).toEqual(expect.any(String));
    }
    const text = JSON.stringify(history.body);
    for (const value of c.values) expect(text).not.toContain(value);
  });

  it('audits what each history response disclosed: clinical content granted or withheld, in its own row', async () => {
    const fetchAs = async (who: typeof ortho) => {
      const before = (await h.auditRows('action = $1 and actor_id = $2', ['case.read_clinical', who.id])).length;
      expect((await h.call(who, 'GET', `/cases/${caseId}/history`)).status).toBe(200);
      const rows = (await h.auditRows('action = $1 and actor_id = $2', ['case.read_clinical', who.id])).slice(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ resource_id: caseId, patient_id: patientId });
      return rows[0];
    };
    expect(await fetchAs(ortho)).toMatchObject({ outcome: 'granted' });
    const staffRow = await fetchAs(staff);
    expect(staffRow.outcome).toBe('denied');
    expect(staffRow.reason).toMatch(/^withheld:/);
  });

  it('returns the patient as registered, with consent and care team, and its ETag', async () => {
    const patient = await h.call(staff, 'GET', `/patients/${patientId}`);
    expect(patient.status).toBe(200);
    expect(patient.body).toMatchObject({ patientId, name: sent.name, dateOfBirth: sent.dateOfBirth, chartNumber: sent.chartNumber, contact: sent.contact });
    expect(patient.body.consents.treatment).toMatchObject({ status: 'granted', formVersion: 'TX-2025.1' });
    expect(patient.body.careTeam).toEqual([{ userId: ortho.id, role: 'orthodontist' }]);
    expect(patient.headers.etag).toBe('"2"');
    expect(patient.headers['cache-control']).toBe('no-store');
  });

  it('leaves none of the PHI it was sent in the bytes of the database or the logs', async () => {
    const admin = await h.db.admin();
    try {
      const dumps: Buffer[] = [await copyDump(admin)];
      const found = await findPgDump(admin);
      if (found.bin) dumps.push(pgDump(found.bin, h.db.url));
      else console.warn(`pg_dump skipped: ${found.reason}`);
      expect(c.values.length).toBeGreaterThan(15);
      for (const dump of dumps) {
        const text = dump.toString('latin1');
        for (const value of c.values) {
          expect(text).not.toContain(value);
          expect(text).not.toContain(Buffer.from(value).toString('hex'));
        }
      }
      const logs = h.log.lines.join('\n');
      for (const value of c.values) expect(logs).not.toContain(value);
    } finally {
      await admin.end();
    }
  });
});
