import { randomUUID } from 'node:crypto';
import { Canaries, expectStatus, findings, openCase, proposePlan, scan, ship } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

/** Closing a case through HTTP: no completion with aligners still at the lab; the record stays correctable. */
describe('closed cases (HTTP, real Postgres)', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  const c = new Canaries();
  const coordinatorId = randomUUID();

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    ortho = await h.user('orthodontist', await h.clinic('Closing Clinic'));
  });
  afterAll(async () => h?.stop());

  /** A case in treatment (first order shipped) with a second order still at the lab. */
  async function caseWithUnshippedOrder() {
    const { caseId } = await openCase(h, ortho, c);
    const finding = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/findings`, findings(c)), 201);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/scans`, scan()), 201);
    const plan = await proposePlan(h, caseId, 1, c);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/plans/${plan.planId}/approval`, { version: 1 }), 200);
    const first = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/orders`, { planVersion: 1, stageFrom: 1, stageTo: 10 }), 201);
    await ship(h, caseId, first.orderId, coordinatorId);
    const second = await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/orders`, { planVersion: 1, stageFrom: 11, stageTo: 20 }), 201);
    return { caseId, findingEntryId: finding.entryId as string, unshippedOrderId: second.orderId as string };
  }

  it('refuses completion while an order is unshipped (409), then completes once it ships and still takes a correction', async () => {
    const { caseId, findingEntryId, unshippedOrderId } = await caseWithUnshippedOrder();
    const refused = await h.call(ortho, 'POST', `/cases/${caseId}/completion`, {});
    expect([refused.status, refused.body.code]).toEqual([409, 'TREATMENT_CASE.ORDERS_UNSHIPPED']);

    await ship(h, caseId, unshippedOrderId, coordinatorId);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/completion`, {}), 200);
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/corrections`, {
      correctsEntryId: findingEntryId, reason: c.mark('Correctionreason'), replacement: { diagnosis: c.mark('Diagnosisfixed') },
    }), 201);

    const state = await h.call(ortho, 'GET', `/cases/${caseId}`);
    expect(state.body).toMatchObject({ status: 'Completed', nextAction: 'closed' });
    const history = await h.call(ortho, 'GET', `/cases/${caseId}/history`);
    const entries = history.body.entries as any[];
    expect(entries.slice(-2).map((e) => e.type)).toEqual(['CaseCompleted', 'EntryCorrected']);
    expect(entries.at(-1).content.replacement.diagnosis).toMatch(/^Diagnosisfixed/);
  });

  it('cancels with an order unshipped, records that order as void, and refuses its shipment afterwards', async () => {
    const { caseId, unshippedOrderId } = await caseWithUnshippedOrder();
    await expectStatus(h.call(ortho, 'POST', `/cases/${caseId}/cancellation`, { reason: c.mark('Cancelreason') }), 200);
    const history = await h.call(ortho, 'GET', `/cases/${caseId}/history`);
    expect((history.body.entries as any[]).at(-1).summary).toEqual({ kind: 'case_cancelled', voidedOrderIds: [unshippedOrderId] });
    await expect(ship(h, caseId, unshippedOrderId, coordinatorId)).rejects.toMatchObject({ code: 'TREATMENT_CASE.CLOSED' });
  });
});
