import { Canaries, expectStatus, findings, openCase, proposePlan } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

describe('two approvals racing on the same plan', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  const ROUNDS = 10;

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    ortho = await h.user('orthodontist', await h.clinic('Race Clinic'));
  });
  afterAll(async () => h?.stop());

  async function pendingPlan() {
    const c = new Canaries();
    const { caseId } = await openCase(h, ortho, c);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    const plan = await proposePlan(h, caseId, 1, c);
    return { caseId, planId: plan.planId as string };
  }

  async function approvalsIn(caseId: string): Promise<number> {
    const history = await h.call(ortho, 'GET', `/cases/${caseId}/history`);
    return history.body.entries.filter((e: { type: string }) => e.type === 'TreatmentPlanApproved').length;
  }

  it.each([
    ['without If-Match', false],
    ['both with the same If-Match', true],
  ])('%s: exactly one wins, the other gets 409 or 412, one approval recorded', async (_label, withIfMatch) => {
    const outcomes: number[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { caseId, planId } = await pendingPlan();
      const etag = (await h.call(ortho, 'GET', `/cases/${caseId}`)).headers.etag as string;
      const headers: Record<string, string> = withIfMatch ? { 'if-match': etag } : {};
      const replies = await Promise.all([0, 1].map(() => h.call(ortho, 'POST', `/cases/${caseId}/plans/${planId}/approval`, { version: 1 }, headers)));
      const statuses = replies.map((r) => r.status).sort();
      outcomes.push(statuses);
      expect(statuses[0]).toBe(200);
      expect([409, 412]).toContain(statuses[1]);
      const loser = replies.find((r) => r.status !== 200)!;
      expect(['TREATMENT_CASE.PLAN_ALREADY_DECIDED', 'CONCURRENCY.REVISION_MISMATCH', 'CONCURRENCY.CONFLICT']).toContain(loser.body.code);
      expect(await approvalsIn(caseId)).toBe(1);
    }
    expect(outcomes).toHaveLength(ROUNDS);
  });

  it('a stale If-Match is refused with 412 and nothing is written', async () => {
    const { caseId, planId } = await pendingPlan();
    const stale = (await h.call(ortho, 'GET', `/cases/${caseId}`)).headers.etag as string;
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/scans`, {
      kind: 'photo', contentHash: 'cd'.repeat(32), sizeBytes: 1, storageRef: 'photos/x',
    }), 201);
    const events = await h.eventCount();
    const refused = await h.call(ortho, 'POST', `/cases/${caseId}/plans/${planId}/approval`, { version: 1 }, { 'if-match': stale });
    expect(refused.status).toBe(412);
    expect(refused.body).toMatchObject({ code: 'CONCURRENCY.REVISION_MISMATCH', correlationId: expect.any(String) });
    expect(await h.eventCount()).toBe(events);
    const malformed = await h.call(ortho, 'POST', `/cases/${caseId}/plans/${planId}/approval`, { version: 1 }, { 'if-match': 'W/"abc"' });
    expect(malformed.status).toBe(400);
  });
});
