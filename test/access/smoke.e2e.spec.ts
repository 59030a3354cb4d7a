import { AccessHarness, bearer } from './support/access-harness';
import { ProbeController } from './support/probe.controller';

describe('smoke', () => {
  let h: AccessHarness;
  beforeAll(async () => {
    h = await AccessHarness.start({ controllers: [ProbeController] });
  });
  afterAll(async () => h?.stop());

  it('signs in and reads a probe', async () => {
    const clinic = await h.clinicId();
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    const s = await h.signIn(user);
    const patient = await h.patient(clinic, [user.id]);
    const res = await h.clinic.inject({ method: 'GET', url: `/probe/patients/${patient}`, headers: bearer(s.accessToken), remoteAddress: '10.0.0.1' });
    console.log(res.statusCode, res.body);
    const me = await h.clinic.inject({ method: 'GET', url: `/auth/me`, headers: bearer(s.accessToken) });
    console.log(me.statusCode, me.body);
    console.log((await h.auditRows()).map((r) => `${r.seq} ${r.action} ${r.outcome} ${r.reason}`).join('\n'));
    expect(res.statusCode).toBe(200);
  });
});
