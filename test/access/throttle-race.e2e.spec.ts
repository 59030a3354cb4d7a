import type { LightMyRequestResponse } from 'fastify';
import { AccessHarness } from './support/access-harness';

/**
 * The login throttle counts attempts before the password is checked, as the lock-out does: a burst
 * of concurrent guesses from one address, or on one login name, gets no more checks than the limits
 * allow, and a refused attempt (429) counts for nothing.
 */
// Dozens of argon2id verifications at once.
jest.setTimeout(240_000);

const statuses = (results: LightMyRequestResponse[]) => results.reduce<Record<number, number>>((n, r) => ({ ...n, [r.statusCode]: (n[r.statusCode] ?? 0) + 1 }), {});
const reasons = (rows: Record<string, any>[]) => rows.reduce<Record<string, number>>((n, r) => ({ ...n, [r.reason]: (n[r.reason] ?? 0) + 1 }), {});

describe('per-address throttle under concurrent guesses', () => {
  let h: AccessHarness;
  let clinic: string;

  beforeAll(async () => {
    // A limit of 10 per address; the per-name delay out of the way.
    h = await AccessHarness.start({ env: { LOGIN_IP_FAILURES_PER_WINDOW: '10', LOGIN_THROTTLE_AFTER_FAILURES: '50' } });
    clinic = await h.clinicId();
  });
  afterAll(async () => h?.stop());

  const login = (email: string, password: string, ip: string) => h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: ip });
  const guess = (i: number, ip: string) => login(`guess-${i}@example.test`, 'not-the-password', ip);
  const ipFailures = async (ip: string) => (await h.db.pools.owner.query<{ failures: number }>('select failures from access.login_throttle where key = $1', [`ip:${ip}`])).rows[0]?.failures;

  it('30 unknown names sent at once from one address: 10 are checked, 20 refused unchecked; the right password from there is refused next', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    const ip = '10.50.0.1';
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(i, ip)));
    expect(statuses(results)).toEqual({ 401: 10, 429: 20 });
    expect((await login(user.email, user.password, ip)).statusCode).toBe(429);
    expect((await login(user.email, user.password, '10.50.0.2')).statusCode).toBe(200); // another address is not affected
    expect(await ipFailures(ip)).toBe(10);
    expect(reasons(await h.auditRows("action = 'auth.login' and ip = $1", [ip]))).toEqual({ unknown_login: 10, throttled: 21 });
  });

  it('a right password gives back only its own slot: after 9 failures and a success, one more failure is checked and the next attempt refused', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    const ip = '10.51.0.1';
    for (let i = 0; i < 9; i++) expect((await guess(i, ip)).statusCode).toBe(401);
    expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
    expect(await ipFailures(ip)).toBe(9); // not reset to 0
    expect((await guess(9, ip)).statusCode).toBe(401);
    expect((await login(user.email, user.password, ip)).statusCode).toBe(429);
    expect(await ipFailures(ip)).toBe(10);
  });

  it('an address at its limit waits for the end of the window its first failure began, not a whole window from the last failure', async () => {
    const ip = '10.52.0.1';
    expect((await guess(0, ip)).statusCode).toBe(401);
    h.clock.advance(10 * 60_000);
    for (let i = 1; i < 10; i++) expect((await guess(i, ip)).statusCode).toBe(401);
    expect((await guess(10, ip)).statusCode).toBe(429);
    h.clock.advance(5 * 60_000 - 1000);
    expect((await guess(11, ip)).statusCode).toBe(429);
    h.clock.advance(1000); // 15 min after the first failure: a new window
    expect((await guess(12, ip)).statusCode).toBe(401);
    expect(await ipFailures(ip)).toBe(1);
  });
});

describe('per-name throttle under concurrent guesses', () => {
  let h: AccessHarness;
  let clinic: string;

  beforeAll(async () => {
    h = await AccessHarness.start(); // defaults: 5 failures per name, then delays
    clinic = await h.clinicId();
  });
  afterAll(async () => h?.stop());

  it('30 wrong passwords for one name sent at once from 30 addresses: 6 are checked (the 6th starts the delay), 24 refused unchecked', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    const login = (password: string, ip: string) => h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password }, remoteAddress: ip });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login('not-the-password', `10.60.${i}.1`)));
    expect(statuses(results)).toEqual({ 401: 6, 429: 24 });
    expect(reasons(await h.auditRows("action = 'auth.login' and ip like '10.60.%'"))).toEqual({ bad_password: 6, throttled: 24 });
    const { rows } = await h.db.pools.owner.query<{ failed_attempts: number }>('select failed_attempts from access.users where id = $1', [user.id]);
    expect(rows[0].failed_attempts).toBe(6); // the lock-out saw only the checked ones
    const ips = await h.db.pools.owner.query<{ sum: number }>("select sum(failures)::int as sum from access.login_throttle where key like 'ip:10.60.%'");
    expect(ips.rows[0].sum).toBe(6); // nor did the addresses count the refused ones
    // The 6th failure delays the name by 2 s, from any address.
    expect((await login(user.password, '10.61.0.1')).statusCode).toBe(429);
    h.clock.advance(2000);
    expect((await login(user.password, '10.61.0.1')).statusCode).toBe(200);
  });
});
