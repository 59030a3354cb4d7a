import * as fs from 'node:fs';
import { base32Decode, DEMO_CLINIC_ID, formatDemoIdentities, seedDemoIdentities, totpAt } from '@ortholedger/access';
import { createClinicApi } from '../../apps/clinic-api/src/clinic-api.app';
import { testRuntime } from '../support/test-runtime';
import { AccessHarness, bearer, type SignedIn } from './support/access-harness';
import { ProbeController, probeCalls, UndeclaredController } from './support/probe.controller';

describe('identity administration, demo identities, keys and route declarations', () => {
  let h: AccessHarness;
  let support: SignedIn;

  beforeAll(async () => {
    h = await AccessHarness.start({ controllers: [ProbeController, UndeclaredController] });
    support = await h.signIn(await h.createUser('backoffice', 'support'));
  });
  afterAll(async () => h?.stop());

  const asSupport = (method: 'GET' | 'POST', url: string, payload?: object) =>
    h.admin.inject({ method, url, headers: bearer(support.accessToken), payload: payload as never });

  it('demo identities: a clinic and one user per role with one-time passwords; idempotent; refused in production', async () => {
    const demo = await seedDemoIdentities(h.identity);
    expect(demo.clinicId).toBe(DEMO_CLINIC_ID);
    expect(demo.credentials.map((c) => c.role).sort()).toEqual(
      ['case_coordinator', 'clinic_staff', 'compliance_officer', 'dentist', 'orthodontist', 'platform_admin', 'support', 'treatment_planner'],
    );
    expect(demo.credentials.every((c) => typeof c.oneTimePassword === 'string' && c.oneTimePassword.length >= 20)).toBe(true);
    expect(formatDemoIdentities(demo)).toContain('orthodontist@demo.ortholedger.test');

    // The orthodontist finishes sign-up; a second seeding leaves them alone and re-issues the rest.
    const ortho = demo.credentials.find((c) => c.role === 'orthodontist')!;
    await h.signIn({ id: ortho.userId, realm: 'clinic', role: 'orthodontist', email: ortho.email, password: ortho.oneTimePassword!, clinicId: demo.clinicId });
    const again = await seedDemoIdentities(h.identity);
    expect(again.credentials.find((c) => c.role === 'orthodontist')!.oneTimePassword).toBeUndefined();
    const dentist = again.credentials.find((c) => c.role === 'dentist')!;
    expect(dentist.oneTimePassword).not.toBe(demo.credentials.find((c) => c.role === 'dentist')!.oneTimePassword);
    expect(dentist.userId).toBe(demo.credentials.find((c) => c.role === 'dentist')!.userId);

    await expect(seedDemoIdentities({ ...h.identity, config: { ...h.identity.config, production: true } })).rejects.toMatchObject({ code: 'ACCESS.DEMO_REFUSED' });
  });

  it('support creates users, sees no login names or secrets, and cannot create privileged roles', async () => {
    const clinic = await h.clinicId();
    const created = await asSupport('POST', '/admin/users', { realm: 'clinic', role: 'dentist', email: 'new.dentist@example.test', clinicId: clinic });
    expect(created.statusCode).toBe(201);
    expect(Object.keys(created.json().user).sort()).toEqual(['clinicId', 'disabled', 'id', 'locked', 'mfaEnrolled', 'passwordChangeRequired', 'realm', 'role']);
    expect((await asSupport('POST', '/admin/users', { realm: 'clinic', role: 'dentist', email: 'NEW.dentist@example.test ', clinicId: clinic })).statusCode).toBe(409);
    expect((await asSupport('POST', '/admin/users', { realm: 'clinic', role: 'case_coordinator', email: 'x@example.test', clinicId: clinic })).statusCode).toBe(422);
    expect((await asSupport('POST', '/admin/users', { realm: 'clinic', role: 'dentist', email: 'y@example.test' })).statusCode).toBe(422);
    const escalate = await asSupport('POST', '/admin/users', { realm: 'backoffice', role: 'platform_admin', email: 'boss@example.test' });
    expect(escalate.statusCode).toBe(403);
    const planner = (await asSupport('POST', '/admin/users', { realm: 'backoffice', role: 'treatment_planner', email: 'p@example.test' })).json().user;
    expect((await asSupport('POST', `/admin/users/${planner.id}/role`, { role: 'support' })).statusCode).toBe(403);
    expect(await h.auditRows("action in ('users.create', 'users.change_role') and outcome = 'denied' and reason = 'privileged_role'")).toHaveLength(2);
    expect((await asSupport('GET', '/admin/users/not-a-uuid')).statusCode).toBe(400);
  });

  it('only support may administer users', async () => {
    const coordinator = await h.signIn(await h.createUser('backoffice', 'case_coordinator'));
    const res = await h.admin.inject({ method: 'POST', url: '/admin/users', headers: bearer(coordinator.accessToken), payload: { realm: 'backoffice', role: 'support', email: 'z@example.test' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ACCESS.DENIED');
    // The clinic API has no administration routes at all.
    expect((await h.clinic.inject({ method: 'POST', url: '/admin/users', headers: bearer(support.accessToken) })).statusCode).toBe(404);
  });

  it('a recovery code signs in exactly once', async () => {
    const user = await h.createUser('clinic', 'clinic_staff', await h.clinicId());
    await h.signIn(user);
    const challenge = async () => (await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } })).json().challengeToken;
    const useCode = async (code: string) =>
      h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: bearer(await challenge()), payload: { recoveryCode: code } });
    const code = user.recoveryCodes![0];
    expect((await useCode(code.toUpperCase())).statusCode).toBe(200);
    expect((await useCode(code)).statusCode).toBe(401);
    // One challenge opens at most one session.
    const token = await challenge();
    h.clock.advance(30_000);
    const first = await h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: bearer(token), payload: { code: totpAt(base32Decode(user.totpSecret!), h.clock.now()) } });
    expect(first.statusCode).toBe(200);
    const second = await h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: bearer(token), payload: { recoveryCode: user.recoveryCodes![1] } });
    expect(second.statusCode).toBe(401);
    // Enrolment happens once; a second factor is replaced only through support's MFA reset.
    const again = await h.clinic.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: bearer(await challenge()) });
    expect(again.statusCode).toBe(409);
  });

  it('a route without an access declaration is refused before its handler', async () => {
    const before = probeCalls.count;
    const res = await h.clinic.inject({ method: 'GET', url: '/probe/undeclared', headers: bearer(support.accessToken) });
    expect(res.statusCode).toBe(403);
    expect(probeCalls.count).toBe(before);
    expect((await h.clinic.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('signing keys: one ES256 key per realm, 0600, shared by every instance on the data directory', async () => {
    for (const realm of ['clinic', 'backoffice'] as const) {
      const file = h.identity.config.keys[realm].privateKeyFile;
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
    const clinicKey = fs.readFileSync(h.identity.config.keys.clinic.privateKeyFile, 'utf8');
    expect(clinicKey).not.toBe(fs.readFileSync(h.identity.config.keys.backoffice.privateKeyFile, 'utf8'));
    // A second clinic API on the same data directory (a restart, another instance) uses the same
    // key: a token issued by the first is accepted by the second; a back-office token by neither.
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    const s = await h.signIn(user);
    const restarted = await createClinicApi(testRuntime(h.db), h.log.logger, { clock: h.clock });
    await restarted.init();
    await restarted.getHttpAdapter().getInstance().ready();
    try {
      expect((await restarted.inject({ method: 'GET', url: '/auth/me', headers: bearer(s.accessToken) })).statusCode).toBe(200);
      expect((await restarted.inject({ method: 'GET', url: '/auth/me', headers: bearer(support.accessToken) })).statusCode).toBe(401);
    } finally {
      await restarted.close();
    }
  });
});
