import { base32Decode, totpAt } from '@ortholedger/access';
import { AccessHarness } from './support/access-harness';

/**
 * The lock-out counts attempts, not finished failures: a burst of concurrent guesses gets no more
 * tries than a sequence of them would (20 here, the default), for the password and the second factor.
 */
// Dozens of argon2id verifications at once.
jest.setTimeout(240_000);

describe('lock-out under concurrent guesses', () => {
  let h: AccessHarness;
  let clinic: string;

  beforeAll(async () => {
    // The per-name delay (after 5 failures by default) would refuse part of a burst before the lock-out is reached.
    h = await AccessHarness.start({ env: { LOGIN_THROTTLE_AFTER_FAILURES: '50' } });
    clinic = await h.clinicId();
  });
  afterAll(async () => h?.stop());

  const failedAttempts = async (userId: string) =>
    (await h.db.pools.owner.query<{ failed_attempts: number; locked: boolean }>('select failed_attempts, locked_until is not null as locked from access.users where id = $1', [userId])).rows[0];

  it('60 second factors sent at once on one challenge: at most 20 are checked, then the account locks; the right code sent last is refused', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    await h.signIn(user);
    h.clock.advance(30_000);
    const login = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
    expect(login.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${login.json().challengeToken}` };
    const right = totpAt(base32Decode(user.totpSecret!), h.clock.now());
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const before = (await h.auditRows("action = 'auth.mfa_verify' and actor_id = $1", [user.id])).length;
    const codes = [...Array(60).fill(wrong), right];
    const results = await Promise.all(codes.map((code) => h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: auth, payload: { code } })));
    expect(results.map((r) => r.statusCode).filter((s) => s !== 401)).toEqual([]);
    const rows = (await h.auditRows("action = 'auth.mfa_verify' and actor_id = $1", [user.id])).slice(before);
    const checked = rows.filter((r) => r.reason === 'bad_second_factor').length;
    console.info(`lock-out: 61 concurrent second factors, ${checked} checked, ${rows.length - checked} refused unchecked`);
    expect(checked).toBeLessThanOrEqual(20);
    expect(await failedAttempts(user.id)).toEqual({ failed_attempts: 20, locked: true });
  });

  it('30 passwords sent at once: at most 20 are counted against the account, and the right one sent last does not get through', async () => {
    const user = await h.createUser('clinic', 'dentist', clinic);
    await h.signIn(user);
    const passwords = [...Array(30).fill('not-the-password'), user.password];
    const results = await Promise.all(
      passwords.map((password, i) => h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password }, remoteAddress: `10.9.${i}.1` })),
    );
    expect(results.map((r) => r.statusCode).filter((s) => s === 200)).toEqual([]);
    expect(await failedAttempts(user.id)).toEqual({ failed_attempts: 20, locked: true });
  });
});
