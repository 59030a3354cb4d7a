import { randomUUID } from 'node:crypto';
import { AccessHarness, type TestUser } from './support/access-harness';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Unknown login names and wrong passwords of existing accounts must be indistinguishable: same
 * status, same body (given the same correlation id), comparable time; throttling and lock-out
 * included. 50 existing and 50 unknown names, 10 rounds each: 500 + 500 attempts.
 */
// Hundreds of argon2id verifications / HTTP round trips: generous on a busy CI machine.
jest.setTimeout(240_000);

describe('login does not reveal which accounts exist', () => {
  let h: AccessHarness;
  const existing: TestUser[] = [];

  beforeAll(async () => {
    h = await AccessHarness.start();
    const clinic = await h.clinicId();
    for (let i = 0; i < 50; i++) existing.push(await h.createUser('clinic', 'clinic_staff', clinic));
  });
  afterAll(async () => h?.stop());

  const attempt = async (email: string, ip: string, correlation: string) => {
    const started = process.hrtime.bigint();
    const res = await h.clinic.inject({
      method: 'POST', url: '/auth/login', remoteAddress: ip,
      headers: { 'x-correlation-id': correlation }, payload: { email, password: 'wrong password guess' },
    });
    return { status: res.statusCode, body: res.body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

  it('500 logins each for existing and unknown users: identical status and body', async () => {
    const differences: string[] = [];
    const timing = { existing: [] as number[], unknown: [] as number[] };
    const statuses = new Map<number, number>();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < existing.length; i++) {
        const ip = `10.77.${round}.${i + 1}`;
        const correlation = randomUUID(); // the same id on both attempts, so the bodies can be compared whole
        const known = await attempt(existing[i].email, ip, correlation);
        const unknown = await attempt(`nobody-${i}@example.test`, ip, correlation);
        if (known.status !== unknown.status || known.body !== unknown.body) differences.push(`round ${round} #${i}: ${known.status} vs ${unknown.status}`);
        statuses.set(known.status, (statuses.get(known.status) ?? 0) + 1);
        if (known.status === 401) timing.existing.push(known.ms);
        if (unknown.status === 401) timing.unknown.push(unknown.ms);
      }
      // Between rounds: past the per-name delay and the per-IP window, as a patient attacker would wait.
      h.clock.advance(16 * 60_000);
    }
    const ratio = median(timing.existing) / median(timing.unknown);
    console.info(
      `enumeration: 500 + 500 attempts, ${differences.length} differences; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `median 401 time existing ${median(timing.existing).toFixed(1)} ms vs unknown ${median(timing.unknown).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
    );
    expect(differences).toEqual([]);
    // Both paths run one argon2id verification; a loose bound only, this is not a timing benchmark.
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
  });

  it('throttling looks the same for both; lock-out is silent and support can lift it', async () => {
    const victim = await h.createUser('clinic', 'dentist', existing[0].clinicId);
    const sequence = async (email: string) => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) {
        out.push((await attempt(email, `10.88.0.${i + 1}`, `seq-${i}-abcdefgh`)).status);
        h.clock.advance(1000);
      }
      return out;
    };
    const known = await sequence(victim.email);
    const unknown = await sequence('never-registered@example.test');
    expect(known).toEqual(unknown);
    expect(known).toContain(429); // the per-name delay did kick in
    // Patient guessing past every delay: consecutive failures lock the account (silently) well
    // before 100; from then on the right password gets the same answer as a wrong one.
    for (let i = 0; i < 25; i++) {
      h.clock.advance(16 * 60_000);
      const res = await attempt(victim.email, `10.89.0.${i + 1}`, randomUUID());
      expect(res.status).toBe(401);
    }
    const locked = (await h.identity.users.get(victim.id)).locked;
    expect(locked).toBe(true);
    h.clock.advance(16 * 60_000);
    const lockedCheck = randomUUID();
    const right = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: victim.email, password: victim.password }, headers: { 'x-correlation-id': lockedCheck } });
    const wrong = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: 'never-registered@example.test', password: 'x' }, headers: { 'x-correlation-id': lockedCheck } });
    expect([right.statusCode, right.body]).toEqual([wrong.statusCode, wrong.body]);
    expect(right.statusCode).toBe(401);

    // Support unlocks (audited); the right password works again.
    await h.identity.users.unlock(victim.id, { realm: 'backoffice', role: 'support' });
    const after = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: victim.email, password: victim.password } });
    expect(after.statusCode).toBe(200);
    expect(await h.auditRows("action = 'users.unlock' and resource_id = $1", [victim.id])).toHaveLength(1);
  });

  it('per-IP throttling: 100 failures from one address block that address only', async () => {
    const user = await h.createUser('clinic', 'dentist', existing[0].clinicId);
    h.clock.advance(60 * 60_000);
    for (let i = 0; i < 100; i++) {
      expect((await attempt(`spray-${i}@example.test`, '10.99.0.1', `spray-${i}-abcdefgh`)).status).toBe(401);
    }
    const login = (ip: string) => h.clinic.inject({ method: 'POST', url: '/auth/login', remoteAddress: ip, payload: { email: user.email, password: user.password } });
    const blocked = await login('10.99.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect((await login('10.99.0.2')).statusCode).toBe(200);
    h.clock.advance(16 * 60_000);
    expect((await login('10.99.0.1')).statusCode).toBe(200); // the window has passed
  });

  it('per-IP throttling counts an IPv6 client by its /64: rotating through its own addresses does not escape it', async () => {
    const user = await h.createUser('clinic', 'dentist', existing[0].clinicId);
    h.clock.advance(60 * 60_000);
    for (let i = 0; i < 100; i++) {
      expect((await attempt(`spray6-${i}@example.test`, `2001:db8:5:6::${(i + 1).toString(16)}`, `spray6-${i}-abcdefgh`)).status).toBe(401);
    }
    const login = (ip: string) => h.clinic.inject({ method: 'POST', url: '/auth/login', remoteAddress: ip, payload: { email: user.email, password: user.password } });
    expect((await login('2001:db8:5:6:ffff::1')).statusCode).toBe(429); // a new address, the same /64
    expect((await login('2001:db8:5:7::1')).statusCode).toBe(200); // the next /64 is someone else
  });
});
