import { PostgresCareTeamDirectory } from '@ortholedger/access';
import { eventually, expectStatus, openCase } from './support/workflow-fixtures';
import { type Clinician, WorkflowHarness } from './support/workflow-harness';

/**
 * The clinic API with care-team heads read through the event store port (the EventStoreDB path; the
 * port here is the Postgres adapter's): through HTTP, access follows the care team and the clinic.
 */
describe('access with care-team heads read through the port', () => {
  let h: WorkflowHarness;
  let ortho: Clinician;
  let dentist: Clinician;
  let foreign: Clinician;

  beforeAll(async () => {
    h = await WorkflowHarness.start({ careTeamHeadsThroughPort: true });
    const clinic = await h.clinic('Clinic A');
    ortho = await h.user('orthodontist', clinic);
    dentist = await h.user('dentist', clinic);
    foreign = await h.user('orthodontist', await h.clinic('Clinic B'));
  });
  afterAll(async () => h?.stop());

  it('the treating orthodontist reads; a colleague only while on the care team; another clinic never', async () => {
    const { patientId, caseId } = await openCase(h, ortho);
    await expectStatus(h.call(ortho, 'GET', `/patients/${patientId}`), 200);

    const dentistReads = () => h.call(dentist, 'GET', `/cases/${caseId}`).then((r) => r.status);
    expect(await dentistReads()).toBe(403);
    await expectStatus(h.call(ortho, 'POST', `/patients/${patientId}/care-team`, { userId: dentist.id, role: 'dentist' }), 201);
    expect((await eventually(dentistReads, (s) => s === 200)).value).toBe(200);
    await expectStatus(h.call(ortho, 'DELETE', `/patients/${patientId}/care-team/${dentist.id}`), 200);
    expect((await eventually(dentistReads, (s) => s === 403)).value).toBe(403);
    // The interim tables (written by the command side) may lag or be lost; they must not decide for a
    // patient the log knows. Put the dentist back there alone: the read model still says no.
    await new PostgresCareTeamDirectory(h.db.pools.app).addMember(patientId, dentist.id);
    expect(await dentistReads()).toBe(403);

    // Another clinic's orthodontist, even once added by id, gets nothing.
    expect((await h.call(foreign, 'GET', `/patients/${patientId}`)).status).toBe(403);
    expect((await h.call(foreign, 'GET', `/cases/${caseId}`)).status).toBe(403);
  });
});
