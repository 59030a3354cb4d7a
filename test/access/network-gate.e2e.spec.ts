import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { base32Decode, totpAt } from '@ortholedger/access';
import { createAdminApi } from '../../apps/admin-api/src/admin-api.app';
import { createClinicApi } from '../../apps/clinic-api/src/clinic-api.app';
import { captureLogger, testRuntime } from '../support/test-runtime';
import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';

const BACKOFFICE_NETWORK = '10.20.0.0/16';
const INSIDE = '10.20.1.1';
const OUTSIDE = '203.0.113.9';
const AGENT = 'network-gate-test/1.0';

type Injection = { method: 'GET' | 'POST' | 'HEAD' | 'OPTIONS'; url: string; headers?: Record<string, string>; payload?: object };

describe('back-office network: every admin-API request from outside ACCESS_NETWORKS_BACKOFFICE is refused before any handler', () => {
  let h: AccessHarness;
  let support: TestUser;
  let planner: TestUser;
  let plannerSession: SignedIn;

  beforeAll(async () => {
    // Only the back office is restricted: the clinic API keeps its default (anywhere).
    h = await AccessHarness.start({ env: { ACCESS_NETWORKS_BACKOFFICE: BACKOFFICE_NETWORK } });
    support = await h.createUser('backoffice', 'support');
    planner = await h.createUser('backoffice', 'treatment_planner');
    plannerSession = await h.signIn(planner, { ip: INSIDE });
  });
  afterAll(async () => h?.stop());

  /** One request with its own correlation id and the audit rows it left. */
  const send = async (app: NestFastifyApplication, request: Injection, remoteAddress: string) => {
    const correlationId = randomUUID();
    const res = await app.inject({ ...request, payload: request.payload as never, remoteAddress, headers: { ...request.headers, 'x-correlation-id': correlationId, 'user-agent': AGENT } });
    return { res, rows: await h.auditRows('correlation_id = $1', [correlationId]), correlationId };
  };

  const expectRefused = async (app: NestFastifyApplication, request: Injection, action: unknown, realm = 'backoffice', ip = OUTSIDE) => {
    const { res, rows, correlationId } = await send(app, request, ip);
    expect({ route: `${request.method} ${request.url}`, status: res.statusCode }).toEqual({ route: `${request.method} ${request.url}`, status: 403 });
    expect(res.json()).toEqual({ code: 'ACCESS.DENIED', message: 'Access denied', correlationId });
    expect(res.headers['x-correlation-id']).toBe(correlationId);
    // Exactly the gate's row: nothing behind it (login, MFA, guard) ran.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      realm, action, outcome: 'denied', status: 403, reason: 'ip_not_allowed', ip, user_agent: AGENT, correlation_id: correlationId,
      actor_id: null, role: null, session_id: null, patient_id: null,
    });
    return rows[0];
  };

  const freshChallenge = async (user: TestUser) => {
    const login = await h.admin.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: INSIDE });
    expect(login.statusCode).toBe(200);
    return login.json().challengeToken as string;
  };

  const userRow = async (id: string) => (await h.db.pools.owner.query('select * from access.users where id = $1', [id])).rows[0];

  it('public routes: the right password, a valid challenge and a valid code from outside get 403 and are never checked', async () => {
    const before = await userRow(support.id);
    await expectRefused(h.admin, { method: 'POST', url: '/auth/login', payload: { email: support.email, password: support.password } }, 'route:POST:auth.login');
    const challenge = await freshChallenge(support);
    await expectRefused(h.admin, { method: 'POST', url: '/auth/mfa/enroll', headers: bearer(challenge) }, 'route:POST:auth.mfa.enroll');
    // No TOTP seed was bound by the refused enrolment, and the password check left no trace.
    const after = await userRow(support.id);
    expect(after.totp_pending_secret).toBeNull();
    expect(after.failed_attempts).toBe(before.failed_attempts);

    const enrol = await h.admin.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: bearer(challenge), remoteAddress: INSIDE });
    expect(enrol.statusCode).toBe(200);
    support.totpSecret = new URL(enrol.json().otpauthUri).searchParams.get('secret')!;
    const secret = base32Decode(support.totpSecret);
    h.clock.advance(30_000);
    const code = totpAt(secret, h.clock.now());
    await expectRefused(h.admin, { method: 'POST', url: '/auth/mfa/verify', headers: bearer(challenge), payload: { code } }, 'route:POST:auth.mfa.verify');
    const { rowCount } = await h.db.pools.owner.query('select 1 from access.sessions where user_id = $1', [support.id]);
    expect(rowCount).toBe(0);
    // The same challenge and code still work from inside: the refused call consumed nothing.
    const verify = await h.admin.inject({ method: 'POST', url: '/auth/mfa/verify', headers: bearer(challenge), payload: { code }, remoteAddress: INSIDE });
    expect(verify.statusCode).toBe(200);
    await expectRefused(h.admin, { method: 'POST', url: '/auth/refresh', payload: { refreshToken: verify.json().refreshToken } }, 'route:POST:auth.refresh');
  });

  it('authenticated routes: a live session from outside gets 403 on /auth/me, /auth/password, /auth/break-glass and /auth/logout', async () => {
    const auth = bearer(plannerSession.accessToken);
    await expectRefused(h.admin, { method: 'GET', url: '/auth/me', headers: auth }, 'route:GET:auth.me');
    await expectRefused(h.admin, { method: 'POST', url: '/auth/password', headers: auth, payload: { currentPassword: planner.password, newPassword: 'a-new-password-from-outside-1' } }, 'route:POST:auth.password');
    await expectRefused(h.admin, { method: 'POST', url: '/auth/break-glass', headers: auth, payload: { reason: 'patient_safety', ticket: 'INC-1' } }, 'route:POST:auth.break-glass');
    await expectRefused(h.admin, { method: 'POST', url: '/auth/logout', headers: auth }, 'route:POST:auth.logout');
    // None of them happened: the password is unchanged, no break-glass, the session is live.
    const me = await h.admin.inject({ method: 'GET', url: '/auth/me', headers: auth, remoteAddress: INSIDE });
    expect(me.statusCode).toBe(200);
    expect(me.json().breakGlassUntil).toBeNull();
    const relogin = await h.admin.inject({ method: 'POST', url: '/auth/login', payload: { email: planner.email, password: planner.password }, remoteAddress: INSIDE });
    expect(relogin.statusCode).toBe(200);
  });

  it('authorized and unknown routes, readiness and preflights from outside get 403; liveness stays answerable', async () => {
    const supportSession = await h.signIn(support, { ip: INSIDE });
    const target = planner.id;
    const row = await expectRefused(h.admin, { method: 'GET', url: `/admin/users/${target}`, headers: bearer(supportSession.accessToken) }, 'route:GET:admin.users.:id');
    expect(row.params).toEqual({ 'path.id': target });
    await expectRefused(h.admin, { method: 'POST', url: `/admin/users/${target}/reset-password`, headers: bearer(supportSession.accessToken) }, 'route:POST:admin.users.:id.reset-password');
    await expectRefused(h.admin, { method: 'GET', url: '/no/such/route/Maria-Lopez-1990-01-01' }, 'route:GET:unmatched');
    await expectRefused(h.admin, { method: 'GET', url: '/health/ready' }, 'route:GET:health.ready');
    await expectRefused(h.admin, { method: 'OPTIONS', url: '/auth/login', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }, expect.stringMatching(/^route:OPTIONS:/));
    expect((await h.admin.inject({ method: 'GET', url: '/health', remoteAddress: OUTSIDE })).statusCode).toBe(200);
    expect((await h.admin.inject({ method: 'GET', url: '/health/ready', remoteAddress: INSIDE })).statusCode).toBe(200);
    expect((await h.admin.inject({ method: 'GET', url: `/admin/users/${target}`, headers: bearer(supportSession.accessToken), remoteAddress: INSIDE })).statusCode).toBe(200);
  });

  it('from inside the network every route behaves as before', async () => {
    const user = await h.createUser('backoffice', 'treatment_planner');
    const session = await h.signIn(user, { ip: INSIDE }); // login, enrol, verify, password change
    const auth = bearer(session.accessToken);
    const { res: me, rows } = await send(h.admin, { method: 'GET', url: '/auth/me', headers: auth }, INSIDE);
    expect(me.statusCode).toBe(200);
    expect(rows).toHaveLength(0); // own-session routes are not audited, as before
    const { res: glass, rows: glassRows } = await send(h.admin, { method: 'POST', url: '/auth/break-glass', headers: auth, payload: { reason: 'patient_safety', ticket: 'INC-2' } }, INSIDE);
    expect(glass.statusCode).toBe(200);
    expect(glassRows).toEqual([expect.objectContaining({ action: 'auth.break_glass', outcome: 'granted', ip: INSIDE })]);
    const refresh = await h.admin.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: session.refreshToken }, remoteAddress: INSIDE });
    expect(refresh.statusCode).toBe(200);
    const wrong = await send(h.admin, { method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'not-the-password' } }, INSIDE);
    expect(wrong.res.statusCode).toBe(401);
    expect(wrong.rows).toEqual([expect.objectContaining({ action: 'auth.login', reason: 'bad_password' })]);
    expect((await h.admin.inject({ method: 'GET', url: '/nope', remoteAddress: INSIDE })).statusCode).toBe(404);
  });

  it('the clinic API has its own setting: unset, it is reachable from anywhere', async () => {
    const staff = await h.createUser('clinic', 'clinic_staff', await h.clinicId());
    const session = await h.signIn(staff, { ip: OUTSIDE });
    expect((await h.clinic.inject({ method: 'GET', url: '/auth/me', headers: bearer(session.accessToken), remoteAddress: OUTSIDE })).statusCode).toBe(200);
  });

  it('ACCESS_NETWORKS_CLINIC gates the clinic API the same way', async () => {
    const { logger } = captureLogger();
    const clinic = await createClinicApi(testRuntime(h.db), logger, { clock: h.clock, env: { ACCESS_NETWORKS_CLINIC: '10.10.0.0/16' } });
    await clinic.init();
    await clinic.getHttpAdapter().getInstance().ready();
    try {
      const staff = await h.createUser('clinic', 'clinic_staff', await h.clinicId());
      await expectRefused(clinic, { method: 'POST', url: '/auth/login', payload: { email: staff.email, password: staff.password } }, 'route:POST:auth.login', 'clinic');
      await expectRefused(clinic, { method: 'GET', url: '/patients/00000000-0000-4000-8000-000000000000' }, 'route:GET:patients.:patientId', 'clinic');
      const inside = await clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: staff.email, password: staff.password }, remoteAddress: '10.10.3.4' });
      expect(inside.statusCode).toBe(200);
    } finally {
      await clinic.close();
    }
  });

  it('X-Forwarded-For counts only from TRUSTED_PROXIES: a spoofed header from anywhere else does not get through', async () => {
    const { logger } = captureLogger();
    const admin = await createAdminApi(testRuntime(h.db, { TRUSTED_PROXIES: '10.1.0.0/16' }), logger, { clock: h.clock, env: { ACCESS_NETWORKS_BACKOFFICE: BACKOFFICE_NETWORK } });
    await admin.init();
    await admin.getHttpAdapter().getInstance().ready();
    try {
      const login = { method: 'POST' as const, url: '/auth/login', payload: { email: support.email, password: 'not-the-password' } };
      // An untrusted peer naming an inside address: refused, audited under its own address.
      await expectRefused(admin, { ...login, headers: { 'x-forwarded-for': INSIDE } }, 'route:POST:auth.login', 'backoffice', OUTSIDE);
      await expectRefused(admin, { ...login, headers: { 'x-forwarded-for': `${OUTSIDE}, ${INSIDE}` } }, 'route:POST:auth.login', 'backoffice', OUTSIDE);
      // The load balancer forwarding an outside client: refused, audited under the client's address.
      const forwarded = await send(admin, { ...login, headers: { 'x-forwarded-for': OUTSIDE } }, '10.1.4.2');
      expect(forwarded.res.statusCode).toBe(403);
      expect(forwarded.rows).toEqual([expect.objectContaining({ reason: 'ip_not_allowed', ip: OUTSIDE })]);
      // The load balancer forwarding an inside client: through to the password check (wrong here: 401).
      const through = await send(admin, { ...login, headers: { 'x-forwarded-for': INSIDE } }, '10.1.4.2');
      expect(through.res.statusCode).toBe(401);
      expect(through.rows).toEqual([expect.objectContaining({ action: 'auth.login', reason: 'bad_password', ip: INSIDE })]);
    } finally {
      await admin.close();
    }
  });

  it('a flood from outside is recorded one by one up to 100 refusals per address and minute, then counted into one row', async () => {
    const flooder = '198.51.100.77';
    const before = (await h.auditRows('ip = $1', [flooder])).length;
    h.clock.advance(60_000); // a minute of its own
    const burst = await Promise.all(
      Array.from({ length: 130 }, () => h.admin.inject({ method: 'GET', url: '/no/such/route', remoteAddress: flooder, headers: { 'user-agent': AGENT } })),
    );
    expect(burst.every((r) => r.statusCode === 403 && r.json().code === 'ACCESS.DENIED')).toBe(true);
    let rows = await h.auditRows('ip = $1', [flooder]);
    expect(rows.length - before).toBe(100);
    // Another address keeps its own budget meanwhile.
    await expectRefused(h.admin, { method: 'GET', url: '/no/such/route' }, 'route:GET:unmatched');
    // The next minute: the 30 unrecorded refusals become one row, and this refusal is recorded again.
    h.clock.advance(60_000);
    await h.admin.inject({ method: 'POST', url: '/auth/login', remoteAddress: flooder, payload: {} });
    rows = await h.auditRows('ip = $1', [flooder]);
    const summary = rows.filter((r) => r.action === 'network.refusals_unrecorded');
    expect(summary).toEqual([expect.objectContaining({ realm: 'backoffice', outcome: 'denied', status: 403, reason: 'ip_not_allowed', params: { suppressed: 30 } })]);
    expect(rows.at(-1)).toMatchObject({ action: 'route:POST:auth.login', reason: 'ip_not_allowed' });
    expect(rows.length - before).toBe(102);
  });
});
