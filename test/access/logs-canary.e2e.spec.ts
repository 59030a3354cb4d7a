import { base32Decode, totpAt } from '@ortholedger/access';
import type pg from 'pg';
import { AccessHarness, bearer, type TestUser } from './support/access-harness';
import { ProbeController, UndeclaredController } from './support/probe.controller';

/**
 * Canary PHI and secrets go into every route of both APIs (bodies, queries, headers, wrong and
 * right inputs, failures). None may appear in the captured logs, the audit table or error bodies.
 */
describe('no PHI or secrets in logs', () => {
  let h: AccessHarness;
  const canaries: string[] = [];
  const bodies: string[] = [];
  const canary = (label: string) => {
    const value = `Canary${label}${Math.random().toString(36).slice(2, 8)}`;
    canaries.push(value);
    return value;
  };

  beforeAll(async () => {
    h = await AccessHarness.start({ controllers: [ProbeController, UndeclaredController] });
  });
  afterAll(async () => h?.stop());

  it('drives every route and finds 0 canaries', async () => {
    const name = canary('Patient');
    const clinicName = canary('Clinic');
    const clinic = await h.clinicId(clinicName);
    const patient = await h.patient(clinic);
    const call = async (app: 'clinic' | 'admin', method: 'GET' | 'POST', url: string, options: { token?: string; payload?: unknown; headers?: Record<string, string> } = {}) => {
      const res = await h[app].inject({ method, url, payload: options.payload as never, headers: { ...(options.token ? bearer(options.token) : {}), ...options.headers } });
      bodies.push(res.body);
      return res;
    };

    // Support signs in (its secrets become canaries too) and creates a clinic user with a canary e-mail.
    const supportUser = await h.createUser('backoffice', 'support');
    const support = await h.signIn(supportUser);
    canaries.push(supportUser.password, supportUser.totpSecret!, support.accessToken, support.refreshToken);
    const email = `${canary('Email').toLowerCase()}@canary-clinic.test`;
    const created = await call('admin', 'POST', '/admin/users', { token: support.accessToken, payload: { realm: 'clinic', role: 'orthodontist', email, clinicId: clinic } });
    expect(created.statusCode).toBe(201);
    const { user: view, oneTimePassword } = created.json();
    canaries.push(oneTimePassword);
    await h.careTeam.addMember(patient, view.id);
    const user: TestUser = { id: view.id, realm: 'clinic', role: 'orthodontist', email, password: oneTimePassword, clinicId: clinic };

    // Every auth route of the clinic API, with wrong inputs first.
    await call('clinic', 'POST', '/auth/login', { payload: { email, password: canary('WrongPassword') } });
    await call('clinic', 'POST', '/auth/login', { payload: { email: `${canary('Unknown')}@example.test`, password: canary('Pw') } });
    await call('clinic', 'POST', '/auth/login', { payload: { email: canary('NotAnEmail'), password: 42, extra: name } });
    await call('clinic', 'POST', '/auth/login', { payload: `{"email":"${name}",`, headers: { 'content-type': 'application/json' } });
    const login = await call('clinic', 'POST', '/auth/login', { payload: { email, password: oneTimePassword } });
    const challenge = login.json().challengeToken;
    canaries.push(challenge);
    await call('clinic', 'POST', '/auth/mfa/verify', { token: challenge, payload: { code: '000000' } });
    const enrol = await call('clinic', 'POST', '/auth/mfa/enroll', { token: challenge });
    const secret = new URL(enrol.json().otpauthUri).searchParams.get('secret')!;
    canaries.push(secret, ...enrol.json().recoveryCodes);
    await call('clinic', 'POST', '/auth/mfa/verify', { token: challenge, payload: { recoveryCode: canary('Recovery') } });
    h.clock.advance(30_000);
    const verified = await call('clinic', 'POST', '/auth/mfa/verify', { token: challenge, payload: { code: totpAt(base32Decode(secret), h.clock.now()) } });
    let tokens = verified.json();
    canaries.push(tokens.accessToken, tokens.refreshToken);
    await call('clinic', 'POST', '/auth/password', { token: tokens.accessToken, payload: { currentPassword: canary('BadCurrent'), newPassword: canary('New') } });
    await call('clinic', 'POST', '/auth/password', { token: tokens.accessToken, payload: { currentPassword: oneTimePassword, newPassword: 'short' } });
    const newPassword = `${canary('NewPassword')} long enough`;
    const changed = await call('clinic', 'POST', '/auth/password', { token: tokens.accessToken, payload: { currentPassword: oneTimePassword, newPassword } });
    expect(changed.statusCode).toBe(200);
    tokens = changed.json();
    canaries.push(tokens.accessToken, tokens.refreshToken);
    await call('clinic', 'GET', '/auth/me', { token: tokens.accessToken, headers: { 'user-agent': 'test-agent' } });
    const rotated = await call('clinic', 'POST', '/auth/refresh', { payload: { refreshToken: tokens.refreshToken } });
    canaries.push(rotated.json().accessToken, rotated.json().refreshToken);
    const access = rotated.json().accessToken;

    // PHI-like routes: canaries in query strings, bodies and unknown fields; granted, denied, failing.
    await call('clinic', 'GET', `/probe/patients/${patient}?q=${name}`, { token: access });
    await call('clinic', 'GET', `/probe/patients/${await h.patient(await h.clinicId())}?name=${name}`, { token: access });
    await call('clinic', 'POST', `/probe/patients/${patient}/fail`, { token: access, payload: { givenName: name, notes: name } });
    await call('clinic', 'GET', `/probe/open/patients/${patient}?q=${name}`);
    await call('clinic', 'GET', `/nope?q=${name}`);
    await call('clinic', 'GET', `/probe/undeclared?q=${name}`, { token: access });
    await call('clinic', 'GET', '/health/ready');

    // The audit store failing (503) logs an error line: it must not carry request data either.
    const admin: pg.Client = await h.db.admin();
    await admin.query('revoke execute on function access.append_audit_events from ortholedger_app');
    await call('clinic', 'GET', `/probe/patients/${patient}?q=${name}`, { token: access });
    await admin.query('grant execute on function access.append_audit_events to ortholedger_app');
    await admin.end();

    // Back office: break-glass (free-text ticket refused) and every user-administration route.
    const coordinatorUser = await h.createUser('backoffice', 'case_coordinator');
    const coordinator = await h.signIn(coordinatorUser);
    canaries.push(coordinatorUser.password, coordinator.accessToken);
    await call('admin', 'POST', '/auth/break-glass', { token: coordinator.accessToken, payload: { reason: 'patient_safety', ticket: name } });
    await call('admin', 'POST', '/auth/break-glass', { token: coordinator.accessToken, payload: { reason: 'patient_safety', ticket: 'INC-1' } });
    await call('admin', 'POST', '/admin/clinics', { token: support.accessToken, payload: { displayName: canary('Clinic2') } });
    await call('admin', 'GET', `/admin/users/${user.id}`, { token: support.accessToken });
    // The password first: after an MFA reset the API refuses a password reset (the user renews MFA first).
    for (const route of ['unlock', 'reset-password', 'reset-mfa', 'disable']) {
      const res = await call('admin', 'POST', `/admin/users/${user.id}/${route}`, { token: support.accessToken });
      if (route === 'reset-password') canaries.push(res.json().oneTimePassword);
    }
    await call('admin', 'POST', `/admin/users/${user.id}/role`, { token: support.accessToken, payload: { role: 'dentist' } });
    await call('admin', 'POST', '/admin/users', { token: support.accessToken, payload: { realm: 'backoffice', role: 'platform_admin', email: `${canary('Escalate')}@x.test` } });
    await call('admin', 'POST', '/auth/logout', { token: coordinator.accessToken });
    await call('clinic', 'POST', '/auth/logout', { token: access });

    const logs = h.log.lines.join('\n');
    if (process.env.SHOW_LOGS) console.log(h.log.lines.filter((l) => !l.includes('RouterExplorer')).join(''));
    const { rows } = await h.db.pools.owner.query('select * from access.audit_events');
    const audit = JSON.stringify(rows);
    const found = canaries.filter((c) => logs.includes(c) || audit.includes(c));
    const inErrorBodies = canaries.filter((c) => bodies.some((b) => b.includes('"code"') && b.includes(c)));
    console.info(`logs: ${h.log.lines.length} log lines, ${rows.length} audit rows, ${canaries.length} canaries, ${found.length} found`);
    expect(h.log.lines.length).toBeGreaterThan(40);
    expect(found).toEqual([]);
    expect(inErrorBodies).toEqual([]);
  });
});
