import { randomUUID } from 'node:crypto';
import { Canaries, eventually, expectStatus, findings, openCase, proposePlan, registration } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';
import { patientAndCaseRoutes, type RouteIds } from './support/workflow-routes';

describe('access to patients and cases through HTTP', () => {
  let h: WorkflowHarness;
  let clinicA: string;
  let clinicB: string;
  let treating: Clinician;
  let colleague: Clinician;
  let teamDentist: Clinician;
  let teamOrtho: Clinician;
  let otherClinicOrtho: Clinician;
  let ids: RouteIds;

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    clinicA = await h.clinic('Clinic A');
    clinicB = await h.clinic('Clinic B');
    treating = await h.user('orthodontist', clinicA);
    colleague = await h.user('orthodontist', clinicA); // same clinic, not on the care team
    teamDentist = await h.user('dentist', clinicA);
    teamOrtho = await h.user('orthodontist', clinicA);
    otherClinicOrtho = await h.user('orthodontist', clinicB);
    const c = new Canaries();
    const { patientId, caseId } = await openCase(h, treating, c);
    for (const member of [teamDentist, teamOrtho]) {
      await expectStatus(h.call(treating, 'POST', `/patients/${patientId}/care-team`, { userId: member.id, role: member.role }), 201);
    }
    const finding = await expectStatus(h.call(treating, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const plan = await proposePlan(h, caseId, 1, c);
    for (const member of [teamDentist, teamOrtho]) await eventually(() => h.call(member, 'GET', `/cases/${caseId}`), (r) => r.status === 200);
    ids = { patientId, caseId, planId: plan.planId as string, memberId: teamDentist.id, entryId: finding.entryId, otherClinicId: clinicB, otherClinicianId: otherClinicOrtho.id };
  });
  afterAll(async () => h?.stop());

  it.each([
    ['an orthodontist of another clinic', () => otherClinicOrtho],
    ['an orthodontist of the same clinic who is not on the care team', () => colleague],
  ])('%s gets 403 on every patient and case route, each denial audited, nothing written', async (_label, who) => {
    const outsider = who();
    const routes = patientAndCaseRoutes(h, ids);
    expect(routes).toHaveLength(19);
    for (const route of routes) {
      const events = await h.eventCount();
      const audited = (await h.auditRows()).length;
      const reply = await h.call(outsider, route.method, route.url, route.body);
      expect({ route: route.name, status: reply.status, code: reply.body?.code }).toEqual({ route: route.name, status: 403, code: 'ACCESS.DENIED' });
      expect(JSON.stringify(reply.body)).not.toMatch(/Givenname|Familyname|Diagnosis/);
      expect(await h.eventCount()).toBe(events);
      const rows = (await h.auditRows()).slice(audited);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_id: outsider.id, outcome: 'denied', status: 403, patient_id: ids.patientId });
    }
  });

  it('concurrent requests of different users share care-team and session statements; each is decided for its own caller', async () => {
    const pool = h.db.pools.app;
    const statements: string[] = [];
    const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    const spy = jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
      const q = args[0] as { name?: string } | string;
      if (typeof q === 'object' && q.name) statements.push(q.name);
      return original(...args);
    }) as never);
    const cast = [
      [treating, 200], [teamDentist, 200], [teamOrtho, 200], [colleague, 403], [otherClinicOrtho, 403],
    ] as const;
    try {
      const calls = cast.flatMap(([who, status]) => Array.from({ length: 4 }, () => ({ who, status })));
      const replies = await Promise.all(calls.map(({ who }) => h.call(who, 'GET', `/patients/${ids.patientId}`)));
      expect(replies.map((r, i) => ({ user: calls[i].who.id, status: r.status }))).toEqual(calls.map((c) => ({ user: c.who.id, status: c.status })));
    } finally {
      spy.mockRestore();
    }
    const count = (name: string) => statements.filter((n) => n === name).length;
    expect(count('access_session_check_many')).toBeGreaterThan(0);
    expect(count('access_session_check_many')).toBeLessThan(20);
    expect(count('read_models_care_team_facts_many')).toBeGreaterThan(0);
    expect(count('read_models_care_team_facts_many')).toBeLessThan(20);
  });

  it('a registration names the new patient in the audit log (the guard\'s row comes before the patient exists)', async () => {
    const before = (await h.auditRows("action = 'patient.register'")).length;
    const registered = await expectStatus(h.call(treating, 'POST', '/patients', registration(new Canaries())), 201);
    const rows = (await h.auditRows("action = 'patient.register'")).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ actor_id: treating.id, outcome: 'granted', patient_id: null });
    expect(rows[1]).toMatchObject({ actor_id: treating.id, outcome: 'granted', reason: 'in_results', patient_id: registered.patientId, correlation_id: rows[0].correlation_id });
  });

  it('lets only the treating orthodontist approve, and audits the refusals', async () => {
    for (const who of [teamOrtho, teamDentist]) {
      const reply = await h.call(who, 'POST', `/cases/${ids.caseId}/plans/${ids.planId}/approval`, { version: 1 });
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('TREATMENT_CASE.NOT_TREATING_ORTHODONTIST');
      const [row] = (await h.auditRows('actor_id = $1 and outcome = $2', [who.id, 'error'])).slice(-1);
      expect(row).toMatchObject({ status: 403, reason: 'TREATMENT_CASE.NOT_TREATING_ORTHODONTIST', patient_id: ids.patientId });
    }
    const approved = await h.call(treating, 'POST', `/cases/${ids.caseId}/plans/${ids.planId}/approval`, { version: 1 });
    expect(approved.status).toBe(200);
  });

  /** A case of a new treating orthodontist, with teamOrtho on the patient's care team and plan v1 awaiting approval. */
  const awaitingApproval = async () => {
    const c = new Canaries();
    const owner = await h.user('orthodontist', clinicA);
    const { patientId, caseId } = await openCase(h, owner, c);
    await expectStatus(h.call(owner, 'POST', `/patients/${patientId}/care-team`, { userId: teamOrtho.id, role: 'orthodontist' }), 201);
    await expectStatus(h.call(owner, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    return { owner, patientId, caseId, plan: await proposePlan(h, caseId, 1, c) };
  };
  /** The case ids on the caller's "my cases" board. */
  const mineOf = async (who: typeof teamOrtho) => {
    const res = await h.call(who, 'GET', '/case-board?scope=mine&limit=100');
    expect(res.status).toBe(200);
    return res.body.cases.map((x: { caseId: string }) => x.caseId) as string[];
  };

  it('a team orthodontist who removes the treating orthodontist does not become the approver; once the treating account is disabled, the team decides', async () => {
    const { owner, patientId, caseId, plan } = await awaitingApproval();
    await eventually(() => h.call(teamOrtho, 'GET', `/cases/${caseId}`), (r) => r.status === 200);
    // The exploit: remove the treating orthodontist (no reason needed), then approve.
    await expectStatus(h.call(teamOrtho, 'DELETE', `/patients/${patientId}/care-team/${owner.id}`), 200);
    const refused = await h.call(teamOrtho, 'POST', `/cases/${caseId}/plans/${plan.planId}/approval`, { version: 1 });
    expect([refused.status, refused.body.code]).toEqual([403, 'TREATMENT_CASE.NOT_TREATING_ORTHODONTIST']);
    // "My cases" agrees with the decider: not the colleague's (the guard above waited for the care team's projection).
    expect(await mineOf(teamOrtho)).not.toContain(caseId);
    // The treating orthodontist can no longer act (support disables the account): the decisions pass to the team.
    await h.identity.users.disable(owner.id, { realm: 'cli', role: 'engineer' });
    expect(await mineOf(teamOrtho)).toContain(caseId);
    await expectStatus(h.call(teamOrtho, 'POST', `/cases/${caseId}/plans/${plan.planId}/approval`, { version: 1 }), 200);
  });

  it('a treating orthodontist who leaves the care team themselves hands the plan decisions, and the case in "my cases", to the team', async () => {
    const { owner, patientId, caseId, plan } = await awaitingApproval();
    await eventually(() => h.call(owner, 'GET', '/case-board?scope=mine&limit=100'), (r) => r.status === 200 && r.body.cases.some((x: { caseId: string }) => x.caseId === caseId));
    expect(await mineOf(teamOrtho)).not.toContain(caseId);
    await expectStatus(h.call(owner, 'DELETE', `/patients/${patientId}/care-team/${owner.id}`), 200);
    await eventually(() => h.call(teamOrtho, 'GET', '/case-board?scope=mine&limit=100'), (r) => r.status === 200 && r.body.cases.some((x: { caseId: string }) => x.caseId === caseId));
    expect(await mineOf(owner)).not.toContain(caseId);
    await expectStatus(h.call(teamOrtho, 'POST', `/cases/${caseId}/plans/${plan.planId}/approval`, { version: 1 }), 200);
  });

  it('the care team reads the case; clinic staff of another clinic does not', async () => {
    expect((await h.call(teamDentist, 'GET', `/cases/${ids.caseId}`)).status).toBe(200);
    const foreignStaff = await h.user('clinic_staff', clinicB);
    expect((await h.call(foreignStaff, 'GET', `/cases/${ids.caseId}`)).status).toBe(403);
    expect((await h.call(foreignStaff, 'GET', `/patients/${ids.patientId}`)).status).toBe(403);
  });

  it('an unknown case is 403 (no existence oracle) and a malformed id never reaches the store', async () => {
    expect((await h.call(treating, 'GET', `/cases/${randomUUID()}`)).status).toBe(403);
    expect((await h.call(treating, 'GET', '/cases/not-a-uuid')).status).toBe(403);
    expect((await h.call(treating, 'GET', `/cases/${ids.caseId.toUpperCase()}`)).status).toBe(403);
  });

  it('a transfer to a clinic that does not exist is refused and changes nothing', async () => {
    const c = new Canaries();
    const { patientId } = await openCase(h, treating, c);
    const before = await h.call(treating, 'GET', `/patients/${patientId}`);
    const refused = await h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: randomUUID(), reason: 'moved', careTeam: [{ userId: randomUUID(), role: 'orthodontist' }] });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('PATIENT.UNKNOWN_CLINIC');
    const after = await h.call(treating, 'GET', `/patients/${patientId}`);
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it('a transfer moves access to the new clinic and ends the former care team (within the projection lag)', async () => {
    const c = new Canaries();
    const { patientId, caseId } = await openCase(h, treating, c);
    await expectStatus(h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: clinicB, reason: 'moved', careTeam: [{ userId: otherClinicOrtho.id, role: 'orthodontist' }] }), 200);
    const former = (url: string) => () => h.call(treating, 'GET', url).then((r) => r.status);
    expect((await eventually(former(`/patients/${patientId}`), (s) => s === 403)).value).toBe(403);
    expect((await eventually(former(`/cases/${caseId}`), (s) => s === 403)).value).toBe(403);
    const staffB = await h.user('clinic_staff', clinicB);
    const patient = await eventually(() => h.call(staffB, 'GET', `/patients/${patientId}`), (r) => r.status === 200);
    expect(patient.value.status).toBe(200);
    expect(patient.value.body).toMatchObject({ clinicId: clinicB, careTeam: [{ userId: otherClinicOrtho.id, role: 'orthodontist' }] });
  });

  it("a transferred patient's cases move with them: the new clinic's care team carries them on and can close them; the former clinic cannot", async () => {
    const c = new Canaries();
    const { patientId, caseId } = await openCase(h, treating, c);
    await expectStatus(h.call(treating, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const plan = await proposePlan(h, caseId, 1, c);
    const orthoB = await h.user('orthodontist', clinicB);
    const staffB = await h.user('clinic_staff', clinicB);
    const events = await h.eventCount();
    for (const careTeam of [[], [{ userId: staffB.id, role: 'clinic_staff' }]]) {
      const refused = await h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: clinicB, reason: 'moved', careTeam });
      expect(refused.status).toBe(careTeam.length === 0 ? 400 : 422);
    }
    // The receiving team must be active users of the receiving clinic, in their own roles.
    const mislabelled = await h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: clinicB, reason: 'moved', careTeam: [{ userId: staffB.id, role: 'orthodontist' }] });
    expect([mislabelled.status, mislabelled.body.code]).toEqual([422, 'PATIENT.CARE_TEAM_MEMBER_INVALID']);
    const notThere = await h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: clinicB, reason: 'moved', careTeam: [{ userId: colleague.id, role: 'orthodontist' }] });
    expect([notThere.status, notThere.body.code]).toEqual([422, 'PATIENT.CARE_TEAM_MEMBER_INVALID']);
    expect(await h.eventCount()).toBe(events);
    await expectStatus(h.call(treating, 'POST', `/patients/${patientId}/transfers`, { toClinicId: clinicB, reason: 'moved', careTeam: [{ userId: orthoB.id, role: 'orthodontist' }, { userId: staffB.id, role: 'clinic_staff' }] }), 200);
    await eventually(() => h.call(orthoB, 'GET', `/cases/${caseId}`), (r) => r.status === 200);
    await expectStatus(h.call(orthoB, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    // The plan decisions pass to the receiving orthodontist (the treating one is in the former clinic),
    // and the case is in their "my cases" awaiting approval.
    const mine = await eventually(() => h.call(orthoB, 'GET', '/case-board?scope=mine&nextAction=awaiting_approval'), (r) => r.status === 200 && r.body.cases.some((x: { caseId: string }) => x.caseId === caseId));
    expect(mine.value.body.cases.map((x: { caseId: string }) => x.caseId)).toEqual([caseId]);
    await expectStatus(h.call(orthoB, 'POST', `/cases/${caseId}/plans/${plan.planId}/approval`, { version: 1 }), 200);
    await expectStatus(h.call(orthoB, 'POST', `/cases/${caseId}/orders`, { planVersion: 1, stageFrom: 1, stageTo: 5 }), 201);
    expect((await eventually(() => h.call(treating, 'POST', `/cases/${caseId}/findings`, findings(c)), (r) => r.status === 403)).value.status).toBe(403);
    await expectStatus(h.call(orthoB, 'POST', `/cases/${caseId}/cancellation`, { reason: 'continued elsewhere' }), 200);
  });
});
