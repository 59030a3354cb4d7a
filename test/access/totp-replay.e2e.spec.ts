import { base32Decode, TotpReplayGuard, totpAt, totpStep } from '@ortholedger/access';
import { AccessHarness, type TestUser } from './support/access-harness';

/** TOTP codes are single use: sequential replays, out-of-window steps and parallel races. */
// Hundreds of argon2id verifications / HTTP round trips: generous on a busy CI machine.
jest.setTimeout(240_000);

describe('TOTP replay', () => {
  let h: AccessHarness;
  let clinic: string;

  beforeAll(async () => {
    h = await AccessHarness.start();
    clinic = await h.clinicId();
  });
  afterAll(async () => h?.stop());

  async function challenge(user: TestUser): Promise<string> {
    const res = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
    expect(res.statusCode).toBe(200);
    return res.json().challengeToken;
  }

  const verify = (token: string, code: string) =>
    h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: { authorization: `Bearer ${token}` }, payload: { code } });

  const codeAt = (user: TestUser, offsetSteps: number) => totpAt(base32Decode(user.totpSecret!), new Date(h.clock.now().getTime() + offsetSteps * 30_000));

  it('a used code replayed 1,000 times is never accepted again', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    await h.signIn(user);
    h.clock.advance(30_000);
    const token = await challenge(user);
    const code = codeAt(user, 0);
    expect((await verify(token, code)).statusCode).toBe(200);

    // The first replays happen before any lock-out: they fail because they are replays...
    for (let i = 0; i < 5; i++) expect((await verify(token, code)).statusCode).toBe(401);
    // ...and a fresh code of the next step still works, so the account was not locked by them.
    h.clock.advance(30_000);
    const next = codeAt(user, 0);
    expect((await verify(await challenge(user), next)).statusCode).toBe(200);

    let accepted = 0;
    const replayToken = await challenge(user);
    for (let i = 0; i < 1000; i++) {
      const res = await verify(replayToken, next);
      if (res.statusCode === 200) accepted += 1;
      else expect(res.json().code).toBe('AUTH.INVALID_MFA');
    }
    console.info(`TOTP: 1,000 replays of a used code, ${accepted} accepted`);
    expect(accepted).toBe(0);
  });

  it('steps -2 and +2 are refused; -1 and +1 are accepted once', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    await h.signIn(user);
    h.clock.advance(5 * 30_000);
    expect((await verify(await challenge(user), codeAt(user, -2))).statusCode).toBe(401);
    expect((await verify(await challenge(user), codeAt(user, 2))).statusCode).toBe(401);
    expect((await verify(await challenge(user), codeAt(user, -1))).statusCode).toBe(200);
    expect((await verify(await challenge(user), codeAt(user, 1))).statusCode).toBe(200);
    // An older step than the newest accepted one is a replay too (RFC 6238 section 5.2).
    expect((await verify(await challenge(user), codeAt(user, 0))).statusCode).toBe(401);
  });

  it('10 parallel submissions of one fresh code through the API: exactly 1 succeeds', async () => {
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    await h.signIn(user);
    h.clock.advance(30_000);
    // Challenges one after another: the login throttle counts concurrent logins of one name while they are checked (6 by default).
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) tokens.push(await challenge(user));
    const code = codeAt(user, 0);
    const results = await Promise.all(tokens.map((t) => verify(t, code)));
    const ok = results.filter((r) => r.statusCode === 200).length;
    console.info(`TOTP: 10 parallel submissions of one code, ${ok} succeeded`);
    expect(ok).toBe(1);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(9);
  });

  it('10 parallel claims of one step on separate connections: the database lets exactly 1 through', async () => {
    const user = await h.createUser('clinic', 'orthodontist', clinic);
    const step = totpStep(h.clock.now());
    const guards = Array.from({ length: 10 }, () => new TotpReplayGuard(h.db.pools.app));
    const wins = (await Promise.all(guards.map((g) => g.claim(user.id, step, h.clock.now())))).filter(Boolean).length;
    expect(wins).toBe(1);
  });
});
