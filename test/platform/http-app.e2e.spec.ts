import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ReadinessRegistry } from '@ortholedger/platform';
import { createClinicApi } from '../../apps/clinic-api/src/clinic-api.app';
import { createAdminApi } from '../../apps/admin-api/src/admin-api.app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { captureLogger, testRuntime } from '../support/test-runtime';

describe('both APIs boot with health, hardening and correlation ids', () => {
  let db: TestDatabase;
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { logger } = captureLogger();
    apps.push(await createClinicApi(testRuntime(db), logger), await createAdminApi(testRuntime(db), logger));
    for (const app of apps) {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it.each([0, 1])('app %i: /health is live and /health/ready checks database and migrations', async (i) => {
    const live = await apps[i].inject({ method: 'GET', url: '/health' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await apps[i].inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details).toMatchObject({ database: { status: 'up' }, migrations: { status: 'up', pending: 0 }, eventLogClock: { status: 'up', ahead: true } });
  });

  it('readiness needs no login, so a burst of calls shares one round of checks (at most one a second)', async () => {
    let rounds = 0;
    apps[0].get(ReadinessRegistry).add({ name: 'counted', check: async () => ({ round: ++rounds }) });
    await new Promise((r) => setTimeout(r, 1100)); // past any round an earlier test started
    const burst = await Promise.all(Array.from({ length: 50 }, () => apps[0].inject({ method: 'GET', url: '/health/ready' })));
    expect(burst.every((r) => r.statusCode === 200)).toBe(true);
    expect(rounds).toBe(1);
    expect(new Set(burst.map((r) => r.json().details.counted.round))).toEqual(new Set([1]));
    await new Promise((r) => setTimeout(r, 1100));
    expect((await apps[0].inject({ method: 'GET', url: '/health/ready' })).json().details.counted).toEqual({ status: 'up', round: 2 });
  });

  it('every response carries security headers, no-store and a correlation id', async () => {
    const given = '3f0c2a9e-8b1d-4c6e-9f7a-2d4b6c8e0a1f';
    const res = await apps[0].inject({ method: 'GET', url: '/health', headers: { 'x-correlation-id': given } });
    expect(res.headers['x-correlation-id']).toBe(given);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    // Free text (it could be a name or a birth date) is never adopted: it would land in audit rows and event metadata.
    for (const bogus of ['<script>', 'Mia.Schmidt.2011-05-17', 'abcdefgh-1234']) {
      const res2 = await apps[0].inject({ method: 'GET', url: '/health', headers: { 'x-correlation-id': bogus } });
      expect(res2.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res2.headers['x-correlation-id']).not.toBe(bogus);
    }
  });

  it('unknown routes get the uniform error body without stack traces', async () => {
    const res = await apps[0].inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'REQUEST.NOT_FOUND', message: 'Not found', correlationId: expect.any(String) });
  });

  it('X-Forwarded-For names the client only when the request comes from a configured load balancer (TRUSTED_PROXIES)', async () => {
    const { logger } = captureLogger();
    const behindProxy = await createClinicApi(testRuntime(db, { TRUSTED_PROXIES: '10.1.0.0/16, 192.0.2.10' }), logger);
    await behindProxy.init();
    await behindProxy.getHttpAdapter().getInstance().ready();
    // The address the access policy's IP conditions see, as its audit row records it (a failed login).
    const seenIp = async (app: NestFastifyApplication, remoteAddress: string) => {
      const correlation = randomUUID();
      const res = await app.inject({
        method: 'POST', url: '/auth/login', remoteAddress, payload: { email: 'nobody@example.test', password: 'x' },
        headers: { 'x-correlation-id': correlation, 'x-forwarded-for': '203.0.113.7' },
      });
      expect(res.statusCode).toBe(401);
      const { rows } = await db.pools.owner.query('select ip from access.audit_events where correlation_id = $1', [correlation]);
      expect(rows.length).toBeGreaterThan(0);
      return rows[0].ip as string;
    };
    try {
      expect(await seenIp(behindProxy, '10.1.4.2')).toBe('203.0.113.7');
      expect(await seenIp(behindProxy, '192.0.2.10')).toBe('203.0.113.7');
      expect(await seenIp(behindProxy, '198.51.100.9')).toBe('198.51.100.9'); // not a proxy: its header is ignored
      expect(await seenIp(apps[0], '10.1.4.2')).toBe('10.1.4.2'); // no proxies configured (the default)
    } finally {
      await behindProxy.close();
    }
  });

  it('CORS is closed', async () => {
    const res = await apps[0].inject({ method: 'OPTIONS', url: '/health', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
