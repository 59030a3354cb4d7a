import { Canaries, eventually, expectStatus, openCase } from '../treatment-workflow/support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from '../treatment-workflow/support/workflow-harness';
import { stopHarness } from './support/api';

/**
 * The lists (patient search, case board) are ranked and paged in read models that may lag behind
 * the log. A removal from the care team, which the single-record routes honour at once (503 while
 * the care team is behind, then 403), must not reach the removed clinician through a list while the
 * projections catch up: the list answers 503 until the patient's facts are current, then leaves the patient out.
 */
describe('lists while the projections lag behind a removal from the care team', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let colleague: Clinician;
  let staff: Clinician;

  beforeAll(async () => {
    h = await WorkflowHarness.start();
    const clinic = await h.clinic('A');
    [ortho, colleague, staff] = await Promise.all([h.user('orthodontist', clinic), h.user('orthodontist', clinic), h.user('clinic_staff', clinic)]);
  }, 60_000);
  afterAll(() => stopHarness(h));

  it('the removed orthodontist gets neither the patient from search nor the case from the board, before or after the catch-up', async () => {
    const canaries = new Canaries();
    const { patientId, caseId } = await openCase(h, ortho, canaries);
    const chartNumber = canaries.values.find((v) => v.startsWith('CHART'))!;
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: colleague.id, role: 'orthodontist' }), 201);
    const search = (who: Clinician) => h.call(who, 'POST', '/patients/search', { chartNumber });
    const board = (who: Clinician) => h.call(who, 'GET', '/case-board?limit=100');
    const found = (r: { status: number; body: any }) => r.status === 200 && r.body.results.some((x: { patientId: string }) => x.patientId === patientId);
    const listed = (r: { status: number; body: any }) => r.status === 200 && r.body.cases.some((x: { caseId: string }) => x.caseId === caseId);
    // Not vacuous: before the removal the orthodontist finds both (once the projections have them).
    expect(found((await eventually(() => search(ortho), found)).value)).toBe(true);
    expect(listed((await eventually(() => board(ortho), listed)).value)).toBe(true);

    // A slow lock holder on the care_team checkpoint: the projections cannot commit, so the removal
    // below reaches the log and not the read models until the lock goes.
    const holder = await h.db.pools.owner.connect();
    try {
      await holder.query('begin');
      await holder.query(`select 1 from read_models.projection_checkpoints where projection = 'care_team' and target = 'live' for update`);
      await expectStatus(h.call(colleague, 'DELETE', `/patients/${patientId}/care-team/${ortho.id}`), 200);
      // The single record fails closed while the care team is behind (503), as the lists must.
      expect((await h.call(ortho, 'GET', `/patients/${patientId}`)).status).toBe(503);
      const [searched, boarded] = [await search(ortho), await board(ortho)];
      expect([searched.status, searched.body.code]).toEqual([503, 'AUTH.UNAVAILABLE']);
      expect([boarded.status, boarded.body.code]).toEqual([503, 'AUTH.UNAVAILABLE']);
      expect(JSON.stringify(searched.body) + JSON.stringify(boarded.body)).not.toContain(chartNumber);
    } finally {
      await holder.query('rollback');
      holder.release();
    }

    // Caught up: the patient is gone from the removed orthodontist's lists, still in the colleague's and the clinic staff's.
    const ok = (r: { status: number }) => r.status === 200;
    expect((await eventually(() => h.call(ortho, 'GET', `/patients/${patientId}`), (r) => r.status === 403)).value.status).toBe(403);
    const after = (await eventually(() => search(ortho), ok)).value;
    expect([after.status, found(after)]).toEqual([200, false]);
    const afterBoard = (await eventually(() => board(ortho), ok)).value;
    expect([afterBoard.status, listed(afterBoard)]).toEqual([200, false]);
    expect(found((await eventually(() => search(colleague), found)).value)).toBe(true);
    expect(found((await eventually(() => search(staff), found)).value)).toBe(true);
    expect(listed((await eventually(() => board(staff), listed)).value)).toBe(true);
  }, 60_000);
});
