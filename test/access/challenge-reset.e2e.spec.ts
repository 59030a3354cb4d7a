import { randomUUID } from 'node:crypto';
import { base32Decode, totpAt } from '@ortholedger/access';
import { AccessHarness, bearer, type SignedIn, type TestUser } from './support/access-harness';

/*
 * A sign-in started before a credential change must not finish after it. The attack this pins down:
 * someone with the password starts a login; support resets the password and the second factor; a
 * minute later the old challenge enrols the attacker's TOTP and opens a session, and the real user
 * is locked out.
 */
describe('an MFA challenge started before a password or MFA reset cannot finish after it', () => {
  let h: AccessHarness;
  let support: SignedIn;

  beforeAll(async () => {
    h = await AccessHarness.start();
    support = await h.signIn(await h.createUser('backoffice', 'support'));
  });
  afterAll(async () => h?.stop());

  const login = async (user: TestUser, password = user.password) => {
    const res = await h.clinic.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password } });
    expect(res.statusCode).toBe(200);
    return res.json() as { mfa: string; challengeToken: string };
  };
  const enrol = (challenge: string) => h.clinic.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: { ...bearer(challenge), 'x-correlation-id': randomUUID() } });
  const verify = (challenge: string, seed: string) => {
    h.clock.advance(30_000); // a fresh TOTP step each time
    return h.clinic.inject({ method: 'POST', url: '/auth/mfa/verify', headers: bearer(challenge), payload: { code: totpAt(base32Decode(seed), h.clock.now()) } });
  };
  const asSupport = (url: string, payload?: object) => h.admin.inject({ method: 'POST', url, headers: bearer(support.accessToken), payload: payload as never });
  const seedOf = (enrolment: { otpauthUri: string }) => new URL(enrolment.otpauthUri).searchParams.get('secret')!;

  /** The answer an expired or forged challenge gets: the superseded one must not be told apart from it. */
  const expectExpiredAnswer = (res: { statusCode: number; json(): any }) => {
    expect(res.statusCode).toBe(401);
    const { correlationId, ...body } = res.json();
    expect(body).toEqual({ code: 'AUTH.INVALID_MFA', message: 'Invalid or expired second factor' });
    expect(typeof correlationId).toBe('string');
  };

  it('support resets the password and an engineer the MFA: the old challenge can neither enrol nor verify; a fresh login works', async () => {
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    await h.signIn(user);
    const stolen = await login(user); // the attacker knows the password
    expect(stolen.mfa).toBe('required');

    const reset = await asSupport(`/admin/users/${user.id}/reset-password`);
    expect(reset.statusCode).toBe(200);
    // Support holds the one-time password: the API leaves the second factor's reset to an engineer,
    // who issues the password again (support's copy stops working) and hands it to the user.
    expect((await asSupport(`/admin/users/${user.id}/reset-mfa`)).statusCode).toBe(409);
    const recovered = await h.identity.users.resetMfa(user.id, { realm: 'cli', role: 'engineer' });
    h.clock.advance(60_000);

    const enrolled = await enrol(stolen.challengeToken);
    expectExpiredAnswer(enrolled);
    expectExpiredAnswer(await h.clinic.inject({ method: 'POST', url: '/auth/mfa/enroll', headers: bearer('not.a.token') }));
    const { rows: [row] } = await h.db.pools.owner.query('select totp_secret, totp_pending_secret from access.users where id = $1', [user.id]);
    expect(row).toEqual({ totp_secret: null, totp_pending_secret: null }); // nothing was bound
    expectExpiredAnswer(await verify(stolen.challengeToken, user.totpSecret!));
    expect(await h.auditRows("actor_id = $1 and reason = 'challenge_superseded'", [user.id])).toEqual([
      expect.objectContaining({ action: 'auth.mfa_enrol', outcome: 'denied', status: 401 }),
      expect.objectContaining({ action: 'auth.mfa_verify', outcome: 'denied', status: 401 }),
    ]);
    const { rowCount } = await h.db.pools.owner.query('select 1 from access.sessions where user_id = $1 and revoked_at is null', [user.id]);
    expect(rowCount).toBe(0);

    // The real user, with the one-time password the engineer handed over, enrols and signs in.
    const fresh = await login(user, recovered.oneTimePassword);
    expect(fresh.mfa).toBe('enrolment_required');
    const enrolment = await enrol(fresh.challengeToken);
    expect(enrolment.statusCode).toBe(200);
    expect((await verify(fresh.challengeToken, seedOf(enrolment.json()))).statusCode).toBe(200);
  });

  it('a password reset alone (MFA kept) voids the challenge too, even with the right code', async () => {
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    await h.signIn(user);
    const stolen = await login(user);
    expect((await asSupport(`/admin/users/${user.id}/reset-password`)).statusCode).toBe(200);
    expectExpiredAnswer(await verify(stolen.challengeToken, user.totpSecret!));
  });

  it('a role change voids the challenge; unlocking the account does not', async () => {
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    await h.signIn(user);
    const beforeUnlock = await login(user);
    expect((await asSupport(`/admin/users/${user.id}/unlock`)).statusCode).toBe(200); // ends no session: keeps the challenge
    expect((await verify(beforeUnlock.challengeToken, user.totpSecret!)).statusCode).toBe(200);
    const beforeRole = await login(user);
    expect((await asSupport(`/admin/users/${user.id}/role`, { role: 'orthodontist' })).statusCode).toBe(200);
    expectExpiredAnswer(await verify(beforeRole.challengeToken, user.totpSecret!));
    expect((await verify((await login(user)).challengeToken, user.totpSecret!)).statusCode).toBe(200);
  });

  it('a reset that commits while the verification is in flight still wins: no session is opened', async () => {
    const user = await h.createUser('clinic', 'dentist', await h.clinicId());
    await h.signIn(user);
    const stolen = await login(user);
    // Hold the user's row as a reset's transaction would, let the verification queue behind it, then
    // move the credential version (what the reset does) and commit.
    const reset = await h.db.pools.owner.connect();
    try {
      await reset.query('begin');
      await reset.query('select 1 from access.users where id = $1 for update', [user.id]);
      const pending = verify(stolen.challengeToken, user.totpSecret!);
      for (let i = 0; i < 200; i += 1) {
        const { rows } = await h.db.pools.owner.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        if (rows[0].n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await reset.query('update access.users set credential_version = credential_version + 1 where id = $1', [user.id]);
      await reset.query('commit');
      expectExpiredAnswer(await pending);
    } finally {
      reset.release();
    }
    const { jti } = JSON.parse(Buffer.from(stolen.challengeToken.split('.')[1], 'base64url').toString('utf8'));
    const { rowCount } = await h.db.pools.owner.query('select 1 from access.sessions where challenge_id = $1', [jti]);
    expect(rowCount).toBe(0);
  });

  it("the user's own password change voids a challenge started with the old password; one started after it works", async () => {
    const user = await h.createUser('clinic', 'clinic_staff', await h.clinicId());
    const session = await h.signIn(user);
    const stolen = await login(user);
    const next = `pw-${randomUUID()}`;
    const changed = await h.clinic.inject({
      method: 'POST', url: '/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: user.password, newPassword: next },
    });
    expect(changed.statusCode).toBe(200);
    expectExpiredAnswer(await verify(stolen.challengeToken, user.totpSecret!));
    // The caller's own new session is untouched; a sign-in begun after the change goes through.
    expect((await h.clinic.inject({ method: 'GET', url: '/auth/me', headers: bearer(changed.json().accessToken) })).statusCode).toBe(200);
    expect((await verify((await login(user, next)).challengeToken, user.totpSecret!)).statusCode).toBe(200);
  });
});
